// Package logthrottle keeps repeated warnings from flooding the log: the
// one copy of rate-limited logging. A message (per key) is logged at most
// once per interval; the next one that gets through says how many were
// suppressed in between.
package logthrottle

import (
	"context"
	"log/slog"
	"sync"
	"time"
)

// DefaultEvery is the interval most callers want.
const DefaultEvery = 10 * time.Second

// maxKeys bounds the keys remembered: past it the oldest interval's keys
// are forgotten (a forgotten key logs at once, which is harmless).
const maxKeys = 4096

// Logger logs through log at most once per Every for each key. The zero
// value is not usable; use New. Safe for concurrent use.
type Logger struct {
	log   *slog.Logger
	every time.Duration
	now   func() time.Time

	mu   sync.Mutex
	keys map[string]*entry
}

type entry struct {
	last       time.Time
	suppressed int
}

// New returns a Logger for log; every <= 0 means DefaultEvery.
func New(log *slog.Logger, every time.Duration) *Logger {
	if every <= 0 {
		every = DefaultEvery
	}
	return &Logger{log: log, every: every, now: time.Now, keys: map[string]*entry{}}
}

// Warn logs msg at warning level unless a message of the same key was
// logged less than Every ago. The key is msg.
func (l *Logger) Warn(msg string, args ...any) { l.Log(slog.LevelWarn, msg, msg, args...) }

// Error is Warn at error level.
func (l *Logger) Error(msg string, args ...any) { l.Log(slog.LevelError, msg, msg, args...) }

// Log logs msg at level under key (several messages can share a key, or
// one message be throttled per sender with a key per sender).
func (l *Logger) Log(level slog.Level, key, msg string, args ...any) {
	n, ok := l.Allow(key)
	if !ok {
		return
	}
	if n > 0 {
		args = append(args, "suppressed", n)
	}
	l.log.Log(context.Background(), level, msg, args...)
}

// Allow reports whether a message under key may be logged now, and how
// many were held back since the last one that was.
func (l *Logger) Allow(key string) (suppressed int, ok bool) {
	now := l.now()
	l.mu.Lock()
	defer l.mu.Unlock()
	e := l.keys[key]
	if e != nil && now.Sub(e.last) < l.every {
		e.suppressed++
		return 0, false
	}
	if e == nil {
		if len(l.keys) >= maxKeys {
			l.forget(now)
		}
		e = &entry{}
		l.keys[key] = e
	}
	n := e.suppressed
	e.last, e.suppressed = now, 0
	return n, true
}

// forget drops the keys whose interval has passed.
func (l *Logger) forget(now time.Time) {
	for k, e := range l.keys {
		if now.Sub(e.last) >= l.every {
			delete(l.keys, k)
		}
	}
	if len(l.keys) >= maxKeys { // all within one interval: start over
		clear(l.keys)
	}
}

package logthrottle

import (
	"bytes"
	"log/slog"
	"strings"
	"testing"
	"time"
)

func TestThrottle(t *testing.T) {
	var buf bytes.Buffer
	l := New(slog.New(slog.NewTextHandler(&buf, nil)), time.Second)
	now := time.Unix(1000, 0)
	l.now = func() time.Time { return now }
	for range 5 {
		l.Warn("queue full", "listener", "a")
	}
	l.Warn("other message")
	if got := strings.Count(buf.String(), "\n"); got != 2 {
		t.Fatalf("want 2 lines in the first interval, got %d:\n%s", got, &buf)
	}
	now = now.Add(time.Second)
	buf.Reset()
	l.Warn("queue full", "listener", "a")
	if !strings.Contains(buf.String(), "suppressed=4") {
		t.Fatalf("the next line must say how many were held back: %s", &buf)
	}
}

func TestKeysBounded(t *testing.T) {
	l := New(slog.New(slog.DiscardHandler), time.Hour)
	for i := range maxKeys * 3 {
		l.Allow(strings.Repeat("k", i%50) + string(rune('a'+i%26)) + time.Duration(i).String())
	}
	if len(l.keys) > maxKeys {
		t.Fatalf("%d keys remembered, want at most %d", len(l.keys), maxKeys)
	}
}

package ecs

import (
	"bytes"
	"strings"
	"sync"

	"github.com/nomenhq/nomen/relay/event"
)

// Layouts remembers, per source, the column layout a log file's header
// declared, for the data lines that follow it: the W3C-style "#Fields:"
// line of Exchange message tracking and IIS logs. The normalizer is shared
// by every connection, so a source is its listener and host (the sender's
// address when the line names no host). The map is bounded: past max
// sources an arbitrary entry is forgotten (its lines fall back to the
// decoder's default columns).
type Layouts[T any] struct {
	mu  sync.RWMutex
	m   map[layoutKey]T
	max int
}

type layoutKey struct{ input, host string }

// NewLayouts returns a store of at most max sources.
func NewLayouts[T any](max int) *Layouts[T] {
	return &Layouts[T]{m: map[layoutKey]T{}, max: max}
}

func sourceOf(e *event.Event) layoutKey {
	host := e.Hostname
	if host == "" {
		host = event.PeerHost(e.Peer)
	}
	return layoutKey{e.Input, host}
}

// Get returns the layout of e's source, if its header was seen.
func (l *Layouts[T]) Get(e *event.Event) (T, bool) {
	k := sourceOf(e)
	l.mu.RLock()
	v, ok := l.m[k]
	l.mu.RUnlock()
	return v, ok
}

// Put sets the layout of e's source.
func (l *Layouts[T]) Put(e *event.Event, v T) {
	k := sourceOf(e)
	k = layoutKey{strings.Clone(k.input), strings.Clone(k.host)} // do not pin the event
	l.mu.Lock()
	if _, known := l.m[k]; !known && len(l.m) >= l.max {
		for old := range l.m {
			delete(l.m, old)
			break
		}
	}
	l.m[k] = v
	l.mu.Unlock()
}

// Len returns how many sources have a layout.
func (l *Layouts[T]) Len() int {
	l.mu.RLock()
	defer l.mu.RUnlock()
	return len(l.m)
}

// layoutHeaders start the header lines whose meaning later lines of their
// source take (Layouts): the W3C-style "#Fields:" (the columns) and
// "#Software:" (whose log it is, IIS or Exchange: its default columns, and
// how its "#Version:" and "#Date:" lines read).
var layoutHeaders = [...][]byte{[]byte("#Fields:"), []byte("#Software:")}

// HoldsLayoutHeader reports whether text (a line or many) holds a header
// line whose meaning later lines of its source take: those lines must be
// decoded after it, by the decoder that read it (`nomen coverage`, which
// decodes on many goroutines, decodes them on one).
func HoldsLayoutHeader(text []byte) bool {
	for _, h := range layoutHeaders {
		if bytes.Contains(text, h) {
			return true
		}
	}
	return false
}

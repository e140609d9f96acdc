package syslog

// resendWindow keeps the last bytes (whole framed messages) that the
// receiver's TCP acknowledged, to send again on a new connection when the
// old one was reset: a receiver that dies with data in its socket unread
// (acknowledged by its kernel, never seen by the program) loses it, and
// syslog has no acknowledgement of its own. Kept bytes are at least max
// (unless fewer were ever sent) and at most max plus one chunk.
type resendWindow struct {
	max    int
	chunks []resendChunk // oldest first
	size   int
	added  int      // chunks ever added (for mark and rollback)
	free   [][]byte // buffers of dropped chunks, reused
}

type resendChunk struct {
	b      []byte
	events int
}

// add keeps a copy of b, which holds events whole messages.
func (w *resendWindow) add(b []byte, events int) {
	if w.max <= 0 || len(b) == 0 {
		return
	}
	var buf []byte
	if n := len(w.free); n > 0 {
		buf, w.free = w.free[n-1][:0], w.free[:n-1]
	}
	w.chunks = append(w.chunks, resendChunk{append(buf, b...), events})
	w.size += len(b)
	w.added++
	for len(w.chunks) > 1 && w.size-len(w.chunks[0].b) >= w.max {
		w.size -= len(w.chunks[0].b)
		if len(w.free) < 4 {
			w.free = append(w.free, w.chunks[0].b)
		}
		w.chunks[0] = resendChunk{}
		w.chunks = w.chunks[1:]
	}
}

// mark is the state to roll back to (rollback).
func (w *resendWindow) mark() int { return w.added }

// rollback drops the chunks added since mark: their batch failed and is
// sent again whole.
func (w *resendWindow) rollback(mark int) {
	keep := max(0, len(w.chunks)-(w.added-mark))
	for _, c := range w.chunks[keep:] {
		w.size -= len(c.b)
	}
	clear(w.chunks[keep:])
	w.chunks = w.chunks[:keep]
	w.added = mark
}

// events is the number of events kept.
func (w *resendWindow) events() int {
	n := 0
	for _, c := range w.chunks {
		n += c.events
	}
	return n
}

package journal

import (
	"slices"
	"unsafe"

	"github.com/nomenhq/nomen/relay/event"
)

// tail keeps the most recently appended events in memory, as the very
// *event.Event values that were appended, so that readers that keep up
// never decompress or decode anything. In disk mode it is a cache bounded
// by Options.TailBytes; in memory mode it is the whole journal, bounded by
// max_bytes. It is guarded by Journal.mu.
type tail struct {
	chunks []chunk // oldest first, IDs contiguous
	bytes  int64
}

// chunk is the events of one append.
type chunk struct {
	first  uint64
	events []*event.Event
	bytes  int64
}

func (c *chunk) end() uint64 { return c.first + uint64(len(c.events)) }

func (t *tail) empty() bool { return len(t.chunks) == 0 }

// first returns the ID of the oldest event held (valid when not empty).
func (t *tail) first() uint64 { return t.chunks[0].first }

func (t *tail) push(c chunk) {
	t.chunks = append(t.chunks, c)
	t.bytes += c.bytes
}

// popFront drops the oldest chunk and returns it.
func (t *tail) popFront() chunk {
	c := t.chunks[0]
	t.chunks[0] = chunk{}
	t.chunks = t.chunks[1:]
	t.bytes -= c.bytes
	return c
}

// copyFrom appends to out the events with IDs from id on, at most max of
// them, and returns the extended slice.
func (t *tail) copyFrom(out []*event.Event, id uint64, max int) []*event.Event {
	i, _ := slices.BinarySearchFunc(t.chunks, id, func(c chunk, id uint64) int {
		switch {
		case c.end() <= id:
			return -1
		case c.first > id:
			return 1
		}
		return 0
	})
	for ; i < len(t.chunks) && max > 0; i++ {
		c := &t.chunks[i]
		if id < c.first || id >= c.end() {
			break
		}
		evs := c.events[id-c.first:]
		evs = evs[:min(len(evs), max)]
		out = append(out, evs...)
		id += uint64(len(evs))
		max -= len(evs)
	}
	return out
}

// eventSize estimates the memory an event holds: the struct, its strings
// and its field and structured-data slices. It is what max_bytes bounds in
// memory mode and TailBytes in disk mode.
func eventSize(e *event.Event) int64 {
	n := int(unsafe.Sizeof(*e)) + len(e.Original) + len(e.Hostname) + len(e.AppName) + len(e.ProcID) +
		len(e.MsgID) + len(e.Input) + len(e.Peer) + len(e.Format)
	if !sameMemory(e.Message, e.Original) {
		n += len(e.Message)
	}
	n += e.SD.Size()
	if !sameMemory(e.SD.Text(), e.Original) {
		n += len(e.SD.Text())
	}
	for i := range e.Fields {
		f := &e.Fields[i]
		n += int(unsafe.Sizeof(*f)) + len(f.Key) + len(f.Val.Str)
		for _, s := range f.Val.List {
			n += 16 + len(s)
		}
	}
	return int64(n)
}

// sameMemory reports whether s lies inside within (Message is usually a
// slice of Original and costs nothing more).
func sameMemory(s, within string) bool {
	if len(s) == 0 {
		return true
	}
	p, b := uintptr(unsafe.Pointer(unsafe.StringData(s))), uintptr(unsafe.Pointer(unsafe.StringData(within)))
	return p >= b && p+uintptr(len(s)) <= b+uintptr(len(within))
}

package file

import (
	"cmp"
	"runtime"
	"sync"

	"github.com/nomenhq/nomen/internal/panics"
	"github.com/nomenhq/nomen/relay/event"
)

// Encoding JSON is most of a file output's work (~1 KB of ECS per event)
// and one output is one goroutine: on its own it would cap the relay's
// throughput while other cores idle. A large batch is therefore cut into
// chunks that a few goroutines encode while the output's goroutine writes
// the finished ones, in order.

// encodeChunk is how many events one chunk holds: big enough that handing
// it over costs nothing, small enough that writing can start early.
const encodeChunk = 256

// maxEncoders bounds the encoding goroutines of one output.
const maxEncoders = 4

type jsonChunk struct {
	evs   []*event.Event
	buf   []byte
	done  chan struct{}
	panic *panics.Panic // encoding panicked (raised again on the writer's goroutine)
}

// encode encodes the chunk's events with enc. A panic (a bug one event
// found) is kept in c.panic, for the writer's goroutine to raise: on an
// encoder's goroutine it would end the process.
func (c *jsonChunk) encode(enc *event.Encoder) {
	defer close(c.done)
	defer panics.Catch(&c.panic)
	for _, e := range c.evs {
		c.buf = enc.AppendJSON(c.buf, e)
		c.buf = append(c.buf, '\n')
	}
}

// parallelJSON encodes batches as JSON lines with several encoders.
type parallelJSON struct {
	encs   []event.Encoder
	chunks []jsonChunk
}

func newParallelJSON(observer string) *parallelJSON {
	n := min(runtime.GOMAXPROCS(0), maxEncoders)
	p := &parallelJSON{encs: make([]event.Encoder, n)}
	for i := range p.encs {
		p.encs[i] = event.Encoder{Observer: observer}
	}
	return p
}

// useful reports whether batch is worth splitting.
func (p *parallelJSON) useful(batch []*event.Event) bool {
	return len(p.encs) > 1 && len(batch) > encodeChunk
}

// maxChunks bounds the chunks encoded ahead of the writer (and the
// memory they hold: ~4 MiB of JSON) however large batch_size is.
const maxChunks = 16

// encode encodes batch and calls write with each chunk's bytes in batch
// order, as soon as the chunk is ready. It stops at the first error of
// write and returns it.
func (p *parallelJSON) encode(batch []*event.Event, write func([]byte) error) error {
	for len(batch) > 0 {
		part := batch[:min(len(batch), maxChunks*encodeChunk)]
		batch = batch[len(part):]
		if err := p.encodePart(part, write); err != nil {
			return err
		}
	}
	return nil
}

// encodePart encodes up to maxChunks chunks; it returns once every encoder
// has finished (they read the events and fill buffers that the next call
// reuses).
func (p *parallelJSON) encodePart(batch []*event.Event, write func([]byte) error) error {
	n := (len(batch) + encodeChunk - 1) / encodeChunk
	if cap(p.chunks) < n {
		p.chunks = append(p.chunks[:cap(p.chunks)], make([]jsonChunk, n-cap(p.chunks))...)
	}
	chunks := p.chunks[:n]
	for i := range chunks {
		c := &chunks[i]
		c.evs = batch[i*encodeChunk : min(len(batch), (i+1)*encodeChunk)]
		c.buf = c.buf[:0]
		c.done = make(chan struct{})
		c.panic = nil
	}
	// Encoder g takes chunks g, g+k, g+2k...: the chunks the writer needs
	// first are encoded first.
	k := min(len(p.encs), n)
	var wg sync.WaitGroup
	for g := range k {
		wg.Add(1)
		go func(enc *event.Encoder) {
			defer wg.Done()
			for i := g; i < n; i += k {
				chunks[i].encode(enc)
			}
		}(&p.encs[g])
	}
	var err error
	var caught *panics.Panic // the first chunk that panicked: nothing after it is written
	for i := range chunks {
		c := &chunks[i]
		<-c.done
		caught = cmp.Or(caught, c.panic)
		if err == nil && caught == nil {
			err = write(c.buf)
		}
	}
	wg.Wait()
	for i := range chunks {
		chunks[i].evs = nil // do not pin the events until the next batch
		if cap(chunks[i].buf) > 4<<20 {
			chunks[i].buf = nil // one huge event: do not keep its buffer
		}
	}
	panics.Raise(caught)
	return err
}

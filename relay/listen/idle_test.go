package listen

import (
	"context"
	"net"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/nomenhq/nomen/internal/config"
	"github.com/nomenhq/nomen/relay/pipeline"
)

// countingSink counts events and keeps none: what connections hold is
// measured, not the events (the journal's memory).
type countingSink struct{ n atomic.Int64 }

func (s *countingSink) Submit(_ context.Context, b *pipeline.Batch) error {
	s.n.Add(int64(len(b.Events)))
	return nil
}

func (s *countingSink) TrySubmit(b *pipeline.Batch) bool {
	return s.Submit(context.Background(), b) == nil
}

// TestIdleConnectionsMemory: 1,000 idle TCP connections cost at most
// 12 KiB each (the goroutine's stack, 4 KiB once shrunk, 8 KiB with
// -race; the connection; both ends are in this process and counted), also
// when each sent a message first, measured as soon as the messages are
// through: a connection gives its decoder and its read buffer back before
// it waits, and waits on a stack the collector can shrink.
func TestIdleConnectionsMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("opens 2,000 connections")
	}
	const conns = 1000
	s := &countingSink{}
	tl := startTestWith(t, Config{Name: "t", Protocol: "tcp", Address: "127.0.0.1:0",
		MaxConnections: 2 * conns, MaxConnectionsPerSource: 2 * conns}, s)
	connected := tl.metrics.Connections.WithLabelValues("t")
	var open []net.Conn
	t.Cleanup(func() {
		for _, c := range open {
			c.Close()
		}
	})
	measure := func(what string, send bool) {
		t.Helper()
		before := inUse()
		for range conns {
			c, err := net.Dial("tcp", tl.Addr().String())
			if err != nil {
				t.Fatal(err)
			}
			open = append(open, c)
			if send {
				if _, err := c.Write([]byte("<13>1 - host app - - - hello\n")); err != nil {
					t.Fatal(err)
				}
			}
		}
		wantConns, wantEvents := float64(len(open)), int64(0)
		if send {
			wantEvents = conns
		}
		deadline := time.Now().Add(30 * time.Second)
		for (value(connected) < wantConns || s.n.Load() < wantEvents) && time.Now().Before(deadline) {
			time.Sleep(10 * time.Millisecond)
		}
		if value(connected) < wantConns || s.n.Load() < wantEvents {
			t.Fatalf("%v connections, %d events; want %v and %d", value(connected), s.n.Load(), wantConns, wantEvents)
		}
		time.Sleep(100 * time.Millisecond) // the last reader, flushed, gives its buffer back
		used := inUse() - before
		t.Logf("%d %s connections: %d KiB each", conns, what, used/conns>>10)
		if used > conns*12<<10 {
			t.Errorf("%d %s connections use %d MiB, want at most %d MiB", conns, what, used>>20, conns*12<<10>>20)
		}
	}
	measure("idle", false)
	measure("quiet (one message sent)", true)
}

// inUse is the heap and stack memory in use after a collection.
func inUse() int64 {
	runtime.GC()
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return int64(m.HeapInuse + m.StackInuse)
}

// TestBusyConnectionOutlivesItsWaits: the deadline of a connection's
// wait (the idle timeout) never ends it while it is busy: a connection
// that waited once, then has data buffered for longer than that (a slow
// pipeline), is read to the end.
func TestBusyConnectionOutlivesItsWaits(t *testing.T) {
	// The idle timeout is long enough that the writer below starts within
	// it on a loaded machine (at 150 ms it once did not: a true idle end),
	// and the burst keeps the sink busy for several timeouts.
	s := &slowSink{delay: 8 * time.Millisecond}
	tl := startTestWith(t, Config{Name: "t", Protocol: "tcp", Address: "127.0.0.1:0",
		IdleTimeout: config.Duration(time.Second)}, s)
	c, err := net.Dial("tcp", tl.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	line := "<13>1 - host app - - - hello\n"
	c.Write([]byte(line))
	time.Sleep(20 * time.Millisecond) // the reader flushes and waits
	const burst = 100_000             // ~400 batches: ~3 s at the sink, never a pause
	go c.Write([]byte(strings.Repeat(line, burst)))
	deadline := time.Now().Add(20 * time.Second)
	for s.n.Load() < 1+burst && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if got := s.n.Load(); got != 1+burst {
		t.Fatalf("%d of %d messages read: the connection ended while busy", got, 1+burst)
	}
}

// slowSink is a countingSink that takes delay per batch.
type slowSink struct {
	countingSink
	delay time.Duration
}

func (s *slowSink) Submit(ctx context.Context, b *pipeline.Batch) error {
	time.Sleep(s.delay)
	return s.countingSink.Submit(ctx, b)
}

package listen

import (
	"net"
	"runtime"
	"testing"
	"time"
)

// TestIdleConnectionsMemory: 1,000 idle TCP connections cost at most
// 16 KiB each (the goroutine, the connection, the small read buffer;
// both ends are in this process and counted). A connection that sent a
// message and went quiet gives its full read buffer back before waiting.
func TestIdleConnectionsMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("opens 1,000 connections")
	}
	const conns = 1000
	s := &sink{}
	tl := startTest(t, Config{Name: "t", Protocol: "tcp", Address: "127.0.0.1:0",
		MaxConnections: 2 * conns, MaxConnectionsPerSource: 2 * conns}, s)
	connected := tl.metrics.Connections.WithLabelValues("t")
	before := inUse()
	var open []net.Conn
	t.Cleanup(func() {
		for _, c := range open {
			c.Close()
		}
	})
	dial := func(send bool) {
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
	}
	waitFor := func(n float64, events int) {
		deadline := time.Now().Add(30 * time.Second)
		for (value(connected) < n || s.count() < events) && time.Now().Before(deadline) {
			time.Sleep(10 * time.Millisecond)
		}
		if value(connected) < n || s.count() < events {
			t.Fatalf("%v connections, %d events; want %v and %d", value(connected), s.count(), n, events)
		}
		time.Sleep(100 * time.Millisecond) // every connection back in its wait
	}
	dial(false)
	waitFor(conns, 0)
	idle := inUse() - before
	t.Logf("%d idle connections: %d KiB each", conns, idle/conns>>10)
	if idle > conns*16<<10 {
		t.Errorf("%d idle connections use %d MiB, want at most %d MiB", conns, idle>>20, conns*16<<10>>20)
	}
	before = inUse()
	dial(true)
	waitFor(2*conns, conns)
	t.Logf("%d connections that sent one message: %d KiB each (with the events the sink keeps)", conns, (inUse()-before)/conns>>10)
}

// inUse is the heap and stack memory in use after a collection.
func inUse() int64 {
	runtime.GC()
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return int64(m.HeapInuse + m.StackInuse)
}

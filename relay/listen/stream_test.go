package listen

import (
	"fmt"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/nomenhq/nomen/internal/config"
)

// TestBlockedReaderKeepsConnection: a reader that waits for room in the
// pipeline (journal full) longer than idle_timeout keeps its connection,
// and what the kernel buffered meanwhile arrives once there is room. It
// used to time out as soon as the wait ended: the buffered lines were lost,
// uncounted.
func TestBlockedReaderKeepsConnection(t *testing.T) {
	s := &sink{block: make(chan struct{})}
	const idle = 200 * time.Millisecond
	tl := startTest(t, Config{Name: "t", Protocol: "tcp", Address: "127.0.0.1:0", IdleTimeout: config.Duration(idle)}, s)
	conn, err := net.Dial("tcp", tl.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	const n = 20
	for i := 0; i < n/2; i++ {
		fmt.Fprintf(conn, "<13>1 2024-01-02T03:04:05Z host app - - - line %d\n", i)
	}
	time.Sleep(idle / 2) // the reader flushes the first half and blocks
	for i := n / 2; i < n; i++ {
		fmt.Fprintf(conn, "<13>1 2024-01-02T03:04:05Z host app - - - line %d\n", i)
	}
	time.Sleep(3 * idle) // blocked well past idle_timeout
	close(s.block)
	if got := s.waitCount(n, 5*time.Second); got != n {
		t.Fatalf("%d of %d events arrived after the pipeline had room again: %q\nlog:\n%s", got, n, s.messages(), tl.log)
	}
}

// dialFrom connects to addr from the loopback address src (any 127/8
// address works on Linux).
func dialFrom(src, addr string) (net.Conn, error) {
	d := net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(src)}, Timeout: 5 * time.Second}
	return d.Dial("tcp", addr)
}

// TestIdleFloodFromOneSource: 2,000 idle connections from one address take
// at most max_connections_per_source slots; a sender from another address
// still gets through, and the refusals are counted and logged once.
func TestIdleFloodFromOneSource(t *testing.T) {
	s := &sink{}
	tl := startTest(t, Config{Name: "t", Protocol: "tcp", Address: "127.0.0.1:0"}, s)
	const flood = 2000
	conns := make([]net.Conn, 0, flood)
	defer func() {
		for _, c := range conns {
			c.Close()
		}
	}()
	for i := 0; i < flood; i++ {
		c, err := dialFrom("127.0.0.2", tl.Addr().String())
		if err != nil {
			t.Fatalf("flood connection %d: %v", i, err)
		}
		conns = append(conns, c)
	}
	// Wait until the listener has decided on every flood connection.
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) && value(tl.metrics.Connections.WithLabelValues("t"))+tl.rejected("max_connections_per_source")+tl.rejected("max_connections") < flood {
		time.Sleep(20 * time.Millisecond)
	}
	c, err := dialFrom("127.0.0.1", tl.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	fmt.Fprintf(c, "<13>1 2024-01-02T03:04:05Z host app - - - legitimate\n")
	if got := s.waitCount(1, 5*time.Second); got != 1 {
		t.Fatalf("the legitimate sender's event did not arrive (connections %v, rejected per source %v, max_connections %v)",
			value(tl.metrics.Connections.WithLabelValues("t")), tl.rejected("max_connections_per_source"), tl.rejected("max_connections"))
	}
	if got := value(tl.metrics.Connections.WithLabelValues("t")); got > DefaultMaxConnectionsPerSource+1 {
		t.Errorf("%v connections open, want at most %d from the flooding source + 1", got, DefaultMaxConnectionsPerSource)
	}
	if got := tl.rejected("max_connections_per_source"); got != flood-DefaultMaxConnectionsPerSource {
		t.Errorf("rejected{max_connections_per_source} = %v, want %d", got, flood-DefaultMaxConnectionsPerSource)
	}
	if n := strings.Count(tl.log.String(), "max_connections_per_source reached"); n != 1 {
		t.Errorf("the refusal was logged %d times, want once per interval:\n%s", n, tl.log)
	}
}

package listen

import (
	"fmt"
	"net"
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

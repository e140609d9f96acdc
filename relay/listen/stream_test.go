package listen

import (
	"crypto/tls"
	"fmt"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/nomenhq/nomen/internal/config"
	"github.com/nomenhq/nomen/internal/testpeer"
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

// TestPlaintextToTLSLoggedOnce: plaintext connections to a TLS listener are
// each counted (rejected{tls_handshake}) but logged once per interval with
// the number held back, not once each; a TLS sender still gets through.
func TestPlaintextToTLSLoggedOnce(t *testing.T) {
	pki := testpeer.NewPKI(t)
	s := &sink{}
	tl := startTest(t, Config{Name: "t", Protocol: "tls", Address: "127.0.0.1:0", MaxConnectionsPerSource: 1000,
		TLS: &TLSConfig{Cert: pki.ServerCert, Key: pki.ServerKey}}, s)
	const n = 300
	for i := 0; i < n; i++ {
		c, err := net.Dial("tcp", tl.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(c, "<13>1 2024-01-02T03:04:05Z host app - - - plaintext %d\n", i)
		c.Close()
	}
	deadline := time.Now().Add(10 * time.Second)
	for tl.rejected("tls_handshake") < n && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	if got := tl.rejected("tls_handshake"); got != n {
		t.Errorf("rejected{tls_handshake} = %v, want %d", got, n)
	}
	if lines := strings.Count(tl.log.String(), "TLS handshake failed"); lines != 1 {
		t.Errorf("%d log lines for %d failed handshakes, want 1 per interval:\n%.2000s", lines, n, tl.log)
	}
	c, err := tls.Dial("tcp", tl.Addr().String(), &tls.Config{RootCAs: pki.Pool, ServerName: "localhost"})
	if err != nil {
		t.Fatal(err)
	}
	fmt.Fprintf(c, "<13>1 2024-01-02T03:04:05Z host app - - - over tls\n")
	c.Close()
	if got := s.waitCount(1, 5*time.Second); got != 1 {
		t.Errorf("the TLS sender's event did not arrive")
	}
}

// TestEmptyAndMalformedCounted: NUL floods and empty lines are counted
// (framing_errors{kind="empty"}) rather than vanishing, and a message that
// does not parse is counted and logged once per interval.
func TestEmptyAndMalformedCounted(t *testing.T) {
	for _, proto := range []string{"tcp", "udp"} {
		t.Run(proto, func(t *testing.T) {
			s := &sink{}
			tl := startTest(t, Config{Name: "t", Protocol: proto, Address: "127.0.0.1:0"}, s)
			c, err := net.Dial(proto, tl.Addr().String())
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			const empties = 50
			for i := 0; i < empties; i++ {
				c.Write([]byte("\x00\x00\n")) // a datagram of NULs, or (tcp) three empty frames
			}
			const malformed = 20
			for i := 0; i < malformed; i++ {
				fmt.Fprintf(c, "<999>broken %d\n", i) // invalid PRI
			}
			fmt.Fprintf(c, "<13>1 2024-01-02T03:04:05Z host app - - - last\n")
			if got := s.waitCount(malformed+1, 5*time.Second); got != malformed+1 {
				t.Fatalf("%d events, want %d", got, malformed+1)
			}
			wantEmpty := float64(empties)
			if proto == "tcp" {
				wantEmpty = 3 * empties
			}
			empty := tl.metrics.FramingErrors.WithLabelValues("t", "empty")
			deadline := time.Now().Add(5 * time.Second)
			for value(empty) < wantEmpty && time.Now().Before(deadline) {
				time.Sleep(10 * time.Millisecond)
			}
			if got := value(empty); got != wantEmpty {
				t.Errorf("framing_errors{empty} = %v, want %v", got, wantEmpty)
			}
			if n := strings.Count(tl.log.String(), "did not parse"); n != 1 {
				t.Errorf("%d log lines for %d messages that did not parse, want 1:\n%s", n, malformed, tl.log)
			}
		})
	}
}

// TestDigitLinesBesideOctetFrames: on one TCP connection, octet-counted
// frames (RFC 6587: MSG-LEN SP "<PRI>...") and LF-terminated lines that
// start with digits and a space (RFC 5424 without its PRI: "1 2019-...")
// each come out whole. A line's "1 " is not a frame length (rsyslog and
// syslog-ng read it as one: a frame of one byte), and it is no framing
// error either.
func TestDigitLinesBesideOctetFrames(t *testing.T) {
	s := &sink{}
	tl := startTest(t, Config{Name: "t", Protocol: "tcp", Address: "127.0.0.1:0"}, s)
	conn, err := net.Dial("tcp", tl.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	stream := octetFrame("<13>1 2019-03-01T10:00:00Z host app - - - counted one") +
		"1 2019-03-01T10:00:01Z host app - - - line without PRI\n" +
		octetFrame("<13>1 2019-03-01T10:00:02Z host app - - - counted two") +
		"12 monkeys escaped\n"
	if _, err := conn.Write([]byte(stream)); err != nil {
		t.Fatal(err)
	}
	want := []string{"counted one", "line without PRI", "counted two", "12 monkeys escaped"}
	if got := s.waitCount(len(want), 5*time.Second); got != len(want) {
		t.Fatalf("%d events, want %d: %q", got, len(want), s.messages())
	}
	if got := s.messages(); strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("messages %q, want %q", got, want)
	}
	if n := value(tl.metrics.FramingErrors.WithLabelValues("t", "bad_length")); n != 0 {
		t.Errorf("framing errors {kind=bad_length} = %v for lines that are plain lines, want 0", n)
	}
}

// TestOctetModeKeepsVersionLines: a listener with framing = "octet" that
// gets an RFC 5424 line without PRI ("1 2019-..." or "1 - host ...") keeps
// the line whole instead of taking its VERSION "1" for the length of a
// one-byte frame (which split the line in two), and counts it as a framing
// error, since the sender is not octet-counting; octet-counted frames on
// the same connection, with or without "<PRI>", come out as before.
func TestOctetModeKeepsVersionLines(t *testing.T) {
	s := &sink{}
	tl := startTest(t, Config{Name: "t", Protocol: "tcp", Address: "127.0.0.1:0", Framing: "octet"}, s)
	conn, err := net.Dial("tcp", tl.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	stream := octetFrame("<13>1 2019-03-01T10:00:00Z host app - - - counted one") +
		"1 2019-03-01T10:00:01Z host app - - - line without PRI\n" +
		"1 - host app - - - line without PRI or time\n" +
		octetFrame("<13>1 2019-03-01T10:00:02Z host app - - - counted two")
	if _, err := conn.Write([]byte(stream)); err != nil {
		t.Fatal(err)
	}
	want := []string{
		"<13>1 2019-03-01T10:00:00Z host app - - - counted one",
		"1 2019-03-01T10:00:01Z host app - - - line without PRI",
		"1 - host app - - - line without PRI or time",
		"<13>1 2019-03-01T10:00:02Z host app - - - counted two",
	}
	if got := s.waitCount(len(want), 5*time.Second); got != len(want) {
		t.Fatalf("%d events, want %d: %q", got, len(want), s.originals())
	}
	if got := s.originals(); strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("event.original %q, want %q", got, want)
	}
	bad := tl.metrics.FramingErrors.WithLabelValues("t", "bad_length")
	deadline := time.Now().Add(5 * time.Second)
	for value(bad) < 2 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if n := value(bad); n != 2 {
		t.Errorf("framing errors {kind=bad_length} = %v, want 2 (one per line that was not octet-counted)", n)
	}
}

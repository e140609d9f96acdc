package listen

import (
	"bytes"
	"fmt"
	"io"
	"net"
	"slices"
	"strings"
	"testing"
	"time"
)

// panicOn makes a listener's readers panic with v on a frame or datagram
// that says "poison".
func panicOn(v string) func(*Options) {
	return func(o *Options) {
		o.onFrame = func(frame []byte) {
			if bytes.Contains(frame, []byte("poison")) {
				panic(v)
			}
		}
	}
}

// TestStreamReadPanicEndsTheConnection: a panic while reading a stream
// connection (a bug in nomen that some bytes found; injected where a
// frame is read) ends that connection, not the relay: the frames read
// before it are handed on, the panic is counted and logged with its
// stack, and the listener goes on serving new connections.
func TestStreamReadPanicEndsTheConnection(t *testing.T) {
	s := &sink{}
	tl := startTestWith(t, Config{Name: "t", Protocol: "tcp", Address: "127.0.0.1:0"}, s, panicOn("framing: slice bounds out of range"))
	line := func(msg string) string { return "<13>1 2024-01-02T03:04:05Z host app - - - " + msg + "\n" }

	c, err := net.Dial("tcp", tl.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	fmt.Fprint(c, line("first")+line("second")+line("poison")) // one read: the two are in hand when it panics
	if got := s.waitCount(2, 10*time.Second); got != 2 {
		t.Fatalf("%d events read before the poison, want 2", got)
	}
	c.SetReadDeadline(time.Now().Add(10 * time.Second))
	if _, err := c.Read(make([]byte, 1)); err == nil || !(err == io.EOF || strings.Contains(err.Error(), "reset")) {
		t.Fatalf("read %v: want the connection closed by the listener", err)
	}
	if v := value(tl.metrics.Panics.WithLabelValues("t")); v != 1 {
		t.Errorf("nomen_listener_panics_total{listener=t} = %v, want 1", v)
	}
	if out := tl.log.String(); !strings.Contains(out, "reading a connection panicked") || !strings.Contains(out, "panic_test.go") {
		t.Errorf("want the panic logged with its stack:\n%s", out)
	}

	c2, err := net.Dial("tcp", tl.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer c2.Close()
	fmt.Fprint(c2, line("after"))
	if got := s.waitCount(3, 10*time.Second); got != 3 {
		t.Fatalf("%d events, want the one sent after the panic too", got)
	}
	if got := s.messages(); !slices.Equal(got, []string{"first", "second", "after"}) {
		t.Errorf("messages %q, want first, second, after", got)
	}
}

// TestDatagramReadPanicReadsAgain: a panic while reading datagrams (a bug
// in nomen outside decoding; injected where a datagram is taken) ends
// that read, not the relay: counted and logged with its stack, and the
// socket is read again.
func TestDatagramReadPanicReadsAgain(t *testing.T) {
	s := &sink{}
	tl := startTestWith(t, Config{Name: "t", Protocol: "udp", Address: "127.0.0.1:0"}, s, panicOn("recvmmsg: index out of range"))
	c, err := net.Dial("udp", tl.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	send := func(msg string) { fmt.Fprint(c, "<13>1 2024-01-02T03:04:05Z host app - - - "+msg) }
	send("first")
	if got := s.waitCount(1, 10*time.Second); got != 1 {
		t.Fatalf("%d events, want 1", got)
	}
	send("poison")
	panicked := tl.metrics.Panics.WithLabelValues("t")
	// The panic is counted, then logged: wait for both.
	logged := func() bool {
		out := tl.log.String()
		return strings.Contains(out, "reading datagrams panicked") && strings.Contains(out, "panic_test.go")
	}
	for deadline := time.Now().Add(10 * time.Second); (value(panicked) == 0 || !logged()) && time.Now().Before(deadline); {
		time.Sleep(time.Millisecond)
	}
	if v := value(panicked); v != 1 {
		t.Fatalf("nomen_listener_panics_total{listener=t} = %v, want 1", v)
	}
	if !logged() {
		t.Errorf("want the panic logged with its stack:\n%s", tl.log.String())
	}
	send("after")
	if got := s.waitCount(2, 10*time.Second); got != 2 {
		t.Fatalf("%d events, want the one sent after the panic too", got)
	}
	if got := s.messages(); !slices.Equal(got, []string{"first", "after"}) {
		t.Errorf("messages %q, want first, after", got)
	}
}

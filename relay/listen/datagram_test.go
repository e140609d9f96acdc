//go:build linux

package listen

import (
	"fmt"
	"net"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestKernelDrops: datagrams that overflow a socket's receive buffer are
// reported by kernelDrops, and together with what is read they account for
// every datagram sent.
func TestKernelDrops(t *testing.T) {
	conn, err := net.ListenUDP("udp", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if err := conn.SetReadBuffer(4096); err != nil { // the kernel's minimum: a few datagrams
		t.Fatal(err)
	}
	r, err := newDatagramReader(conn, 2048, false)
	if err != nil {
		t.Fatal(err)
	}
	defer r.close()
	if d, ok := r.kernelDrops(); !ok || d != 0 {
		t.Fatalf("fresh socket: kernelDrops() = %d, %v; want 0, true", d, ok)
	}
	out, err := net.DialUDP("udp", nil, conn.LocalAddr().(*net.UDPAddr))
	if err != nil {
		t.Fatal(err)
	}
	defer out.Close()
	const sent = 500
	msg := make([]byte, 512)
	for i := 0; i < sent; i++ { // nobody reads meanwhile: the buffer must overflow
		if _, err := out.Write(msg); err != nil {
			t.Fatal(err)
		}
	}
	drops, _ := r.kernelDrops()
	if drops == 0 || drops >= sent {
		t.Fatalf("kernelDrops() = %d after %d unread datagrams into a 4 KiB buffer; want some but not all", drops, sent)
	}
	read := 0
	for {
		n, err := r.readQueued()
		if err != nil {
			t.Fatal(err)
		}
		if n == 0 {
			break
		}
		read += n
	}
	if read+int(drops) != sent {
		t.Errorf("read %d + dropped %d = %d, want %d", read, drops, read+int(drops), sent)
	}
}

// TestCloseReadsWhatTheSocketHolds: datagrams queued on a listener's
// socket when it is closed (SIGTERM, a reload that replaces it) are read
// and handed on, not discarded with the socket; what arrives while it
// stops is refused (unix: the sender gets an error) or counted (udp).
func TestCloseReadsWhatTheSocketHolds(t *testing.T) {
	for _, proto := range []string{"udp", "unix"} {
		t.Run(proto, func(t *testing.T) {
			addr := "127.0.0.1:0"
			network := "udp"
			if proto == "unix" {
				addr, network = filepath.Join(t.TempDir(), "log.sock"), "unixgram"
			}
			s := &sink{block: make(chan struct{})} // the reader stops at its first flush: a backlog builds
			tl := startTest(t, Config{Name: "t", Protocol: proto, Address: addr, Readers: 1}, s)
			out, err := net.Dial(network, tl.Addr().String())
			if err != nil {
				t.Fatal(err)
			}
			defer out.Close()
			sent := 0
			send := func() error {
				out.SetWriteDeadline(time.Now().Add(10 * time.Millisecond)) // unix: a full queue refuses instead of waiting
				_, err := out.Write([]byte(fmt.Sprintf("<13>Jan  2 03:04:05 host app: n=%d", sent)))
				if err == nil {
					sent++
				}
				return err
			}
			for i := 0; i < 200; i++ {
				send()
			}
			tl.Close()
			s.mu.Lock()
			close(s.block) // the pipeline takes batches again
			s.mu.Unlock()
			for proto == "unix" && send() == nil { // until the socket refuses
			}
			tl.Wait()
			if proto == "unix" {
				if err := send(); err == nil {
					t.Error("a datagram was accepted after Wait returned")
				}
			}
			dropped := 0.0
			for _, reason := range []string{"queue_full", "socket_buffer", "stopping"} {
				dropped += value(tl.metrics.Dropped.WithLabelValues("listener", reason))
			}
			if got := float64(s.count()) + dropped; got != float64(sent) || sent == 0 {
				t.Errorf("%d datagrams sent, %d handed on + %v counted as dropped", sent, s.count(), dropped)
			}
		})
	}
}

// TestLingeringBatchHandedOn: a reader holds what it collected while its
// socket is empty, for a moment; a datagram with none after it still
// reaches the pipeline without another to push it, and so does the next.
func TestLingeringBatchHandedOn(t *testing.T) {
	s := &sink{}
	tl := startTest(t, Config{Name: "t", Protocol: "udp", Address: "127.0.0.1:0", Readers: 1}, s)
	defer func() { tl.Close(); tl.Wait() }()
	out, err := net.Dial("udp", tl.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer out.Close()
	for i := 1; i <= 2; i++ {
		if _, err := fmt.Fprintf(out, "<13>Jan  2 03:04:05 host app: lone %d", i); err != nil {
			t.Fatal(err)
		}
		if got := s.waitCount(i, 10*time.Second); got != i {
			t.Fatalf("after datagram %d the pipeline has %d events", i, got)
		}
	}
}

// TestCloseDuringLinger: a listener closed while its reader holds a
// lingering batch, or while datagrams still arrive, stops (Wait returns)
// and hands on every datagram sent before Close, byte for byte (or counts
// it as dropped): the events' texts are copies, readable after the reader
// reused its receive buffers and unmapped them. Datagrams sent while it
// stops may be refused like after a close, but what is handed on was sent.
func TestCloseDuringLinger(t *testing.T) {
	for _, proto := range []string{"udp", "unix"} {
		t.Run(proto, func(t *testing.T) { closeDuringLinger(t, proto) })
	}
}

func closeDuringLinger(t *testing.T, proto string) {
	for round := 0; round < 20; round++ {
		addr, network := "127.0.0.1:0", "udp"
		if proto == "unix" {
			addr, network = filepath.Join(t.TempDir(), "log.sock"), "unixgram"
		}
		s := &sink{}
		tl := startTest(t, Config{Name: "t", Protocol: proto, Address: addr, Readers: 1}, s)
		out, err := net.Dial(network, tl.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		sent := map[string]bool{}   // all sent
		before := map[string]bool{} // sent before Close
		send := func(i int, m map[string]bool) {
			// Lengths differ, so a later datagram in the same buffer
			// would show through a text that was not copied.
			msg := fmt.Sprintf("round %d datagram %d %s.", round, i, strings.Repeat("x", i%97))
			out.SetWriteDeadline(time.Now().Add(10 * time.Millisecond)) // unix: a full queue refuses instead of waiting
			if _, err := fmt.Fprintf(out, "<13>Jan  2 03:04:05 host app: %s", msg); err == nil {
				m[msg], sent[msg] = true, true
			}
		}
		i := 0
		for ; i < round*10; i++ { // round 0: Close with nothing read
			send(i, before)
		}
		done := make(chan struct{})
		go func() { tl.Close(); close(done) }()
		during := map[string]bool{}
		for ; i < round*10+50; i++ { // while it stops
			send(i, during)
		}
		<-done
		tl.Wait()
		out.Close()
		for _, m := range s.messages() {
			if !sent[m] {
				t.Fatalf("round %d: handed on %q, which was not sent", round, m)
			}
			delete(before, m)
		}
		dropped := 0.0
		for _, reason := range []string{"queue_full", "socket_buffer", "stopping"} {
			dropped += value(tl.metrics.Dropped.WithLabelValues("listener", reason))
		}
		if float64(len(before)) > dropped {
			t.Errorf("round %d: %d datagrams sent before Close not handed on, %v counted as dropped", round, len(before), dropped)
		}
	}
}

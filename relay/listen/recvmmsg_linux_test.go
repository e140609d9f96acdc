package listen

import (
	"errors"
	"fmt"
	"net"
	"path/filepath"
	"testing"
)

// readerOn returns a datagram reader that took over a new loopback UDP
// socket, and a connected sender to it.
func readerOn(t *testing.T, maxSize int) (*datagramReader, net.Conn) {
	t.Helper()
	conn, err := net.ListenUDP("udp", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
	if err != nil {
		t.Fatal(err)
	}
	addr := conn.LocalAddr().String()
	r, err := newDatagramReader(conn, maxSize, false)
	if err != nil {
		conn.Close()
		t.Fatal(err)
	}
	t.Cleanup(r.close)
	out, err := net.Dial("udp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { out.Close() })
	return r, out
}

// TestReaderBatches: datagrams queued on the socket come out of one read
// (up to recvBatch) and then of readQueued, in order, each with its
// bytes and its sender, until readQueued reports the socket empty.
func TestReaderBatches(t *testing.T) {
	r, out := readerOn(t, 2048)
	const sent = recvBatch*2 + 7
	for i := 0; i < sent; i++ {
		if _, err := fmt.Fprintf(out, "datagram %d", i); err != nil {
			t.Fatal(err)
		}
	}
	n, err := r.read()
	if err != nil {
		t.Fatal(err)
	}
	if n != recvBatch {
		t.Fatalf("read() = %d with %d queued, want a full batch of %d", n, sent, recvBatch)
	}
	got := 0
	check := func(n int) {
		for i := 0; i < n; i++ {
			data, truncated, from := r.message(i)
			if want := fmt.Sprintf("datagram %d", got); string(data) != want || truncated {
				t.Fatalf("datagram %d: %q (truncated %v), want %q", got, data, truncated, want)
			}
			if from.String() != out.LocalAddr().String() {
				t.Fatalf("datagram %d from %v, want %v", got, from, out.LocalAddr())
			}
			got++
		}
	}
	check(n)
	for {
		n, err := r.readQueued()
		if err != nil {
			t.Fatal(err)
		}
		if n == 0 {
			break
		}
		check(n)
	}
	if got != sent {
		t.Errorf("read %d datagrams, want %d", got, sent)
	}
}

// TestReaderTruncates: a datagram longer than the reader's size comes
// out cut to that size and marked truncated.
func TestReaderTruncates(t *testing.T) {
	r, out := readerOn(t, 16)
	if _, err := out.Write([]byte("0123456789abcdefXYZ")); err != nil {
		t.Fatal(err)
	}
	n, err := r.read()
	if err != nil || n != 1 {
		t.Fatalf("read() = %d, %v; want 1, nil", n, err)
	}
	if data, truncated, _ := r.message(0); string(data) != "0123456789abcdef" || !truncated {
		t.Errorf("message(0) = %q, truncated %v; want the first 16 bytes, truncated", data, truncated)
	}
}

// unixReaderOn is readerOn for a unix datagram socket (2 KiB datagrams).
func unixReaderOn(t *testing.T) (*datagramReader, net.Conn) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "log.sock")
	conn, err := net.ListenUnixgram("unixgram", &net.UnixAddr{Name: path, Net: "unixgram"})
	if err != nil {
		t.Fatal(err)
	}
	r, err := newDatagramReader(conn, 2048, false)
	if err != nil {
		conn.Close()
		t.Fatal(err)
	}
	t.Cleanup(r.close)
	out, err := net.Dial("unixgram", path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { out.Close() })
	return r, out
}

// TestReaderWake: wake ends a read that waits on an empty socket (udp
// and unix), also one that starts after it; what the socket holds is
// still read first.
func TestReaderWake(t *testing.T) {
	t.Run("udp", func(t *testing.T) {
		r, out := readerOn(t, 2048)
		wakeWaiting(t, r, func() error { _, err := out.Write([]byte("queued")); return err })
	})
	t.Run("unix", func(t *testing.T) {
		r, out := unixReaderOn(t)
		wakeWaiting(t, r, func() error { _, err := out.Write([]byte("queued")); return err })
	})
}

// wakeWaiting wakes a read that waits (or is about to), then checks that a
// datagram sent before the wake is read before reads report errStopping.
func wakeWaiting(t *testing.T, r *datagramReader, send func() error) {
	t.Helper()
	type result struct {
		n   int
		err error
	}
	done := make(chan result)
	go func() {
		n, err := r.read()
		done <- result{n, err}
	}()
	r.wake()
	if res := <-done; !errors.Is(res.err, errStopping) {
		// The read may only have started after the wake; it must not
		// have waited for a datagram either way.
		t.Fatalf("read() during wake = %d, %v; want errStopping", res.n, res.err)
	}
	if err := send(); err != nil { // unix: refused once shut, which is what Close promises
		return
	}
	if n, err := r.read(); n != 1 || err != nil {
		t.Fatalf("read() of a queued datagram after wake = %d, %v; want 1, nil", n, err)
	}
	if data, _, _ := r.message(0); string(data) != "queued" {
		t.Fatalf("message(0) = %q, want %q", data, "queued")
	}
	if _, err := r.read(); !errors.Is(err, errStopping) {
		t.Fatalf("read() of the woken, empty socket: %v, want errStopping", err)
	}
	if n, err := r.readQueued(); n != 0 || err != nil {
		t.Fatalf("readQueued() of the woken, empty socket = %d, %v; want 0, nil", n, err)
	}
}

// TestUnixStopReceivingEmpty: a unix socket that stopped receiving hands
// out what it held, then reads as empty (the stopping reader's drain ends
// there), not as a run of empty datagrams.
func TestUnixStopReceivingEmpty(t *testing.T) {
	r, out := unixReaderOn(t)
	if _, err := out.Write([]byte("held")); err != nil {
		t.Fatal(err)
	}
	if err := r.stopReceiving(true); err != nil {
		t.Fatal(err)
	}
	if n, err := r.readQueued(); n != 1 || err != nil {
		t.Fatalf("readQueued() = %d, %v; want the held datagram", n, err)
	}
	if n, err := r.readQueued(); n != 0 || err != nil {
		t.Fatalf("readQueued() of the stopped, empty socket = %d, %v; want 0, nil", n, err)
	}
}

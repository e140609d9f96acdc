//go:build linux

package listen

import (
	"errors"
	"net"
	"os"
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
	conn.SetReadDeadline(time.Now().Add(time.Second)) // ends the wait once the socket ran dry
	for dry := false; !dry; {
		n, err := r.read(func() { dry = true })
		if err != nil && !(dry && errors.Is(err, os.ErrDeadlineExceeded)) {
			t.Fatal(err)
		}
		read += n
	}
	if read+int(drops) != sent {
		t.Errorf("read %d + dropped %d = %d, want %d", read, drops, read+int(drops), sent)
	}
}

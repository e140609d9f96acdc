package syslog

import (
	"bufio"
	"context"
	"io"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nomenhq/nomen/forward"
	"github.com/nomenhq/nomen/forward/sinktest"
	"github.com/nomenhq/nomen/internal/config"
	"github.com/nomenhq/nomen/relay/event"
)

// lineReceiver collects LF-framed lines from every connection it accepts.
type lineReceiver struct {
	l     net.Listener
	mu    sync.Mutex
	lines []string
	conns []net.Conn
	done  sync.WaitGroup
}

// listenLines starts a receiver on addr. A receiver with stopAfter > 0
// reads that many bytes of its first connection and then stops reading
// (hung), keeping its receive buffer small so that it fills.
func listenLines(t *testing.T, addr string, stopAfter int) *lineReceiver {
	t.Helper()
	l, err := net.Listen("tcp", addr)
	if err != nil {
		t.Skipf("cannot listen on %s: %v", addr, err)
	}
	r := &lineReceiver{l: l}
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			if stopAfter > 0 {
				c.(*net.TCPConn).SetReadBuffer(32 << 10)
			}
			r.mu.Lock()
			r.conns = append(r.conns, c)
			r.mu.Unlock()
			r.done.Add(1)
			go r.read(c, stopAfter)
		}
	}()
	return r
}

func (r *lineReceiver) read(c net.Conn, stopAfter int) {
	defer r.done.Done()
	var src io.Reader = c
	if stopAfter > 0 {
		src = io.LimitReader(c, int64(stopAfter))
	}
	sc := bufio.NewScanner(src)
	for sc.Scan() {
		r.mu.Lock()
		r.lines = append(r.lines, sc.Text())
		r.mu.Unlock()
	}
	// A hung receiver just stops reading here, its connection open.
}

// kill closes everything the way a killed process's sockets are closed:
// a connection with unread data is reset, and that data is lost.
func (r *lineReceiver) kill() {
	r.l.Close()
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, c := range r.conns {
		c.Close()
	}
}

func (r *lineReceiver) got() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.lines...)
}

// TestSyslogReceiverHangsThenDies: a receiver reads 256KiB, stops reading
// (its socket buffers fill) and is killed; a new one starts on the same
// port. Writes driven the way the worker drives them (retry the failed
// batch on a reopened sink) must get every event to a receiver at least
// once: what the dead one's kernel acknowledged but it never read is sent
// again from the resend window; a batch counts only once acknowledged.
func TestSyslogReceiverHangsThenDies(t *testing.T) {
	r1 := listenLines(t, "127.0.0.1:0", 256<<10)
	addr := r1.l.Addr().String()
	s, err := New(Config{Address: addr, Framing: "lf", Format: "raw", WriteTimeout: config.Duration(500 * time.Millisecond)},
		forward.Runtime{Hostname: "relay1"})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ctx := context.Background()
	const total, batchSize = 20000, 50
	evs := sinktest.SeqEvents(1, total)
	for _, e := range evs {
		e.Original += " " + strings.Repeat("p", 200) // ~4MiB in all: well past the buffers
	}
	var r2 *lineReceiver
	failures := 0
	for i := 0; i < total; {
		batch := evs[i:min(i+batchSize, total)]
		if err := writeOrOpen(ctx, s, batch); err == nil {
			i += len(batch)
			continue
		} else if forward.IsPermanent(err) {
			t.Fatal(err)
		}
		failures++
		if failures > 50 {
			t.Fatalf("still failing after %d attempts: %v", failures, err)
		}
		if r2 == nil { // the hung receiver made a write fail: kill it, start another
			r1.kill()
			r2 = listenLines(t, addr, 0)
			defer r2.kill()
		}
		s.Close()
	}
	if r2 == nil {
		t.Fatal("no write failed: the hung receiver was counted as taking everything")
	}
	s.Close() // orderly: the receiver reads what is left, then EOF
	r2.l.Close()
	waitDone(t, &r2.done)
	seen := map[string]bool{}
	for _, line := range append(r1.got(), r2.got()...) {
		seen[line] = true
	}
	missing := 0
	for _, e := range evs {
		if !seen[e.Original] {
			missing++
		}
	}
	if missing > 0 {
		t.Fatalf("%d of %d events never reached a receiver", missing, total)
	}
	if sinktest.CounterValue(s.m.resent) == 0 {
		t.Error("nothing was resent after the receiver died")
	}
}

func writeOrOpen(ctx context.Context, s *Syslog, batch []*event.Event) error {
	if err := s.Open(ctx); err != nil {
		return err
	}
	return s.Write(ctx, batch)
}

func waitDone(t *testing.T, wg *sync.WaitGroup) {
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(20 * time.Second): // guards against a hang only
		t.Fatal("the receiver did not finish reading")
	}
}

// unacked counts what the receiver has not acknowledged, and a batch
// written to a receiver that reads it all is acknowledged: the count
// reaches 0.
func TestUnackedOnLoopback(t *testing.T) {
	r := listenLines(t, "127.0.0.1:0", 0)
	defer r.kill()
	c, err := net.Dial("tcp", r.l.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if _, ok := unacked(c); !ok {
		t.Skip("SIOCOUTQ is not available")
	}
	c.Write([]byte(strings.Repeat("x", 1000) + "\n"))
	deadline := time.Now().Add(10 * time.Second)
	for {
		n, _ := unacked(c)
		if n == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d bytes never acknowledged", n)
		}
		time.Sleep(time.Millisecond)
	}
}

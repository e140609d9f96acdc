//go:build linux

package listen

import (
	"context"
	"fmt"
	"net"
	"net/netip"
	"sync/atomic"
	"testing"
	"time"

	"github.com/nomenhq/nomen/internal/cputime"
	"github.com/nomenhq/nomen/relay/pipeline"
)

// counter is a Submitter that only counts what it is given.
type counter struct{ events, batches atomic.Int64 }

func (c *counter) Submit(_ context.Context, b *pipeline.Batch) error {
	c.events.Add(int64(len(b.Events)))
	c.batches.Add(1)
	return nil
}

func (c *counter) TrySubmit(b *pipeline.Batch) bool { return c.Submit(context.Background(), b) == nil }

// BenchmarkUDPSteadyRate sends b.N RFC 3164 datagrams of ~256 bytes at
// ~100,000 a second (bursts of 100 every millisecond, as a busy sender's
// arrive) to a UDP listener and reports the process's CPU per datagram
// (the sender's sendto included: compare builds, not absolute numbers)
// and the events per batch the pipeline was handed. Run it with
// -benchtime 200000x or more: the rate, not b.N, sets its pace.
func BenchmarkUDPSteadyRate(b *testing.B) {
	c := &counter{}
	tl := startTestWith(b, Config{Name: "bench", Protocol: "udp", Address: "127.0.0.1:0", Readers: 1, ReadBuffer: 4 << 20}, c)
	out, err := net.Dial("udp", tl.Addr().String())
	if err != nil {
		b.Fatal(err)
	}
	defer out.Close()
	pad := make([]byte, 180)
	for i := range pad {
		pad[i] = 'x'
	}
	msg := func(i int) []byte {
		return fmt.Appendf(nil, "<13>Jan  2 03:04:05 host app[42]: seq: %010d, thread: 0000, runid: 1, stamp: 2024-01-02T03:04:05 %s", i, pad)
	}
	t := time.NewTicker(time.Millisecond)
	defer t.Stop()
	b.ResetTimer()
	cpu0 := cputime.Self()
	for sent := 0; sent < b.N; {
		<-t.C
		for k := 0; k < 100 && sent < b.N; k++ {
			out.Write(msg(sent))
			sent++
		}
	}
	for deadline := time.Now().Add(10 * time.Second); c.events.Load()+int64(value(tl.metrics.Dropped.WithLabelValues("listener", "socket_buffer"))) < int64(b.N) && time.Now().Before(deadline); {
		time.Sleep(time.Millisecond)
	}
	cpu := cputime.Self() - cpu0
	b.StopTimer()
	if got := c.events.Load(); got > 0 {
		b.ReportMetric(float64(cpu.Nanoseconds())/float64(b.N), "cpu-ns/datagram")
		b.ReportMetric(float64(got)/float64(c.batches.Load()), "events/batch")
		b.ReportMetric(100*float64(int64(b.N)-got)/float64(b.N), "loss-%")
	}
}

// BenchmarkPeerCache is the peer lookup a datagram reader makes for every
// datagram, from a sender among a few (a busy relay's datagrams come
// mostly in runs from one sender).
func BenchmarkPeerCache(b *testing.B) {
	var c peerCache
	senders := []netip.AddrPort{
		netip.MustParseAddrPort("192.0.2.10:514"),
		netip.MustParseAddrPort("[2001:db8::1]:40000"),
		netip.MustParseAddrPort("198.51.100.7:51514"),
	}
	i := 0
	for b.Loop() {
		if c.get(senders[i/64%len(senders)]) == "" {
			b.Fatal("no peer")
		}
		i++
	}
}

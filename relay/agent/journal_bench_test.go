package agent

import (
	"context"
	"encoding/binary"
	"net"
	"sync/atomic"
	"testing"

	"github.com/nomenhq/nomen/relay/agent/agenttest"
	"github.com/nomenhq/nomen/relay/event"
	"github.com/nomenhq/nomen/relay/journal"
	"github.com/nomenhq/nomen/relay/wire"
	"github.com/prometheus/client_golang/prometheus"
)

// BenchmarkServerToJournal is BenchmarkServer with the Deliver the relay
// uses: append to a disk journal at its defaults (fsync = "interval") and
// acknowledge once WaitDurable returns. One agent connection has one batch
// in flight, so events/s shows how long an ACK waits for its fsync.
func BenchmarkServerToJournal(b *testing.B) {
	j, err := journal.Open(journal.Config{}.WithDefaults(b.TempDir()), journal.Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer j.Close()
	var delivered atomic.Int64
	deliver := func(ctx context.Context, evs []*event.Event) error {
		if err := j.Append(ctx, evs); err != nil {
			return err
		}
		delivered.Add(int64(len(evs)))
		return j.WaitDurable(ctx, evs[len(evs)-1].ID)
	}

	dir := b.TempDir()
	pki := agenttest.NewPKI(b, dir, "agents")
	cert, key := pki.Server(b, "relay")
	cfg := Config{Name: "agents", Protocol: "agent", TLS: &TLSConfig{Cert: cert, Key: key, ClientCA: pki.CAFile}, StateDir: dir}
	srv, err := NewServer(cfg, deliver, nil, prometheus.NewRegistry())
	if err != nil {
		b.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	go srv.Serve(ln)
	f := &fixture{t: b, pki: pki, cfg: cfg, srv: srv, addr: ln.Addr().String()}
	defer f.stop()
	c := f.dial(pki, "bench01")
	c.hello("bench01", wire.StreamPos{Channel: "Security", Epoch: 1})

	const perBatch, frames = 1000, 8
	var built [][]byte
	for i := range frames {
		var bb wire.BatchBuilder
		bb.Reset("Security", 1)
		for k := range perBatch {
			seq := uint64(i*perBatch + k + 1)
			bb.Add(seq, agenttest.Record1K(seq))
		}
		built = append(built, bb.AppendFrame(nil, DefaultMaxRatio))
	}
	epochOff := wire.HeaderSize + 2 + len("Security")
	batches := (b.N + perBatch - 1) / perBatch
	acks := make(chan error, 1)
	b.ResetTimer()
	go func() {
		_, err := c.readAck("Security", uint64((batches-1)/frames+1), uint64(((batches-1)%frames+1)*perBatch))
		acks <- err
	}()
	for i := range batches {
		fr := built[i%frames]
		binary.BigEndian.PutUint64(fr[epochOff:], uint64(i/frames+1))
		if err := c.send(fr); err != nil {
			b.Fatal(err)
		}
	}
	if err := <-acks; err != nil {
		b.Fatal(err)
	}
	b.StopTimer()
	if delivered.Load() != int64(batches*perBatch) {
		b.Fatalf("%d events journaled, want %d", delivered.Load(), batches*perBatch)
	}
	b.ReportMetric(float64(delivered.Load())/b.Elapsed().Seconds(), "events/s")
}

package agent

import (
	"encoding/binary"
	"testing"

	"github.com/nomenhq/nomen/relay/agent/agenttest"
	"github.com/nomenhq/nomen/relay/wire"
)

// BenchmarkServer measures events/s from one agent connection (mutual TLS
// 1.3, lz4 batches of 1000 records of about 1 KiB) through the server
// into a Deliver that only counts. The client sends prebuilt frames, so
// the number is the relay side's cost; cmd/nomen-agent's benchmark
// includes the agent's batching and compression.
func BenchmarkServer(b *testing.B) {
	f := newFixture(b, nil)
	f.rec.CountOnly = true
	c := f.dial(f.pki, "bench01")
	c.hello("bench01", wire.StreamPos{Channel: "Security", Epoch: 1})

	const perBatch, frames = 1000, 32
	var built [][]byte
	raw := 0
	for i := range frames {
		var bb wire.BatchBuilder
		bb.Reset("Security", 1)
		for j := range perBatch {
			seq := uint64(i*perBatch + j + 1)
			rec := agenttest.Record1K(seq)
			raw += len(rec)
			bb.Add(seq, rec)
		}
		built = append(built, bb.AppendFrame(nil, DefaultMaxRatio))
	}
	wireBytes := 0
	for _, fr := range built {
		wireBytes += len(fr)
	}
	b.Logf("record %d bytes, batch frame %d bytes (lz4 %.1f:1)", raw/(frames*perBatch), wireBytes/frames, float64(raw)/float64(wireBytes))

	// The frames are replayed under a new epoch each round: the epoch is
	// outside the checksummed block, so patching it is cheap.
	epochOff := wire.HeaderSize + 2 + len("Security")
	acks := make(chan error, 1)
	batches := (b.N + perBatch - 1) / perBatch
	var lastEpoch uint64
	b.ReportAllocs()
	b.SetBytes(int64(raw / (frames * perBatch)))
	b.ResetTimer()
	go func() {
		want := (batches-1)/frames + 1
		_, err := c.readAck("Security", uint64(want), uint64(((batches-1)%frames+1)*perBatch))
		acks <- err
	}()
	for i := range batches {
		fr := built[i%frames]
		lastEpoch = uint64(i/frames + 1)
		binary.BigEndian.PutUint64(fr[epochOff:], lastEpoch)
		if err := c.send(fr); err != nil {
			b.Fatal(err)
		}
	}
	if err := <-acks; err != nil {
		b.Fatal(err)
	}
	b.StopTimer()
	if got := f.rec.Count(); got != batches*perBatch {
		b.Fatalf("%d events delivered, want %d", got, batches*perBatch)
	}
	b.ReportMetric(float64(batches*perBatch)/b.Elapsed().Seconds(), "events/s")
}

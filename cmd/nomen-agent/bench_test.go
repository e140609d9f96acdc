package main

import (
	"context"
	"testing"

	"github.com/nomenhq/nomen/relay/agent/agenttest"
)

// BenchmarkAgentToRelay measures events/s from one agent (batching, lz4,
// mutual TLS 1.3) through the relay's agent server into a Deliver that
// only counts, with records of about 1 KiB of Windows XML. Both ends run
// in this process, on the same two cores.
func BenchmarkAgentToRelay(b *testing.B) {
	r := startRelay(b, nil)
	r.rec.CountOnly = true
	recs := make([]memRecord, b.N)
	size := 0
	for i := range recs {
		recs[i] = memRecord{seq: uint64(i + 1), data: agenttest.Record1K(uint64(i + 1))}
		size += len(recs[i].data)
	}
	cert, key := r.pki.Client(b, "bench01")
	tlsCfg, id, err := clientTLS(cert, key, r.caFile, "", r.addr)
	if err != nil {
		b.Fatal(err)
	}
	src := &memSource{channel: "Security", epoch: 1, recs: recs}
	a := newAgent(Options{Relay: r.addr, TLS: tlsCfg, AgentID: id, Host: "BENCH01", Finite: true}, &agentState{}, src)
	b.ReportAllocs()
	b.SetBytes(int64(size / b.N))
	b.ResetTimer()
	if err := a.Run(context.Background()); err != nil {
		b.Fatal(err)
	}
	b.StopTimer()
	if got := r.rec.Count(); got != b.N {
		b.Fatalf("%d events delivered, want %d", got, b.N)
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "events/s")
}

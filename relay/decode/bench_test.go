package decode

import (
	"fmt"
	"runtime/metrics"
	"strings"
	"testing"
	"time"

	"github.com/nomenhq/nomen/normalize"
	"github.com/nomenhq/nomen/relay/event"
)

// BenchmarkFrameLive is the relay's work per message that the garbage
// collector sees (issue #17): decode the throughput benchmark's kind of
// line (RFC 5424, two SD elements), write its journal record and its ECS
// JSON, and keep the last liveEvents events alive as the journal's memory
// tail does, so that collections mark a heap like the relay's. It reports
// the collector's CPU per message (gc-ns/op) beside B/op; for instruction
// counts run it under callgrind at two -test.benchtime Nx and subtract.
func BenchmarkFrameLive(b *testing.B) {
	const liveEvents = 12000 // ~8 MiB as the tail estimates these events
	lines := make([][]byte, 256)
	for i := range lines {
		lines[i] = fmt.Appendf(nil, `<%d>1 2024-05-01T12:%02d:%02d.%06dZ host%03d.example.net app%d %d ID%d [meta@32473 seq="%d" zone="eu-%d"][origin ip="192.0.2.%d"] seq=%010d the quick brown fox jumps over the lazy dog, %d times`,
			(16+i%8)*8+i%8, i/60%60, i%60, i*7919%1000000, i%200, i%12, 1000+i%977, i%100, i, i%4, i%250+1, i, i)
	}
	n, err := normalize.New(normalize.Config{})
	if err != nil {
		b.Fatal(err)
	}
	d := NewInput(Options{Input: "bench", Location: time.UTC, Rules: Fixed(n)}).Decoder()
	live := make([]*event.Event, liveEvents)
	var enc event.Encoder
	var rec, js []byte
	now := time.Now()
	for i := range live { // a full tail before measuring
		live[i] = d.Frame(lines[i%len(lines)], false, "127.0.0.1:40000", now)
	}
	gc := []metrics.Sample{{Name: "/cpu/classes/gc/total:cpu-seconds"}}
	metrics.Read(gc)
	gc0 := gc[0].Value.Float64()
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		e := d.Frame(lines[i%len(lines)], false, "127.0.0.1:40000", now)
		live[i%liveEvents] = e
		rec = event.AppendBinary(rec[:0], e, nil)
		js = enc.AppendJSON(js[:0], e)
		i++
	}
	metrics.Read(gc)
	b.ReportMetric((gc[0].Value.Float64()-gc0)*1e9/float64(b.N), "gc-ns/op")
}

// BenchmarkFrameDatagram decodes the UDP benchmark's datagram (loggen's
// 256-byte RFC 3164 line, which no decoder recognises): B/op is what the
// relay allocates per datagram in the decode step, the event and its
// text, which is what paces the collector at 100,000 datagrams a second
// (issue #17).
func BenchmarkFrameDatagram(b *testing.B) {
	lines := make([][]byte, 256)
	for i := range lines {
		lines[i] = fmt.Appendf(nil, "<38>2026-12-07T09:58:21 localhost prg00000[1234]: seq: %010d, thread: 0000, runid: 1796637501, stamp: 2026-12-07T09:58:21 %s",
			i, strings.Repeat("PADD", 32))
	}
	n, err := normalize.New(normalize.Config{})
	if err != nil {
		b.Fatal(err)
	}
	d := NewInput(Options{Input: "bench", Location: time.UTC, Rules: Fixed(n)}).Decoder()
	now := time.Now()
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		d.Frame(lines[i%len(lines)], false, "127.0.0.1:40000", now)
		i++
	}
}

// harnessLine is line i of the shared harness's RFC 5424 corpus (the
// json-5424-oc scenario, issue #17): three SD params, then a seq token
// and filler, 200..300 bytes in all.
func harnessLine(i int) []byte {
	const pad = "Lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor incididunt ut labore et dolore magna aliqua Ut enim ad minim veniam quis nostrud exercitation ullamco laboris nisi ut aliquip ex ea commodo consequat Duis aute irure dolor in reprehenderit in voluptate velit esse cillum dolore eu fugiat nulla pariatur"
	sev := i % 8
	hdr := fmt.Sprintf(`<%d>1 2024-05-01T12:%02d:%02d.%06dZ host%03d.example.net app%d %d ID%d [meta@32473 seq="%d" zone="eu-%d" level="%d"][origin ip="192.0.2.%d"] seq=%010d `,
		(16+i%8)*8+sev, i/60%60, i%60, i*7919%1000000, i%200, i%12, 1000+i%977, i%100, i, i%4, sev, i%250+1, i)
	want := 200 + i*37%101
	return []byte(hdr + pad[i%40:i%40+max(0, want-len(hdr))])
}

// harnessRoad is 256 lines of the harness's corpus (harnessLine) and a
// decoder that normalizes them, as the relay's TCP input does.
func harnessRoad(b *testing.B) ([][]byte, *Decoder) {
	lines := make([][]byte, 256)
	for i := range lines {
		lines[i] = harnessLine(i)
	}
	n, err := normalize.New(normalize.Config{})
	if err != nil {
		b.Fatal(err)
	}
	return lines, NewInput(Options{Input: "bench", Location: time.UTC, Rules: Fixed(n)}).Decoder()
}

// BenchmarkFrameJSON is the file output's road for the harness's JSON
// scenario, in one goroutine: decode a frame of its corpus and write the
// event as the file output's ECS JSON line. B/op is what decoding
// allocates per message; for instruction counts run it under callgrind
// at two -test.benchtime Nx and subtract.
func BenchmarkFrameJSON(b *testing.B) {
	lines, d := harnessRoad(b)
	enc := event.Encoder{Observer: "relay1"}
	var js []byte
	now := time.Now()
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		e := d.Frame(lines[i%len(lines)], false, "127.0.0.1:40000", now)
		js = append(enc.AppendJSON(js[:0], e), '\n')
		i++
	}
}

// BenchmarkFrameRecord is the raw road's work per message before the
// journal compresses its block (the harness's tcp-5424-lf scenario with
// format = "raw", issue #17): decode a frame of the harness's corpus and
// write the event's journal record. For instruction counts run it under
// callgrind at two -test.benchtime Nx and subtract.
func BenchmarkFrameRecord(b *testing.B) {
	lines, d := harnessRoad(b)
	var rec []byte
	now := time.Now()
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		e := d.Frame(lines[i%len(lines)], false, "127.0.0.1:40000", now)
		rec = event.AppendBinary(rec[:0], e, nil)
		i++
	}
}

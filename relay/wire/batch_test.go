package wire

import (
	"bytes"
	"crypto/rand"
	"encoding/binary"
	"fmt"
	"math"
	"testing"
)

func sampleRecord(seq uint64) []byte {
	return fmt.Appendf(nil, "<Event xmlns='http://schemas.microsoft.com/win/2004/08/events/event'><System><EventID>4624</EventID>"+
		"<TimeCreated SystemTime='2026-11-22T10:15:02.1234567Z'/><EventRecordID>%d</EventRecordID><Channel>Security</Channel></System>"+
		"<EventData><Data Name='TargetUserName'>alice</Data></EventData></Event>", seq)
}

func buildBatch(t testing.TB, seqs ...uint64) []byte {
	t.Helper()
	var b BatchBuilder
	b.Reset("Security", 9)
	for _, s := range seqs {
		b.Add(s, sampleRecord(s))
	}
	return b.AppendFrame(nil, 64)
}

func decodeFrame(t testing.TB, frame []byte) (BatchHeader, []byte, []Record, error) {
	t.Helper()
	h, err := ParseHeader(frame)
	if err != nil {
		t.Fatal(err)
	}
	bh, err := ParseBatch(h.Flags, frame[HeaderSize:], testLimits)
	if err != nil {
		return bh, nil, nil, err
	}
	var d BatchDecoder
	raw, recs, err := d.Decode(&bh, testLimits)
	return bh, raw, recs, err
}

func TestBatchRoundTrip(t *testing.T) {
	seqs := []uint64{100, 101, 102, 105, 1000, 1 << 40}
	frame := buildBatch(t, seqs...)
	h, _ := ParseHeader(frame)
	if h.Flags != FlagLZ4 {
		t.Errorf("XML records were not compressed (flags %#x)", h.Flags)
	}
	bh, raw, recs, err := decodeFrame(t, frame)
	if err != nil {
		t.Fatal(err)
	}
	if bh.Channel != "Security" || bh.Epoch != 9 || bh.First != 100 || bh.Last != 1<<40 || bh.Count != uint32(len(seqs)) {
		t.Fatalf("header %+v", bh)
	}
	for i, r := range recs {
		if r.Seq != seqs[i] {
			t.Errorf("record %d seq %d, want %d", i, r.Seq, seqs[i])
		}
		if got := raw[r.Off : r.Off+r.Len]; !bytes.Equal(got, sampleRecord(seqs[i])) {
			t.Errorf("record %d = %q", i, got)
		}
	}
}

func TestBatchIncompressibleSentRaw(t *testing.T) {
	rec := make([]byte, 4096)
	rand.Read(rec)
	var b BatchBuilder
	b.Reset("Application", 1)
	b.Add(1, rec)
	frame := b.AppendFrame(nil, 64)
	h, _ := ParseHeader(frame)
	if h.Flags != 0 {
		t.Fatalf("random data sent compressed")
	}
	_, raw, recs, err := decodeFrame(t, frame)
	if err != nil || len(recs) != 1 || !bytes.Equal(raw[recs[0].Off:], rec) {
		t.Fatalf("err %v", err)
	}
}

func TestBatchOverRatioSentRaw(t *testing.T) {
	// 64 KiB of one byte compresses about 250:1; with max ratio 8 the
	// builder must send it uncompressed rather than have it refused.
	var b BatchBuilder
	b.Reset("Application", 1)
	b.Add(1, bytes.Repeat([]byte("a"), 64<<10))
	frame := b.AppendFrame(nil, 8)
	h, _ := ParseHeader(frame)
	if h.Flags != 0 {
		t.Fatalf("over-ratio block sent compressed")
	}
}

// patchBatch rewrites fields of a built BATCH frame.
func patchBatch(frame []byte, f func(body []byte, fixed int)) []byte {
	b := bytes.Clone(frame)
	body := b[HeaderSize:]
	f(body, BatchOverhead("Security"))
	return b
}

func TestBatchErrors(t *testing.T) {
	good := buildBatch(t, 1, 2, 3)
	// Offsets inside the body, after the 2+8 byte channel.
	const (
		oEpoch = 10
		oFirst = 18
		oLast  = 26
		oCount = 34
		oFmt   = 38
		oRaw   = 39
		oCRC   = 43
	)
	cases := []struct {
		name  string
		frame []byte
		lim   Limits
		code  Code
	}{
		{"lz4 claiming 4 GiB", patchBatch(good, func(b []byte, _ int) { binary.BigEndian.PutUint32(b[oRaw:], math.MaxUint32) }), testLimits, CodeLimit},
		{"over ratio", patchBatch(good, func(b []byte, _ int) { binary.BigEndian.PutUint32(b[oRaw:], 1<<20) }), testLimits, CodeLimit},
		{"raw under declared", patchBatch(good, func(b []byte, _ int) {
			binary.BigEndian.PutUint32(b[oRaw:], binary.BigEndian.Uint32(b[oRaw:])+1)
		}), testLimits, CodeDecompress},
		{"raw over declared", patchBatch(good, func(b []byte, _ int) {
			binary.BigEndian.PutUint32(b[oRaw:], binary.BigEndian.Uint32(b[oRaw:])-1)
		}), testLimits, CodeDecompress},
		{"checksum", patchBatch(good, func(b []byte, _ int) { b[oCRC] ^= 0xff }), testLimits, CodeChecksum},
		{"garbage block", patchBatch(good, func(b []byte, fixed int) {
			for i := fixed; i < len(b); i++ {
				b[i] = 0xff
			}
		}), testLimits, CodeDecompress},
		{"too many records", good, Limits{MaxFrame: 1 << 20, MaxBatchRecords: 2, MaxBatchBytes: 1 << 20, MaxRecord: 1 << 20, MaxRatio: 64}, CodeLimit},
		{"record too big", good, Limits{MaxFrame: 1 << 20, MaxBatchRecords: 10, MaxBatchBytes: 1 << 20, MaxRecord: 100, MaxRatio: 64}, CodeLimit},
		{"raw too big", good, Limits{MaxFrame: 1 << 20, MaxBatchRecords: 10, MaxBatchBytes: 100, MaxRecord: 100, MaxRatio: 64}, CodeLimit},
		{"epoch 0", patchBatch(good, func(b []byte, _ int) { binary.BigEndian.PutUint64(b[oEpoch:], 0) }), testLimits, CodeMalformed},
		{"first 0", patchBatch(good, func(b []byte, _ int) { binary.BigEndian.PutUint64(b[oFirst:], 0) }), testLimits, CodeSequence},
		{"last < first", patchBatch(good, func(b []byte, _ int) { binary.BigEndian.PutUint64(b[oLast:], 0) }), testLimits, CodeSequence},
		{"last mismatch", patchBatch(good, func(b []byte, _ int) { binary.BigEndian.PutUint64(b[oLast:], 4) }), testLimits, CodeSequence},
		{"first mismatch", patchBatch(good, func(b []byte, _ int) { binary.BigEndian.PutUint64(b[oFirst:], 2) }), testLimits, CodeSequence},
		{"count too high", patchBatch(good, func(b []byte, _ int) {
			binary.BigEndian.PutUint64(b[oLast:], 5)
			binary.BigEndian.PutUint32(b[oCount:], 4)
		}), testLimits, CodeMalformed},
		{"count over range", patchBatch(good, func(b []byte, _ int) { binary.BigEndian.PutUint32(b[oCount:], 4) }), testLimits, CodeSequence},
		{"count low", patchBatch(good, func(b []byte, _ int) { binary.BigEndian.PutUint32(b[oCount:], 2) }), testLimits, CodeMalformed},
		{"count 0", patchBatch(good, func(b []byte, _ int) { binary.BigEndian.PutUint32(b[oCount:], 0) }), testLimits, CodeMalformed},
		{"format", patchBatch(good, func(b []byte, _ int) { b[oFmt] = 2 }), testLimits, CodeMalformed},
		{"truncated fixed part", good[:HeaderSize+20], testLimits, CodeMalformed},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			h, err := ParseHeader(c.frame)
			if err != nil {
				t.Fatal(err)
			}
			bh, err := ParseBatch(h.Flags, c.frame[HeaderSize:], c.lim)
			if err == nil {
				var d BatchDecoder
				_, _, err = d.Decode(&bh, c.lim)
			}
			if err == nil || CodeOf(err) != c.code {
				t.Fatalf("got %v, want code %v", err, c.code)
			}
		})
	}
}

// Hand-built record blocks exercise the record walk directly.
func TestBatchRecordWalk(t *testing.T) {
	mk := func(first, last uint64, count uint32, raw []byte) BatchHeader {
		return BatchHeader{Channel: "S", Epoch: 1, First: first, Last: last, Count: count, Format: FormatWindowsXML,
			RawSize: uint32(len(raw)), CRC: Checksum(raw), Block: raw}
	}
	rec := func(delta, n uint64, data string) []byte {
		b := binary.AppendUvarint(nil, delta)
		b = binary.AppendUvarint(b, n)
		return append(b, data...)
	}
	cases := []struct {
		name string
		h    BatchHeader
		code Code
	}{
		{"first delta", mk(1, 2, 1, rec(1, 1, "a")), CodeSequence},
		{"repeated id", mk(1, 2, 2, append(rec(0, 1, "a"), rec(0, 1, "b")...)), CodeSequence},
		{"beyond last", mk(1, 2, 2, append(rec(0, 1, "a"), rec(5, 1, "b")...)), CodeSequence},
		{"empty record", mk(1, 1, 1, append(rec(0, 0, ""), 'x', 'y')), CodeMalformed},
		{"past block", mk(1, 1, 1, rec(0, 9, "abc")), CodeMalformed},
		{"trailing", mk(1, 1, 1, append(rec(0, 1, "a"), 0, 1, 'z')), CodeMalformed},
		{"bad varint", mk(1, 1, 1, []byte{0xff, 0xff, 0xff}), CodeMalformed},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var d BatchDecoder
			_, _, err := d.Decode(&c.h, testLimits)
			if CodeOf(err) != c.code || err == nil {
				t.Fatalf("got %v, want %v", err, c.code)
			}
		})
	}
}

func TestBatchSizeWith(t *testing.T) {
	var b BatchBuilder
	b.Reset("S", 1)
	for _, s := range []uint64{5, 6, 300, 1 << 50} {
		rec := bytes.Repeat([]byte("x"), int(s%500)+1)
		want := b.SizeWith(s, len(rec))
		b.Add(s, rec)
		if b.Size() != want {
			t.Fatalf("SizeWith %d, Size %d", want, b.Size())
		}
	}
}

func BenchmarkBatchDecode(b *testing.B) {
	var bb BatchBuilder
	bb.Reset("Security", 1)
	for i := uint64(1); i <= 1000; i++ {
		bb.Add(i, sampleRecord(i))
	}
	frame := bb.AppendFrame(nil, 64)
	h, _ := ParseHeader(frame)
	var d BatchDecoder
	b.ReportAllocs()
	b.SetBytes(int64(bb.Size()))
	for b.Loop() {
		bh, err := ParseBatch(h.Flags, frame[HeaderSize:], testLimits)
		if err != nil {
			b.Fatal(err)
		}
		if _, _, err := d.Decode(&bh, testLimits); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkBatchEncode(b *testing.B) {
	recs := make([][]byte, 1000)
	n := 0
	for i := range recs {
		recs[i] = sampleRecord(uint64(i + 1))
		n += len(recs[i])
	}
	var bb BatchBuilder
	var out []byte
	b.ReportAllocs()
	b.SetBytes(int64(n))
	for b.Loop() {
		bb.Reset("Security", 1)
		for i, r := range recs {
			bb.Add(uint64(i+1), r)
		}
		out = bb.AppendFrame(out[:0], 64)
	}
}

package wire

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"
)

// splitReader returns its data in two reads, cut at split: the way a TCP
// stream may hand a frame over in pieces.
type splitReader struct {
	parts [][]byte
}

func (s *splitReader) Read(p []byte) (int, error) {
	for len(s.parts) > 0 && len(s.parts[0]) == 0 {
		s.parts = s.parts[1:]
	}
	if len(s.parts) == 0 {
		return 0, io.EOF
	}
	n := copy(p, s.parts[0])
	s.parts[0] = s.parts[0][n:]
	return n, nil
}

func fuzzSeeds() [][]byte {
	var seeds [][]byte
	seeds = append(seeds, (&Hello{AgentID: "ws01", Host: "WS01", OS: "windows", Streams: []StreamPos{{"Security", 1, 5}}}).AppendFrame(nil))
	seeds = append(seeds, (&Welcome{Relay: "r", Limits: testLimits, KeepaliveMillis: 5000, Streams: []StreamPos{{"Security", 1, 5}}}).AppendFrame(nil))
	seeds = append(seeds, (&Ack{Channel: "Security", Epoch: 1, Seq: 9}).AppendFrame(nil))
	seeds = append(seeds, (&Gap{Channel: "Security", Epoch: 1, Reason: GapOverwritten, First: 3, Last: 9}).AppendFrame(nil))
	seeds = append(seeds, (&Ping{Token: 1}).AppendFrame(nil, false))
	seeds = append(seeds, (&ErrorFrame{Code: CodeLimit, Msg: "x"}).AppendFrame(nil))
	seeds = append(seeds, (&Bye{}).AppendFrame(nil))
	var b BatchBuilder
	b.Reset("Security", 1)
	b.Add(7, sampleRecord(7))
	b.Add(8, sampleRecord(8))
	seeds = append(seeds, b.AppendFrame(nil, 64))
	b.Reset("System", 2)
	b.Add(1, []byte("x"))
	seeds = append(seeds, b.AppendFrame(nil, 64))
	return seeds
}

// FuzzFrames feeds arbitrary bytes, split in two reads, to the frame
// reader and every body decoder. Nothing may panic, nothing may allocate
// past the limits, and whatever decodes must re-encode to the same bytes.
func FuzzFrames(f *testing.F) {
	for _, s := range fuzzSeeds() {
		f.Add(s, uint16(len(s)/2))
	}
	all := bytes.Join(fuzzSeeds(), nil)
	f.Add(all, uint16(17))
	lim := Limits{MaxFrame: 1 << 20, MaxBatchRecords: 1000, MaxBatchBytes: 1 << 20, MaxRecord: 64 << 10, MaxRatio: 64}
	f.Fuzz(func(t *testing.T, data []byte, split uint16) {
		cut := int(split) % (len(data) + 1)
		r := NewReader(&splitReader{parts: [][]byte{bytes.Clone(data[:cut]), bytes.Clone(data[cut:])}}, lim.MaxFrame)
		var dec BatchDecoder
		for range 64 {
			fr, err := r.Read()
			if err != nil {
				var we *Error
				if !errors.As(err, &we) && err != io.EOF && err != io.ErrUnexpectedEOF {
					t.Fatalf("unexpected error type %T: %v", err, err)
				}
				return
			}
			if fr.Length > BodyLimit(fr.Type, lim.MaxFrame) {
				t.Fatalf("frame of %d bytes passed the limit", fr.Length)
			}
			checkBody(t, fr, lim, &dec)
		}
	})
}

func checkBody(t *testing.T, fr Frame, lim Limits, dec *BatchDecoder) {
	reencode := func(got []byte) {
		if !bytes.Equal(got[HeaderSize:], fr.Body) {
			t.Fatalf("%v re-encodes differently:\n got %x\nwant %x", fr.Type, got[HeaderSize:], fr.Body)
		}
	}
	switch fr.Type {
	case TypeHello:
		var h Hello
		if h.Decode(fr.Body) == nil {
			reencode(h.AppendFrame(nil))
		}
	case TypeWelcome:
		var w Welcome
		if w.Decode(fr.Body) == nil {
			reencode(w.AppendFrame(nil))
		}
	case TypeAck:
		var a Ack
		if a.Decode(fr.Body) == nil {
			reencode(a.AppendFrame(nil))
		}
	case TypeGap:
		var g Gap
		if g.Decode(fr.Body) == nil {
			reencode(g.AppendFrame(nil))
		}
	case TypePing, TypePong:
		var p Ping
		if p.Decode(fr.Body) == nil {
			reencode(p.AppendFrame(nil, fr.Type == TypePong))
		}
	case TypeError:
		var e ErrorFrame
		if e.Decode(fr.Body) == nil {
			reencode(e.AppendFrame(nil))
		}
	case TypeBye:
		var b Bye
		if b.Decode(fr.Body) == nil {
			reencode(b.AppendFrame(nil))
		}
	case TypeBatch:
		bh, err := ParseBatch(fr.Flags, fr.Body, lim)
		if err != nil {
			return
		}
		raw, recs, err := dec.Decode(&bh, lim)
		if err != nil {
			return
		}
		if len(raw) > int(lim.MaxBatchBytes) || uint32(len(recs)) != bh.Count {
			t.Fatalf("decoded %d bytes, %d records past the limits", len(raw), len(recs))
		}
		// Rebuild the batch from the decoded records: same records back.
		var b BatchBuilder
		b.Reset(bh.Channel, bh.Epoch)
		for _, r := range recs {
			b.Add(r.Seq, raw[r.Off:r.Off+r.Len])
		}
		again := b.AppendFrame(nil, lim.MaxRatio)
		h2, _ := ParseHeader(again)
		bh2, err := ParseBatch(h2.Flags, again[HeaderSize:], lim)
		if err != nil {
			t.Fatalf("rebuilt batch: %v", err)
		}
		var d2 BatchDecoder
		raw2, recs2, err := d2.Decode(&bh2, lim)
		if err != nil || len(recs2) != len(recs) || !bytes.Equal(raw2, raw) {
			t.Fatalf("rebuilt batch differs: %v", err)
		}
	}
}

// FuzzRecordHelpers: the XML scanners never panic and never return text
// that is not in the record.
func FuzzRecordHelpers(f *testing.F) {
	f.Add(string(sampleRecord(5)))
	f.Add("<RenderingInfo Culture='en-US'><Message>a &amp; b &#x41;&#66;&bogus; &</Message></RenderingInfo>")
	f.Add("<TimeCreated SystemTime=\"2026-01-01T00:00:00Z\"/><EventRecordID>18446744073709551615</EventRecordID>")
	f.Add("<Channel/><Channel")
	f.Fuzz(func(t *testing.T, rec string) {
		RecordID(rec)
		RecordTime(rec)
		RecordMessage(rec)
		RecordChannel(rec)
		if s, ok := ElementText(rec, "Computer"); ok && !strings.Contains(rec, s) {
			t.Fatal("text not from the record")
		}
	})
}

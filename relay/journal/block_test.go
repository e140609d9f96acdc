package journal

import (
	"bytes"
	"encoding/binary"
	"reflect"
	"testing"
	"time"

	"github.com/nomenhq/nomen/relay/event"
	"github.com/pierrec/lz4/v4"
	"github.com/prometheus/client_golang/prometheus"
)

// encode is the journal's encode without a journal.
func encode(enc *encoder, evs []*event.Event) error {
	j := &Journal{record: event.AppendBinary, m: NewMetrics(nil, nil)}
	return j.encode(enc, evs)
}

// sealed encodes events as blocks starting at ID first.
func sealed(t testing.TB, first uint64, evs []*event.Event) *encoder {
	t.Helper()
	enc := new(encoder)
	if err := encode(enc, evs); err != nil {
		t.Fatal(err)
	}
	for i := range enc.blocks {
		enc.seal(i, first)
		first += uint64(enc.blocks[i].count)
	}
	return enc
}

func TestBlockRoundTrip(t *testing.T) {
	in := testEvents(0, 1200) // more than one block
	enc := sealed(t, 7, in)
	if len(enc.blocks) < 2 {
		t.Fatalf("%d blocks, want the append cut into several", len(enc.blocks))
	}
	if enc.out[4] != codecS2 {
		t.Fatalf("codec %d, want S2", enc.out[4])
	}
	var out []event.Event
	for i := range enc.blocks {
		evs, err := decodeBlock(enc.out[enc.blocks[i].off:enc.blockEnd(i)])
		if err != nil {
			t.Fatalf("block %d: %v", i, err)
		}
		out = append(out, evs...)
	}
	if len(out) != len(in) {
		t.Fatalf("decoded %d events, want %d", len(out), len(in))
	}
	for i := range in {
		if out[i].ID != 7+uint64(i) || out[i].Original != in[i].Original || !reflect.DeepEqual(out[i].Fields, in[i].Fields) ||
			!out[i].Time.Equal(in[i].Time) || !out[i].Received.Equal(in[i].Received) {
			t.Fatalf("event %d: %+v", i, out[i])
		}
	}
}

// TestBlockStartsWithWholeTimes: an event that would take the block being
// built over its limit starts the next block, where its times and texts
// are read whole (a record's times are differences from the record
// before in its block, its connection's texts may be that record's):
// both blocks decode to the events appended.
func TestBlockStartsWithWholeTimes(t *testing.T) {
	small := testEvent(1)
	large := event.New(small.Received.Add(time.Hour)) // a record of ~maxBlockRaw-70 bytes
	large.Time = small.Time.Add(-time.Hour)
	large.Original = string(make([]byte, maxBlockRaw-100))
	large.Input, large.Peer, large.Format = small.Input, small.Peer, small.Format // the record before's texts
	enc := sealed(t, 1, []*event.Event{small, large})
	if len(enc.blocks) != 2 {
		t.Fatalf("%d blocks, want the large event in a block of its own", len(enc.blocks))
	}
	for i, want := range []*event.Event{small, large} {
		evs, err := decodeBlock(enc.out[enc.blocks[i].off:enc.blockEnd(i)])
		if err != nil || len(evs) != 1 {
			t.Fatalf("block %d: %v, %d events", i, err, len(evs))
		}
		if !evs[0].Received.Equal(want.Received) || !evs[0].Time.Equal(want.Time) || len(evs[0].Original) != len(want.Original) || evs[0].Peer != want.Peer {
			t.Errorf("block %d: received %v time %v, want %v %v", i, evs[0].Received, evs[0].Time, want.Received, want.Time)
		}
	}
}

// lz4Block is one block of evs from ID first as nomen wrote them before
// S2: the same records, compressed with lz4.
func lz4Block(t testing.TB, first uint64, evs []*event.Event) []byte {
	t.Helper()
	var raw []byte
	var prev *event.Event
	for _, e := range evs {
		raw = event.AppendBinary(raw, e, prev)
		prev = e
	}
	body := make([]byte, lz4.CompressBlockBound(len(raw)))
	n, err := lz4.CompressBlock(raw, body, nil)
	if err != nil || n == 0 {
		t.Fatalf("lz4: %d, %v", n, err)
	}
	hdr := make([]byte, headerLen)
	copy(hdr, blockMagic)
	hdr[4] = codecLZ4
	binary.LittleEndian.PutUint64(hdr[8:], first)
	binary.LittleEndian.PutUint32(hdr[16:], uint32(len(evs)))
	binary.LittleEndian.PutUint32(hdr[20:], uint32(len(raw)))
	binary.LittleEndian.PutUint32(hdr[24:], uint32(n))
	binary.LittleEndian.PutUint32(hdr[28:], blockCRC(hdr, body[:n]))
	return append(hdr, body[:n]...)
}

// TestBlockReadsLZ4: journals written before S2 hold lz4 blocks; they
// are read back as they were written.
func TestBlockReadsLZ4(t *testing.T) {
	in := testEvents(0, 300)
	evs, err := decodeBlock(lz4Block(t, 5, in))
	if err != nil {
		t.Fatal(err)
	}
	if len(evs) != len(in) {
		t.Fatalf("decoded %d events, want %d", len(evs), len(in))
	}
	for i := range in {
		if evs[i].ID != 5+uint64(i) || evs[i].Original != in[i].Original || !reflect.DeepEqual(evs[i].Fields, in[i].Fields) {
			t.Fatalf("event %d: %+v", i, evs[i])
		}
	}
}

func TestBlockStoredWhenIncompressible(t *testing.T) {
	e := testEvent(1)
	noise := make([]byte, 4000)
	x := uint32(1)
	for i := range noise {
		x ^= x << 13
		x ^= x >> 17
		x ^= x << 5
		noise[i] = byte(x)
	}
	e.Original, e.Message = string(noise), ""
	enc := sealed(t, 1, []*event.Event{e})
	if enc.out[4] != codecStored {
		t.Fatalf("codec %d, want stored", enc.out[4])
	}
	evs, err := decodeBlock(enc.out)
	if err != nil || evs[0].Original != e.Original {
		t.Fatalf("%v", err)
	}
}

func TestBlockTooLarge(t *testing.T) {
	e := testEvent(1)
	e.Original = string(make([]byte, maxBlockRaw+1))
	if err := encode(new(encoder), []*event.Event{e}); err == nil {
		t.Fatal("an event over the block limit was accepted")
	}
}

func TestBlockRejectsDamage(t *testing.T) {
	enc := sealed(t, 1, testEvents(0, 50))
	good := enc.out
	for off := 0; off < len(good); off += 7 {
		b := bytes.Clone(good)
		b[off] ^= 1
		if _, err := decodeBlock(b); err == nil {
			t.Fatalf("a flipped bit at offset %d went unnoticed", off)
		}
	}
	for n := 0; n < len(good); n += 13 {
		if _, err := decodeBlock(good[:n]); err == nil {
			t.Fatalf("a block cut to %d bytes decoded", n)
		}
	}
}

// reseal recomputes the CRC of a block so that the fuzzer reaches the
// decompressor and the record decoder, not just the checksum.
func reseal(b []byte) {
	if len(b) < headerLen {
		return
	}
	body := b[headerLen:]
	if n := int(binary.LittleEndian.Uint32(b[24:])); n <= len(body) {
		body = body[:n]
	}
	binary.LittleEndian.PutUint32(b[28:], blockCRC(b[:headerLen], body))
}

func FuzzDecodeBlock(f *testing.F) {
	f.Add(sealed(f, 1, testEvents(0, 3)).out, false)
	f.Add(sealed(f, 1, testEvents(0, 3)).out, true)
	enc := sealed(f, 99, testEvents(0, 1))
	f.Add(enc.out, true)
	f.Add(lz4Block(f, 1, testEvents(0, 3)), false)
	f.Fuzz(func(t *testing.T, b []byte, fixCRC bool) {
		b = bytes.Clone(b)
		if fixCRC {
			reseal(b)
		}
		h, herr := parseHeader(b)
		evs, err := decodeBlock(b)
		if err != nil {
			return
		}
		if herr != nil || len(evs) != int(h.count) || h.rawLen > maxBlockRaw {
			t.Fatalf("decoded %d events from a block whose header says %+v (%v)", len(evs), h, herr)
		}
		for i := range evs {
			if evs[i].ID != h.first+uint64(i) {
				t.Fatalf("event %d has ID %d", i, evs[i].ID)
			}
		}
	})
}

// TestBlockCacheEvictsLeastRecentlyUsed: the cache never holds more than
// its budget ([limits] journal_block_cache), and its gauge says what it holds.
func TestBlockCacheEvictsLeastRecentlyUsed(t *testing.T) {
	gauge := prometheus.NewGauge(prometheus.GaugeOpts{Name: "g"})
	c := newBlockCache(300, gauge)
	blk := func(first uint64) *decoded {
		return &decoded{first: first, events: make([]event.Event, 10), bytes: 100}
	}
	c.put(blk(1))
	c.put(blk(11))
	c.put(blk(21))
	c.get(1) // 11 is now the least recently used
	c.put(blk(31))
	if c.get(11) != nil || c.get(1) == nil || c.get(21) == nil || c.get(31) == nil {
		t.Fatal("wrong block evicted")
	}
	c.put(&decoded{first: 41, bytes: 1000}) // larger than the cache: not kept
	if c.get(41) != nil || c.bytes != 300 || metricValue(gauge) != 300 {
		t.Fatalf("bytes %d, gauge %v", c.bytes, metricValue(gauge))
	}
	c.forget(25)
	if c.get(1) != nil || c.get(21) == nil || c.bytes != 200 || metricValue(gauge) != 200 {
		t.Fatalf("forget: bytes %d, gauge %v", c.bytes, metricValue(gauge))
	}
}

package journal

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"

	"github.com/klauspost/compress/s2"
	"github.com/nomenhq/nomen/internal/panics"
	"github.com/nomenhq/nomen/relay/event"
	"github.com/pierrec/lz4/v4"
)

// A block is a run of consecutive events, compressed together:
//
//	offset size
//	0      4    magic "NJB1"
//	4      1    codec: 0 = stored, 1 = lz4 block, 2 = S2 block
//	5      3    zero
//	8      8    ID of the first event (little endian, like every field)
//	16     4    number of events
//	20     4    raw (decompressed) length
//	24     4    body (compressed) length
//	28     4    CRC32C of the body followed by header bytes 0..27
//	32     ...  body: event.AppendBinary records back to back, compressed
//
// A record may refer to the record before it in the block (its times are
// differences, its input, peer and format may be that record's:
// relay/event/codec.go), so a block is decoded from its first record, and
// a record that starts a block is written referring to none.
//
// The CRC covers the header too, so a damaged ID or length is caught the
// same way as a damaged body. Every length is bounded before anything is
// allocated: raw <= maxBlockRaw, body <= the codec's bound for raw, raw <=
// 255 x body for lz4 (it cannot expand more), count <= raw / minRecordLen.
//
// Blocks are written with S2 (klauspost/compress): on the journal's
// records it compresses 3-3.5x faster than lz4 (~950 against ~280 MB/s on
// this project's 2-core machine, blocks of RFC 5424 events), for bodies
// ~6 % larger; compression is on the pipeline's path for every event,
// while decompression is only for outputs behind the memory tail and for
// recovery. lz4 blocks, written before, are still read.
const (
	headerLen    = 32
	blockMagic   = "NJB1"
	codecStored  = 0
	codecLZ4     = 1
	codecS2      = 2
	maxBlockRaw  = 16 << 20  // one event (or block) larger than this is refused
	targetRaw    = 128 << 10 // an append's events are cut into blocks of about this size
	minRecordLen = 16        // the smallest event.AppendBinary record
	maxLZ4Ratio  = 255
)

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// errCorruptBlock reports a block that fails a bound or its CRC.
var errCorruptBlock = errors.New("corrupt block")

// ErrTooLarge is returned by Append for an event whose encoding exceeds
// the largest block (16 MiB).
var ErrTooLarge = errors.New("journal: event too large")

type blockHeader struct {
	codec   byte
	first   uint64
	count   uint32
	rawLen  uint32
	bodyLen uint32
	crc     uint32
}

func (h blockHeader) size() int64 { return headerLen + int64(h.bodyLen) }

// parseHeader checks the header's magic and bounds (not the CRC, which
// needs the body).
func parseHeader(b []byte) (blockHeader, error) {
	if len(b) < headerLen || string(b[0:4]) != blockMagic || b[5]|b[6]|b[7] != 0 {
		return blockHeader{}, errCorruptBlock
	}
	h := blockHeader{
		codec:   b[4],
		first:   binary.LittleEndian.Uint64(b[8:]),
		count:   binary.LittleEndian.Uint32(b[16:]),
		rawLen:  binary.LittleEndian.Uint32(b[20:]),
		bodyLen: binary.LittleEndian.Uint32(b[24:]),
		crc:     binary.LittleEndian.Uint32(b[28:]),
	}
	if h.first == 0 || h.count == 0 || h.rawLen > maxBlockRaw || uint64(h.count) > uint64(h.rawLen)/minRecordLen {
		return blockHeader{}, errCorruptBlock
	}
	switch h.codec {
	case codecStored:
		if h.bodyLen != h.rawLen {
			return blockHeader{}, errCorruptBlock
		}
	case codecLZ4:
		if h.bodyLen == 0 || int(h.bodyLen) > lz4.CompressBlockBound(int(h.rawLen)) ||
			uint64(h.rawLen) > uint64(h.bodyLen)*maxLZ4Ratio {
			return blockHeader{}, errCorruptBlock
		}
	case codecS2:
		if h.bodyLen == 0 || int(h.bodyLen) > s2.MaxEncodedLen(int(h.rawLen)) {
			return blockHeader{}, errCorruptBlock
		}
	default:
		return blockHeader{}, errCorruptBlock
	}
	return h, nil
}

// blockCRC is the CRC stored in a header: body first, then header bytes 0..27.
func blockCRC(hdr, body []byte) uint32 {
	return crc32.Update(crc32.Checksum(body, castagnoli), castagnoli, hdr[:28])
}

// checkBlock verifies the CRC of a block whose header parsed as h.
func checkBlock(h blockHeader, hdr, body []byte) error {
	if len(body) != int(h.bodyLen) || blockCRC(hdr, body) != h.crc {
		return errCorruptBlock
	}
	return nil
}

// decodeBody decompresses and decodes a checked block. The returned events
// point into one new buffer of exactly h.rawLen bytes; their IDs are set.
func decodeBody(h blockHeader, body []byte, into []event.Event) ([]event.Event, error) {
	raw := make([]byte, h.rawLen)
	switch h.codec {
	case codecStored:
		copy(raw, body)
	case codecLZ4:
		n, err := lz4.UncompressBlock(body, raw)
		if err != nil || n != len(raw) {
			return nil, errCorruptBlock
		}
	case codecS2:
		if n, err := s2.DecodedLen(body); err != nil || n != len(raw) {
			return nil, errCorruptBlock
		}
		if out, err := s2.Decode(raw, body); err != nil || len(out) != len(raw) {
			return nil, errCorruptBlock
		}
	}
	evs, err := event.DecodeBlock(raw, into)
	if err != nil || len(evs) != len(into)+int(h.count) {
		return nil, errCorruptBlock
	}
	for i := range evs[len(into):] {
		evs[len(into)+i].ID = h.first + uint64(i)
	}
	return evs, nil
}

// decodeBlock checks and decodes one whole block (header and body), the
// way a reader does. Used by tests and the fuzzer.
func decodeBlock(b []byte) ([]event.Event, error) {
	h, err := parseHeader(b)
	if err != nil {
		return nil, err
	}
	if int64(len(b)) < h.size() {
		return nil, errCorruptBlock
	}
	body := b[headerLen:h.size()]
	if err := checkBlock(h, b[:headerLen], body); err != nil {
		return nil, err
	}
	return decodeBody(h, body, make([]event.Event, 0, h.count))
}

// encoder turns one append's events into blocks, outside any lock: all
// but the first ID and the CRC, which seal fills in once the IDs are known.
// Encoders are pooled; one is used by one goroutine at a time.
type encoder struct {
	raw    []byte // records of the block being built
	out    []byte // finished blocks, header and body, back to back
	blocks []pendingBlock
	n      int // events in the block being built
}

type pendingBlock struct {
	off     int    // of the header in out
	count   uint32 // events
	bodyCRC uint32
}

func (enc *encoder) reset() {
	enc.raw, enc.out, enc.blocks, enc.n = enc.raw[:0], enc.out[:0], enc.blocks[:0], 0
}

// encodeFrom appends events[i:] to the blocks being built, writing each
// record with record (event.AppendBinary, given the event whose record
// precedes it in the block), until the end or a panic. It returns where
// it stopped and the panic, if any: inRecord says whether it was
// record's on events[next], which left the blocks as they were (enc.raw
// is assigned only after record returns), or the block compression's,
// which may not have. It does not finish the last block. One deferred
// recover per call, not per event (poison.go).
func (enc *encoder) encodeFrom(events []*event.Event, i int, record func(b []byte, e, prev *event.Event) []byte) (next int, p *panics.Panic, inRecord bool, err error) {
	defer func() { p = panics.Of(recover()) }()
	for next = i; next < len(events); next++ {
		// The block's records so far are events[next-enc.n:next] (encode
		// goes on from the event that panicked, in the same block).
		var prev *event.Event
		if enc.n > 0 {
			prev = events[next-1]
		}
		before := len(enc.raw)
		inRecord = true
		enc.raw = record(enc.raw, events[next], prev)
		inRecord = false
		if len(enc.raw) > maxBlockRaw && enc.n > 0 {
			// This record starts the next block: written again as a
			// block's first, referring to no record before it.
			enc.raw = enc.raw[:before]
			enc.finish()
			inRecord = true
			enc.raw = record(enc.raw, events[next], nil)
			inRecord = false
			before = 0
		}
		if len(enc.raw)-before > maxBlockRaw {
			return next, nil, false, fmt.Errorf("%w: %d bytes encoded", ErrTooLarge, len(enc.raw)-before)
		}
		enc.n++
		if len(enc.raw) >= targetRaw {
			enc.finish()
		}
	}
	return next, nil, false, nil
}

// finish compresses the block being built into out.
func (enc *encoder) finish() {
	if enc.n == 0 {
		return
	}
	off := len(enc.out)
	bound := s2.MaxEncodedLen(len(enc.raw))
	enc.out = grow(enc.out, headerLen+bound)
	hdr := enc.out[off : off+headerLen]
	dst := enc.out[off+headerLen : off+headerLen+bound]
	codec, n := byte(codecS2), len(s2.Encode(dst, enc.raw))
	if n >= len(enc.raw) {
		codec, n = codecStored, copy(dst, enc.raw)
	}
	copy(hdr, blockMagic)
	hdr[4], hdr[5], hdr[6], hdr[7] = codec, 0, 0, 0
	binary.LittleEndian.PutUint32(hdr[16:], uint32(enc.n))
	binary.LittleEndian.PutUint32(hdr[20:], uint32(len(enc.raw)))
	binary.LittleEndian.PutUint32(hdr[24:], uint32(n))
	enc.out = enc.out[:off+headerLen+n]
	enc.blocks = append(enc.blocks, pendingBlock{off: off, count: uint32(enc.n), bodyCRC: crc32.Checksum(dst[:n], castagnoli)})
	enc.raw, enc.n = enc.raw[:0], 0
}

// seal sets the first ID of block i and its CRC.
func (enc *encoder) seal(i int, first uint64) {
	hdr := enc.out[enc.blocks[i].off:][:headerLen]
	binary.LittleEndian.PutUint64(hdr[8:], first)
	binary.LittleEndian.PutUint32(hdr[28:], crc32.Update(enc.blocks[i].bodyCRC, castagnoli, hdr[:28]))
}

// blockEnd returns the offset in out just past block i.
func (enc *encoder) blockEnd(i int) int {
	if i+1 < len(enc.blocks) {
		return enc.blocks[i+1].off
	}
	return len(enc.out)
}

// grow extends b's length by n, reallocating when needed.
func grow(b []byte, n int) []byte {
	if cap(b)-len(b) < n {
		nb := make([]byte, len(b), 2*cap(b)+n)
		copy(nb, b)
		b = nb
	}
	return b[:len(b)+n]
}

package wire

import (
	"encoding/binary"
	"hash/crc32"

	"github.com/pierrec/lz4/v4"
)

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// Checksum is the CRC-32C (Castagnoli) of a record block.
func Checksum(raw []byte) uint32 { return crc32.Checksum(raw, castagnoli) }

// BatchHeader is the fixed part of a BATCH body.
type BatchHeader struct {
	Channel     string
	Epoch       uint64
	First, Last uint64 // record ids of the first and the last record
	Count       uint32
	Format      RecordFormat
	RawSize     uint32 // size of the decompressed record block
	CRC         uint32 // CRC-32C of the decompressed record block
	LZ4         bool   // Block is an lz4 block (else it is the record block itself)
	Block       []byte // aliases the frame body
}

// BatchOverhead is the size of a BATCH body without its block.
func BatchOverhead(channel string) int { return 2 + len(channel) + 8 + 8 + 8 + 4 + 1 + 4 + 4 }

// ParseBatch decodes and checks the fixed part of a BATCH body against
// lim, without allocating or decompressing anything: a caller may drop a
// batch it already holds (Last at or below its position) right away.
func ParseBatch(flags uint16, body []byte, lim Limits) (BatchHeader, error) {
	d := decoder{b: body, frame: "BATCH"}
	var h BatchHeader
	h.Channel = d.name("channel", false)
	h.Epoch = d.epoch()
	h.First, h.Last = d.u64(), d.u64()
	h.Count = d.u32()
	h.Format = RecordFormat(d.u8())
	h.RawSize = d.u32()
	h.CRC = d.u32()
	if d.err != nil {
		return h, d.err
	}
	h.Block = d.b
	h.LZ4 = flags&FlagLZ4 != 0
	switch {
	case h.First == 0 || h.Last < h.First || h.Last > MaxSeq:
		return h, errorf(CodeSequence, "BATCH record ids %d..%d are not a valid range", h.First, h.Last)
	case h.Count == 0:
		return h, errorf(CodeMalformed, "BATCH with no records")
	case h.Count > lim.MaxBatchRecords:
		return h, errorf(CodeLimit, "BATCH of %d records (at most %d)", h.Count, lim.MaxBatchRecords)
	case uint64(h.Count)-1 > h.Last-h.First:
		return h, errorf(CodeSequence, "BATCH of %d records cannot have increasing ids in %d..%d", h.Count, h.First, h.Last)
	case h.Format != FormatWindowsXML:
		return h, errorf(CodeMalformed, "BATCH record format %d is unknown", h.Format)
	case h.RawSize > lim.MaxBatchBytes:
		return h, errorf(CodeLimit, "BATCH declares %d bytes of records (at most %d)", h.RawSize, lim.MaxBatchBytes)
	case uint64(h.RawSize) < 3*uint64(h.Count):
		return h, errorf(CodeMalformed, "BATCH declares %d bytes for %d records", h.RawSize, h.Count)
	case !h.LZ4 && uint32(len(h.Block)) != h.RawSize:
		return h, errorf(CodeMalformed, "uncompressed BATCH block of %d bytes declares %d", len(h.Block), h.RawSize)
	case h.LZ4 && uint64(h.RawSize) > uint64(len(h.Block))*uint64(lim.MaxRatio):
		return h, errorf(CodeLimit, "BATCH lz4 block of %d bytes declares %d bytes decompressed (ratio over %d)",
			len(h.Block), h.RawSize, lim.MaxRatio)
	}
	return h, nil
}

// Record locates one record in a decompressed block.
type Record struct {
	Seq      uint64
	Off, Len uint32
}

// BatchDecoder decompresses and checks record blocks. It reuses its
// buffers; one decoder serves one connection.
type BatchDecoder struct {
	buf  *[]byte
	recs []Record
}

// Decode decompresses h's block, verifies its checksum and walks its
// records: exactly h.Count of them, each 1..lim.MaxRecord bytes, with ids
// strictly increasing from h.First to h.Last. raw and recs stay valid until
// Release or the next Decode.
func (d *BatchDecoder) Decode(h *BatchHeader, lim Limits) (raw []byte, recs []Record, err error) {
	d.Release()
	if h.LZ4 {
		// The size was checked by ParseBatch before this allocation.
		d.buf = getBuf(int(h.RawSize))
		raw = *d.buf
		n, err := lz4.UncompressBlock(h.Block, raw)
		if err != nil {
			return nil, nil, errorf(CodeDecompress, "BATCH lz4 block does not decompress to the declared %d bytes: %v", h.RawSize, err)
		}
		if n != int(h.RawSize) {
			return nil, nil, errorf(CodeDecompress, "BATCH lz4 block decompresses to %d bytes, declared %d", n, h.RawSize)
		}
	} else {
		raw = h.Block
	}
	if c := Checksum(raw); c != h.CRC {
		return nil, nil, errorf(CodeChecksum, "BATCH record block checksum %08x, declared %08x", c, h.CRC)
	}
	recs = d.recs[:0]
	seq := h.First
	for off := 0; off < len(raw); {
		if uint32(len(recs)) == h.Count {
			return nil, nil, errorf(CodeMalformed, "BATCH has bytes after its %d records", h.Count)
		}
		delta, n := binary.Uvarint(raw[off:])
		if n <= 0 {
			return nil, nil, errorf(CodeMalformed, "BATCH record %d: bad id delta", len(recs))
		}
		off += n
		size, n := binary.Uvarint(raw[off:])
		if n <= 0 {
			return nil, nil, errorf(CodeMalformed, "BATCH record %d: bad length", len(recs))
		}
		off += n
		switch {
		case len(recs) == 0 && delta != 0:
			return nil, nil, errorf(CodeSequence, "BATCH first record has id delta %d (want 0)", delta)
		case len(recs) > 0 && delta == 0:
			return nil, nil, errorf(CodeSequence, "BATCH record %d repeats id %d", len(recs), seq)
		case delta > h.Last-seq:
			return nil, nil, errorf(CodeSequence, "BATCH record %d has an id beyond the declared last %d", len(recs), h.Last)
		case size == 0:
			return nil, nil, errorf(CodeMalformed, "BATCH record %d is empty", len(recs))
		case size > uint64(lim.MaxRecord):
			return nil, nil, errorf(CodeLimit, "BATCH record %d is %d bytes (at most %d)", len(recs), size, lim.MaxRecord)
		case size > uint64(len(raw)-off):
			return nil, nil, errorf(CodeMalformed, "BATCH record %d runs past the block", len(recs))
		}
		seq += delta
		recs = append(recs, Record{Seq: seq, Off: uint32(off), Len: uint32(size)})
		off += int(size)
	}
	d.recs = recs
	switch {
	case uint32(len(recs)) != h.Count:
		return nil, nil, errorf(CodeMalformed, "BATCH declares %d records, has %d", h.Count, len(recs))
	case seq != h.Last:
		return nil, nil, errorf(CodeSequence, "BATCH last record id is %d, declared %d", seq, h.Last)
	}
	return raw, recs, nil
}

// Release returns the decompression buffer to its pool; raw from Decode
// must not be used afterwards.
func (d *BatchDecoder) Release() {
	if d.buf != nil {
		putBuf(d.buf)
		d.buf = nil
	}
}

// BatchBuilder collects the records of one stream into a BATCH. The zero
// value is ready after Reset.
type BatchBuilder struct {
	channel     string
	epoch       uint64
	first, last uint64
	count       int
	raw         []byte
	z           []byte
	comp        lz4.Compressor
}

// Reset empties the builder for a new batch of the given stream.
func (b *BatchBuilder) Reset(channel string, epoch uint64) {
	b.channel, b.epoch = channel, epoch
	b.first, b.last, b.count = 0, 0, 0
	b.raw = b.raw[:0]
}

// Channel and Epoch name the builder's stream.
func (b *BatchBuilder) Channel() string { return b.channel }

// Epoch returns the builder's epoch.
func (b *BatchBuilder) Epoch() uint64 { return b.epoch }

// Count is the number of records added.
func (b *BatchBuilder) Count() int { return b.count }

// Size is the size of the record block so far.
func (b *BatchBuilder) Size() int { return len(b.raw) }

// First and Last are the ids of the first and last records added.
func (b *BatchBuilder) First() uint64 { return b.first }

// Last returns the id of the last record added.
func (b *BatchBuilder) Last() uint64 { return b.last }

// SizeWith is the size the record block would have with a record of n
// bytes and id seq added.
func (b *BatchBuilder) SizeWith(seq uint64, n int) int {
	delta := uint64(0)
	if b.count > 0 {
		delta = seq - b.last
	}
	return len(b.raw) + uvarintLen(delta) + uvarintLen(uint64(n)) + n
}

// Add appends a record. seq must be above the last one added (the caller
// guarantees it; Add panics otherwise, as that is a bug, not input).
func (b *BatchBuilder) Add(seq uint64, rec []byte) {
	if len(rec) == 0 {
		panic("wire: empty record")
	}
	delta := uint64(0)
	if b.count == 0 {
		b.first = seq
	} else {
		if seq <= b.last {
			panic("wire: record ids must increase within a batch")
		}
		delta = seq - b.last
	}
	b.raw = binary.AppendUvarint(b.raw, delta)
	b.raw = binary.AppendUvarint(b.raw, uint64(len(rec)))
	b.raw = append(b.raw, rec...)
	b.last = seq
	b.count++
}

// AppendFrame appends the BATCH frame to dst, lz4-compressed unless the
// block does not compress or would exceed maxRatio (then it is sent as is).
func (b *BatchBuilder) AppendFrame(dst []byte, maxRatio uint32) []byte {
	block, flags := b.raw, uint16(0)
	if bound := lz4.CompressBlockBound(len(b.raw)); cap(b.z) < bound {
		b.z = make([]byte, bound)
	}
	n, err := b.comp.CompressBlock(b.raw, b.z[:cap(b.z)])
	if err == nil && n > 0 && n < len(b.raw) && uint64(len(b.raw)) <= uint64(n)*uint64(maxRatio) {
		block, flags = b.z[:n], FlagLZ4
	}
	start := len(dst)
	dst = appendHeader(dst, TypeBatch, flags)
	dst = appendStr(dst, b.channel)
	dst = binary.BigEndian.AppendUint64(dst, b.epoch)
	dst = binary.BigEndian.AppendUint64(dst, b.first)
	dst = binary.BigEndian.AppendUint64(dst, b.last)
	dst = binary.BigEndian.AppendUint32(dst, uint32(b.count))
	dst = append(dst, byte(FormatWindowsXML))
	dst = binary.BigEndian.AppendUint32(dst, uint32(len(b.raw)))
	dst = binary.BigEndian.AppendUint32(dst, Checksum(b.raw))
	dst = append(dst, block...)
	return finish(dst, start)
}

func uvarintLen(v uint64) int {
	n := 1
	for v >= 0x80 {
		v >>= 7
		n++
	}
	return n
}

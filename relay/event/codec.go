package event

import (
	"encoding/binary"
	"errors"
	"math"
	"strings"
	"time"
	"unsafe"
)

// The journal's record encoding: compact, versioned, decoded without a copy
// per string (every string of a decoded block points into the block).
//
//	byte    version (3; records of versions 1 and 2 are still read)
//	uvarint flags
//	varint  time, received (Unix ns; 0 = zero time), each less the
//	        previous record's in the block (0 for the block's first)
//	varint  pri
//	string  original
//	uvarint message: odd = suffix of original of length x>>1, even = literal of length x>>1 follows
//	text    hostname, appname, procid, msgid
//	text    input, peer, format, or each 0x01 0x00: the record before's
//	uvarint #sd, then per element: text id, uvarint #params, (text name, text value)*
//	uvarint #fields, then per field: text key, byte type, payload (strings as text)
//
// string = uvarint length + bytes. text = uvarint x: even, a literal of
// x>>1 bytes follows; odd, the text is original[x>>1:][:n], uvarint n
// following. The parser's strings are windows of original (host name,
// SD, most decoder values), and a window costs 2-4 bytes however long it
// is: fewer bytes for the journal to copy and compress per event. Version
// 1 wrote every text as a string; versions 1 and 2 wrote the times whole
// and the connection's texts as texts.
//
// The times as differences: the events of a block were received
// together (one read: the same received time, a difference of 0, one
// byte) and their own times are close, where a whole time is 9 bytes of
// varint that S2 cannot match against the record before. On the
// throughput benchmark's records (367 bytes) this is 12 bytes fewer
// before compression, 81.5 -> 72.9 bytes after (S2, blocks of 200), and
// 8 % fewer instructions in S2. Likewise the input, peer and format are
// the same strings for every event of a read: the record before's costs
// 2 bytes where the literals took 30 (the corpus's), and ~80 fewer
// instructions an event than copying them.

const (
	codecVersion   = 3
	codecVersionV2 = 2 // whole times
	codecVersionV1 = 1 // whole times, every text a string
	minWindow      = 4 // a shorter text is written as a literal: a window would not be smaller
)

// ErrCorrupt reports a record that cannot be decoded.
var ErrCorrupt = errors.New("event: corrupt record")

// AppendBinary appends the journal encoding of e to b. prev is the event
// whose record precedes e's in the block, or nil for a block's first
// (DecodeBlock reads a block from its first record).
func AppendBinary(b []byte, e, prev *Event) []byte {
	orig := e.Original
	o := window{uintptr(unsafe.Pointer(unsafe.StringData(orig))), uintptr(len(orig))}
	var t, recv int64  // prev's, subtracted (wrapping: the decoder's addition wraps back)
	var conn [3]string // prev's texts from its connection
	if prev != nil {
		t, recv = unixNano(prev.Time), unixNano(prev.Received)
		conn = [3]string{prev.Input, prev.Peer, prev.Format}
	}
	b = append(b, codecVersion)
	b = appendUvarint(b, uint64(e.Flags))
	b = binary.AppendVarint(b, unixNano(e.Time)-t)
	b = binary.AppendVarint(b, unixNano(e.Received)-recv)
	b = binary.AppendVarint(b, int64(e.Pri))
	b = appendStr(b, orig)
	if m := e.Message; len(m) <= len(orig) && orig[len(orig)-len(m):] == m {
		b = appendUvarint(b, uint64(len(m))<<1|1)
	} else {
		b = appendUvarint(b, uint64(len(m))<<1)
		b = append(b, m...)
	}
	b = o.appendText(b, e.Hostname)
	b = o.appendText(b, e.AppName)
	b = o.appendText(b, e.ProcID)
	b = o.appendText(b, e.MsgID)
	b = o.appendConnText(b, e.Input, conn[0])
	b = o.appendConnText(b, e.Peer, conn[1])
	b = o.appendConnText(b, e.Format, conn[2])
	// SD straight from its spans (its iterators cost ~350 instructions
	// an event here).
	text, items := e.SD.text(), e.SD.items()
	b = appendUvarint(b, uint64(e.SD.Len()))
	for i := 0; i < len(items); {
		n := int(items[i].b.n)
		b = o.appendText(b, items[i].a.of(text))
		b = appendUvarint(b, uint64(n))
		for _, p := range items[i+1 : i+1+n] {
			b = o.appendText(b, p.a.of(text))
			b = o.appendText(b, p.b.of(text))
		}
		i += 1 + n
	}
	b = appendUvarint(b, uint64(len(e.Fields)))
	for i := range e.Fields {
		f := &e.Fields[i]
		b = o.appendText(b, f.Key)
		b = append(b, byte(f.Val.Type))
		switch f.Val.Type {
		case TypeString, TypeJSON:
			b = o.appendText(b, f.Val.Str)
		case TypeInt, TypeBool:
			b = binary.AppendVarint(b, f.Val.Num)
		case TypeFloat:
			b = binary.LittleEndian.AppendUint64(b, math.Float64bits(f.Val.F))
		case TypeStrings:
			b = appendUvarint(b, uint64(len(f.Val.List)))
			for _, s := range f.Val.List {
				b = o.appendText(b, s)
			}
		}
	}
	return b
}

func unixNano(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixNano()
}

func appendStr(b []byte, s string) []byte {
	b = appendUvarint(b, uint64(len(s)))
	return append(b, s...)
}

// window is the memory of an event's original: its address and length.
type window struct{ addr, len uintptr }

// appendText appends s as a text: a window of the original when s lies in
// its memory (it was sliced from it), else a literal. The test is on
// addresses, not on bytes: nothing is searched.
func (o window) appendText(b []byte, s string) []byte {
	off := uintptr(unsafe.Pointer(unsafe.StringData(s))) - o.addr // huge if s lies before
	if len(s) >= minWindow && off < o.len && uintptr(len(s)) <= o.len-off {
		if x, n := uint64(off)<<1|1, uint64(len(s)); x < 1<<14 && n < 1<<7 {
			// The usual window: one append for both numbers.
			if x < 1<<7 {
				return append(b, byte(x), byte(n))
			}
			return append(b, byte(x)|0x80, byte(x>>7), byte(n))
		}
		b = appendUvarint(b, uint64(off)<<1|1)
		return appendUvarint(b, uint64(len(s)))
	}
	b = appendUvarint(b, uint64(len(s))<<1)
	return append(b, s...)
}

// sameText is the text "the same as the record before's" (a window of
// length 0 at 0, which appendText never writes), for the texts an event
// takes from its connection (input, peer, format): the same strings for
// every event of a read, literals that the record would otherwise copy.
const sameText = "\x01\x00"

// appendConnText appends s, one of an event's texts from its connection,
// as sameText when it is the very string prev (the record before's) is,
// else as appendText does.
func (o window) appendConnText(b []byte, s, prev string) []byte {
	if len(s) > 1 && len(s) == len(prev) && unsafe.StringData(s) == unsafe.StringData(prev) {
		return append(b, sameText...)
	}
	return o.appendText(b, s)
}

// appendUvarint is binary.AppendUvarint with the numbers below 2^14 (most
// lengths and offsets of a record) written by one append, without its loop
// of an append per byte.
func appendUvarint(b []byte, x uint64) []byte {
	switch {
	case x < 1<<7:
		return append(b, byte(x))
	case x < 1<<14:
		return append(b, byte(x)|0x80, byte(x>>7))
	}
	return binary.AppendUvarint(b, x)
}

// DecodeBlock decodes records back to back from buf until it is used up.
// It takes ownership of buf: the events' strings point into it, so the
// caller must never modify or reuse buf afterwards.
func DecodeBlock(buf []byte, into []Event) ([]Event, error) {
	s := unsafe.String(unsafe.SliceData(buf), len(buf))
	// The events of a block live and die together: their slices are
	// carved from shared allocations (a journal reader behind the tail
	// decodes every event it delivers).
	a := new(decodeArena)
	total := len(s)
	var prev before
	for len(s) > 0 {
		a.done, a.left = total-len(s), len(s)
		into = append(into, Event{})
		n, err := decode(s, &into[len(into)-1], a, &prev)
		if err != nil {
			return into[:len(into)-1], err
		}
		s = s[n:]
	}
	return into, nil
}

// DecodeBinary decodes one record from b into e, copying b first (safe for
// a caller that reuses b): a block's first record, or a record written
// with no previous event. It returns the number of bytes used.
func DecodeBinary(b []byte, e *Event) (int, error) {
	return decode(string(b), e, nil, new(before))
}

// before is what a record of version 3 may refer to in the record before
// it in the block: its times (Unix ns, 0 = zero time), which the next
// record's differences are added to, and its texts from its connection
// (input, peer, format; empty for a block's first record).
type before struct {
	time, received int64
	conn           [3]string
}

// decodeArena hands out the slices of the events of one block; nil makes
// each its own. A pool that runs out is replaced by one sized for the rest
// of the block at the rate its events used so far (blocks hold events of
// one kind, mostly): a block of 500 events takes a few allocations per
// kind of slice, not a dozen doubling ones that leave half of the last
// unused (a reader behind the memory tail decodes every event it
// delivers, so this garbage is the collector's work).
type decodeArena struct {
	fields pool[Field]
	strs   pool[string]
	sd     SDBuilder // the SDs' spans: their strings lie in the block
	sdUsed int       // spans the block's SDs took so far
	sds    int       // SDs the block's events had so far
	// done and left are the bytes of the block decoded so far and still
	// to decode, set by DecodeBlock before each event.
	done, left int
}

// pool is one kind of slice a decodeArena hands out.
type pool[T any] struct {
	free []T
	used int // items handed out for this block so far
}

const (
	arenaMin = 16
	arenaMax = 4096 // items in one allocation
)

// carve returns a window of n items of p, capped so that an append moves
// it, allocating a new pool when p has no room.
func carve[T any](p *pool[T], n int, a *decodeArena) []T {
	p.used += n
	if n > arenaMax/4 {
		return make([]T, n)
	}
	if cap(p.free)-len(p.free) < n {
		rest := 0 // what the rest of the block needs at the rate so far
		if a.done > 0 {
			rest = int(int64(p.used-n) * int64(a.left) / int64(a.done))
		}
		size := min(max(n+rest+rest/8, arenaMin), arenaMax)
		p.free = make([]T, 0, size)
	}
	k := len(p.free)
	p.free = p.free[:k+n]
	return p.free[k : k+n : k+n]
}

func (a *decodeArena) makeFields(n int) []Field {
	if a == nil {
		return make([]Field, n)
	}
	return carve(&a.fields, n, a)
}

// sdBuilder returns the builder of the block's SDs (a new one without an
// arena), with room for an SD in a block sized like the pools' (carve).
func (a *decodeArena) sdBuilder() *SDBuilder {
	if a == nil {
		return new(SDBuilder)
	}
	rest := 0
	if a.done > 0 {
		rest = int(int64(a.sdUsed) * int64(a.left) / int64(a.done))
	}
	a.sd.reserve(arenaMin, min(max(arenaMin+rest+rest/8, arenaMin), arenaMax))
	if len(a.sd.bodies) == 0 { // the bodies too: not a block that doubles
		rest = 0
		if a.done > 0 {
			rest = int(int64(a.sds) * int64(a.left) / int64(a.done))
		}
		a.sd.bodies = make([]sdBody, min(1+rest+rest/8, arenaMax))
	}
	return &a.sd
}

func (a *decodeArena) makeStrings(n int) []string {
	if a == nil {
		return make([]string, n)
	}
	return carve(&a.strs, n, a)
}

type reader struct {
	s   string
	off int
	err bool
	// v1 is set for a record of version 1, orig for later ones: what
	// text reads.
	v1   bool
	orig string
}

func (r *reader) uvarint() uint64 {
	var x uint64
	var shift uint
	for i := 0; i < binary.MaxVarintLen64; i++ {
		if r.off >= len(r.s) {
			r.err = true
			return 0
		}
		c := r.s[r.off]
		r.off++
		if c < 0x80 {
			return x | uint64(c)<<shift
		}
		x |= uint64(c&0x7f) << shift
		shift += 7
	}
	r.err = true
	return 0
}

func (r *reader) varint() int64 {
	u := r.uvarint()
	x := int64(u >> 1)
	if u&1 != 0 {
		x = ^x
	}
	return x
}

func (r *reader) take(n uint64) string {
	if r.err || n > uint64(len(r.s)-r.off) {
		r.err = true
		return ""
	}
	s := r.s[r.off : r.off+int(n)]
	r.off += int(n)
	return s
}

func (r *reader) str() string { return r.take(r.uvarint()) }

// text reads a text (a string in a record of version 1).
func (r *reader) text() string {
	if r.v1 {
		return r.str()
	}
	x := r.uvarint()
	if x&1 == 0 {
		return r.take(x >> 1)
	}
	off, n := x>>1, r.uvarint()
	if r.err || off > uint64(len(r.orig)) || n > uint64(len(r.orig))-off {
		r.err = true
		return ""
	}
	return r.orig[off : off+n]
}

// connText reads one of the texts from the connection: in a record of
// version 3 (v3), sameText is prev, the record before's, which cannot be
// empty (appendConnText writes it only for a string of 2 bytes or more).
func (r *reader) connText(v3 bool, prev string) string {
	if v3 && strings.HasPrefix(r.s[r.off:], sameText) {
		r.off += len(sameText)
		if len(prev) < 2 {
			r.err = true
		}
		return prev
	}
	return r.text()
}

func (r *reader) byte() byte {
	if r.off >= len(r.s) {
		r.err = true
		return 0
	}
	c := r.s[r.off]
	r.off++
	return c
}

// count reads a length that must fit in what is left (each item takes at
// least min bytes), so a corrupt count cannot make us allocate gigabytes.
func (r *reader) count(min int) int {
	n := r.uvarint()
	if n > uint64(len(r.s)-r.off)/uint64(min) {
		r.err = true
		return 0
	}
	return int(n)
}

// decode decodes the record at the start of s into e; prev holds what it
// may refer to in the block's record before (zero for its first), and is
// set to e's.
func decode(s string, e *Event, a *decodeArena, prev *before) (int, error) {
	r := reader{s: s}
	version := r.byte()
	switch version {
	case codecVersion, codecVersionV2:
	case codecVersionV1:
		r.v1 = true
	default:
		return 0, ErrCorrupt
	}
	e.Flags = Flags(r.uvarint())
	t, recv := r.varint(), r.varint()
	if version == codecVersion {
		t += prev.time
		recv += prev.received
	}
	prev.time, prev.received = t, recv
	e.Time = fromUnixNano(t)
	e.Received = fromUnixNano(recv)
	e.Pri = int16(r.varint())
	e.Original = r.str()
	r.orig = e.Original
	if m := r.uvarint(); m&1 == 1 {
		n := m >> 1
		if n > uint64(len(e.Original)) {
			return 0, ErrCorrupt
		}
		e.Message = e.Original[len(e.Original)-int(n):]
	} else {
		e.Message = r.take(m >> 1)
	}
	e.Hostname = r.text()
	e.AppName = r.text()
	e.ProcID = r.text()
	e.MsgID = r.text()
	v3 := version == codecVersion
	e.Input = r.connText(v3, prev.conn[0])
	e.Peer = r.connText(v3, prev.conn[1])
	e.Format = r.connText(v3, prev.conn[2])
	prev.conn = [3]string{e.Input, e.Peer, e.Format}
	e.SD = SD{}
	if n := r.count(2); n > 0 {
		sd := a.sdBuilder()
		sd.Start(r.s) // every text lies in the record
		for range n {
			sd.Element(r.text())
			for range r.count(2) {
				sd.Param(r.text(), r.text())
			}
		}
		e.SD = sd.Finish()
		if a != nil {
			a.sdUsed += len(e.SD.items())
			a.sds++
		}
	}
	if n := r.count(2); n > 0 {
		e.Fields = a.makeFields(n)
		for i := range e.Fields {
			f := &e.Fields[i]
			f.Key = r.text()
			f.Val.Type = Type(r.byte())
			switch f.Val.Type {
			case TypeString, TypeJSON:
				f.Val.Str = r.text()
			case TypeInt, TypeBool:
				f.Val.Num = r.varint()
			case TypeFloat:
				if b := r.take(8); len(b) == 8 {
					f.Val.F = math.Float64frombits(binary.LittleEndian.Uint64([]byte(b)))
				}
			case TypeStrings:
				if nl := r.count(1); nl > 0 {
					f.Val.List = a.makeStrings(nl)
					for k := range f.Val.List {
						f.Val.List[k] = r.text()
					}
				}
			default:
				r.err = true
			}
			if r.err {
				break
			}
		}
	}
	if r.err {
		return 0, ErrCorrupt
	}
	return r.off, nil
}

func fromUnixNano(ns int64) time.Time {
	if ns == 0 {
		return time.Time{}
	}
	return time.Unix(0, ns)
}

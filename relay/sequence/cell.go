package sequence

import (
	"encoding/binary"
	"strings"
)

// cell is what the tracker's map holds for a stream: a relay holds one
// per numbered source and channel, by the hundred thousand (issue #17:
// state under 200,000 keys), so it holds only what every event reads in
// place, and the map's node around it (lru) is 20 bytes. The rest is in
// the entry's extra bytes (lru.Map.Extra), in the map's pointer-free
// arena after the key: varints of what most streams do not have (a
// lease, an epoch, holes), of where the run began (First, began), and
// the names the key does not already say. Most streams' names are all in
// their key ("rfc5424:web1/app/77": the host is web1, the origin
// host:web1) and cost nothing. The map's keys are not quite the streams'
// (mapKey).
//
// Tracker.load reads a cell into a stream, the form the stream's logic
// works on; Tracker.put writes it back. An event in order, of the lease,
// epoch and host the stream had, changes only low (Tracker.observe).
type cell struct {
	// low is the low 32 bits of the stream's Last; the high ones, if any
	// is set, are in the extra bytes (hasHigh): a cell of 8 bytes and
	// its node in the map 16, not 12 and 20 (600,000 streams in issue
	// #17's stress case). Sequence numbers past 2^32 (an agent's record
	// numbers, which are 64-bit, or a negative Last) cost the extra
	// bytes' uvarint of the high part, and their in-order events the
	// extra bytes' reading; a number that changes the high part goes the
	// slow way (Tracker.put writes it).
	low   uint32
	kind  kind
	span  uint8 // the length of the map key's part after the kind's byte that is a name (wayFirst), 0: none
	ways  uint8 // how each name is found: two bits each (way* at 2*name*)
	flags uint8 // which numbers the extra bytes hold (has*)
}

// last returns the stream's Last of c, whose extra bytes' numbers are n.
func (c *cell) last(n *numbers) int64 { return int64(uint64(n.high)<<32 | uint64(c.low)) }

func (c *cell) way(name int) int { return int(c.ways>>(2*name)) & 3 }

// How a name is found (cell.ways). The origin has ways of its own
// (origin*).
const (
	wayEmpty = iota // ""
	wayFirst        // the map key's first part: mk[1 : 1+span]
	wayRest         // what follows it and one separator: mk[1+span+1:]
	wayApart        // in the extra bytes
)

// The origin's ways: most origins are their host's or agent's.
const (
	originEmpty = iota
	originHost  // hostOrigin + host
	originAgent // "agent:" + agent
	originApart
)

const agentOrigin = "agent:"

// What the extra bytes hold (cell.flags), in this order, then the names
// apart (each a uvarint length and bytes, in name* order).
const (
	hasLease = 1 << iota // uvarint
	hasEpoch             // varint
	hasMore              // uvarint: 1 + the index of the stream's holes and past epochs in Tracker.more
	hasFirst             // varint
	hasBegan             // varint: UnixNano - Tracker.base
	hasHigh              // uvarint: the high 32 bits of Last (cell.low)
)

// numbers are the numbers of a cell's extra bytes.
type numbers struct {
	lease uint64
	epoch int64
	more  uint32 // 0: none
	first int64
	began int64  // relative to Tracker.base
	high  uint32 // of Last
	apart []byte // the names apart
}

// readNumbers reads x, the extra bytes of a cell with flags f.
func readNumbers(x []byte, f uint8) numbers {
	var n numbers
	i := 0
	if f&hasLease != 0 {
		v, w := binary.Uvarint(x[i:])
		n.lease, i = v, i+w
	}
	if f&hasEpoch != 0 {
		v, w := binary.Varint(x[i:])
		n.epoch, i = v, i+w
	}
	if f&hasMore != 0 {
		v, w := binary.Uvarint(x[i:])
		n.more, i = uint32(v), i+w
	}
	if f&hasFirst != 0 {
		v, w := binary.Varint(x[i:])
		n.first, i = v, i+w
	}
	if f&hasBegan != 0 {
		v, w := binary.Varint(x[i:])
		n.began, i = v, i+w
	}
	if f&hasHigh != 0 {
		v, w := binary.Uvarint(x[i:])
		n.high, i = uint32(v), i+w
	}
	n.apart = x[i:]
	return n
}

// appendNumbers appends n's numbers (without apart) to b and returns the
// flags that say which.
func appendNumbers(b []byte, n *numbers, began bool) ([]byte, uint8) {
	var f uint8
	if n.lease != 0 {
		b, f = binary.AppendUvarint(b, n.lease), f|hasLease
	}
	if n.epoch != 0 {
		b, f = binary.AppendVarint(b, n.epoch), f|hasEpoch
	}
	if n.more != 0 {
		b, f = binary.AppendUvarint(b, uint64(n.more)), f|hasMore
	}
	if n.first != 0 {
		b, f = binary.AppendVarint(b, n.first), f|hasFirst
	}
	if began {
		b, f = binary.AppendVarint(b, n.began), f|hasBegan
	}
	if n.high != 0 {
		b, f = binary.AppendUvarint(b, uint64(n.high)), f|hasHigh
	}
	return b, f
}

// The map's key of a stream is its key with its kind's prefix
// ("rfc5424:", nomen.gap.stream's) as one byte, the kind's: a few bytes
// less for each of hundreds of thousands, and the names (cell.ways) are
// found after it. A key of no kind (a snapshot's: Validate does not
// look) is kept whole after foreignKey.
const foreignKey = 0xff

// appendMapKey appends the map's key of key to b.
func appendMapKey(b []byte, key string) []byte {
	for k, p := range allKinds {
		if len(key) > len(p) && key[len(p)] == ':' && key[:len(p)] == p {
			return append(append(b, byte(k)), key[len(p)+1:]...)
		}
	}
	return append(append(b, foreignKey), key...)
}

func mapKey(key string) string { return string(appendMapKey(nil, key)) }

// publicKey returns the key of map key mk.
func publicKey[K string | []byte](mk K) string {
	if k := mk[0]; k < byte(numKinds) {
		return allKinds[k] + ":" + string(mk[1:])
	}
	return string(mk[1:])
}

// appendPublicKey appends the key of map key mk to b.
func appendPublicKey(b []byte, mk string) []byte {
	if k := mk[0]; k < byte(numKinds) {
		b = append(append(b, allKinds[k]...), ':')
	}
	return append(b, mk[1:]...)
}

// keyOf reports whether map key mk is of kind k (the names after its
// kind's byte can be in it).
func keyOf[K string | []byte](mk K, k kind) bool {
	return k < numKinds && len(mk) > 0 && mk[0] == byte(k)
}

// part returns the part of map key mk that way w (wayFirst or wayRest)
// of cell c says.
func part[K string | []byte](mk K, c *cell, w int) K {
	if w == wayRest {
		return mk[1+int(c.span)+1:]
	}
	return mk[1 : 1+int(c.span)]
}

// hostOf returns the host of the cell c of map key mk when the key says
// it (most streams), and false when it is apart.
func hostOf[K string | []byte](mk K, c *cell) (K, bool) {
	switch w := c.way(nameHost); w {
	case wayEmpty:
		return mk[:0], true
	case wayFirst, wayRest:
		return part(mk, c, w), true
	}
	return mk[:0], false
}

// appendNames appends the names of a stream of map key mk and kind k to
// b: those the key does not say. It returns the cell's span and ways.
func appendNames[K string | []byte](b []byte, mk K, k kind, names *streamNames) ([]byte, uint8, uint8) {
	var span int
	var first, rest K
	if keyOf(mk, k) {
		for _, v := range []string{names[nameHost], names[nameAgent]} {
			if v != "" && len(v) <= 255 && len(mk)-1 >= len(v) && string(mk[1:1+len(v)]) == v {
				span, first = len(v), mk[1:1+len(v)]
				break
			}
		}
		if 1+span+1 < len(mk) {
			rest = mk[1+span+1:]
		}
	}
	var ways uint8
	for i, v := range names {
		w := wayApart
		switch {
		case i == nameOrigin:
			switch {
			case v == "":
				w = originEmpty
			case len(v) == len(hostOrigin)+len(names[nameHost]) && strings.HasPrefix(v, hostOrigin) && v[len(hostOrigin):] == names[nameHost]:
				w = originHost
			case len(v) == len(agentOrigin)+len(names[nameAgent]) && strings.HasPrefix(v, agentOrigin) && v[len(agentOrigin):] == names[nameAgent]:
				w = originAgent
			}
		case v == "":
			w = wayEmpty
		case span > 0 && v == string(first):
			w = wayFirst
		case len(rest) > 0 && v == string(rest):
			w = wayRest
		}
		if w == wayApart {
			b = append(binary.AppendUvarint(b, uint64(len(v))), v...)
		}
		ways |= uint8(w) << (2 * i)
	}
	return b, uint8(span), ways
}

// readNames returns the names of a cell c of map key mk whose names apart
// are apart (copied: the extra bytes are the map's). An origin that is
// its host's or agent's is left to the caller, as origin says (origin*):
// resolve makes it.
func readNames(mk string, c *cell, apart []byte) (out streamNames, origin int) {
	for i := range out {
		switch w := c.way(i); {
		case w == wayApart:
			l, n := binary.Uvarint(apart)
			out[i] = string(apart[n : n+int(l)])
			apart = apart[n+int(l):]
		case i == nameOrigin:
		case w == wayFirst, w == wayRest:
			out[i] = part(mk, c, w)
		}
	}
	return out, c.way(nameOrigin)
}

// resolve sets the origin of names that origin (origin*) says.
func resolve(names *streamNames, origin int) {
	switch origin {
	case originHost:
		names[nameOrigin] = hostOrigin + names[nameHost]
	case originAgent:
		names[nameOrigin] = agentOrigin + names[nameAgent]
	}
}

// apartHost returns the host among a cell's names apart (the first:
// wayApart).
func apartHost(apart []byte) []byte {
	l, n := binary.Uvarint(apart)
	return apart[n : n+int(l)]
}

// cells is what the tracker keeps beside its map of cells: the holes and
// past epochs of the few streams that have them, and the time the began
// of every cell is relative to.
type cells struct {
	more []*streamMore // by cell index (hasMore) - 1; nil: free
	free []uint32      // free indexes into more
	// base is the first began the tracker stored: a cell's began is
	// relative to it (a few bytes, against nine for a UnixNano).
	base    int64
	scratch []byte
}

// load returns the stream in c.
func (t *Tracker) load(c *cell) stream {
	n := readNumbers(t.streams.Extra(c), c.flags)
	s := stream{h: head{kind: c.kind, lease: n.lease, epoch: n.epoch}, Last: c.last(&n), First: n.first}
	if c.flags&hasBegan != 0 {
		s.began = t.cells.base + n.began
	}
	if n.more != 0 {
		s.more = t.cells.more[n.more-1]
	}
	return s
}

// put stores s in c, of map key mk, with names if not nil (a new stream,
// a new host), else with the names c has (mk unused).
func (t *Tracker) put(c *cell, mk []byte, s *stream, names *streamNames) {
	x := t.streams.Extra(c)
	old := readNumbers(x, c.flags)
	n := numbers{lease: s.h.lease, epoch: s.h.epoch, first: s.First, more: old.more, high: uint32(uint64(s.Last) >> 32)}
	cs := &t.cells
	switch {
	case s.more != nil && n.more == 0:
		if k := len(cs.free); k > 0 {
			n.more, cs.free = cs.free[k-1], cs.free[:k-1]
		} else {
			cs.more = append(cs.more, nil)
			n.more = uint32(len(cs.more))
		}
		cs.more[n.more-1] = s.more
	case s.more != nil:
		cs.more[n.more-1] = s.more
	case n.more != 0:
		cs.more[n.more-1] = nil
		cs.free = append(cs.free, n.more)
		n.more = 0
	}
	if s.began != 0 && cs.base == 0 {
		cs.base = s.began
	}
	n.began = s.began - cs.base
	b, flags := appendNumbers(cs.scratch[:0], &n, s.began != 0)
	if names != nil {
		b, c.span, c.ways = appendNames(b, mk, s.h.kind, names)
	} else {
		b = append(b, old.apart...)
	}
	c.low = uint32(s.Last)
	c.kind, c.flags = s.h.kind, flags
	if string(b) != string(x) {
		t.streams.SetExtra(c, b, t.evicted)
	}
	cs.scratch = b
}

// forget lets go of what the tracker keeps of c beside the map, before
// the map lets go of c.
func (t *Tracker) forget(c *cell) {
	delete(t.open, c)
	if c.flags&hasMore != 0 {
		n := readNumbers(t.streams.Extra(c), c.flags)
		t.cells.more[n.more-1] = nil
		t.cells.free = append(t.cells.free, n.more)
	}
}

// hot returns the lease and epoch of c (of map key t.key), and whether host
// is its host (or empty), which every event reads: in the cell alone for
// most streams.
func (t *Tracker) hot(c *cell, host string) (uint64, int64, bool) {
	if c.flags&(hasLease|hasEpoch) == 0 {
		if h, ok := hostOf(t.key, c); ok {
			return 0, 0, host == "" || string(h) == host
		}
	}
	n := readNumbers(t.streams.Extra(c), c.flags)
	h, ok := hostOf(t.key, c)
	if !ok {
		h = apartHost(n.apart)
	}
	return n.lease, n.epoch, host == "" || string(h) == host
}

// last returns the stream's Last of c: in the cell alone unless it is
// past 32 bits (small enough to be inlined on every event in order).
func (t *Tracker) last(c *cell) int64 {
	if c.flags&hasHigh == 0 {
		return int64(c.low)
	}
	return t.lastFar(c)
}

// lastFar is last with the high part in the extra bytes.
func (t *Tracker) lastFar(c *cell) int64 {
	n := readNumbers(t.streams.Extra(c), c.flags)
	return c.last(&n)
}

// names returns the names of c, of map key mk.
func (t *Tracker) names(mk string, c *cell) streamNames {
	names, origin := readNames(mk, c, readNumbers(t.streams.Extra(c), c.flags).apart)
	resolve(&names, origin)
	return names
}

// saved returns c, of key and map key mk, as snapshots write it (sharing
// nothing the tracker changes in place: it is encoded on another
// goroutine, which makes the origin, most streams' a new string).
func (t *Tracker) saved(key, mk string, c *cell) savedStream {
	s := t.load(c)
	names, origin := readNames(mk, c, readNumbers(t.streams.Extra(c), c.flags).apart)
	return savedStream{key: key, stream: s.clone(), names: names, origin: uint8(origin)}
}

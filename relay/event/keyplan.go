package event

import (
	"strings"
	"sync"
	"sync/atomic"
	"unsafe"
)

// KeyPlan is the shape of the events one piece of nomen's own code builds
// (a process's lifetime record): the keys their fields may have, in byte
// order, with their JSON worked out when the plan is made, as the derived
// keys' are (nest.go). An event that names its plan (SetPlan) and whose
// fields follow it — some of its keys, each once, in its order — is
// encoded without sorting its fields, and its keys are written as texts
// made ahead where nestWriter.key looked at each byte of each key (~280
// instructions a key; a lifetime record has ~30). One that does not
// follow it (a field set again, out of order, or not in the plan) is
// encoded as any other event: the bytes are the same either way
// (TestKeyPlanSameJSON), only the work differs.
//
// Decoders' events get no plan: which keys they set, and in which order,
// depends on each message.
type KeyPlan struct {
	id   uint8
	keys []string
	// derivedBefore[j]: how many derived keys sort before keys[j] (where
	// AppendJSON's merge stands when keys[j] comes); overrides[j]: keys[j]
	// is the derived key derivedBefore[j] itself, which it replaces.
	derivedBefore []uint8
	overrides     []bool
	// The entries are the derived keys (0..numDerived-1) and then the
	// plan's keys (numDerived+j). depth[x] is the number of objects open
	// after entry x is written (its key's dots), common[x*n+y] how many of
	// them entry y's path shares (n entries).
	depth  []uint8
	common []uint8
	// trans[x*len(keys)+j] is the index in texts of what keys[j] adds
	// after entry x: the '}' that close what x's path has and j's has
	// not, a comma, the objects of j's path past those opened, the
	// leaf's `"name":` (a few dozen texts: keys share them).
	trans   []uint16
	texts   []keyText
	open    [][]string
	openLen []int
}

// plans are the plans made, by id (0: none), for an event's plan byte:
// an event carries the byte rather than a pointer, in the padding beside
// Pri and Flags (a pointer would grow every event to the next size class).
var (
	plans    [256]atomic.Pointer[KeyPlan]
	plansMu  sync.Mutex
	numPlans int
)

// NewKeyPlan returns the plan of keys, which must be in byte order, each
// once, none needing escaping in JSON, and none a dotted prefix of
// another or of a derived key (JSON cannot hold a value and an object
// under one name): it panics otherwise, as these are constants of the
// code. A program makes at most 255 plans (made once, as package
// variables).
func NewKeyPlan(keys ...string) *KeyPlan {
	n := numDerived + len(keys)
	if len(keys) > 255 {
		panic("event: a KeyPlan of more than 255 keys")
	}
	p := &KeyPlan{
		keys:          append([]string(nil), keys...),
		derivedBefore: make([]uint8, len(keys)),
		overrides:     make([]bool, len(keys)),
		depth:         make([]uint8, n),
		common:        make([]uint8, n*n),
		open:          make([][]string, len(keys)),
		trans:         make([]uint16, n*len(keys)),
		openLen:       make([]int, len(keys)),
	}
	all := append(derivedKeys[:len(derivedKeys):len(derivedKeys)], keys...)
	for j, k := range keys {
		if k == "" || plainLen(k) != len(k) {
			panic("event: KeyPlan key " + k + " is empty or needs escaping")
		}
		if j > 0 && keys[j-1] >= k {
			panic("event: KeyPlan keys out of order at " + k)
		}
		d := 0
		for d < numDerived && derivedKeys[d] < k {
			d++
		}
		p.derivedBefore[j] = uint8(d)
		p.overrides[j] = d < numDerived && derivedKeys[d] == k
	}
	for x, a := range all {
		p.depth[x] = uint8(strings.Count(a, "."))
		for y, b := range all {
			if under(a, b) || under(b, a) {
				panic("event: KeyPlan key " + a + " collides with " + b)
			}
			p.common[x*n+y] = uint8(commonDepth(a, b))
		}
	}
	for j, k := range keys {
		segs := strings.Split(k, ".")
		p.openLen[j] = len(k) - len(segs[len(segs)-1])
		for c := range len(segs) {
			b := []byte{','}
			for _, s := range segs[c : len(segs)-1] {
				b = append(append(append(b, '"'), s...), `":{`...)
			}
			b = append(append(append(b, '"'), segs[len(segs)-1]...), `":`...)
			p.open[j] = append(p.open[j], string(b))
		}
	}
	index := map[string]uint16{}
	for x := range n {
		for j := range keys {
			y := numDerived + j
			c := int(p.common[x*n+y])
			t := strings.Repeat("}", int(p.depth[x])-c) + p.open[j][c]
			i, ok := index[t]
			if !ok {
				i = uint16(len(p.texts))
				index[t] = i
				p.texts = append(p.texts, newKeyText(t))
			}
			p.trans[x*len(keys)+j] = i
		}
	}
	plansMu.Lock()
	defer plansMu.Unlock()
	if numPlans == 255 {
		panic("event: more than 255 KeyPlans")
	}
	numPlans++
	p.id = uint8(numPlans)
	plans[p.id].Store(p)
	return p
}

// commonDepth is the number of objects the paths of keys a and b share
// (the dots of their longest common prefix that ends in a dot, within
// the shorter's path).
func commonDepth(a, b string) int {
	n := 0
	for i := 0; i < len(a) && i < len(b) && a[i] == b[i]; i++ {
		if a[i] == '.' {
			n++
		}
	}
	return n
}

// SetPlan names the plan e's fields follow (nil: none). Fields set after
// may break it; the encoder checks, so that a wrong plan costs time,
// never bytes.
func (e *Event) SetPlan(p *KeyPlan) {
	if p == nil {
		e.plan = 0
		return
	}
	e.plan = p.id
}

// planOf returns the plan e names, nil if none.
func (e *Event) planOf() *KeyPlan {
	if e.plan == 0 {
		return nil
	}
	return plans[e.plan].Load()
}

// fit sets at[i] to the plan index of fs[i]'s key and reports whether fs
// follows p: every key in p, in p's order, each once.
func (p *KeyPlan) fit(fs []Field, at []uint8) bool {
	j := 0
	for i := range fs {
		k := fs[i].Key
		for j < len(p.keys) && !sameString(p.keys[j], k) {
			j++
		}
		if j == len(p.keys) {
			return false
		}
		at[i] = uint8(j)
		j++
	}
	return true
}

// sameString is a == b, without a look at the bytes when both are the
// same constant (the usual case: the plan's keys and the code setting the
// fields name the same literals).
func sameString(a, b string) bool {
	return len(a) == len(b) && (unsafe.StringData(a) == unsafe.StringData(b) || a == b)
}

// entryOf is the plan entry of what nestWriter id prev names (a derived
// key or a field), given the fields' plan indexes at.
func (p *KeyPlan) entryOf(prev int, at []uint8) int {
	if prev < numDerived {
		return prev
	}
	return numDerived + int(at[prev-numDerived])
}

// appendCloses appends the '}' that close the objects of entry x's path
// that entry y is not in.
func (p *KeyPlan) appendCloses(dst []byte, x, y int) ([]byte, int) {
	c := int(p.common[x*(numDerived+len(p.keys))+y])
	for range int(p.depth[x]) - c {
		dst = append(dst, '}')
	}
	return dst, c
}

// planOf returns the plan AppendJSON writes e by: e's, if it names one
// and enc omits nothing (and e has not just broken it).
func (enc *Encoder) planOf(e *Event) *KeyPlan {
	if e.plan == 0 || enc.Omit != nil || enc.skipPlan {
		return nil
	}
	return e.planOf()
}

// unplanned is fs, or none when a plan says their order (nothing to sort).
func unplanned(fs []Field, p *KeyPlan) []Field {
	if p != nil {
		return nil
	}
	return fs
}

// appendPlannedDoc is AppendJSON for e by plan p; if e's fields turn out
// not to follow it, the document is written again the usual way.
func (enc *Encoder) appendPlannedDoc(dst []byte, e *Event, p *KeyPlan) []byte {
	enc.plainHead, enc.plainTail = 0, 0
	if cap(enc.planAt) < len(e.Fields) {
		enc.planAt = make([]uint8, 2*len(e.Fields))
	}
	start := len(dst)
	out, ok := enc.appendPlanned(dst, e, p, enc.planAt)
	if ok {
		return out
	}
	enc.skipPlan = true
	out = enc.AppendJSON(out[:start], e) // the same bytes
	enc.skipPlan = false
	return out
}

// appendPlanned is AppendJSON for e, which names plan p, and an encoder
// that omits nothing; at has room for an entry per field. It finds each
// field's key in the plan as it goes (at: their indexes in it), and
// reports false, having written part of the document, at the first that
// is not the plan's next or a later one: AppendJSON then writes the
// document again the usual way (a record that breaks its plan pays for
// both; none should).
func (enc *Encoder) appendPlanned(dst []byte, e *Event, p *KeyPlan, at []uint8) ([]byte, bool) {
	fs := e.Fields
	at = at[:len(fs)]
	w := nestWriter{fields: fs, prev: -1, plan: p, planAt: at}
	dst = append(dst, '{')
	d, j := 0, 0
	for i := range fs {
		f := &fs[i]
		for j < len(p.keys) && !sameString(p.keys[j], f.Key) {
			j++
		}
		if j == len(p.keys) {
			return dst, false
		}
		at[i] = uint8(j)
		end := int(p.derivedBefore[j])
		dst = enc.appendDerived(dst, &w, e, d, end)
		d = end
		if p.overrides[j] {
			d++ // overridden by the field
		}
		dst = w.plannedKey(dst, j, numDerived+i)
		if f.Val.Type == typeSD {
			dst = appendSDOf(dst, e)
		} else {
			dst = appendValue(dst, &f.Val)
		}
		j++
	}
	dst = enc.appendDerived(dst, &w, e, d, numDerived)
	return w.close(dst), true
}

// plannedKey writes key j of w's plan, the field of id id: the objects
// the last key's path has and j's has not closed, then j's text.
func (w *nestWriter) plannedKey(dst []byte, j, id int) []byte {
	p := w.plan
	if w.prev < 0 { // the document's first key: no comma
		dst = append(dst, p.open[j][0][1:]...)
	} else {
		// appendKeyText, inline: as a call it was a third of a key's cost.
		t := &p.texts[p.trans[p.entryOf(w.prev, w.planAt)*len(p.keys)+j]]
		if cap(dst)-len(dst) < keyTextCap {
			dst = growKeyText(dst)
		}
		n := len(dst)
		*(*[keyTextCap]byte)(dst[n : n+keyTextCap]) = t.b
		dst = dst[:n+int(t.n)]
	}
	w.prev, w.openLen = id, p.openLen[j]
	return dst
}

// derivedKeyAfterPlanned is derivedKeyAfterField after a field of w's
// plan.
func (w *nestWriter) derivedKeyAfterPlanned(dst []byte, d int) []byte {
	p := w.plan
	dst, c := p.appendCloses(dst, p.entryOf(w.prev, w.planAt), d)
	dst = append(dst, derivedOpen[d][c]...)
	w.prev, w.openLen = d, derivedOpenLen[d]
	return dst
}

// closePlanned is closeSlow after a field of w's plan.
func (w *nestWriter) closePlanned(dst []byte) []byte {
	p := w.plan
	for range p.depth[p.entryOf(w.prev, w.planAt)] {
		dst = append(dst, '}')
	}
	return append(dst, '}')
}

// FollowsPlan reports whether e names a plan and its fields follow it
// (for tests of the code that builds such events: a record that stopped
// following its plan is encoded right, only slower).
func (e *Event) FollowsPlan() bool {
	p := e.planOf()
	return p != nil && p.fit(e.Fields, make([]uint8, len(e.Fields)))
}

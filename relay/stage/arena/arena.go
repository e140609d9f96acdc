// Package arena is the byte arena under the stages' compact maps and
// sets of keys (lru.Map, keyset.Set): each key's record in pages of
// 64 KiB, found by a 32-bit place, so that neither the arena nor the
// places hold a pointer for the collector to mark.
//
// Pages, not one slice: a slice that grows by append is a quarter larger
// than its bytes in the mean (Go grows a large one by 1.25, and the
// memory it had is garbage once copied), and the stages' arenas are tens
// of MiB at 200,000 keys: pages of 64 KiB waste at most the end of each
// (a record does not straddle two) and are never copied as they fill. A
// record's place is its page's number shifted by Shift, plus its start
// in the page. The first page grows up to a page, so that an arena of a
// few keys holds a few bytes; a record longer than a page has a page of
// its own, and takes up as many page numbers as it spans, so that a
// place stays below 4 GiB.
//
// The arena only appends: an owner that deletes keys counts their dead
// bytes and copies the live records into a new arena (lru's compaction).
//
// Not safe for concurrent use (the stages are single-goroutine).
package arena

// Pages of 64 KiB: an allocation of its own size in Go's heap, not
// rounded up to a size class. A constant, not a field narrowed by tests
// (they use records longer than a page instead): a record's page and
// place are worked out at every comparison of a key, and a constant
// shift and mask cost ~45 instructions an event fewer in the stages'
// benchmark than a field's.
const (
	Shift   = 16
	PageLen = 1 << Shift
	Mask    = PageLen - 1
)

// Pages is the arena. The zero value is an empty arena.
type Pages struct {
	p [][]byte
}

// Rec returns the arena from the record at off to the end of its page.
func (a *Pages) Rec(off uint32) []byte { return a.p[off>>Shift][off&Mask:] }

// Pages returns the pages (page k's records start at place k << Shift).
func (a *Pages) Pages() [][]byte { return a.p }

// Len returns the bytes of the pages' records.
func (a *Pages) Len() int {
	n := 0
	for _, p := range a.p {
		n += len(p)
	}
	return n
}

// Cap returns the capacity of the pages.
func (a *Pages) Cap() int {
	n := 0
	for _, p := range a.p {
		n += cap(p)
	}
	return n
}

// End returns the place after the last page's bytes.
func (a *Pages) End() uint64 {
	if len(a.p) == 0 {
		return 0
	}
	k := len(a.p) - 1
	return uint64(k)<<Shift + uint64(len(a.p[k]))
}

// Spot returns where a record of need bytes would go: after the last
// page's bytes if it ends within a page's length (the page may have to
// grow), else at the start of a new page (fresh). A record starts within
// the first PageLen bytes of its page; only one longer than a page ends
// past them.
func (a *Pages) Spot(need int) (off uint64, fresh bool) {
	end := a.End()
	if k := len(a.p) - 1; k >= 0 && len(a.p[k])+need <= PageLen {
		return end, false
	} else if k >= 0 && len(a.p[k]) == 0 {
		return uint64(k) << Shift, true // in place of the empty page (the first, kept by Reset)
	}
	l := uint64(PageLen)
	return (end + l - 1) &^ (l - 1), true
}

// Ready makes the last page the one a record of need bytes goes to (at
// Spot), with the room for it, and returns its place. first is the
// capacity a first page starts with. The caller appends the record with
// Append and must not let a place reach 4 GiB (Spot tells where it would
// end).
func (a *Pages) Ready(need, first int) uint32 {
	off, fresh := a.Spot(need)
	if fresh {
		if k := len(a.p) - 1; k >= 0 && len(a.p[k]) == 0 {
			a.p = a.p[:k]
		}
		// A new page: the first small, the others a page long (or the
		// record's length if longer), after a nil page for each number
		// a longer record before it spans.
		for uint64(len(a.p))<<Shift < off {
			a.p = append(a.p, nil)
		}
		l := PageLen
		if len(a.p) == 0 {
			l = min(l, max(first, need))
		}
		a.p = append(a.p, make([]byte, 0, max(l, need)))
		return uint32(off)
	}
	if k := len(a.p) - 1; len(a.p[k])+need > cap(a.p[k]) {
		p := a.p[k]
		// The first page, growing (twice as long, at most a page).
		np := make([]byte, len(p), min(max(2*cap(p), len(p)+need), PageLen))
		copy(np, p)
		a.p[k] = np
	}
	return uint32(off)
}

// Last returns the last page, which Ready readied for a record: the
// caller appends the record to it.
func (a *Pages) Last() *[]byte { return &a.p[len(a.p)-1] }

// Resize sets the length of the record at off, the last of its page, to
// n bytes (at most the page's capacity from off) and returns the record.
func (a *Pages) Resize(off uint32, n int) []byte {
	p := &a.p[off>>Shift]
	*p = (*p)[:int(off&Mask)+n]
	return a.Rec(off)
}

// Reset empties the arena: a first page of at most keep bytes is kept
// for the records to come, larger pages go to the collector.
func (a *Pages) Reset(keep int) {
	if len(a.p) > 1 || len(a.p) == 1 && cap(a.p[0]) > keep {
		a.p = nil
	} else if len(a.p) == 1 {
		a.p[0] = a.p[0][:0]
	}
}

package coverage

// shapeTable counts the shapes of one program's unrecognised lines in
// bounded memory, by the Space-Saving algorithm (Metwally, Agrawal and El
// Abbadi, 2005): below its capacity every count is exact; once full, a new
// shape takes the place of the least counted one and inherits its count
// (recorded as the new entry's possible overcount, Err). Every shape more
// frequent than that minimum is kept, so the top of the table is right
// when it matters: a day of logs with a few heavy shapes and a long tail.
//
// The entries form a min-heap on Count, so the least counted is found at
// once and an increment moves an entry down at most log2(capacity) levels.
type shapeTable struct {
	index   map[string]*shapeEntry
	heap    []*shapeEntry
	evicted int64 // shapes that lost their place to a newer one
}

type shapeEntry struct {
	Shape   string
	Count   int64
	Err     int64  // Count may be over by up to Err (inherited on eviction)
	Example string // the first line seen with this shape (since it entered)
	pos     int    // its position in heap
}

// add counts one line of shape (the masker's scratch, copied only when
// new) with example as its original text. A new shape enters while the
// table has fewer than max entries, else it replaces the least counted
// (max 0: only shapes already in the table are counted; add reports
// false for a line it could not place).
func (t *shapeTable) add(shape []byte, example string, max int) bool {
	if t.index == nil {
		t.index = map[string]*shapeEntry{}
	}
	if e, ok := t.index[string(shape)]; ok {
		e.Count++
		t.down(e.pos)
		return true
	}
	if len(t.heap) < max {
		e := &shapeEntry{Shape: string(shape), Count: 1, Example: clip(example), pos: len(t.heap)}
		t.heap = append(t.heap, e)
		t.index[e.Shape] = e
		t.up(e.pos)
		return true
	}
	if len(t.heap) == 0 {
		return false
	}
	e := t.heap[0]
	delete(t.index, e.Shape)
	t.evicted++
	e.Shape, e.Err, e.Example = string(shape), e.Count, clip(example)
	e.Count++
	t.index[e.Shape] = e
	t.down(0)
	return true
}

// MaxExampleLen bounds an example line kept with its shape.
const MaxExampleLen = 1024

// clip copies s (a line's text lives in the parser's arena) up to
// MaxExampleLen bytes.
func clip(s string) string {
	if len(s) > MaxExampleLen {
		s = s[:MaxExampleLen]
	}
	return string([]byte(s))
}

func (t *shapeTable) less(a, b int) bool { return t.heap[a].Count < t.heap[b].Count }

func (t *shapeTable) swap(a, b int) {
	t.heap[a], t.heap[b] = t.heap[b], t.heap[a]
	t.heap[a].pos, t.heap[b].pos = a, b
}

func (t *shapeTable) up(i int) {
	for i > 0 {
		parent := (i - 1) / 2
		if !t.less(i, parent) {
			return
		}
		t.swap(i, parent)
		i = parent
	}
}

func (t *shapeTable) down(i int) {
	n := len(t.heap)
	for {
		least := i
		if l := 2*i + 1; l < n && t.less(l, least) {
			least = l
		}
		if r := 2*i + 2; r < n && t.less(r, least) {
			least = r
		}
		if least == i {
			return
		}
		t.swap(i, least)
		i = least
	}
}

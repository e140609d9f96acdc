package relay

import (
	"runtime"
	"sync"
	"testing"
	"time"
)

// TestGCPercentFor: the GOGC set makes the collector's heap goal (as the
// Go runtime computes it: (1+GOGC/100) times the live heap, at least
// minHeap*GOGC/100) the floor while twice the live heap is below it, and
// is Go's default, 100, once it is not.
func TestGCPercentFor(t *testing.T) {
	goal := func(live int64, p int) int64 { return max(live*(100+int64(p))/100, minHeap*int64(p)/100) }
	for _, floor := range []int64{8 << 20, 128 << 20 / 10, 64 << 20} {
		for _, live := range []int64{0, 1 << 20, 3 << 20, 5 << 20, floor/2 - 1, floor / 2, floor, 4 * floor} {
			p := gcPercentFor(live, floor)
			switch g := goal(live, p); {
			case 2*live >= floor:
				if p != 100 {
					t.Errorf("floor %d, live %d: GOGC %d, want 100 (twice the live heap is above the floor)", floor, live, p)
				}
			case p < 100 || g > floor || g < floor-floor/100:
				t.Errorf("floor %d, live %d: GOGC %d, heap goal %d, want the floor", floor, live, p, g)
			}
		}
	}
}

// fakeGOGC stands in for debug.SetGCPercent, so that the test's
// collections run at the test process's own GOGC.
type fakeGOGC struct {
	mu   sync.Mutex
	cur  int
	sets []int
}

func (f *fakeGOGC) set(p int) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	prev := f.cur
	f.cur, f.sets = p, append(f.sets, p)
	return prev
}

func (f *fakeGOGC) get() (int, int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.cur, len(f.sets)
}

// TestHeapFloorFollowsCollections: GOGC is set for the floor at start and
// again after a collection that found the live heap changed (not before:
// the goal is only fixed at a collection's end), only when it changes,
// and set back to what it was at stop, after which collections change
// nothing.
func TestHeapFloorFollowsCollections(t *testing.T) {
	var mu sync.Mutex
	live := int64(2 << 20)
	g := &fakeGOGC{cur: 150}
	h := &heapFloor{floor: 16 << 20, setPercent: g.set, live: func() int64 {
		mu.Lock()
		defer mu.Unlock()
		return live
	}}
	h.adjust()
	h.arm()
	if cur, n := g.get(); n != 1 || cur != gcPercentFor(2<<20, 16<<20) || cur <= 100 {
		t.Fatalf("at start, live heap 2 MiB of a 16 MiB floor: GOGC %d after %d sets, want %d once", cur, n, gcPercentFor(2<<20, 16<<20))
	}
	waitFor := func(what string, ok func(cur, n int) bool) {
		t.Helper()
		for deadline := time.Now().Add(10 * time.Second); ; {
			runtime.GC()
			if cur, n := g.get(); ok(cur, n) {
				return
			} else if time.Now().After(deadline) {
				t.Fatalf("%s: GOGC %d after %d sets", what, cur, n)
			}
			time.Sleep(time.Millisecond) // the finalizer runs on its own goroutine
		}
	}
	mu.Lock()
	live = 12 << 20
	mu.Unlock()
	waitFor("after a collection found 12 MiB live", func(cur, n int) bool { return cur == 100 && n == 2 })
	runtime.GC()
	runtime.GC()
	if _, n := g.get(); n != 2 {
		t.Errorf("collections with the live heap unchanged set GOGC again (%d sets)", n)
	}
	mu.Lock()
	live = 4 << 20
	mu.Unlock()
	waitFor("after a collection found 4 MiB live", func(cur, n int) bool { return cur == gcPercentFor(4<<20, 16<<20) })
	h.stop()
	if cur, _ := g.get(); cur != 150 {
		t.Errorf("after stop: GOGC %d, want what it was before, 150", cur)
	}
	_, n := g.get()
	mu.Lock()
	live = 1 << 20
	mu.Unlock()
	runtime.GC()
	runtime.GC()
	if _, after := g.get(); after != n {
		t.Errorf("a collection after stop set GOGC (%d sets, was %d)", after, n)
	}
}

// TestHeapFloorZero: floor 0 ($GOGC in force) sets nothing.
func TestHeapFloorZero(t *testing.T) {
	h := startHeapFloor(0)
	h.setPercent = func(int) int { t.Fatal("GOGC set with no floor"); return 0 }
	runtime.GC()
	h.adjust() // what a finalizer would do, had one been armed
	h.stop()
}

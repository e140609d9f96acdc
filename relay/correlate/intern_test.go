package correlate

import (
	"fmt"
	"math/rand/v2"
	"runtime"
	"strings"
	"testing"
	"unsafe"
)

// TestInterner: equal strings share one copy that does not point into the
// caller's memory; past max it starts over.
func TestInterner(t *testing.T) {
	in := newInterner(3)
	raw := []byte("alice bob")
	a1 := in.getBytes(raw[:5])
	raw[0] = 'X' // the caller's buffer is reused
	if a1 != "alice" {
		t.Fatalf("interned %q, want alice: it points into the caller's buffer", a1)
	}
	if a2 := in.get("alice"); unsafe.StringData(a2) != unsafe.StringData(a1) {
		t.Error("equal strings are not shared")
	}
	in.get("bob")
	in.get("carol")
	in.get("dave") // fourth distinct string: starts over
	if in.n != 1 || in.idx.Len() != minSlots {
		t.Errorf("%d strings in %d places kept past the bound of 3, want 1 in %d", in.n, in.idx.Len(), minSlots)
	}
	if in.get("") != "" {
		t.Error("the empty string")
	}
	if a1 != "alice" {
		t.Errorf("a copy handed out before starting over changed: %q", a1)
	}
}

// TestInternerAgainstMap runs random strings (short, long past a one-byte
// length, and many colliding in the hash's low bits as the table fills)
// through an interner and a Go map of the copies it handed out: every
// answer equals its argument, is the copy handed out before for an equal
// string since the last start over, and no copy changes when the
// caller's buffer does or the table grows or starts over.
func TestInternerAgainstMap(t *testing.T) {
	for seed := range uint64(20) {
		rng := rand.New(rand.NewPCG(seed, 2))
		max := 1 + rng.IntN(500)
		in := newInterner(max)
		model := map[string]string{} // since the last start over
		var all []string             // every copy handed out, with what it must still say
		var want []string
		buf := make([]byte, 0, 400)
		for op := range 4000 {
			s := fmt.Sprint(rng.IntN(3 * max))
			if rng.IntN(4) == 0 {
				s += strings.Repeat("y", rng.IntN(300))
			}
			buf = append(buf[:0], s...)
			var got string
			if op%2 == 0 {
				got = in.getBytes(buf)
			} else {
				got = in.get(string(buf))
			}
			clear(buf[:cap(buf)]) // the caller's buffer is reused
			if got != s {
				t.Fatalf("seed %d op %d: got %q for %q", seed, op, got, s)
			}
			if prev, ok := model[s]; ok {
				if unsafe.StringData(prev) != unsafe.StringData(got) {
					t.Fatalf("seed %d op %d: %q not shared", seed, op, s)
				}
			} else {
				if len(model) >= max {
					clear(model)
				}
				model[s] = got
			}
			if in.n != len(model) {
				t.Fatalf("seed %d op %d: %d strings held, model %d", seed, op, in.n, len(model))
			}
			if 2*in.n > in.idx.Len() {
				t.Fatalf("seed %d op %d: %d strings in %d places", seed, op, in.n, in.idx.Len())
			}
			all, want = append(all, got), append(want, s)
		}
		for i := range all {
			if all[i] != want[i] {
				t.Fatalf("seed %d: copy %d says %q, want %q", seed, i, all[i], want[i])
			}
		}
	}
}

// BenchmarkInternerFull reports what an interner at its bound holds
// (65,536 strings of 10 bytes, as Engine's): B/string, its table and
// copies; "map" is the same in a map[string]string of the copies, as
// the interner was before (for the comparison in docs/performance.md).
func BenchmarkInternerFull(b *testing.B) {
	const n = 1 << 16
	var buf []byte
	b.Run("interner", func(b *testing.B) {
		for b.Loop() {
			before := liveHeap()
			in := newInterner(n)
			for i := range n {
				buf = fmt.Appendf(buf[:0], "host-%05d", i)
				in.getBytes(buf)
			}
			b.ReportMetric(float64(liveHeap()-before)/n, "B/string")
			runtime.KeepAlive(in)
		}
	})
	b.Run("map", func(b *testing.B) {
		for b.Loop() {
			before := liveHeap()
			m := map[string]string{}
			for i := range n {
				buf = fmt.Appendf(buf[:0], "host-%05d", i)
				c := string(buf)
				m[c] = c
			}
			b.ReportMetric(float64(liveHeap()-before)/n, "B/string")
			runtime.KeepAlive(m)
		}
	})
}

package event

import (
	"math/rand/v2"
	"strings"
	"testing"
	"time"
)

// TestKeyIndex: Find answers as Field does, for every key of the set:
// the last value set, keys of equal length told apart (also when their
// last 8 bytes are equal), short keys, keys of 64 bytes and more, absent
// keys.
func TestKeyIndex(t *testing.T) {
	long := "x." + strings.Repeat("y", 70)
	x := NewKeyIndex("host.name", "user.name", "event.code", long, "absent.key", "ip", "ab")
	e := New(time.Time{})
	e.SetStr("user.name", "a")      // same length as host.name
	e.SetStr("event.kind", "event") // same length as event.code, not in the set
	e.SetStr("cost.name", "c")      // same length and last 8 bytes as host.name
	e.SetStr("ab", "ab")
	e.SetStr("ba", "ba") // same length and bytes as ab, not in the set
	e.SetStr("ip", "i")
	e.SetStr(long, "l")
	e.SetStr("host.name", "h")
	e.SetStr("user.name", "b") // set again: this one wins
	e.SetStr("x."+strings.Repeat("z", 70), "other")
	at := make([]int32, x.Len())
	x.Find(e, at)
	for i, name := range []string{"host.name", "user.name", "event.code", long, "absent.key", "ip", "ab"} {
		want := int32(-1)
		for j := range e.Fields {
			if e.Fields[j].Key == name {
				want = int32(j)
			}
		}
		if at[i] != want {
			t.Errorf("%s: field %d, want %d", name[:min(len(name), 12)], at[i], want)
		}
	}
}

// TestKeyIndexAgrees: Find agrees with a scan for sets of up to
// MaxKeyIndex keys of every length, among them keys that differ only
// between their first and last 8 bytes (equal fingerprints, told apart by
// comparing them whole), repeated keys, and fields that are not in the set;
// it reports a key of the set found more than once as the scan does.
func TestKeyIndexAgrees(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	word := func() string {
		n := 1 + r.IntN(40)
		if r.IntN(3) == 0 { // same first and last 8 bytes as others of its length
			return "process." + strings.Repeat(string(rune('a'+r.IntN(3))), max(0, n-16)) + "ecutable"
		}
		b := make([]byte, n)
		for i := range b {
			b[i] = "ab.c"[r.IntN(4)]
		}
		return string(b)
	}
	for round := range 300 {
		names := make([]string, 1+r.IntN(MaxKeyIndex))
		for i := range names {
			names[i] = word()
		}
		x := NewKeyIndex(names...)
		e := New(time.Time{})
		for range r.IntN(40) {
			k := word()
			if r.IntN(2) == 0 {
				k = names[r.IntN(len(names))]
			}
			e.Fields = append(e.Fields, Field{Key: k})
		}
		at := make([]int32, x.Len())
		repeated := x.Find(e, at)
		wantRepeated := false
		for i, name := range names {
			want, found := int32(-1), 0
			for j := range e.Fields {
				if e.Fields[j].Key == name {
					want = int32(j)
					found++
				}
			}
			if at[i] != want {
				t.Fatalf("round %d: %q: field %d, want %d", round, name, at[i], want)
			}
			wantRepeated = wantRepeated || found > 1
		}
		if repeated != wantRepeated {
			t.Fatalf("round %d: repeated %v, want %v", round, repeated, wantRepeated)
		}
	}
}

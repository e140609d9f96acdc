package event

import (
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

package correlate

import (
	"testing"
	"unsafe"
)

// TestInterner: equal strings share one copy that does not point into the
// caller's memory; one-element lists are shared and cannot be written
// through by an append; past max it starts over.
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
	one := in.single("alice")
	if len(one) != 1 || cap(one) != 1 || unsafe.StringData(one[0]) != unsafe.StringData(a1) {
		t.Fatalf("single: %q (cap %d), want the shared copy in a list of capacity 1", one, cap(one))
	}
	if again := in.single("alice"); &again[0] != &one[0] {
		t.Error("single lists are not shared")
	}
	var ev evidence
	ev.addUnique(relUser, in, "alice")
	ev.addUnique(relUser, in, "bob")
	if len(one) != 1 || one[0] != "alice" || len(ev.list(relUser)) != 2 {
		t.Errorf("append to a shared list: shared %q, grown %q", one, ev.list(relUser))
	}
	var ev2 evidence
	if ev2.addUnique(relHosts, in, "carol"); len(ev2.rel) != 1 || cap(ev2.rel) != 1 {
		t.Errorf("a new evidence list %q (cap %d), want carol's shared list", ev2.rel, cap(ev2.rel))
	}
	in.get("dave") // fourth distinct string: starts over
	if len(in.m) != 1 {
		t.Errorf("%d strings kept past the bound of 3, want 1", len(in.m))
	}
	if in.get("") != "" {
		t.Error("the empty string")
	}
}

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
	grown := addUnique(one, in, "bob")
	if len(one) != 1 || one[0] != "alice" || len(grown) != 2 {
		t.Errorf("append to a shared list: shared %q, grown %q", one, grown)
	}
	if l := addUnique(nil, in, "carol"); len(l) != 1 || cap(l) != 1 {
		t.Errorf("a new evidence list %q (cap %d), want carol's shared list", l, cap(l))
	}
	in.get("dave") // fourth distinct string: starts over
	if len(in.m) != 1 {
		t.Errorf("%d strings kept past the bound of 3, want 1", len(in.m))
	}
	if in.get("") != "" {
		t.Error("the empty string")
	}
}

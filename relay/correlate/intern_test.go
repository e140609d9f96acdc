package correlate

import (
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
	if len(in.m) != 1 {
		t.Errorf("%d strings kept past the bound of 3, want 1", len(in.m))
	}
	if in.get("") != "" {
		t.Error("the empty string")
	}
}

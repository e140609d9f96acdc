package framing

import (
	"bytes"
	"testing"
	"testing/iotest"
)

// FuzzFramer feeds the same stream whole, split in two at any point, and
// one byte at a time: the frames, flags and stats must be identical, no
// frame may exceed the maximum size and the buffer must never grow.
func FuzzFramer(f *testing.F) {
	for _, s := range []string{
		"<13>a\n<13>b\r\n",
		"13 <13>octet one<13>lf one\n14 <13>octet two\n\n\r\n<13>lf two",
		" <181>00\n <181>01\n<181>02\n",
		"99999999999 <13>x\n0 <13>y\n007 <13>z\n",
		"30 <13>0123456789abcdefghijklmno8 <13>next",
		"<13>0123456789abcdefXYZ\x00<13>next\x00",
		"40 <13>short",
		"        <13>a\n         <13>b\n",
		"16 <1>217 <11>1 - - - - - -",
	} {
		f.Add([]byte(s), uint16(len(s)/2), uint8(16), uint8(Auto))
	}
	f.Fuzz(func(t *testing.T, data []byte, at uint16, maxSize uint8, mode uint8) {
		m := Mode(mode % 3)
		size := int(maxSize)%64 + 1
		whole := readAll(t, bytes.NewReader(data), size, m)
		if whole.err.Error() != "EOF" {
			t.Fatalf("ended with %v", whole.err)
		}
		split := &splitReader{data: data, at: int(at)}
		if got := readAll(t, split, size, m); got.String() != whole.String() {
			t.Fatalf("split at %d:\n%s\nwhole:\n%s", at, got, whole)
		}
		if got := readAll(t, iotest.OneByteReader(bytes.NewReader(data)), size, m); got.String() != whole.String() {
			t.Fatalf("one-byte reads:\n%s\nwhole:\n%s", got, whole)
		}
		// Nothing is made up: every frame's bytes come from the input.
		for _, fr := range whole.frames {
			if !bytes.Contains(data, []byte(fr)) {
				t.Fatalf("frame %q not in input", fr)
			}
		}
	})
}

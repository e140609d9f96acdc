package correlate

import (
	"bytes"
	"encoding/binary"
	"testing"
)

// Stored values (keyref.go) read back as they were, whatever the key;
// a value equal to one of the key's takes its head byte alone (a value
// of 64 to 127 bytes one more: its head is its length << 1), one that
// only starts or ends like one, or spans two, is kept whole.
func TestStoredValues(t *testing.T) {
	var vals []byte
	for _, s := range []string{"10.0.0.5", "carol", "10.0.0", "carol\x0010.0.0.5", "web1", string(bytes.Repeat([]byte{'h'}, 100))} {
		vals = append(binary.AppendUvarint(vals, uint64(len(s))), s...)
	}
	for _, tc := range []struct {
		key  string
		save int // bytes fewer than the values: each value's saved minus the long one's byte
	}{
		{"", -1},                         // the long value's head: one byte more than its length's
		{"db1", -1},                      // none
		{"10.0.0.5", 8 - 1},              // the address
		{"carol\x0010.0.0.5", 13 - 1},    // both
		{"x\x00y\x00web1", 4 - 1},        // the third
		{"10.0.0.5\x00\x00web1", 12 - 1}, // an empty value between
	} {
		stored := storeVals(nil, vals, []byte(tc.key))
		if got := len(vals) - len(stored); got != tc.save {
			t.Errorf("key %q: stored in %d bytes, %d fewer, want %d fewer", tc.key, len(stored), got, tc.save)
		}
		if back := loadVals(nil, stored, []byte(tc.key)); !bytes.Equal(back, vals) {
			t.Errorf("key %q: read back as %q", tc.key, back)
		}
		if end := storedEnd(stored, 6); end != len(stored) {
			t.Errorf("key %q: six values end at %d of %d", tc.key, end, len(stored))
		}
		if end := storedEnd(append(stored, 1, 2, 3), 6); end != len(stored) {
			t.Errorf("key %q: six values before slots end at %d of %d", tc.key, end, len(stored))
		}
	}
}

// A key's values by number; a number past its last is empty.
func TestKeyValue(t *testing.T) {
	key := []byte("a\x00bc\x00\x00d")
	for i, want := range []string{"a", "bc", "", "d", ""} {
		if got := keyValue(key, i); string(got) != want {
			t.Errorf("value %d = %q, want %q", i, got, want)
		}
	}
	if i := keyValueIndex(key, []byte("d")); i != 3 {
		t.Errorf("index of d = %d", i)
	}
	if i := keyValueIndex(key, []byte("b")); i != -1 {
		t.Errorf("index of b = %d", i)
	}
}

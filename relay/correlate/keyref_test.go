package correlate

import (
	"bytes"
	"encoding/binary"
	"math"
	"testing"
	"time"
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

// A waiting pair keeps its deadline as its difference from its first
// event's time + the window: one byte for a rule on receive time, and
// any deadline read back as it was, past int64's ends included (the
// difference wraps as the sum does).
func TestPairDeadline(t *testing.T) {
	r := &pair{window: time.Minute}
	w := int64(time.Minute)
	for _, tc := range []struct {
		at, deadline int64
		bytes        int // the difference's
	}{
		{1_000, 1_000 + w, 1},                         // receive time
		{1_000, 1_000 + w + 3*int64(time.Second), 5},  // event time, 3 s before receipt
		{1_000 + w, 1_000, 6},                         // event time, after receipt
		{math.MaxInt64 - 5, math.MinInt64 + w - 6, 1}, // receive time, the deadline past int64's end
		{math.MinInt64, math.MaxInt64, 6},
		{0, 0, 6},
	} {
		j := pstateJSON{At: tc.at, Deadline: tc.deadline, Ev: evidenceJSON{IDs: []uint64{9}, Count: 1}}
		st, x := r.restored(j, "k")
		if got := r.deadline(&st, x); got != tc.deadline {
			t.Errorf("at %d deadline %d: read back as %d", tc.at, tc.deadline, got)
		}
		if n := len(r.appendLate(nil, tc.at, tc.deadline)); n != tc.bytes {
			t.Errorf("at %d deadline %d: %d bytes, want %d", tc.at, tc.deadline, n, tc.bytes)
		}
		if p := firstOf(x, 0); p.id != 9 || leaseOf(x) != 0 || p.count != 1 {
			t.Errorf("at %d deadline %d: id %d lease %d count %d", tc.at, tc.deadline, p.id, leaseOf(x), p.count)
		}
	}
}

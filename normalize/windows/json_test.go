package windows

import (
	"encoding/binary"
	"math/bits"
	"math/rand/v2"
	"testing"
	"unsafe"
)

// TestQuoteOrBackslash8: the lowest byte flagged is the first quote or
// backslash of the word, and a word without one has no flag, whatever
// the other bytes (those at 0x80 and above, and those one above or below
// a quote or backslash, are where a borrow could set a false flag).
func TestQuoteOrBackslash8(t *testing.T) {
	bytesOf := []byte{'"', '\\', '"' + 1, '"' - 1, '\\' + 1, '\\' - 1, 0, 0x7f, 0x80, 0x81, '"' | 0x80, '\\' | 0x80, 0xff, 'a', ' '}
	r := rand.New(rand.NewPCG(1, 2))
	var w [8]byte
	for range 200000 {
		for k := range w {
			w[k] = bytesOf[r.IntN(len(bytesOf))]
		}
		want := 8
		for k, c := range w {
			if c == '"' || c == '\\' {
				want = k
				break
			}
		}
		got := 8
		if m := quoteOrBackslash8(binary.LittleEndian.Uint64(w[:])); m != 0 {
			got = bits.TrailingZeros64(m) >> 3
		}
		if got != want {
			t.Fatalf("word %q: first quote or backslash at %d, flagged at %d", w, want, got)
		}
	}
}

// TestJSONPair: the usual member is read whole, its key alone when its
// value is not a string without escapes, nothing when its key is not the
// usual one; at every length around the 8-byte words the scans read. In a
// document's last 7 bytes, which the scans leave to the caller (as
// jsonWordEnd does), as much is read as is sure, and the rest is left.
func TestJSONPair(t *testing.T) {
	const more = `,"more":12345}` // enough for the scans' words
	for _, pad := range []string{"", "a", "abcdefg", "abcdefgh", "abcdefghijklmno"} {
		key, val := "K"+pad, "v"+pad
		for _, c := range []struct {
			doc       string
			read      int
			key, v    string
			nextAfter string // the rest of doc at next
		}{
			{`"` + key + `":"` + val + `"` + more, jsonPairString, key, val, more},
			{`"` + key + `":"` + val + `\n"` + more, jsonPairKey, key, "", `"` + val + `\n"` + more},
			{`"` + key + `":{"a":"b"}` + more, jsonPairKey, key, "", `{"a":"b"}` + more},
			{`"` + key + `":12` + more, jsonPairKey, key, "", `12` + more},
			{`"` + key + `": "` + val + `"` + more, jsonPairKey, key, "", ` "` + val + `"` + more},
			{`"` + key + `" :"` + val + `"` + more, jsonPairNone, "", "", `"` + key + `" :"` + val + `"` + more},
			{`"K\"` + pad + `":"` + val + `"` + more, jsonPairNone, "", "", `"K\"` + pad + `":"` + val + `"` + more},
			{` "` + key + `":"` + val + `"` + more, jsonPairNone, "", "", ` "` + key + `":"` + val + `"` + more},
		} {
			doc := "{" + c.doc
			k, v, next, read := jsonPair(doc, 1)
			if read != c.read || k != c.key || v != c.v || doc[next:] != c.nextAfter {
				t.Errorf("jsonPair(%q) = %q, %q, rest %q, read %d; want %q, %q, rest %q, read %d",
					doc, k, v, doc[next:], read, c.key, c.v, c.nextAfter, c.read)
			}
		}
		// At the document's end: whatever is read is right.
		for _, doc := range []string{`{"` + key + `":"` + val + `"}`, `{"` + key + `":"` + val, `{"` + key + `":`, `{"` + key} {
			k, v, next, read := jsonPair(doc, 1)
			ok := false
			switch read {
			case jsonPairNone:
				ok = next == 1 && k == "" && v == ""
			case jsonPairKey:
				ok = k == key && v == "" && doc[next-2:next] == `":`
			case jsonPairString:
				ok = k == key && v == val && doc[next-1] == '"' && doc[:next] == `{"`+key+`":"`+val+`"`
			}
			if !ok {
				t.Errorf("jsonPair(%q) = %q, %q, rest %q, read %d", doc, k, v, doc[next:], read)
			}
		}
	}
}

// TestJSONWordEndAt: the first quote or backslash at or after i, as
// jsonWordEnd finds it, for every start and length.
func TestJSONWordEndAt(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	k := &jsonWordMasks
	for range 20000 {
		b := make([]byte, r.IntN(40))
		for j := range b {
			b[j] = "ab\"\\\x80\xff"[r.IntN(6)]
		}
		s := string(b)
		for i := 0; i <= len(s); i++ {
			got := jsonWordEndAt(unsafe.Pointer(unsafe.StringData(s)), i, len(s)-8, k[0], k[1], k[2], k[3])
			if want := jsonWordEnd(s, i); got != want {
				t.Fatalf("jsonWordEndAt(%q, %d) = %d, jsonWordEnd %d", s, i, got, want)
			}
		}
	}
}

package snapshot

import (
	"bytes"
	"encoding/json"
	"math/rand/v2"
	"testing"
)

// randomString is made of what JSON strings escape (quotes, control
// characters, HTML's <>&, U+2028/9, invalid UTF-8) among plain text.
func randomString(r *rand.Rand) string {
	pieces := []string{"a", "Z", "0", " ", `"`, `\`, "/", "\b", "\f", "\n", "\r", "\t", "\x00", "\x1f", "\x7f", "<", ">", "&",
		"é", "日本", "\u2028", "\u2029", "\U0001F600", "\xff", "\xc3", "\xe2\x80", "\xed\xa0\x80", "10.0.0.5", "C:\\Windows"}
	var b []byte
	for range r.IntN(12) {
		b = append(b, pieces[r.IntN(len(pieces))]...)
	}
	return string(b)
}

func TestAppendStringAsMarshal(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for range 20000 {
		s := randomString(r)
		want, err := json.Marshal(s)
		if err != nil {
			t.Fatal(err)
		}
		if got := AppendString([]byte("x"), s); !bytes.Equal(got[1:], want) {
			t.Fatalf("%q: got %s, want %s", s, got[1:], want)
		}
	}
}

// appended is an element that appends its own JSON, or cannot.
type appended struct {
	S   string `json:"s"`
	can bool
}

func (a *appended) AppendJSON(b []byte) ([]byte, bool) {
	if !a.can {
		return b, false
	}
	return append(AppendString(append(b, `{"s":`...), a.S), '}'), true
}

// A List of Appenders is written as json.Marshal writes the slice, in
// pieces (appendChunk) when long; one of elements that cannot append is
// encoded by encoding/json.
func TestListOfAppenders(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for _, n := range []int{0, 1, 2, 5000} {
		for _, can := range []bool{true, false} {
			l := make(List[appended], n)
			for i := range l {
				l[i] = appended{randomString(r) + randomString(r) + randomString(r), can}
			}
			want, err := json.Marshal([]appended(l))
			if err != nil {
				t.Fatal(err)
			}
			var w countingWriter
			if err := l.WriteJSON(&w); err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(w.buf.Bytes(), want) {
				t.Fatalf("%d elements (appending: %v): written\n%.200s\nwant\n%.200s", n, can, w.buf.Bytes(), want)
			}
			if n == 5000 && w.writes < 2 {
				t.Errorf("%d elements (appending: %v) written in %d piece(s)", n, can, w.writes)
			}
		}
	}
}

type countingWriter struct {
	buf    bytes.Buffer
	writes int
}

func (w *countingWriter) Write(b []byte) (int, error) {
	w.writes++
	return w.buf.Write(b)
}

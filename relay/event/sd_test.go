package event

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"unsafe"
)

// An SD built over a message keeps its strings there (the journal writes
// them as windows of Original, and counts no memory for them); a value
// that is not (unescaped) is copied, and the SD reads the same.
func TestSDBuilderSpans(t *testing.T) {
	msg := `<13>1 - h a - - [a@1 x="1" y="q\"z"][b] text`
	i := strings.Index(msg, "[")
	j := strings.Index(msg, "[b]") + 1
	var b SDBuilder
	b.Start(msg)
	b.Element(msg[i+1 : i+4])
	b.Param(msg[i+5:i+6], msg[i+8:i+9])
	b.Element(msg[j : j+1])
	plain := b.Finish()
	if got, want := plain.String(), `[a@1 x="1"][b]`; got != want {
		t.Errorf("plain: %s, want %s", got, want)
	}
	if !inside(plain.Text(), msg) {
		t.Errorf("plain SD's text %q is not part of the message", plain.Text())
	}

	b.Start(msg)
	b.Element(msg[i+1 : i+4])
	b.Param(msg[i+5:i+6], msg[i+8:i+9])
	b.Param(msg[i+11:i+12], `q"z`) // unescaped: not in msg
	b.Element(msg[j : j+1])
	escaped := b.Finish()
	if got, want := escaped.String(), `[a@1 x="1" y="q\"z"][b]`; got != want {
		t.Errorf("escaped: %s, want %s", got, want)
	}
	if v, ok := escaped.Param("a@1", "y"); !ok || v != `q"z` {
		t.Errorf("a@1 y = %q %v", v, ok)
	}
	if _, ok := escaped.Param("b", "x"); ok {
		t.Errorf("b has no x")
	}
	if n := escaped.Len(); n != 2 {
		t.Errorf("%d elements, want 2", n)
	}
	if plain.String() != `[a@1 x="1"][b]` {
		t.Errorf("an SD changed when the next was built: %s", plain)
	}
}

// SDs share the builder's blocks: one that does not fit a block's rest
// moves to a new one, a dropped one gives its spans back, and neither
// changes an SD built before.
func TestSDBuilderBlocks(t *testing.T) {
	var b SDBuilder
	var sds []SD
	var want []string
	for n := range 3000 {
		b.Start("")
		var w strings.Builder
		for e := range 1 + n%3 {
			id := fmt.Sprintf("e%d@%d", e, n)
			b.Element(id)
			w.WriteString("[" + id)
			for k := range n % 5 {
				name, value := fmt.Sprintf("p%d", k), fmt.Sprint(n*k)
				b.Param(name, value)
				fmt.Fprintf(&w, " %s=%q", name, value)
			}
			w.WriteString("]")
		}
		if n%7 == 0 { // a malformed message: its SD is dropped
			b.Drop()
			continue
		}
		sds = append(sds, b.Finish())
		want = append(want, w.String())
	}
	for k, sd := range sds {
		if sd.String() != want[k] {
			t.Fatalf("SD %d: %s, want %s", k, sd, want[k])
		}
	}
	if empty := (SD{}); empty.Len() != 0 || empty.String() != "-" {
		t.Errorf("zero SD: %d elements, %s", empty.Len(), empty)
	}
}

func inside(s, within string) bool {
	p, b := uintptr(unsafe.Pointer(unsafe.StringData(s))), uintptr(unsafe.Pointer(unsafe.StringData(within)))
	return p >= b && p+uintptr(len(s)) <= b+uintptr(len(within))
}

// Has finds an element by its whole SD-ID wherever it stands, and not a
// param's name or an ID that only starts or ends like it.
func TestSDHas(t *testing.T) {
	sd := MakeSD([]string{"meta@32473", "Fields@1", "x"}, []string{"origin", "ip", "192.0.2.1"}, []string{"Fields@1.3"})
	for _, c := range []struct {
		id   string
		want bool
	}{
		{"meta@32473", true}, {"origin", true}, {"Fields@1.3", true},
		{"Fields@1", false}, {"ip", false}, {"meta", false}, {"Fields@1.3.6", false}, {"", false},
	} {
		if got := sd.Has(c.id); got != c.want {
			t.Errorf("Has(%q) = %v, want %v", c.id, got, c.want)
		}
	}
	if (SD{}).Has("meta") {
		t.Error("an empty SD has an element")
	}
}

// AnyID asks match of each element's ID, in order, and of no param's
// name or value; it stops at the first match.
func TestSDAnyID(t *testing.T) {
	sd := MakeSD([]string{"meta@32473", "Fields@1", "x"}, []string{"origin", "ip", "192.0.2.1"}, []string{"Fields@1.3"})
	var asked []string
	got := sd.AnyID(func(id string) bool { asked = append(asked, id); return false })
	if got || strings.Join(asked, ",") != "meta@32473,origin,Fields@1.3" {
		t.Errorf("AnyID asked %q and said %v, want the three IDs and false", asked, got)
	}
	asked = nil
	if !sd.AnyID(func(id string) bool { asked = append(asked, id); return id == "origin" }) || len(asked) != 2 {
		t.Errorf("AnyID asked %q, want it to stop at origin", asked)
	}
	if (SD{}).AnyID(func(string) bool { return true }) {
		t.Error("an empty SD has an element")
	}
}

// An SD marked plain (FinishJSONPlain: the parser's SDs without a byte
// to escape) is written by appendPlainSD, which copies its strings
// without looking: its JSON must be the general road's, repeats (which
// take that road) included, whatever the strings' lengths and wherever
// they lie in the text (16-byte moves near its end, and past it into
// the original it starts).
func TestPlainSDMatchesGeneral(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	pieces := []string{"", "a", "seq", "zone", "eu-1", "192.0.2.2", "meta@32473", "exactly16bytes!!",
		"seventeen bytes!!", strings.Repeat("long value ", 5), "x", "x", "y"} // x, y: repeats
	for range 20000 {
		var text strings.Builder
		var strs []string // ID, then names and values; "" ends an element
		for range 1 + r.IntN(3) {
			strs = append(strs, pieces[1+r.IntN(len(pieces)-1)]) // IDs are not empty
			for range r.IntN(4) {
				strs = append(strs, pieces[1+r.IntN(len(pieces)-1)], pieces[r.IntN(len(pieces))])
			}
			strs = append(strs, "")
		}
		// The strings laid out in one text, as the parser finds them.
		offs := make([]int, len(strs))
		for k, s := range strs {
			text.WriteString(" ")
			offs[k] = text.Len()
			text.WriteString(s)
		}
		after := strings.Repeat("m", r.IntN(20)) // the original's rest
		orig := text.String() + after
		base := orig[:text.Len()]
		build := func(plain bool) SD {
			var b SDBuilder
			b.Start(base)
			for k := 0; k < len(strs); {
				b.Element(base[offs[k] : offs[k]+len(strs[k])])
				k++
				for ; strs[k] != ""; k += 2 {
					b.Param(base[offs[k]:offs[k]+len(strs[k])], base[offs[k+1]:offs[k+1]+len(strs[k+1])])
				}
				k++
			}
			if plain {
				return b.FinishJSONPlain()
			}
			return b.Finish()
		}
		want := string(refAppendSD(nil, build(false)))
		sd := build(true)
		if !sd.jsonPlain() {
			t.Fatal("FinishJSONPlain did not mark the SD")
		}
		if got := string(appendSD([]byte("x"), sd)); got != "x"+want {
			t.Fatalf("%q: got %s, want %s", strs, got[1:], want)
		}
		if got := string(appendSDIn(nil, sd, orig)); got != want {
			t.Fatalf("%q in %q: got %s, want %s", strs, orig, got, want)
		}
	}
}

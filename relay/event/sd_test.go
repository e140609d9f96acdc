package event

import (
	"fmt"
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

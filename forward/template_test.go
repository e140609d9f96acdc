package forward

import (
	"strings"
	"testing"
	"time"

	"github.com/nomenhq/nomen/relay/event"
)

func TestTemplateParse(t *testing.T) {
	for _, tc := range []struct {
		tmpl, shape, err string
		fields           bool
	}{
		{"nomen.events.{event.category}", "nomen.events.*", "", true},
		{"nomen.{host.name}.x{event.code}", "nomen.*.x*", "", true},
		{"nomen.events", "nomen.events", "", false},
		{"", "", "", false},
		{"nomen.{event.category", "", "unclosed {", false},
		{"nomen.{}", "", "bad field {}", false},
		{"nomen.{a b}", "", "bad field {a b}", false},
	} {
		tp, err := ParseTemplate(tc.tmpl)
		if tc.err != "" {
			if err == nil || err.Error() != tc.err {
				t.Errorf("%q: got %v, want error %q", tc.tmpl, err, tc.err)
			}
			continue
		}
		if err != nil || tp.Shape("*") != tc.shape || tp.HasFields() != tc.fields {
			t.Errorf("%q: %v, shape %q fields %v; want %q %v", tc.tmpl, err, tp.Shape("*"), tp.HasFields(), tc.shape, tc.fields)
		}
	}
}

func TestTemplateAppend(t *testing.T) {
	e := event.New(time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC))
	e.Hostname = "web 1.example"
	e.SetList("event.category", "authentication", "iam")
	e.SetInt("event.code", 4624)
	e.SetList("event.type") // an empty list: missing
	tp, err := ParseTemplate("x.{event.category}.{host.name}.{event.code}.{event.type}.{no.such}")
	if err != nil {
		t.Fatal(err)
	}
	upper := func(c byte) byte {
		if c == ' ' {
			return '_'
		}
		return strings.ToUpper(string(c))[0]
	}
	got := string(tp.Append([]byte("pre:"), e, "none", upper))
	if want := "pre:x.AUTHENTICATION.WEB_1.EXAMPLE.4624.none.none"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

package filter

import (
	"slices"
	"testing"
	"time"

	"github.com/nomenhq/nomen/relay/event"
)

func TestMismatches(t *testing.T) {
	f, err := Compile(map[string]any{"source.ip": "10.*", "user.name": "!", "event.code": "4625", "host.name": "web1"})
	if err != nil {
		t.Fatal(err)
	}
	e := event.New(time.Now())
	e.SetStr("source.ip", "192.0.2.1")
	e.SetStr("user.name", "bob")
	e.SetStr("host.name", "web1")
	want := []string{
		"event.code: missing, want 4625",
		`source.ip: got "192.0.2.1", want 10.*`,
		`user.name: got "bob", want it absent`,
	}
	if got := f.Mismatches(e); !slices.Equal(got, want) {
		t.Errorf("got %q\nwant %q", got, want)
	}
	e.SetStr("source.ip", "10.0.0.1")
	e.SetStr("event.code", "4625")
	e.Delete("user.name")
	if got := f.Mismatches(e); got != nil {
		t.Errorf("a match has mismatches: %q", got)
	}
}

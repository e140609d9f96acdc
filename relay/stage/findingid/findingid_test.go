package findingid

import (
	"testing"
	"time"

	"github.com/nomenhq/nomen/relay/event"
)

// The layout is a contract: this vector was computed outside Go, with
// printf '\0\0\0\0\0\0\0\x01r\0\0\0\0\0\0\0\x01k\0\0\0\0\0\0\0\x08\0\0\0\0\0\0\0\x01\0\0\0\0\0\0\0\x01a' | sha256sum
func TestOfLayout(t *testing.T) {
	if got, want := Of("r", "k", 1, "a"), "10a589edb6b6f13ae12517ffd9776dc8"; got != want {
		t.Fatalf("Of = %s, want %s", got, want)
	}
}

func TestOfDistinguishesEveryPart(t *testing.T) {
	base := Of("brute", "source.ip=10.0.0.5", 100, "journal:7")
	if again := Of("brute", "source.ip=10.0.0.5", 100, "journal:7"); again != base {
		t.Fatalf("same parts, different ids: %s %s", base, again)
	}
	for name, id := range map[string]string{
		"rule":   Of("brute2", "source.ip=10.0.0.5", 100, "journal:7"),
		"key":    Of("brute", "source.ip=10.0.0.6", 100, "journal:7"),
		"start":  Of("brute", "source.ip=10.0.0.5", 101, "journal:7"),
		"anchor": Of("brute", "source.ip=10.0.0.5", 100, "journal:8"),
		// Length prefixes: moving a byte from one part to the next is
		// another finding.
		"boundary": Of("brutes", "ource.ip=10.0.0.5", 100, "journal:7"),
	} {
		if id == base {
			t.Errorf("a different %s gives the same id %s", name, id)
		}
	}
}

func TestAnchor(t *testing.T) {
	e := event.New(time.Unix(1, 0))
	if got := Anchor(e, 42); got != "journal:42" {
		t.Errorf("Anchor without a stream id = %q", got)
	}
	e.SetStr(StreamIDField, "edge1-17")
	if got := Anchor(e, 42); got != "edge1-17" {
		t.Errorf("Anchor with a stream id = %q, want the stream id", got)
	}
}

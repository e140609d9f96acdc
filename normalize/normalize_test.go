package normalize

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nomenhq/nomen/normalize/ecs"
	"github.com/nomenhq/nomen/normalize/internal/normtest"
	"github.com/nomenhq/nomen/relay/event"
)

// msgEvent builds an event as the parser leaves it.
func msgEvent(prog, msg string) *event.Event {
	e := event.New(normtest.Received)
	e.AppName, e.Message = prog, msg
	return e
}

// User rules take precedence over the built-in decoders.
func TestRulesBeforeBuiltins(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "r.toml"), []byte(`
[[rule]]
name = "local.sshd"
program = "sshd"
pattern = "Failed password for {u:word} from {src:ip} port {p:uint} ssh2"
fields = { "event.action" = "local_override" }
map = { u = "user.name" }
`), 0o644)
	n, err := New(Config{Rules: []string{filepath.Join(dir, "*.toml")}})
	if err != nil {
		t.Fatal(err)
	}
	e := msgEvent("sshd", "Failed password for root from 192.0.2.1 port 22 ssh2")
	if got := n.Normalize(e); got != "local.sshd" || e.Str("event.action") != "local_override" {
		t.Errorf("got %q action %q", got, e.Str("event.action"))
	}
	e = msgEvent("sshd", "Failed password for invalid user x from 192.0.2.1 port 22 ssh2")
	if got := n.Normalize(e); got != "sshd" {
		t.Errorf("built-in fallback: got %q", got)
	}
}

// TestExactFor: the shape filter in front of the program map lets every
// program a decoder names through (long ones included), and the map
// decides the rest.
func TestExactFor(t *testing.T) {
	n := newNormalizer(builtins())
	for prog, ds := range n.exact {
		if got := n.exactFor(prog); len(got) != len(ds) || got[0] != ds[0] {
			t.Errorf("exactFor(%q): %d decoders, want %d", prog, len(got), len(ds))
		}
	}
	long := newNormalizer([]*ecs.Decoder{{Name: "long", Programs: []string{strings.Repeat("x", 70)}}})
	if len(long.exactFor(strings.Repeat("x", 70))) != 1 || long.exactFor(strings.Repeat("x", 69)) != nil || long.exactFor("x") != nil || long.exactFor("") != nil {
		t.Error("exactFor with a program of 70 bytes")
	}
}

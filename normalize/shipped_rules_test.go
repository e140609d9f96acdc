package normalize

import (
	"testing"
	"time"

	"github.com/nomenhq/nomen/normalize/rules"
	"github.com/nomenhq/nomen/parse"
	"github.com/nomenhq/nomen/relay/event"
)

// The example rules in configs/rules are loaded by configs/dev.toml (make
// run) and copied by users. User rules run before the built-in decoders, so
// an example for a program nomen already decodes would replace the built-in
// event with a poorer one: no example's test line may be one a built-in
// decoder recognises.
func TestShippedRulesDoNotShadowBuiltins(t *testing.T) {
	rs, err := rules.Load([]string{"../configs/rules/*.toml"})
	if err != nil {
		t.Fatal(err)
	}
	builtin, err := New(Config{})
	if err != nil {
		t.Fatal(err)
	}
	p := parse.New(parse.Options{Location: time.UTC})
	lines := 0
	rs.RunTests(func(line string) *event.Event {
		lines++
		e := event.New(time.Date(2026, 7, 1, 12, 0, 0, 0, time.UTC))
		p.Parse([]byte(line), e)
		if name := builtin.Normalize(e); name != "" {
			t.Errorf("built-in decoder %s already decodes an example rule's test line: %s", name, line)
		}
		e = event.New(time.Date(2026, 7, 1, 12, 0, 0, 0, time.UTC))
		p.Parse([]byte(line), e)
		return e
	})
	if lines == 0 {
		t.Fatal("no example rule tests")
	}
}

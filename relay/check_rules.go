package relay

import (
	"fmt"
	"strings"
	"time"

	"github.com/nomenhq/nomen/normalize"
	"github.com/nomenhq/nomen/parse"
	"github.com/nomenhq/nomen/relay/event"
)

// checkRules runs the user rules' embedded [[rule.test]] cases, parsing each
// input the way the listeners would (the [parse] timezone), and returns how
// many ran, or every failure with its diff.
func checkRules(cfg *Config, norm *normalize.Normalizer) (int, error) {
	rules := norm.Rules()
	loc, err := cfg.location()
	if err != nil {
		return 0, err
	}
	p := parse.New(parse.Options{Location: loc})
	failures := rules.RunTests(func(line string) *event.Event {
		e := event.New(time.Now())
		p.Parse([]byte(line), e)
		return e
	})
	if len(failures) == 0 {
		return rules.Tests(), nil
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%d of %d rule tests failed:", len(failures), rules.Tests())
	for _, f := range failures {
		b.WriteString("\n")
		b.WriteString(f.String())
	}
	return rules.Tests(), fmt.Errorf("%s", b.String())
}

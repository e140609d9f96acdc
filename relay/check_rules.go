package relay

import (
	"fmt"
	"strings"
	"time"

	"github.com/nomenhq/nomen/normalize"
	"github.com/nomenhq/nomen/relay/decode"
	"github.com/nomenhq/nomen/relay/event"
)

// checkRules runs the user rules' embedded [[rule.test]] cases, parsing each
// input through the listeners' decode step (the [parse] timezone; the rule
// under test normalizes), and returns how many ran, or every failure with
// its diff.
func checkRules(cfg *Config, norm *normalize.Normalizer) (int, error) {
	rules := norm.Rules()
	loc, err := cfg.location()
	if err != nil {
		return 0, err
	}
	dec := decode.NewInput(decode.Options{Input: "check", Location: loc, Rules: decode.Fixed(norm)}).Decoder()
	failures := rules.RunTests(func(line string) *event.Event {
		e := event.New(time.Now())
		dec.Parse([]byte(line), e)
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

// warnRuleClasses logs, at start-up and reload, the user rules whose
// categorization departs from ECS's conventions (rules.ClassWarnings,
// which `nomen check` prints): they load, so this is the only trace a
// service started without a check has of them.
func (r *Relay) warnRuleClasses(norm *normalize.Normalizer) {
	for _, w := range norm.Rules().ClassWarnings() {
		r.log.Warn("user rule departs from ECS conventions", "rule", w)
	}
}

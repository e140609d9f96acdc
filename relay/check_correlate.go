package relay

import (
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/nomenhq/nomen/normalize"
	"github.com/nomenhq/nomen/relay/decode"
	"github.com/nomenhq/nomen/relay/event"
)

// checkEmbedded runs the embedded tests of the correlation rules
// ([[correlate.KIND.test]]) and of the outputs' filters ([[output.test]])
// after the normalization rules' (ran of them passed) and returns how
// many ran in all, or every failure with the file and line of its test.
func checkEmbedded(cfg *Config, norm *normalize.Normalizer, ran int) (int, error) {
	loc, err := cfg.location()
	if err != nil {
		return ran, err
	}
	dec := decode.NewInput(decode.Options{Input: "check", Location: loc, Rules: decode.Fixed(norm)}).Decoder()
	parse := func(line string, received time.Time) *event.Event {
		e := event.New(received)
		e.Input = "check"
		if name := dec.Decode([]byte(line), e); name != "" {
			e.SetStr("nomen.decoder", name)
		}
		return e
	}
	lines := headersOf(cfg.Path)
	var failures []string
	for _, f := range cfg.Correlate.RunTests(parse) {
		table := "correlate." + f.Kind
		line := lines.test(table, f.Seq, f.Index)
		if f.Kind == "process" {
			line = lines.test(table, f.Seq, -1)
		}
		failures = append(failures, fmt.Sprintf("%s:%d: %s %q test %d failed\n  %s",
			cfg.Path, line, table, f.Rule, f.Test, strings.Join(f.Diff, "\n  ")))
	}
	n := ran + cfg.Correlate.Tests()
	seq := 0
	for i, o := range cfg.Outputs {
		for _, f := range o.Common.FilterTests(parse) {
			failures = append(failures, fmt.Sprintf("%s:%d: output %q test %d failed: %s",
				cfg.Path, lines.test("output", seq+f.Test-1, i), o.Common.Name, f.Test, f.Msg))
		}
		seq += len(o.Common.Test)
		n += len(o.Common.Test)
	}
	if len(failures) == 0 {
		return n, nil
	}
	return n, fmt.Errorf("%d of %d correlation and output tests failed:\n%s", len(failures), n-ran, strings.Join(failures, "\n"))
}

// tableHeaders is where each [[table]] header of a config file is, by
// table name ("correlate.threshold", "correlate.threshold.test", ...).
type tableHeaders map[string][]int

func headersOf(path string) tableHeaders {
	h := tableHeaders{}
	data, err := os.ReadFile(path)
	if err != nil {
		return h // the line numbers are a help, not the verdict
	}
	for i, line := range strings.Split(string(data), "\n") {
		t := strings.Join(strings.Fields(line), "")
		if !strings.HasPrefix(t, "[") {
			continue
		}
		name := strings.Trim(t, "[]")
		if k := strings.IndexByte(t, '#'); k >= 0 {
			name = strings.Trim(t[:k], "[]")
		}
		h[name] = append(h[name], i+1)
	}
	return h
}

// test returns the line of the seq-th [[table.test]] header, or, when the
// tests were not all written as such headers, that of the index-th
// [[table]] (index -1: the [table] itself); 0 if unknown.
func (h tableHeaders) test(table string, seq, index int) int {
	if tests := h[table+".test"]; seq >= 0 && seq < len(tests) {
		return tests[seq]
	}
	if rules := h[table]; index >= 0 && index < len(rules) {
		return rules[index]
	} else if index < 0 && len(rules) > 0 {
		return rules[0]
	}
	return 0
}

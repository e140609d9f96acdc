package coverage

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/nomenhq/nomen/normalize"
	"github.com/nomenhq/nomen/relay/decode"
)

// realCounter counts through the decode step the relay uses.
func realCounter(t testing.TB, opts Options) *Counter {
	t.Helper()
	return counterMaker(t, opts)()
}

// counterMaker builds the decode step the relay uses once, and returns
// a maker of Counters through it.
func counterMaker(t testing.TB, opts Options) func() *Counter {
	t.Helper()
	n, err := normalize.New(normalize.Config{})
	if err != nil {
		t.Fatal(err)
	}
	in := decode.NewInput(decode.Options{Input: "coverage", Location: time.UTC, Rules: decode.Fixed(n)})
	return func() *Counter { return New(func() Decoder { return in.Decoder() }, opts) }
}

const sample = `<38>Jul  1 10:15:02 web1 sshd[392]: Failed password for root from 203.0.113.77 port 51122 ssh2
<38>Jul  1 10:15:03 web1 sshd[392]: rexec line 12: Deprecated option UsePrivilegeSeparation
Jul  1 10:15:04 nas1 backupd[77]: job 7 done in 12s
<13>1 - - - - -
`

// TestJSONSchema: every key the JSON document has is documented in
// docs/coverage.md, and the document has the documented top-level keys.
func TestJSONSchema(t *testing.T) {
	c := realCounter(t, Options{})
	if err := c.Read("sample", strings.NewReader(sample)); err != nil {
		t.Fatal(err)
	}
	doc, err := json.Marshal(c.Report(10))
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(doc, &m); err != nil {
		t.Fatal(err)
	}
	keys := map[string]bool{}
	collectKeys(m, keys, true)
	spec, err := os.ReadFile(filepath.Join("..", "..", "docs", "coverage.md"))
	if err != nil {
		t.Fatal(err)
	}
	for k := range keys {
		if !bytes.Contains(spec, []byte("`"+k+"`")) {
			t.Errorf("key %q is not documented in docs/coverage.md", k)
		}
	}
	var top []string
	for k := range m {
		top = append(top, k)
	}
	sort.Strings(top)
	want := "formats inputs limits lines long_lines_truncated normalized normalized_percent parse_failures programs sources unrecognized version"
	if got := strings.Join(top, " "); got != want {
		t.Errorf("top-level keys\n got %s\nwant %s", got, want)
	}
	if m["version"] != float64(SchemaVersion) || m["lines"] != float64(4) || m["parse_failures"] != float64(1) {
		t.Errorf("version %v lines %v parse_failures %v", m["version"], m["lines"], m["parse_failures"])
	}
	sources := m["sources"].([]any)
	if len(sources) == 0 || len(sources[0].(map[string]any)["top_shapes"].([]any)) == 0 {
		t.Fatalf("want a source with shapes: %s", doc)
	}
}

// collectKeys gathers the object keys of v, descending into arrays and
// objects, except the maps keyed by data (decoders, programs).
func collectKeys(v any, keys map[string]bool, descend bool) {
	switch v := v.(type) {
	case map[string]any:
		for k, x := range v {
			if !descend {
				continue
			}
			keys[k] = true
			collectKeys(x, keys, k != "decoders" && k != "programs")
		}
	case []any:
		for _, x := range v {
			collectKeys(x, keys, true)
		}
	}
}

// TestText: the text report has the summary, the table and the shapes,
// with control characters escaped.
func TestText(t *testing.T) {
	c := realCounter(t, Options{})
	lines := sample + "Jul  1 10:15:05 nas1 backupd[77]: job 8 done in 3s\x1b[31m\n"
	if err := c.Read("sample", strings.NewReader(lines)); err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := WriteText(&b, c.Report(10)); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	for _, want := range []string{
		"lines           5  sample (5 lines)",
		"normalized      1  20.0%",
		"parse failures  1  rfc5424 1",
		"UNRECOGNIZED SHAPES (top 10 per source",
		"backupd: 2 unrecognized lines, 2 shapes",
		"job <num> done in <num>s\x5cx1b[<num>m",
		"sshd: 1 unrecognized lines, 1 shapes",
		"       1  rexec line <num>: Deprecated option UsePrivilegeSeparation",
		"          e.g. <38>Jul  1 10:15:03 web1 sshd[392]: rexec line 12: Deprecated option UsePrivilegeSeparation",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("text output lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "\x1b") {
		t.Error("an escape character reached the output")
	}
}

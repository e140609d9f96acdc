package normalize

// The golden tests: one folder per case under testdata/normalize/<vendor>/<case>/:
//
//	input.txt       raw lines, one event per line: syslog wire format (with or
//	                without <PRI>) or a bare message; empty lines are skipped.
//	                Nothing is a comment: "#Fields:" lines are data.
//	expected.jsonl  one JSON object per non-empty input line: a flat map of
//	                dotted ECS key -> JSON value that the normalized event must
//	                have ({"event.outcome":"failure","source.port":49786});
//	                null asserts that the key is absent. Every key a decoder
//	                sets must be listed (goldenKey: not the envelope every
//	                event has), so a field a change adds shows in review.
//	*.toml          optional user rule files loaded for this case.
//
// Every line of a case goes through one parser and one normalizer (so state
// such as an Exchange "#Fields:" header carries from line to line), received
// at normtest.Received from input "golden", peer 192.0.2.10.
//
// go test ./normalize -run TestGolden -update rewrites expected.jsonl from the
// current output: the keys goldenKey selects, plus every key the old file
// asserted (kept as null when the field is now absent), plus
// "event.category": null when the event has no category. Read every change
// before committing it: -update writes what the code does, not what is right.
//
// Independently of expected.jsonl, every event is checked against ECS's
// allowed values for event.kind/category/type/outcome.

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/nomenhq/nomen/internal/golden"
	"github.com/nomenhq/nomen/normalize/ecs"
	"github.com/nomenhq/nomen/normalize/internal/normtest"
	"github.com/nomenhq/nomen/parse"
	"github.com/nomenhq/nomen/relay/event"
)

func TestGolden(t *testing.T) {
	root := normtest.Root(t)
	inputs, err := filepath.Glob(filepath.Join(root, "*", "*", "input.txt"))
	if err != nil {
		t.Fatal(err)
	}
	if len(inputs) == 0 {
		t.Fatalf("no golden cases under %s", root)
	}
	for _, in := range inputs {
		dir := filepath.Dir(in)
		name, _ := filepath.Rel(root, dir)
		t.Run(filepath.ToSlash(name), func(t *testing.T) { runGoldenCase(t, dir) })
	}
}

func runGoldenCase(t *testing.T, dir string) {
	lines, err := normtest.Lines(filepath.Join(dir, "input.txt"))
	if err != nil {
		t.Fatal(err)
	}
	n, err := New(Config{Rules: []string{filepath.Join(dir, "*.toml")}})
	if err != nil {
		t.Fatalf("normalizer: %v", err)
	}
	p := parse.New(parse.Options{Location: time.UTC})
	enc := event.Encoder{Observer: "relay1"}

	update := golden.Updating()
	expPath := filepath.Join(dir, "expected.jsonl")
	expected, err := readExpected(expPath)
	if err != nil && !(update && os.IsNotExist(err)) {
		t.Fatalf("%v (run with -update to create it, then check it by hand)", err)
	}
	if !update && len(expected) != len(lines) {
		t.Fatalf("%s has %d lines, input.txt has %d events", expPath, len(expected), len(lines))
	}

	var out bytes.Buffer
	for i, line := range lines {
		e := event.New(normtest.Received)
		e.Input = "golden"
		e.Peer = "192.0.2.10:514"
		p.Parse([]byte(line), e)
		n.Normalize(e)
		got := normtest.Flatten(enc.AppendJSON(nil, e))
		checkECSValues(t, i+1, got)

		var want map[string]json.RawMessage
		if i < len(expected) {
			want = expected[i]
		}
		if update {
			writeExpected(&out, got, want)
			continue
		}
		if diff := diffExpected(got, want); diff != "" {
			t.Errorf("line %d: %s\n%s", i+1, line, diff)
		}
	}
	if update {
		golden.Write(t, expPath, out.Bytes())
	}
}

func readExpected(path string) ([]map[string]json.RawMessage, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var out []map[string]json.RawMessage
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	for ln := 1; sc.Scan(); ln++ {
		if strings.TrimSpace(sc.Text()) == "" {
			continue
		}
		var m map[string]json.RawMessage
		if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
			return nil, fmt.Errorf("%s:%d: %v", path, ln, err)
		}
		out = append(out, m)
	}
	return out, sc.Err()
}

// goldenKey selects the keys -update writes: what decoders produce, not the
// envelope every event has (syslog header, receipt time, observer, raw text).
func goldenKey(k string) bool {
	switch k {
	case "ecs.version", "event.created", "event.original", "message",
		"nomen.input", "nomen.peer", "nomen.format":
		return false
	}
	return !strings.HasPrefix(k, "observer.") && !strings.HasPrefix(k, "log.syslog.")
}

func writeExpected(out *bytes.Buffer, got map[string]any, old map[string]json.RawMessage) {
	m := map[string]any{}
	for k, v := range got {
		if goldenKey(k) {
			m[k] = v
		}
	}
	for k := range old {
		if v, ok := got[k]; ok {
			m[k] = v
		} else {
			m[k] = nil
		}
	}
	if _, ok := got["event.category"]; !ok {
		m["event.category"] = nil
	}
	enc := json.NewEncoder(out)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(m); err != nil { // map keys come out sorted
		panic(err)
	}
}

func diffExpected(got map[string]any, want map[string]json.RawMessage) string {
	keys := make([]string, 0, len(want))
	for k := range want {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	var b strings.Builder
	for _, k := range keys {
		w := decodeNumber(want[k])
		g, ok := got[k]
		switch {
		case w == nil && ok:
			fmt.Fprintf(&b, "  %s: got %s, want absent\n", k, normtest.JSONText(g))
		case w == nil:
		case !ok:
			fmt.Fprintf(&b, "  %s: absent, want %s\n", k, normtest.JSONText(w))
		case !reflect.DeepEqual(g, w):
			fmt.Fprintf(&b, "  %s: got %s, want %s\n", k, normtest.JSONText(g), normtest.JSONText(w))
		}
	}
	extra := make([]string, 0)
	for k := range got {
		if _, listed := want[k]; !listed && goldenKey(k) {
			extra = append(extra, k)
		}
	}
	slices.Sort(extra)
	for _, k := range extra {
		fmt.Fprintf(&b, "  %s: got %s, not in expected.jsonl\n", k, normtest.JSONText(got[k]))
	}
	return b.String()
}

func decodeNumber(raw json.RawMessage) any {
	d := json.NewDecoder(bytes.NewReader(raw))
	d.UseNumber()
	var v any
	if err := d.Decode(&v); err != nil {
		panic(err)
	}
	return v
}

func checkECSValues(t *testing.T, line int, got map[string]any) {
	t.Helper()
	for key, allowed := range ecs.AllowedValues {
		v, ok := got[key]
		if !ok {
			continue
		}
		var vals []any
		if l, isList := v.([]any); isList {
			vals = l
		} else {
			vals = []any{v}
		}
		for _, x := range vals {
			s, _ := x.(string)
			if !slices.Contains(allowed, s) {
				t.Errorf("line %d: %s = %v is not an ECS allowed value", line, key, normtest.JSONText(v))
			}
		}
	}
	if _, hasType := got["event.type"]; hasType {
		if _, hasCat := got["event.category"]; !hasCat {
			t.Errorf("line %d: event.type without event.category", line)
		}
	}
}

// A decoder that does not recognise an event must leave it untouched, so
// the next decoder (or the unknown path) sees it as parsed. Every built-in
// decoder is run on every golden line.
func TestDecodersLeaveUnknownUntouched(t *testing.T) {
	lines := normtest.Corpus(t, "*")
	p := parse.New(parse.Options{Location: time.UTC})
	for _, d := range builtins() {
		for _, line := range lines {
			e := event.New(normtest.Received)
			p.Parse(line, e)
			before := *e
			fields := slices.Clone(e.Fields)
			if d.Decode(e) {
				continue
			}
			if !slices.EqualFunc(fields, e.Fields, func(a, b event.Field) bool {
				return a.Key == b.Key && reflect.DeepEqual(a.Val, b.Val)
			}) || !e.Time.Equal(before.Time) || e.Message != before.Message {
				t.Errorf("decoder %s returned false but changed the event: %s\nfields %v", d.Name, line, e.Fields)
			}
		}
	}
}

// FuzzNormalize feeds arbitrary messages to every built-in decoder through
// the normalizer, under the program names they dispatch on.
func FuzzNormalize(f *testing.F) {
	for _, l := range normtest.Corpus(f, "*") {
		f.Add(string(l))
	}
	n, err := New(Config{})
	if err != nil {
		f.Fatal(err)
	}
	var programs []string
	for _, d := range builtins() {
		for _, p := range d.Programs {
			programs = append(programs, strings.TrimSuffix(p, "*"))
		}
	}
	programs = append(programs, "")
	enc := event.Encoder{}
	f.Fuzz(func(t *testing.T, msg string) {
		for i, prog := range programs {
			if i%7 != len(msg)%7 { // a different subset of programs per input keeps it fast
				continue
			}
			e := event.New(normtest.Received)
			e.AppName, e.Message, e.Original = prog, msg, msg
			n.Normalize(e)
			enc.AppendJSON(nil, e)
		}
	})
}

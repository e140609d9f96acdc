// Package normtest holds what the tests of package normalize and of its
// family packages share: the golden corpus under testdata/normalize, the
// receive time its events carry, and the invariants every decoder keeps
// (checked by fuzzing) and the way a decoder is benchmarked.
package normtest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/nomenhq/nomen/internal/cputime"
	"github.com/nomenhq/nomen/parse"
	"github.com/nomenhq/nomen/relay/event"
)

// Received is the receive time of every test event.
var Received = time.Date(2026, 7, 1, 12, 0, 0, 0, time.UTC)

// Root returns the folder of the golden cases, testdata/normalize at the
// module root, found from the test's working directory (its package).
func Root(tb testing.TB) string {
	tb.Helper()
	dir, err := os.Getwd()
	if err != nil {
		tb.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return filepath.Join(dir, "testdata", "normalize")
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			tb.Fatal("no go.mod above the test's folder")
		}
		dir = parent
	}
}

// Lines returns the non-empty lines of a golden input file.
func Lines(path string) ([]string, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var lines []string
	for _, l := range strings.Split(string(b), "\n") {
		if strings.TrimRight(l, "\r") != "" {
			lines = append(lines, l)
		}
	}
	return lines, nil
}

// Line returns line n (0-based) of a golden input file, path relative to Root.
func Line(tb testing.TB, path string, n int) string {
	tb.Helper()
	data, err := os.ReadFile(filepath.Join(Root(tb), path))
	if err != nil {
		tb.Fatal(err)
	}
	return strings.Split(string(data), "\n")[n]
}

// Corpus returns the golden lines of one vendor folder ("*" for all).
func Corpus(tb testing.TB, vendor string) [][]byte {
	tb.Helper()
	inputs, err := filepath.Glob(filepath.Join(Root(tb), vendor, "*", "input.txt"))
	if err != nil || len(inputs) == 0 {
		tb.Fatalf("no golden inputs: %v", err)
	}
	var lines [][]byte
	for _, in := range inputs {
		ls, err := Lines(in)
		if err != nil {
			tb.Fatal(err)
		}
		for _, l := range ls {
			lines = append(lines, []byte(l))
		}
	}
	return lines
}

// Flatten decodes an encoded event into dotted key -> value (numbers kept
// as json.Number so integers compare exactly). It panics on invalid JSON.
func Flatten(doc []byte) map[string]any {
	d := json.NewDecoder(bytes.NewReader(doc))
	d.UseNumber()
	var m map[string]any
	if err := d.Decode(&m); err != nil {
		panic(fmt.Sprintf("encoder produced invalid JSON: %v: %s", err, doc))
	}
	flat := map[string]any{}
	var walk func(prefix string, v map[string]any)
	walk = func(prefix string, v map[string]any) {
		for k, x := range v {
			if sub, ok := x.(map[string]any); ok {
				walk(prefix+k+".", sub)
				continue
			}
			flat[prefix+k] = x
		}
	}
	walk("", m)
	return flat
}

// Str returns a field as text ("" when absent), whatever its type.
func Str(e *event.Event, key string) string {
	v, _ := e.Field(key)
	return v.String()
}

// Seeds adds the golden inputs of the given vendors as fuzz seeds.
func Seeds(f *testing.F, vendors ...string) {
	for _, v := range vendors {
		files, _ := filepath.Glob(filepath.Join(Root(f), v, "*", "input.txt"))
		for _, file := range files {
			b, err := os.ReadFile(file)
			if err != nil {
				f.Fatal(err)
			}
			for _, line := range strings.Split(string(b), "\n") {
				if line != "" {
					f.Add(line)
				}
			}
		}
	}
}

// FuzzDecode runs decode on an event carrying msg under the program app
// and checks the invariants: a decoder that says no leaves the event
// untouched, and a decoded event encodes to valid JSON.
func FuzzDecode(t *testing.T, name string, decode func(*event.Event) bool, app, msg string) {
	e := event.New(Received)
	e.AppName, e.Message, e.Original = app, msg, msg
	if !decode(e) {
		if len(e.Fields) != 0 || e.Message != msg {
			t.Fatalf("%s said no but changed the event: %v", name, e.Fields)
		}
		return
	}
	var enc event.Encoder
	Flatten(enc.AppendJSON(nil, e)) // panics on invalid JSON
}

// BenchDecoder measures one decoder on one parsed line. The event's field
// list is reused, as the pipeline reuses events; what remains is the
// decoder's own cost.
func BenchDecoder(b *testing.B, decode func(*event.Event) bool, line string) {
	b.Helper()
	p := parse.New(parse.Options{Location: time.UTC})
	tmpl := event.New(Received)
	p.Parse([]byte(line), tmpl)
	fields := make([]event.Field, 0, 128)
	e := *tmpl
	e.Fields = fields[:0]
	if !decode(&e) {
		b.Fatalf("not decoded: %s", line)
	}
	b.ReportAllocs()
	b.SetBytes(int64(len(line)))
	b.ResetTimer()
	cpu0 := CPUTime()
	for i := 0; i < b.N; i++ {
		e = *tmpl
		e.Fields = fields[:0]
		decode(&e)
	}
	b.ReportMetric(float64((CPUTime()-cpu0).Nanoseconds())/float64(b.N), "cpu-ns/op")
}

// JSONText is v as compact JSON, for messages.
func JSONText(v any) string {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(v)
	return strings.TrimSpace(b.String())
}

// CPUTime returns the CPU time (user + system) this process has used: on
// a shared machine it says more about the code than the wall clock.
func CPUTime() time.Duration { return cputime.Self() }

// Package stagetest runs scenario tests for the pipeline stages that sit
// between normalization and the journal (sequence tracking, correlation).
//
// A case is a folder with input.txt and expected.jsonl. Each non-empty line
// of input.txt is one of:
//
//   - a raw syslog message, parsed and normalized by the listeners' decode
//     step (relay/decode);
//   - a JSON object of fields, for events built directly: dotted ECS keys
//     with string, number, bool or list values, plus "@format", "@host",
//     "@app", "@procid", "@message", "@time" (RFC 3339) for the typed header;
//     "@xml" is an agent record (Windows event XML) that is then normalized
//     as the agent listener's events are: the other keys play the fields
//     the agent protocol adds (agent.id, nomen.agent.epoch);
//   - "# " a comment;
//   - a directive: "@advance 6s" (move the clock and tick), "@tick",
//     "@snapshot", "@restart" (close the stages and open new ones on the
//     same state directory), "@crash" (open new ones without closing the old:
//     they start from the last snapshot and recover from the journal),
//     "@peer 10.0.0.9:514" (sender address of the following messages).
//
// Consecutive event lines form one batch; a blank line or a directive ends
// it. Every event is received 100ms after the previous one, starting at
// Epoch. The harness drives the stages as the pipeline does (see package stage): each batch
// through every stage's Process, then a simulated journal (IDs from 1),
// then Applied; on ticks, every stage's Tick output is run as a batch.
//
// expected.jsonl holds every event the stages produced, as ECS JSON, in
// order, plus {"input":N,"dropped":true} / {"input":N,"duplicate":true} for
// input lines (1-based) a stage removed or marked. Run the tests with
// -update to rewrite it.
package stagetest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/nomenhq/nomen/internal/golden"
	"github.com/nomenhq/nomen/normalize"
	"github.com/nomenhq/nomen/relay/decode"
	"github.com/nomenhq/nomen/relay/event"
	"github.com/nomenhq/nomen/relay/stage"
)

// Epoch is when every case starts.
var Epoch = time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC)

// Stage is the contract the harness drives.
type Stage = stage.Stage

// Open builds the stages, in pipeline order, for the case in caseDir
// (which may hold their configuration) on stateDir. now is the scenario's
// clock.
type Open func(t testing.TB, caseDir, stateDir string, now func() time.Time) []Stage

// Cases runs every case folder under root as a subtest.
func Cases(t *testing.T, root string, open Open) {
	dirs, err := os.ReadDir(root)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, d := range dirs {
		if !d.IsDir() {
			continue
		}
		n++
		t.Run(d.Name(), func(t *testing.T) { Run(t, filepath.Join(root, d.Name()), open) })
	}
	if n == 0 {
		t.Fatalf("no cases under %s", root)
	}
}

// Run runs one case folder.
func Run(t *testing.T, dir string, open Open) {
	in, err := os.ReadFile(filepath.Join(dir, "input.txt"))
	if err != nil {
		t.Fatal(err)
	}
	got := Replay(t, string(in), func(t testing.TB, _, state string, now func() time.Time) []Stage {
		return open(t, dir, state, now)
	})
	path := filepath.Join(dir, "expected.jsonl")
	if golden.Updating() {
		golden.Write(t, path, got)
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("output differs from %s (rerun with -update after checking):\n%s", path, diff(string(want), string(got)))
	}
}

// Replay runs input through the stages and returns the output lines.
func Replay(t testing.TB, input string, open Open) []byte {
	h := &harness{t: t, open: open, clock: Epoch, state: t.TempDir(), inputs: map[*event.Event]int{}}
	norm, err := normalize.New(normalize.Config{})
	if err != nil {
		t.Fatal(err)
	}
	h.dec = decode.NewInput(decode.Options{Input: "test", Location: time.UTC, Rules: decode.Fixed(norm)}).Decoder()
	h.drv.Stages = open(t, "", h.state, h.now)
	var batch []*event.Event
	flush := func() {
		if len(batch) > 0 {
			h.run(batch)
			batch = nil
		}
	}
	for i, line := range strings.Split(input, "\n") {
		line = strings.TrimRight(line, "\r")
		switch {
		case line == "":
			flush()
		case strings.HasPrefix(line, "# ") || line == "#":
		case strings.HasPrefix(line, "@"):
			flush()
			h.directive(line)
		default:
			e := h.event(line)
			h.inputs[e] = i + 1
			batch = append(batch, e)
		}
	}
	flush()
	if err := h.drv.Close(); err != nil {
		t.Errorf("close: %v", err)
	}
	h.report()
	return h.out.Bytes()
}

type harness struct {
	t     testing.TB
	open  Open
	drv   stage.Driver // the stages and the simulated journal
	state string
	clock time.Time
	peer  string
	dec   *decode.Decoder

	inputs map[*event.Event]int // input event -> line number
	out    bytes.Buffer
	enc    event.Encoder
}

func (h *harness) now() time.Time { return h.clock }

func (h *harness) event(line string) *event.Event {
	e := event.New(h.clock)
	h.clock = h.clock.Add(100 * time.Millisecond)
	e.Input = "test"
	e.Peer = h.peer
	if strings.HasPrefix(line, "{") {
		if h.fields(e, line) {
			h.dec.Normalize(e)
		}
		return e
	}
	h.dec.Decode([]byte(line), e)
	return e
}

// fields builds e from a JSON line; it reports whether e is an agent record
// to normalize.
func (h *harness) fields(e *event.Event, line string) (agent bool) {
	d := json.NewDecoder(strings.NewReader(line))
	d.UseNumber()
	var m map[string]any
	if err := d.Decode(&m); err != nil {
		h.t.Fatalf("%s: %v", line, err)
	}
	e.Original = line
	for k, v := range m {
		switch k {
		case "@format":
			e.Format = v.(string)
		case "@host":
			e.Hostname = v.(string)
		case "@app":
			e.AppName = v.(string)
		case "@procid":
			e.ProcID = v.(string)
		case "@message":
			e.Message = v.(string)
		case "@xml":
			e.Original = v.(string)
			e.Format = "agent"
			agent = true
		case "@time":
			ts, err := time.Parse(time.RFC3339Nano, v.(string))
			if err != nil {
				h.t.Fatalf("%s: @time: %v", line, err)
			}
			e.Time = ts
		default:
			e.Set(k, value(h.t, v))
		}
	}
	return agent
}

func value(t testing.TB, v any) event.Value {
	switch x := v.(type) {
	case string:
		return event.String(x)
	case bool:
		return event.Bool(x)
	case json.Number:
		if n, err := x.Int64(); err == nil {
			return event.Int(n)
		}
		f, _ := x.Float64()
		return event.Float(f)
	case []any:
		list := make([]string, len(x))
		for i, it := range x {
			list[i] = fmt.Sprint(it)
		}
		return event.Strings(list...)
	}
	t.Fatalf("unsupported value %v", v)
	return event.Value{}
}

func (h *harness) directive(line string) {
	verb, arg, _ := strings.Cut(line, " ")
	switch verb {
	case "@advance":
		d, err := time.ParseDuration(arg)
		if err != nil {
			h.t.Fatalf("%s: %v", line, err)
		}
		h.clock = h.clock.Add(d)
		h.tick()
	case "@tick":
		h.tick()
	case "@snapshot":
		if err := h.drv.Snapshot(); err != nil {
			h.t.Fatalf("snapshot: %v", err)
		}
	case "@restart":
		if err := h.drv.Close(); err != nil {
			h.t.Fatalf("close: %v", err)
		}
		h.drv.Reopen(h.open(h.t, "", h.state, h.now))
	case "@crash":
		h.drv.Reopen(h.open(h.t, "", h.state, h.now))
	case "@peer":
		h.peer = arg
	default:
		h.t.Fatalf("unknown directive %q", line)
	}
}

func (h *harness) run(b []*event.Event) { h.drv.Run(b) }

func (h *harness) tick() { h.drv.Tick(h.clock) }

// report writes what the stages produced or changed.
func (h *harness) report() {
	h.enc.Observer = "relay1"
	seen := map[*event.Event]bool{}
	for _, e := range h.drv.Journal {
		seen[e] = true
		if n, ok := h.inputs[e]; ok {
			if v, ok := e.Field("nomen.duplicate"); ok && v.Num != 0 {
				fmt.Fprintf(&h.out, "{\"input\":%d,\"duplicate\":true}\n", n)
			}
			continue
		}
		h.out.Write(h.enc.AppendJSON(nil, e))
		h.out.WriteByte('\n')
	}
	var dropped []int
	for e, n := range h.inputs {
		if !seen[e] {
			dropped = append(dropped, n)
		}
	}
	slices.Sort(dropped)
	for _, n := range dropped {
		fmt.Fprintf(&h.out, "{\"input\":%d,\"dropped\":true}\n", n)
	}
}

// diff shows the first differing lines.
func diff(want, got string) string {
	w := strings.Split(want, "\n")
	g := strings.Split(got, "\n")
	var b strings.Builder
	shown := 0
	for i := 0; i < len(w) || i < len(g); i++ {
		var a, c string
		if i < len(w) {
			a = w[i]
		}
		if i < len(g) {
			c = g[i]
		}
		if a == c {
			continue
		}
		fmt.Fprintf(&b, "line %d:\n  want %s\n  got  %s\n", i+1, a, c)
		if shown++; shown == 5 {
			b.WriteString("  ...\n")
			break
		}
	}
	return b.String()
}

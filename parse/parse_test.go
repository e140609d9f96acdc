package parse

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/nomenhq/nomen/internal/golden"
	"github.com/nomenhq/nomen/relay/event"
)

// caseReceived is the default receive time of testdata/parse/cases.
var caseReceived = time.Date(2026, 7, 1, 12, 0, 0, 0, time.UTC)

// TestCases runs every folder of testdata/parse/cases: each line of
// input.txt is one message (its LF is framing, not part of it), the same
// line of expected.jsonl is the ECS JSON of the parsed event (encoder
// observer "test"). config.txt may set "received <RFC 3339>", "location
// <IANA zone>" and "truncated true". -update rewrites expected.jsonl:
// review the diff, it is the test.
func TestCases(t *testing.T) {
	inputs, err := filepath.Glob(filepath.Join("..", "testdata", "parse", "cases", "*", "input.txt"))
	if err != nil || len(inputs) == 0 {
		t.Fatalf("no cases: %v", err)
	}
	for _, in := range inputs {
		dir := filepath.Dir(in)
		t.Run(filepath.Base(dir), func(t *testing.T) {
			recv, loc, truncated := caseConfig(t, dir)
			p := New(Options{Location: loc})
			enc := event.Encoder{Observer: "test"}
			var got bytes.Buffer
			for _, line := range readLines(t, in) {
				e := event.New(recv)
				if truncated {
					e.Flags |= event.Truncated
				}
				p.Parse([]byte(line), e)
				checkInvariants(t, line, e)
				got.Write(enc.AppendJSON(nil, e))
				got.WriteByte('\n')
			}
			path := filepath.Join(dir, "expected.jsonl")
			if golden.Updating() {
				golden.Write(t, path, got.Bytes())
				return
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run with -update and review)", err)
			}
			gotLines, wantLines := strings.Split(got.String(), "\n"), strings.Split(string(want), "\n")
			for i := range max(len(gotLines), len(wantLines)) {
				g, w := at(gotLines, i), at(wantLines, i)
				if g != w {
					t.Errorf("line %d:\ngot  %s\nwant %s", i+1, g, w)
				}
			}
		})
	}
}

func at(lines []string, i int) string {
	if i < len(lines) {
		return lines[i]
	}
	return "<missing>"
}

func caseConfig(t *testing.T, dir string) (recv time.Time, loc *time.Location, truncated bool) {
	recv, loc = caseReceived, time.UTC
	cfg, err := os.ReadFile(filepath.Join(dir, "config.txt"))
	if err != nil {
		return
	}
	for _, line := range strings.Split(strings.TrimSpace(string(cfg)), "\n") {
		k, v, _ := strings.Cut(line, " ")
		switch k {
		case "received":
			if recv, err = time.Parse(time.RFC3339Nano, v); err != nil {
				t.Fatal(err)
			}
		case "location":
			if loc, err = time.LoadLocation(v); err != nil {
				t.Skipf("time zone %s not available: %v", v, err)
			}
		case "truncated":
			truncated = v == "true"
		default:
			t.Fatalf("config.txt: unknown key %q", k)
		}
	}
	return
}

func readLines(t testing.TB, path string) []string {
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var lines []string
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		lines = append(lines, sc.Text())
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return lines
}

// checkInvariants asserts what every parse must give, whatever the input:
// Original is the input, the header strings are substrings of it (no
// copies, nothing invented), and the event encodes to valid JSON.
func checkInvariants(t testing.TB, in string, e *event.Event) {
	t.Helper()
	if e.Original != in {
		t.Fatalf("Original = %q, want %q", e.Original, in)
	}
	for name, s := range map[string]string{"Message": e.Message, "Hostname": e.Hostname,
		"AppName": e.AppName, "ProcID": e.ProcID, "MsgID": e.MsgID} {
		if !strings.Contains(in, s) {
			t.Fatalf("%s %q is not part of the input %q", name, s, in)
		}
	}
	for el := range e.SD.Elements() {
		if !strings.Contains(in, el.ID) {
			t.Fatalf("SD-ID %q not in input", el.ID)
		}
	}
	if e.Format != "rfc5424" && e.Format != "rfc3164" {
		t.Fatalf("Format = %q", e.Format)
	}
	if e.Time.IsZero() && !e.Received.IsZero() {
		t.Fatalf("no Time")
	}
	var enc event.Encoder
	if out := enc.AppendJSON(nil, e); !json.Valid(out) {
		t.Fatalf("invalid JSON: %s", out)
	}
}

// The zero-copy contract: the Original string and structured data come
// from the parser's arenas, so a typical message costs no allocation of
// its own (AllocsPerRun averages; an arena block is one allocation per
// few hundred messages).
func TestParseAllocations(t *testing.T) {
	p := New(Options{Location: time.UTC})
	var e event.Event
	for _, c := range []struct {
		msg  []byte
		want float64
	}{{bench5424, 0}, {bench3164, 0}, {bench5424SD, 0}, {benchRelayed, 0}} {
		e.Fields = make([]event.Field, 0, 4)
		if n := testing.AllocsPerRun(1000, func() {
			e.Fields = e.Fields[:0]
			e.Received = caseReceived
			p.Parse(c.msg, &e)
		}); n != c.want {
			t.Errorf("%s: %v allocations, want %v", c.msg, n, c.want)
		}
	}
}

// Messages' structured data share arena blocks: a message whose params
// do not fit the block's rest moves to a new block, and a malformed one
// gives its params back, without changing what earlier messages hold.
func TestStructuredDataArena(t *testing.T) {
	p := New(Options{Location: time.UTC})
	var events []*event.Event
	want := map[*event.Event]string{}
	for n := range 1000 { // many blocks of the SD builder
		params := 1 + n%7 // 1..7 params: messages straddle block ends
		var sd strings.Builder
		fmt.Fprintf(&sd, "[a@1 n=\"%d\"]", n)
		sd.WriteString("[b@1")
		for k := 1; k < params; k++ {
			fmt.Fprintf(&sd, " p%d=\"%d-%d\"", k, n, k)
		}
		sd.WriteString("]")
		if n%5 == 0 { // malformed: an element that does not end
			e := &event.Event{}
			p.Parse([]byte("<13>1 - h a - - [x@1 k=\"v\" j=\"w\"][y@1 z=\"unclosed x"), e)
			if e.SD.Len() != 0 {
				t.Fatalf("malformed SD parsed: %+v", e.SD)
			}
		}
		e := &event.Event{}
		p.Parse([]byte("<13>1 - h a - - "+sd.String()+" text"), e)
		events = append(events, e)
		want[e] = sd.String()
	}
	for _, e := range events {
		var got strings.Builder
		for el := range e.SD.Elements() {
			got.WriteString("[" + el.ID)
			for prm := range el.Params() {
				fmt.Fprintf(&got, " %s=\"%s\"", prm.Name, prm.Value)
			}
			got.WriteString("]")
		}
		if got.String() != want[e] {
			t.Fatalf("SD %s, want %s", got.String(), want[e])
		}
	}
}

// The parser marks an SD whose strings need no escaping in JSON
// (SDBuilder.FinishJSONPlain), and the encoder then copies them without
// looking: an event's JSON must be what the SD gives unmarked, for SDs
// with every kind of byte to escape, in names and values, and repeats.
func TestStructuredDataJSONAsUnmarked(t *testing.T) {
	sds := []string{
		`[meta@32473 seq="1" zone="eu-1" level="1"][origin ip="192.0.2.2"]`,
		`[a x="" y="plain value longer than sixteen bytes"]`,
		`[a x="q\"uoted"]`, `[a x="back\\slash"]`, `[a x="br\]acket"]`, `[a x="lone\ backslash"]`,
		"[a x=\"tab\there\"]", "[a x=\"caf\xc3\xa9\"]", "[a x=\"bad\xffutf8\"]", "[a x=\"\u2028\"]",
		`[a\b x="1"]`, `[a x\y="1"]`, `[a x="1" x="2"][a y="3"]`, `[a x="1"][b x="2"][a x="3"]`,
		`[a x="end"]`,
	}
	p := New(Options{Location: time.UTC})
	var enc event.Encoder
	for _, sd := range sds {
		for _, msg := range []string{"", " a message after it"} {
			line := "<13>1 2026-12-07T12:00:00Z h app - - " + sd + msg
			e := event.New(caseReceived)
			p.Parse([]byte(line), e)
			if e.SD.Len() == 0 {
				t.Fatalf("%s: no structured data parsed", line)
			}
			got := string(enc.AppendJSON(nil, e))
			var els [][]string
			for el := range e.SD.Elements() {
				strs := []string{el.ID}
				for p := range el.Params() {
					strs = append(strs, p.Name, p.Value)
				}
				els = append(els, strs)
			}
			e.SD = event.MakeSD(els...)
			if want := string(enc.AppendJSON(nil, e)); got != want {
				t.Errorf("%s:\n got %s\nwant %s", line, got, want)
			}
		}
	}
}

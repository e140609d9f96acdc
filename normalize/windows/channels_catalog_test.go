package windows

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"html"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/nomenhq/nomen/normalize/internal/normtest"
	"github.com/nomenhq/nomen/normalize/wincatalog"
	"github.com/nomenhq/nomen/parse"
	"github.com/nomenhq/nomen/relay/event"
)

// TestChannelCatalogRecords: one or more records of every Sysmon event
// (1-29, 255) and of the other channels investigators check first (System
// 7045, 7040, 7036, 104, 6005, 6006, 6008, 1074; PowerShell 4103, 4104;
// Defender 1116, 1117, 5001, 5007; Task Scheduler 106, 140, 141, 200;
// WMI-Activity 5861; the firewall's 2004-2006; Remote Desktop 1149, 21,
// 24, 25; BITS 59, 60), and bad input that must be kept: missing, empty
// and extra EventData, an id its channel does not know. The records are
// written for this test in each event's documented XML shape (EventData
// and UserData names from Microsoft's Sysmon page and the providers'
// manifests, values made up); expected.jsonl holds, per record, the
// fields the documentation and ECS give it, written by hand (null: the
// field must be absent: a value the event does not carry in that meaning).
func TestChannelCatalogRecords(t *testing.T) {
	records := readLines(t, "testdata/channels/records.txt")
	wants := readLines(t, "testdata/channels/expected.jsonl")
	if len(records) != len(wants) || len(records) < 70 {
		t.Fatalf("%d records, %d expectations", len(records), len(wants))
	}
	for i, line := range records {
		var c struct {
			Name string         `json:"name"`
			Want map[string]any `json:"want"`
		}
		d := json.NewDecoder(strings.NewReader(wants[i]))
		d.UseNumber() // as normtest.Flatten decodes the event
		if err := d.Decode(&c); err != nil {
			t.Fatalf("expected.jsonl line %d: %v", i+1, err)
		}
		checkFields(t, c.Name, decodeRoad(t, line, true), c.Want)
	}
}

// readLines reads a test file's lines (a record is one line: its values'
// line ends are written as character references).
func readLines(tb testing.TB, path string) []string {
	tb.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		tb.Fatal(err)
	}
	var lines []string
	sc := bufio.NewScanner(bytes.NewReader(b))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		lines = append(lines, sc.Text())
	}
	return lines
}

// BenchmarkDecodeChannelRecords decodes the records of
// TestChannelCatalogRecords (Sysmon's, the other channels', bad input),
// parsed once: one op is all of them.
func BenchmarkDecodeChannelRecords(b *testing.B) {
	p := parse.New(parse.Options{Location: time.UTC})
	var tmpls []*event.Event
	for _, l := range readLines(b, "testdata/channels/records.txt") {
		e := event.New(normtest.Received)
		p.Parse([]byte(l), e)
		tmpls = append(tmpls, e)
	}
	fields := make([]event.Field, 0, 128)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for _, tmpl := range tmpls {
			e := *tmpl
			e.Fields = fields[:0]
			decodeWindows(&e)
		}
	}
}

// recordData matches a named EventData value of the records file.
var recordData = regexp.MustCompile(`<Data Name='([^']*)'>([^<]*)</Data>`)

// TestChannelCatalogRecordsEveryRoad: the EventData records of
// TestChannelCatalogRecords (their values odd on purpose: Sysmon's words
// for none, IPv6, a stream's name, a path with its computer after it) give
// the same event by every road that carries EventData by name, as the
// agent's XML gives it; Sysmon's also by Snare's text, whose labels are
// its EventData names in its order (the bad-input record's extra
// "Unexpected" is none: it would run into the value before it).
func TestChannelCatalogRecordsEveryRoad(t *testing.T) {
	for _, line := range readLines(t, "testdata/channels/records.txt") {
		ref := decodeRoad(t, line, true)
		ch, _ := ref["winlog.channel"].(string)
		id, _ := strconv.Atoi(fmt.Sprint(ref["event.code"]))
		ent, ok := wincatalog.Lookup(ch, id)
		if !ok || !strings.Contains(line, "<EventData>") {
			continue // UserData, or an id the catalog does not know: the roads test's
		}
		s := sample{ent: ent, provider: fmt.Sprint(ref["event.provider"]), audit: true}
		for _, m := range recordData.FindAllStringSubmatch(line, -1) {
			s.data = append(s.data, [2]string{m[1], html.UnescapeString(m[2])})
		}
		ref = decodeRoad(t, s.xml(false), true) // the sample's own System part
		name := fmt.Sprintf("%s %d", ch, id)
		for road, got := range map[string]map[string]any{
			"xml+rendering": decodeRoad(t, s.xml(true), false),
			"winlogbeat":    decodeRoad(t, s.winlogbeat(), false),
			"evtx":          decodeRoad(t, s.evtx(), false),
		} {
			compareEvents(t, name+" "+road, ref, got, false)
		}
		if so := s.inSysmonOrder(); ch == wincatalog.ChannelSysmon && len(so.data) == len(s.data) {
			compareEvents(t, name+" snare", decodeRoad(t, so.xml(false), true), decodeRoad(t, so.snare("\t"), false), true)
		}
	}
}

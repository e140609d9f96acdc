package main

import (
	"encoding/json"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/nomenhq/nomen/internal/testpeer"
)

// roadsConfig: one nomen listener per road, so nomen.input names the road
// an event came by. Sequence tracking is off: every numbered stream comes
// in once per road, which it rightly marks nomen.duplicate on all but the
// first road to deliver.
const roadsConfig = headConfig + `[sequence]
enabled = false
[[listener]]
name = "direct"
protocol = "tcp"
address = "127.0.0.1:0"
[[listener]]
name = "rsyslog-forward"
protocol = "tcp"
address = "127.0.0.1:0"
[[listener]]
name = "rsyslog-5424-octet"
protocol = "tcp"
address = "127.0.0.1:0"
[[listener]]
name = "rsyslog-5424-lf"
protocol = "tcp"
address = "127.0.0.1:0"
[[listener]]
name = "rsyslog-udp"
protocol = "udp"
address = "127.0.0.1:0"
[[listener]]
name = "syslogng-network"
protocol = "tcp"
address = "127.0.0.1:0"
[[listener]]
name = "syslogng-syslog"
protocol = "tcp"
address = "127.0.0.1:0"
` + archiveOutput

// The relays' configs. rsyslog escapes control characters (a TAB becomes
// "#011") and cuts APP-NAME at "/" ("postfix/smtp" -> "postfix") unless
// told not to: that is a relay rewriting content, not a road, so both are
// off here as on a relay that carries TAB-separated logs (Snare) and
// Postfix. syslog-ng replaces HOSTNAME with the sender's address
// unless keep-hostname(yes), the setting of any relay that forwards.
// TestRoadsDefaultSettings runs the same roads with the defaults kept.
const (
	roadsRsyslogConf = `
global(parser.escapeControlCharactersOnReceive="off" parser.permitSlashInProgramName="on")
module(load="imptcp")
input(type="imptcp" address="127.0.0.1" port="{{.Vars.in}}" ruleset="roads")
ruleset(name="roads") {
  action(type="omfwd" target="127.0.0.1" port="{{.Vars.forward}}" protocol="tcp" TCP_Framing="traditional" template="RSYSLOG_ForwardFormat")
  action(type="omfwd" target="127.0.0.1" port="{{.Vars.octet}}" protocol="tcp" TCP_Framing="octet-counted" template="RSYSLOG_SyslogProtocol23Format")
  action(type="omfwd" target="127.0.0.1" port="{{.Vars.lf}}" protocol="tcp" TCP_Framing="traditional" template="RSYSLOG_SyslogProtocol23Format")
  # Paced (300 µs between datagrams): on a loaded machine a burst of UDP
  # overflows the socket before nomen reads it, and loss is not what this
  # test is about (the hostile-input and loggen tests count it).
  action(type="omfwd" target="127.0.0.1" port="{{.Vars.udp}}" protocol="udp" UDP.SendDelay="300" template="RSYSLOG_TraditionalForwardFormat")
}
`
	roadsSyslogNGConf = `
options { keep-hostname(yes); keep-timestamp(yes); };
source s_in { network(ip("127.0.0.1") port({{.Vars.in}}) transport("tcp")); };
destination d_network { network("127.0.0.1" port({{.Vars.network}}) transport("tcp")); };
destination d_syslog { syslog("127.0.0.1" port({{.Vars.syslog}}) transport("tcp")); };
log { source(s_in); destination(d_network); destination(d_syslog); };
`
)

// roadExcluded are the fields a road may legitimately change, with why:
//
//   - event.created, nomen.id: the moment and identity of each receipt.
//   - nomen.input, nomen.peer: which listener and which sender (the road).
//   - event.original: the bytes as they arrived, which each relay rewrites.
//   - nomen.format, log.syslog.version: a relay re-encodes in its own
//     format (RFC 3164 in, RFC 5424 out).
//   - log.syslog.structured_data, log.syslog.msgid: RFC 5424 header parts
//     a relay may add or fill (rsyslog writes "-", syslog-ng may add meta).
var roadExcluded = []string{
	"event.created", "nomen.id",
	"nomen.input", "nomen.peer",
	"event.original",
	"nomen.format", "log.syslog.version",
	"log.syslog.structured_data", "log.syslog.msgid",
}

// TestRoadsGiveTheSameEvent sends every syslog line of the normalize
// corpus (testdata/normalize/*/*/input.txt lines with a PRI: a relay gives
// a PRI-less line a PRI and header of its own, so those lines cannot come
// out the same) to nomen directly and through real rsyslog and syslog-ng
// on every forwarding road they have, and requires the same ECS event from
// each road but for the fields in roadExcluded.
func TestRoadsGiveTheSameEvent(t *testing.T) {
	runRoads(t, roadsRsyslogConf, roadsSyslogNGConf, roadRules{cannot: roadCannotCarry, loses: roadLoses})
}

// roadRules are what a road cannot carry, whatever nomen does.
type roadRules struct {
	// cannot says why road cannot carry line at all ("": it can); the
	// line is then not compared on that road.
	cannot func(road, line string, direct map[string]any) string
	// loses lists fields of line that road loses: compared on no road.
	loses func(road, line string) []string
	// rewrites (nil: none) gives the values road must deliver instead of
	// direct's (flattened key -> JSON value; "" for absent), and lossy
	// when the relay cut information out: fields the road lacks are then
	// lost, but any it has must still be direct's (never a wrong value).
	rewrites func(road, line string, direct map[string]string) (over map[string]string, lossy bool)
}

// runRoads is TestRoadsGiveTheSameEvent with the relays' configs and the
// roads' exceptions given.
func runRoads(t *testing.T, rsyslogConf, syslogNGConf string, rules roadRules) {
	if testing.Short() {
		t.Skip("slow end-to-end test")
	}
	if _, err := testpeer.FindRsyslog(); err != nil {
		t.Skip(err)
	}
	if _, err := testpeer.FindSyslogNG(); err != nil {
		t.Skip(err)
	}
	lines := roadCorpus(t)
	n := startNomen(t, roadsConfig)

	rsIn := testpeer.FreePort(t)
	testpeer.StartRsyslog(t, rsyslogConf, map[string]any{
		"in": rsIn, "forward": n.port("rsyslog-forward"), "octet": n.port("rsyslog-5424-octet"),
		"lf": n.port("rsyslog-5424-lf"), "udp": n.port("rsyslog-udp"),
	}, fmt.Sprintf("127.0.0.1:%d", rsIn))
	ngIn := testpeer.FreePort(t)
	ng := testpeer.StartSyslogNG(t, syslogNGConf, map[string]any{
		"in": ngIn, "network": n.port("syslogng-network"), "syslog": n.port("syslogng-syslog"),
	}, fmt.Sprintf("127.0.0.1:%d", ngIn))

	roads := []string{"direct", "rsyslog-forward", "rsyslog-5424-octet", "rsyslog-5424-lf",
		"rsyslog-udp", "syslogng-network", "syslogng-syslog"}
	sendLines(t, n.addr("direct"), lines)
	sendLines(t, fmt.Sprintf("127.0.0.1:%d", rsIn), lines)
	sendLines(t, fmt.Sprintf("127.0.0.1:%d", ngIn), lines)

	out := filepath.Join(n.dir, "events.jsonl")
	// Process tracking adds lifetime records for the Windows lines: only
	// the roads' events count (the UDP road's arrive last).
	docs := waitJSONLinesWhere(t, out, len(roads)*len(lines), 60*time.Second,
		func(d map[string]any) bool { return getStr(d, "event.original") != "" })
	byRoad := map[string][]map[string]any{}
	for _, d := range docs {
		if getStr(d, "event.original") == "" {
			continue // a finding of correlation, not an event of a road
		}
		in := getStr(d, "nomen.input")
		byRoad[in] = append(byRoad[in], d)
	}
	if path := os.Getenv("NOMEN_ROADS_DUMP"); path != "" {
		dumpRoads(t, path, lines, roads, byRoad)
	}
	direct := byRoad["direct"]
	if len(direct) != len(lines) {
		t.Fatalf("direct: %d events for %d lines", len(direct), len(lines))
	}
	normalized := 0
	for _, d := range direct {
		if get(d, "event.category") != nil {
			normalized++
		}
	}
	t.Logf("%d syslog lines, %d of them normalized (event.category) on the direct road", len(lines), normalized)

	for _, road := range roads[1:] {
		got := byRoad[road]
		if len(got) != len(lines) {
			// Events of a road arrive in the order sent (one connection,
			// one relay queue): without all of them the pairing is lost.
			t.Errorf("%s: %d events for %d lines\nsyslog-ng: %s", road, len(got), len(lines), ng.Output())
			continue
		}
		diffs := map[string][]string{} // field -> examples
		bad := 0
		skipped := map[string]int{}
		cut := 0 // lines the relay cut information out of (roadRules.rewrites)
		for i, want := range direct {
			if why := rules.cannot(road, lines[i], want); why != "" {
				skipped[why]++
				continue
			}
			w, g := flatten(want), flatten(got[i])
			for _, k := range rules.loses(road, lines[i]) {
				delete(w, k)
				delete(g, k)
			}
			d, lossy := compareRewritten(road, lines[i], w, g, rules.rewrites)
			if lossy {
				cut++
			}
			if len(d) > 0 {
				bad++
			}
			for _, f := range d {
				diffs[f.key] = append(diffs[f.key], fmt.Sprintf("direct %s, %s %s, line %q",
					clip(f.want, 80), road, clip(f.got, 80), clip(lines[i], 160)))
			}
		}
		for why, n := range skipped {
			t.Logf("%s: %d lines not compared: %s", road, n, why)
		}
		if cut > 0 {
			t.Logf("%s: %d lines cut by the relay: compared on the fields that arrived", road, cut)
		}
		if bad == 0 {
			continue
		}
		var report strings.Builder
		fmt.Fprintf(&report, "%s: %d of %d events differ from the direct road\n", road, bad, len(lines))
		keys := make([]string, 0, len(diffs))
		for k := range diffs {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			fmt.Fprintf(&report, "  %s: %d events, e.g. %s\n", k, len(diffs[k]), diffs[k][0])
		}
		t.Error(report.String())
	}
}

// dumpRoads writes, for each line, what every road delivered to nomen
// (event.original): run with NOMEN_ROADS_DUMP=file to see a relay's rewrites.
func dumpRoads(t *testing.T, path string, lines, roads []string, byRoad map[string][]map[string]any) {
	var b strings.Builder
	for i, line := range lines {
		fmt.Fprintf(&b, "%q\n", line)
		for _, road := range roads {
			if i < len(byRoad[road]) && i < len(byRoad["direct"]) {
				var keys []string
				for _, d := range compareRoad(flatten(byRoad["direct"][i]), flatten(byRoad[road][i]), yearlessStamp.MatchString(line)) {
					keys = append(keys, d.key+"="+clip(d.got, 40))
				}
				sort.Strings(keys)
				fmt.Fprintf(&b, "  %-20s %q\n  %20s differs: %s\n", road, getStr(byRoad[road][i], "event.original"), "", strings.Join(keys, " "))
			}
		}
	}
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Error(err)
	}
}

// roadCorpus returns the PRI-led lines of the normalize golden cases.
func roadCorpus(t *testing.T) []string {
	t.Helper()
	inputs, err := filepath.Glob(filepath.Join("..", "..", "testdata", "normalize", "*", "*", "input.txt"))
	if err != nil || len(inputs) == 0 {
		t.Fatalf("no normalize cases: %v", err)
	}
	var lines []string
	for _, in := range inputs {
		for _, line := range readLinesFile(t, in) {
			if len(line) > 2 && line[0] == '<' && line[1] >= '0' && line[1] <= '9' {
				lines = append(lines, line)
			}
		}
	}
	if len(lines) < 100 {
		t.Fatalf("only %d syslog lines in the normalize cases", len(lines))
	}
	return lines
}

func readLinesFile(t *testing.T, path string) []string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return strings.Split(strings.TrimRight(string(data), "\n"), "\n")
}

// sendLines writes lines LF-framed over one TCP connection.
func sendLines(t *testing.T, addr string, lines []string) {
	t.Helper()
	c, err := net.DialTimeout("tcp", addr, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if _, err := c.Write([]byte(strings.Join(lines, "\n") + "\n")); err != nil {
		t.Fatal(err)
	}
}

// withoutYear drops the year of an RFC 3339 time (a JSON string).
func withoutYear(ts string) string {
	if len(ts) > 6 {
		return ts[6:]
	}
	return ts
}

// secondOf cuts an RFC 3339 time (a JSON string) to the second.
func secondOf(ts string) string {
	if i := strings.IndexByte(ts, '.'); i > 0 {
		return ts[:i]
	}
	return strings.TrimSuffix(ts, "Z\"")
}

func clip(s string, n int) string {
	if len(s) > n {
		return s[:n] + "..."
	}
	return s
}

type fieldDiff struct{ key, want, got string }

// Lines a relay cannot carry unchanged by some road, whatever nomen does
// (what the relay writes has lost the information; see roadCannotCarry).
var (
	// Cisco IOS "<PRI>SEQ: ", NX-OS "<PRI>: " and IOS-XE "<PRI>HOST: STAMP:"
	// headers: relays rewrite them (parse/cisco_relayed.go reads the
	// rewrites), syslog-ng dropping some of what they hold (roadLoses).
	ciscoHeader = regexp.MustCompile(`^<\d{1,3}>(\d*: |[\w.-]+: [*.]?[A-Z][a-z]{2} )`)
	rfc5424Line = regexp.MustCompile(`^<\d{1,3}>\d{1,2} `)
	// A word rsyslog can take for a HOSTNAME right after the PRI.
	leadingWord = regexp.MustCompile(`^<\d{1,3}>[[:alnum:]][\w.-]* [^ ]`)
	// A "[program]:" tag right after an RFC 3164 timestamp.
	bracketTag = regexp.MustCompile(`^<\d{1,3}>[A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d \[[^] ]+\]: `)
	// An RFC 3164 "Mmm dd hh:mm:ss" without a year after it.
	yearlessStamp = regexp.MustCompile(`^<\d{1,3}>[A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d(\.\d+)?:? +(\D|\d{1,3}\D|\d{5})`)
)

// roadCannotCarry says why road cannot deliver line unchanged (direct is
// the event nomen made of it directly), or "" when it must.
func roadCannotCarry(road, line string, direct map[string]any) string {
	rsyslog := strings.HasPrefix(road, "rsyslog-")
	bsd := road == "rsyslog-forward" || road == "rsyslog-udp" // RFC 3164 templates
	switch {
	case road == "syslogng-syslog" && snareLine.MatchString(line):
		// syslog-ng's RFC 5424 output sends the Snare header up to the
		// first space as APP-NAME, the rest as MSG: nomen joins them.
		return ""
	case strings.HasPrefix(road, "rsyslog-5424-") && snareLine.MatchString(line) && strings.Contains(line, "MSWinEventLog#011"):
		// So does rsyslog's with TABs an earlier relay escaped.
		return ""
	case rfc5424Line.MatchString(line) && (bsd || strings.HasPrefix(road, "syslogng-")):
		// rsyslog's 3164 templates drop STRUCTURED-DATA and MSGID and write
		// APP-NAME without the tag's ":"; syslog-ng's network() source reads
		// RFC 3164 only.
		return "RFC 5424 line through an RFC 3164 template or source"
	case rsyslog && strings.Contains(line, "MSWinEventLog"):
		// rsyslog's tag ends at the first space ("MSWinEventLog\t1\tSecurity\t700\tTue"):
		// its 5424 template keeps only the program name, its 3164 ones
		// 32 characters of the tag; the Snare header is cut either way.
		return "Snare header cut by rsyslog's tag handling"
	case bsd && get(direct, "host.name") == nil && getStr(direct, "@timestamp") == getStr(direct, "event.created") &&
		leadingWord.MatchString(line):
		// A line without a timestamp or a host nomen could read
		// ("<166>fw-1 said %ASA-..."): rsyslog takes its first word for
		// the HOSTNAME and writes it after a timestamp of its own, so
		// what arrives has a header host the line never had ("TS fw-1
		// said %ASA-..." is a relay's host, then a firewall named
		// "said"). syslog-ng's network() source reads no host there.
		return "first word of a line without a timestamp made HOSTNAME by rsyslog"
	case bsd && len(syslogTag(direct)) > 32:
		// RSYSLOG_ForwardFormat and RSYSLOG_TraditionalForwardFormat write
		// %syslogtag:1:32%.
		return "tag longer than rsyslog's 32 characters"
	case rsyslog && !bsd && get(direct, "nomen.parse_error") != nil && strings.Contains(line, " - [") && !strings.HasSuffix(line, "]"):
		// An RFC 5424 line whose STRUCTURED-DATA never closes: rsyslog
		// rewrites the text it cannot parse (it splits the last value).
		return "unclosed STRUCTURED-DATA rewritten by rsyslog"
	case (rsyslog && !bsd || road == "syslogng-syslog") && bracketTag.MatchString(line):
		// "[sshd]:", a program without host or pid (old BSD syslogds):
		// both relays read sshd as the PROCID of a tag without a name,
		// and their RFC 5424 output says so (APP-NAME "-", PROCID "sshd").
		return "bracketed tag made PROCID by the relay's RFC 5424 output"
	case (rsyslog && !bsd || road == "syslogng-syslog") && get(direct, "log.syslog.appname") == nil:
		// Without a tag, the relay takes the first word of the text for
		// one, and its RFC 5424 output moves that word into APP-NAME.
		return "line without a tag through an RFC 5424 template"
	}
	return ""
}

// roadLoses returns the fields road cannot carry for line, whatever nomen
// does: they are compared on the other roads.
func roadLoses(road, line string) []string {
	if road == "syslogng-network" && ciscoHeader.MatchString(line) {
		// syslog-ng reads a Cisco IOS header itself and writes RFC 3164
		// without the sequence number or the "*" of an unsynchronised
		// clock (its RFC 5424 output keeps both, as [meta sequenceId] and
		// [timeQuality isSynced]).
		return []string{"event.sequence", "nomen.clock_unsynced"}
	}
	return nil
}

// syslogTag rebuilds the RFC 3164 tag of a direct event.
func syslogTag(d map[string]any) string {
	tag := getStr(d, "log.syslog.appname")
	if m := getStr(d, "nomen.app_module"); m != "" {
		tag += "(" + m + ")"
	}
	if pid := getStr(d, "log.syslog.procid"); pid != "" {
		tag += "[" + pid + "]"
	}
	return tag + ":"
}

// compareRewritten is compareRoad with the road's rewrites of line
// applied to want (see roadRules.rewrites).
func compareRewritten(road, line string, want, got map[string]string,
	rewrites func(road, line string, direct map[string]string) (map[string]string, bool)) ([]fieldDiff, bool) {
	var over map[string]string
	lossy := false
	if rewrites != nil {
		over, lossy = rewrites(road, line, want)
	}
	for k, v := range over {
		if v == "" {
			delete(want, k)
		} else {
			want[k] = v
		}
	}
	d := compareRoad(want, got, yearlessStamp.MatchString(line))
	if !lossy {
		return d, false
	}
	kept := d[:0]
	for _, f := range d {
		if f.got != "(absent)" {
			kept = append(kept, f)
		}
	}
	return kept, true
}

// compareRoad returns the fields whose values differ, but for roadExcluded,
// a hostname the relay filled in where the line had none, and @timestamp
// where the line had no time of its own (the relay's receipt time stands
// in), below the second (RFC 3164 dates have none) and, for a line without
// a year, the year.
func compareRoad(want, got map[string]string, yearless bool) []fieldDiff {
	var d []fieldDiff
	noTime := want["@timestamp"] == want["event.created"]
	for _, k := range []string{"@timestamp", "event.created"} {
		want[k], got[k] = secondOf(want[k]), secondOf(got[k])
	}
	if yearless {
		// A relay writing RFC 3339 infers the year of "Jan 24 11:28:30"
		// itself (syslog-ng: the next one, in December).
		want["@timestamp"], got["@timestamp"] = withoutYear(want["@timestamp"]), withoutYear(got["@timestamp"])
	}
	if want["log.syslog.hostname"] == "" {
		// The line had no HOSTNAME: the relay names the sender it got it
		// from, which then stands for host.name, unless the line named its
		// host elsewhere (an ASA's "fw1: %ASA-..."): that host must stay.
		keys := []string{"log.syslog.hostname"}
		if want["host.name"] == "" {
			keys = append(keys, "host.name")
		}
		for _, k := range keys {
			delete(want, k)
			delete(got, k)
		}
	}
	for k, w := range want {
		if excludedKey(k) || k == "@timestamp" && noTime {
			continue
		}
		if g, ok := got[k]; !ok || g != w {
			if !ok {
				g = "(absent)"
			}
			d = append(d, fieldDiff{k, w, g})
		}
	}
	for k, g := range got {
		if _, ok := want[k]; !ok && !excludedKey(k) {
			d = append(d, fieldDiff{k, "(absent)", g})
		}
	}
	return d
}

// excludedKey reports whether a flattened key is one of roadExcluded or
// inside one ("log.syslog.structured_data.meta.sequenceId").
func excludedKey(k string) bool {
	for _, x := range roadExcluded {
		if k == x || strings.HasPrefix(k, x+".") {
			return true
		}
	}
	return false
}

// flatten turns a decoded ECS document into dotted keys with their JSON
// values (arrays and scalars as JSON text).
func flatten(doc map[string]any) map[string]string {
	out := map[string]string{}
	var walk func(prefix string, v any)
	walk = func(prefix string, v any) {
		if m, ok := v.(map[string]any); ok {
			for k, x := range m {
				if prefix != "" {
					k = prefix + "." + k
				}
				walk(k, x)
			}
			return
		}
		b, _ := json.Marshal(v)
		out[prefix] = string(b)
	}
	walk("", doc)
	return out
}

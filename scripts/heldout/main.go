// Command heldout measures nomen's Windows decoding against held-out
// records: real events from other projects' tests and documentation, each
// with the fields that project (or Microsoft's documentation of the event)
// says it carries. The records stay outside this repository (other
// projects' lines, some under licences that do not allow copying them
// here); this is the comparer only (issue #15's "every id of the catalog
// recognised; >= 95 % of compared fields equal; no value that is not in
// the event").
//
//	go run ./scripts/heldout -nomen ./bin/nomen CASES.jsonl...
//
// A case file holds one JSON object a line ("#" lines are comments):
//
//	{"src": "sigma", "name": "fw-2097", "exp": {"rule.name": "...", ...},
//	 "in": {...}}            a JSON record (Winlogbeat's, NXLog's), sent as one line
//	 "raw": "..."            a line sent as it is (a syslog line, a Snare record)
//	 "xml": {"sys": {...}, "ed": {...}}   an event written as its XML (below)
//
// and optionally "doc": [fields] where the source contradicts what nomen
// documents (besides the rules in documented, below). Each case's line is
// fed to `nomen parse`; a case is recognised when nomen gives it an
// event.action or event.category; each expected field is equal when nomen's
// value is the same (lists as sets; @timestamp to the millisecond; an IP
// address as an address), and an expected null when nomen leaves the field
// out (a value the record does not carry in that meaning: the NULL SID's
// user.id, a "-" address). Values nomen emits must occur in the record's
// text (derived fields aside; an address in another text form, the name of
// a well-known SID the record holds).
package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"net/netip"
	"os"
	"os/exec"
	"regexp"
	"sort"
	"strings"

	"github.com/nomenhq/nomen/normalize/wincatalog"
)

type testCase struct {
	Src  string            `json:"src"`
	Name string            `json:"name"`
	In   json.RawMessage   `json:"in"`
	Raw  string            `json:"raw"`
	XML  *xmlRecord        `json:"xml"`
	Exp  map[string]any    `json:"exp"`
	Doc  []string          `json:"doc"`
	Note map[string]string `json:"note"`
}

// documented are the fields where a source contradicts what nomen documents
// (following Microsoft's, Sysmon's or ECS's documentation): event codes and
// the fields they concern, with where nomen says so.
var documented = []struct{ code, field, where string }{
	{`465[89]|4660|4662`, `^event\.(category|type)$`, "security.txt: 4658-4660 and 4662 take only Elastic's action"},
	{`474[123]`, `^related\.user$`, "security.txt: related.user holds target accounts too"},
	{`4670|4715|4817|4907`, `Sd(Dacl|Sacl)`, "security.txt: each ACE as the agent writes it, not ([a])"},
	{`4964`, `^event\.type$`, "security.txt: 4964 keeps 4672's type"},
	{`4624|4627|4964`, `^winlog\.logon\.id$`, "security.txt: the new logon's id"},
	{`4627`, `^(group\.|user\.(id|target\.|effective\.))`, "security.txt: 4627's new logon is the user, as 4624's"},
	{`4740`, `^user\.target\.domain$`, "security.txt: 4740's TargetDomainName is the caller computer"},
	{`472[89]|473[23]|474[67]|475[1267]|476[12]`, `^user\.target\.(domain|name)$`, "security.txt: a member's DN names no domain"},
	{`4776`, `^winlog\.logon\.failure\.status$`, "security.txt: no Status OK."},
	{`4688`, `^user\.effective\.id$`, "security.txt: the NULL SID (S-1-0-0) sets no user id"},
	// Sysmon's (its event codes 1-29, which no other channel of these sources shares)
	{`[1-9]|1[0-9]|2[0-9]`, `^user\.id$`, "channels.txt: no user.id from the record's account (Sysmon's service)"},
	{`1[2-4]`, `^registry\.(key|data\.type)$`, "channels.txt: registry.key without the value name, registry.data.type REG_* (not SZ_DWORD)"},
	{`2[346]`, `^process\.(hash|pe)\.`, "channels.txt: 23/26's Hashes are the deleted file's, 24's the clipboard's (file.hash)"},
}

func isDocumented(code, field string) bool {
	for _, d := range documented {
		if regexp.MustCompile(`^(`+d.code+`)$`).MatchString(code) && regexp.MustCompile(d.field).MatchString(field) {
			return true
		}
	}
	return false
}

type tally struct {
	events, recognised, fields, equal, docFields, docEqual int
	ids                                                    map[string]bool
}

func main() {
	nomen := flag.String("nomen", "nomen", "the nomen binary")
	verbose := flag.Bool("v", false, "print each case's decoded event")
	flag.Parse()
	var cases []testCase
	for _, f := range flag.Args() {
		cs, err := readCases(f)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		cases = append(cases, cs...)
	}
	lines := make([]string, len(cases))
	for i, c := range cases {
		lines[i] = c.line()
	}
	cmd := exec.Command(*nomen, "parse")
	cmd.Stdin = strings.NewReader(strings.Join(lines, "\n") + "\n")
	cmd.Stderr = os.Stderr
	out, err := cmd.Output()
	if err != nil {
		fmt.Fprintln(os.Stderr, "nomen parse:", err)
		os.Exit(1)
	}
	docs := bytes.Split(bytes.TrimSpace(out), []byte("\n"))
	if len(docs) != len(cases) {
		fmt.Fprintf(os.Stderr, "nomen parse gave %d events for %d records\n", len(docs), len(cases))
		os.Exit(1)
	}
	report(cases, lines, docs, *verbose)
}

func readCases(name string) ([]testCase, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var cases []testCase
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 16<<20)
	for n := 1; sc.Scan(); n++ {
		l := strings.TrimSpace(sc.Text())
		if l == "" || strings.HasPrefix(l, "#") {
			continue
		}
		var c testCase
		if err := json.Unmarshal([]byte(l), &c); err != nil {
			return nil, fmt.Errorf("%s:%d: %v", name, n, err)
		}
		cases = append(cases, c)
	}
	return cases, sc.Err()
}

// line is the record as nomen receives it.
func (c testCase) line() string {
	switch {
	case c.XML != nil:
		s := c.XML.Sys
		return fmt.Sprintf("<14>1 %s %s %s - - - %s", s.Time, s.Computer, strings.ReplaceAll(s.Provider, " ", "_"), c.XML.render())
	case c.Raw != "":
		return c.Raw
	}
	var b bytes.Buffer
	if err := json.Compact(&b, c.In); err != nil {
		return string(c.In)
	}
	return b.String()
}

func report(cases []testCase, lines []string, docs [][]byte, verbose bool) {
	per := map[string]*tally{}
	var order, diffs, strays []string
	for i, c := range cases {
		var doc map[string]any
		if err := json.Unmarshal(docs[i], &doc); err != nil {
			fmt.Fprintln(os.Stderr, c.Name, err)
			continue
		}
		got := flatten(doc, "", map[string]any{})
		if verbose {
			fmt.Printf("%s %s\n", c.Name, docs[i])
		}
		t := per[c.Src]
		if t == nil {
			t = &tally{ids: map[string]bool{}}
			per[c.Src] = t
			order = append(order, c.Src)
		}
		code := fmt.Sprint(got["event.code"])
		t.events++
		t.ids[code] = true
		if got["event.action"] != nil || got["event.category"] != nil {
			t.recognised++
		} else {
			diffs = append(diffs, fmt.Sprintf("%s %s: not recognised", c.Src, c.Name))
		}
		doc2 := map[string]bool{}
		for _, f := range c.Doc {
			doc2[f] = true
		}
		keys := make([]string, 0, len(c.Exp))
		for k := range c.Exp {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			ok := got[k] != nil && norm(k, got[k]) == norm(k, c.Exp[k])
			if c.Exp[k] == nil {
				ok = got[k] == nil
			}
			// security.txt: the NULL SID (S-1-0-0, no account) sets no id, and the
			// kernel's "System" (WFP's Application, Sysmon's Image) is no
			// process.executable, no path; Elastic keeps both
			isDoc := doc2[k] || isDocumented(code, k) ||
				(got[k] == nil && (c.Exp[k] == "S-1-0-0" || k == "process.executable" && c.Exp[k] == "System"))
			t.fields++
			if ok {
				t.equal++
			}
			if !isDoc {
				t.docFields++
				if ok {
					t.docEqual++
				}
			}
			if !ok {
				mark := ""
				if isDoc {
					mark = " (documented)"
				}
				diffs = append(diffs, fmt.Sprintf("%s %s %s: want %s, nomen %s%s", c.Src, c.Name, k, norm(k, c.Exp[k]), norm(k, got[k]), mark))
			}
		}
		strays = append(strays, notInRecord(c, lines[i], got)...)
	}
	var all tally
	for _, src := range order {
		t := per[src]
		fmt.Printf("%s: %d events, %d ids, recognised %d/%d; fields %d, equal %d (%s); leaving out documented contradictions %d/%d (%s)\n",
			src, t.events, len(t.ids), t.recognised, t.events, t.fields, t.equal, pct(t.equal, t.fields), t.docEqual, t.docFields, pct(t.docEqual, t.docFields))
		all.fields += t.fields
		all.equal += t.equal
		all.docFields += t.docFields
		all.docEqual += t.docEqual
	}
	fmt.Printf("all: fields %d, equal %d (%s); leaving out documented contradictions %d/%d (%s)\n",
		all.fields, all.equal, pct(all.equal, all.fields), all.docEqual, all.docFields, pct(all.docEqual, all.docFields))
	for _, d := range diffs {
		fmt.Println("  differs:", d)
	}
	fmt.Printf("values not in their record: %d\n", len(strays))
	for _, s := range strays {
		fmt.Println("  not in the record:", s)
	}
}

func pct(a, b int) string {
	if b == 0 {
		return "-"
	}
	return fmt.Sprintf("%.1f %%", 100*float64(a)/float64(b))
}

// flatten writes a document's fields as dotted keys (nomen's JSON nests
// them; a dotted key stays as it is).
func flatten(v map[string]any, prefix string, out map[string]any) map[string]any {
	for k, x := range v {
		if m, ok := x.(map[string]any); ok {
			flatten(m, prefix+k+".", out)
			continue
		}
		out[prefix+k] = x
	}
	return out
}

// norm is a value's comparable text: a list as its sorted members, an
// object as its JSON with sorted keys, @timestamp to the millisecond.
func norm(field string, v any) string {
	switch x := v.(type) {
	case nil:
		return "null"
	case []any:
		parts := make([]string, len(x))
		for i, m := range x {
			parts[i] = norm("", m)
		}
		sort.Strings(parts)
		return "[" + strings.Join(parts, ", ") + "]"
	case map[string]any:
		b, _ := json.Marshal(x) // encoding/json sorts a map's keys
		return string(b)
	case string:
		if a, err := netip.ParseAddr(x); err == nil {
			return a.String() // an address as one text (fe80:0:0:0:: and fe80:: alike)
		}
		if field == "@timestamp" {
			if date, frac, ok := strings.Cut(strings.TrimSuffix(x, "Z"), "."); ok {
				return date + "." + (frac + "000")[:3]
			}
		}
		return x
	}
	return fmt.Sprint(v)
}

// derived are the fields nomen makes rather than copies: its own, the
// classification, names it writes for codes, parts of paths and URLs, a
// registry path with its hive written short (HKU for \REGISTRY\USER), a
// value's type named from Sysmon's Details ("DWORD (0x4)" REG_DWORD).
var derived = []string{"event.", "ecs.", "@timestamp", "log.", "nomen.", "observer.", "message", "network.transport",
	"network.direction", "network.type", "winlog.logon.type", "host.os", "winlog.keywords", "winlog.level", "winlog.opcode",
	"winlog.task", "file.extension", "file.name", "file.directory", "process.name", "process.args", "winlog.event_data.",
	"winlog.scheduled_task.", "winlog.trust", "url.", "related.hash", "network.protocol", "sysmon.dns.status",
	"registry.path", "registry.hive", "registry.data.type", "service.type", "winlog.logon.failure."}

// notInRecord lists the values nomen emitted that do not occur in the
// record's text: what it must never do is invent a value.
func notInRecord(c testCase, line string, got map[string]any) []string {
	// the record's text with XML's entities and JSON's escapes undone
	text := strings.ToLower(strings.NewReplacer("&amp;", "&", "&lt;", "<", "&gt;", ">", "&quot;", `"`, "&apos;", "'",
		"&#10;", "\n", "&#13;", "\r").Replace(line))
	if strings.HasPrefix(line, "{") {
		text = strings.NewReplacer(`\\`, `\`, `\"`, `"`, `\n`, "\n", `\r`, "\r", `\t`, "\t",
			`\u0026`, "&", `\u003c`, "<", `\u003e`, ">").Replace(text)
	}
	var out []string
	for k, v := range got {
		if hasPrefix(k, derived) {
			continue
		}
		vals, ok := v.([]any)
		if !ok {
			vals = []any{v}
		}
		for _, x := range vals {
			switch y := x.(type) {
			case string:
				if !strings.Contains(text, strings.ToLower(y)) && !addrInText(text, y) && !sidNameInText(text, y) && !pathInText(text, k, y) {
					out = append(out, fmt.Sprintf("%s %s %s=%q", c.Src, c.Name, k, y))
				}
			case float64:
				n := int64(y)
				if !strings.Contains(text, fmt.Sprint(n)) && !strings.Contains(text, fmt.Sprintf("0x%x", n)) {
					out = append(out, fmt.Sprintf("%s %s %s=%v", c.Src, c.Name, k, n))
				}
			}
		}
	}
	sort.Strings(out)
	return out
}

// pathInText reports whether v is a path nomen joined from the record's
// parts (5145's ShareLocalPath "\??\D:\Shares" and RelativeTargetName
// "Q4\b.xlsx"): each of its parts occurs in the text.
func pathInText(text, field, v string) bool {
	if field != "file.path" || !strings.Contains(v, `\`) {
		return false
	}
	for _, part := range strings.Split(strings.ToLower(v), `\`) {
		if part != "" && !strings.Contains(text, part) {
			return false
		}
	}
	return true
}

// ipToken is a run of the characters an IP address is written with.
var ipToken = regexp.MustCompile(`[0-9a-f.:]+`)

// addrInText reports whether v is an IP address the text writes in another
// form (IPv6's zeros written out, "fe80:0:0:0:1" for "fe80::1"): the same
// value, not an invented one.
func addrInText(text, v string) bool {
	a, err := netip.ParseAddr(v)
	if err != nil {
		return false
	}
	for _, tok := range ipToken.FindAllString(text, -1) {
		if b, err := netip.ParseAddr(strings.Trim(tok, ".:")); err == nil && b == a {
			return true
		}
	}
	return false
}

// sidToken is a SID as the record writes it (the text is lower-cased).
var sidToken = regexp.MustCompile(`s-1-[0-9-]+`)

// sidNameInText reports whether v is the account name of a well-known SID
// the text holds ("S-1-5-9" is ENTERPRISE DOMAIN CONTROLLERS): a name nomen
// derives from the record (issue #15), not one it invents.
func sidNameInText(text, v string) bool {
	for _, tok := range sidToken.FindAllString(text, -1) {
		if name := wincatalog.WellKnownSID(strings.ToUpper(strings.TrimRight(tok, "-"))); name != "" && strings.EqualFold(name, v) {
			return true
		}
	}
	return false
}

func hasPrefix(k string, prefixes []string) bool {
	for _, p := range prefixes {
		if strings.HasPrefix(k, p) {
			return true
		}
	}
	return false
}

package rules

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nomenhq/nomen/normalize/ecs"
	"github.com/nomenhq/nomen/parse"
	"github.com/nomenhq/nomen/relay/event"
)

func mustRules(t *testing.T, src string) *Set {
	t.Helper()
	rs, err := Parse("test.toml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	return rs
}

func msgEvent(prog, msg string) *event.Event {
	e := event.New(time.Date(2026, 7, 1, 12, 0, 0, 0, time.UTC))
	e.AppName, e.Message = prog, msg
	return e
}

func TestRulePatternTypes(t *testing.T) {
	rs := mustRules(t, `
[[rule]]
name = "app.login"
program = "myapp"
pattern = 'login {result:word} user={user:word}, from {src:ip}:{port:uint}[ tries={n:int}] msg={text:quoted} host {h:hostname} {rest}'
fields = { "event.category" = ["authentication"], "event.type" = ["start"], "event.action" = "app_login", "labels.n" = 7 }
map = { user = "user.name", src = "source.ip", port = "source.port", n = "app.tries", text = "event.reason", h = "source.domain", rest = "app.rest", result = "app.result" }
`)
	for _, tc := range []struct {
		msg  string
		want map[string]string // key -> Value.String(); "" = absent
	}{
		{`login ok user=bob, from 10.0.0.1:22 msg="said \"hi\"" host db-1.example.com and the rest  `,
			map[string]string{"user.name": "bob", "source.ip": "10.0.0.1", "source.port": "22", "app.tries": "",
				"event.reason": `said "hi"`, "source.domain": "db-1.example.com", "app.rest": "and the rest",
				"related.ip": "10.0.0.1", "related.user": "bob", "app.result": "ok", "labels.n": "7",
				"event.category": "authentication", "nomen.rule": "app.login"}},
		{`login   failed user=eve, from 2001:db8::1:8080 tries=-3 msg="" host h x`,
			map[string]string{"user.name": "eve", "source.ip": "2001:db8::1", "source.port": "8080", "app.tries": "-3", "event.reason": ""}},
		// A port of five digits is no hex group: the address ends at the last ':'.
		{`login failed user=eve, from 2001:db8::7:51022 msg="" host h x`,
			map[string]string{"source.ip": "2001:db8::7", "source.port": "51022"}},
	} {
		e := msgEvent("myapp", tc.msg)
		if got := rs.Apply("myapp", e); got != "app.login" {
			t.Fatalf("%q: matched %q", tc.msg, got)
		}
		for k, want := range tc.want {
			got := e.Str(k)
			if got != want {
				t.Errorf("%q: %s = %q, want %q", tc.msg, k, got, want)
			}
		}
	}
	// The port is an int field, the tries count too.
	e := msgEvent("myapp", `login ok user=bob, from 10.0.0.1:22 tries=4 msg="x" host h r`)
	rs.Apply("myapp", e)
	if v, _ := e.Field("source.port"); v.Type != event.TypeInt || v.Num != 22 {
		t.Errorf("source.port = %+v, want int 22", v)
	}
	if v, _ := e.Field("app.tries"); v.Type != event.TypeInt || v.Num != 4 {
		t.Errorf("app.tries = %+v, want int 4", v)
	}
	// Anything else does not match and leaves the event alone.
	for _, msg := range []string{
		`login ok user=bob, from 10.0.0.300:22 msg="x" host h r`, // not an IP
		`login ok user=bob, from 10.0.0.1:22 msg=x host h r`,     // not quoted
		`login ok user=bob, from 10.0.0.1:22 msg="x" host h`,     // rest needs text
		`login ok user=bob from 10.0.0.1:22 msg="x" host h r`,    // missing literal ","
	} {
		e := msgEvent("myapp", msg)
		if got := rs.Apply("myapp", e); got != "" || len(e.Fields) != 0 {
			t.Errorf("%q: matched %q, fields %v", msg, got, e.Fields)
		}
	}
}

func TestRuleSpecificityAndOrder(t *testing.T) {
	rs := mustRules(t, `
[[rule]]
name = "generic"
program = "app"
pattern = "user {u:word} did {what:rest}"
map = { u = "user.name", what = "app.what" }

[[rule]]
name = "logout"
program = "app"
pattern = "user {u:word} did logout"
map = { u = "user.name" }

[[rule]]
name = "numeric"
program = "app"
pattern = "user {id:uint} did {what:rest}"
map = { id = "user.id" }

[[rule]]
name = "generic-again"
program = "app"
pattern = "user {u:word} did {what:rest}"
`)
	for msg, want := range map[string]string{
		"user bob did logout":   "logout",  // literal beats field
		"user bob did login":    "generic", // first of identical patterns
		"user 1000 did logout":  "numeric", // uint is tried before word... at the field position
		"user bob did":          "",
		"someone else entirely": "",
	} {
		if got := rs.Apply("app", msgEvent("app", msg)); got != want {
			t.Errorf("%q: matched %q, want %q", msg, got, want)
		}
	}
}

// An optional part after a field is tried before a rest field that may
// follow it: the optional part's literal comes first (dovecot's
// "rip=A[, lip=B][...]" lost lip to the rest).
func TestRuleOptionalBeforeRest(t *testing.T) {
	rs := mustRules(t, `
[[rule]]
name = "peers"
program = "app"
pattern = "from {src:ip}[ port {port:uint}][, to={dst:ip}][{_:rest}]"
map = { src = "source.ip", port = "source.port", dst = "destination.ip" }
`)
	for msg, want := range map[string][3]string{
		"from 192.0.2.1, to=192.0.2.2":             {"192.0.2.1", "", "192.0.2.2"},
		"from 192.0.2.1, to=192.0.2.2, TLS":        {"192.0.2.1", "", "192.0.2.2"},
		"from 192.0.2.1 port 25, to=192.0.2.2 TLS": {"192.0.2.1", "25", "192.0.2.2"},
		"from 192.0.2.1 and more":                  {"192.0.2.1", "", ""},
	} {
		e := msgEvent("app", msg)
		if rs.Apply("app", e) != "peers" {
			t.Fatalf("%q: no match", msg)
		}
		port := ""
		if v, ok := e.Field("source.port"); ok {
			port = fmt.Sprint(v.Num)
		}
		got := [3]string{e.Str("source.ip"), port, e.Str("destination.ip")}
		if got != want {
			t.Errorf("%q: got %q, want %q", msg, got, want)
		}
	}
}

// A rest field that more of the pattern follows is the shortest text
// after which that part matches: a sentence whose variable part has spaces and
// ends before fixed words or a final dot.
func TestRuleRestBeforeText(t *testing.T) {
	rs := mustRules(t, `
[[rule]]
name = "started"
program = "app"
pattern = "Started {what:rest}."
map = { what = "app.what" }

[[rule]]
name = "skipped"
program = "app"
pattern = "Check resulted in {what:rest} being skipped."
map = { what = "app.what" }

[[rule]]
name = "pair"
program = "app"
pattern = "Moved {from:rest} to {to:rest} now"
map = { from = "app.from", to = "app.to" }

[[rule]]
name = "stopped"
program = "app"
pattern = "Stopped {what:rest}."
map = { what = "app.what" }

[[rule]]
name = "stopped.error"
program = "app"
pattern = "Stopped {what:rest} with error."
map = { what = "app.what" }
`)
	for msg, want := range map[string][2]string{
		"Started OpenBSD Secure Shell server.":           {"started", "OpenBSD Secure Shell server"},
		"Started v1.2 of the app..":                      {"started", "v1.2 of the app."},
		"Check resulted in Load Module being skipped.":   {"skipped", "Load Module"},
		"Check resulted in being skipped being skipped.": {"skipped", "being skipped"},
		"Moved a to b to c now":                          {"pair", "a"},
		"Stopped Foo with error.":                        {"stopped.error", "Foo"},
		"Stopped Foo.":                                   {"stopped", "Foo"},
		"Started .":                                      {"", ""},
		"Started without the dot":                        {"", ""},
		"Check resulted in  being skipped.":              {"", ""},
	} {
		e := msgEvent("app", msg)
		got := rs.Apply("app", e)
		what := e.Str("app.what")
		if got == "pair" {
			what = e.Str("app.from")
		}
		if [2]string{got, what} != want {
			t.Errorf("%q: got %q %q, want %q", msg, got, what, want)
		}
	}
}

// A rest field first in its pattern skips the ends the literals after it
// cannot follow (mayMatch), never one they do: the split found is the
// one trying every end finds, also where the literal starts with spaces
// (a space edge) or holds the field's own words.
func TestRuleRestSkipsNoEnd(t *testing.T) {
	rs := mustRules(t, `
[[rule]]
name = "invoked"
program = "app"
pattern = "{comm:rest} invoked oom-killer: {_:rest}"
map = { comm = "app.what" }

[[rule]]
name = "io"
program = "app"
pattern = "{comm:rest} error, dev {_:word}"
map = { comm = "app.what" }

[[rule]]
name = "segv"
program = "app"
pattern = '{comm:rest}\[{pid:uint}\]: segfault at {_:word}'
map = { comm = "app.what" }
`)
	for msg, want := range map[string][2]string{
		"a invoked b invoked oom-killer: z": {"invoked", "a invoked b"},
		"x  invoked   oom-killer: y":        {"invoked", "x"},
		"critical medium error, dev sda":    {"io", "critical medium"},
		"I/O error, dev error, dev sdb":     {"io", "I/O error, dev"},
		"a[1] b[2]: segfault at 0":          {"segv", "a[1] b"},
		"no such line here":                 {"", ""},
	} {
		e := msgEvent("app", msg)
		if got := [2]string{rs.Apply("app", e), e.Str("app.what")}; got != want {
			t.Errorf("%q: got %q, want %q", msg, got, want)
		}
	}
}

// Rest fields that more of the pattern follows try a bounded number of
// ends per message: nested ones on a long line that never matches would
// otherwise try a power of its length (this test would not end).
func TestRuleRestBeforeTextBounded(t *testing.T) {
	rs := mustRules(t, `
[[rule]]
name = "nested"
program = "app"
pattern = "{a:rest}x{b:rest}y{c:rest}z"
`)
	if got := rs.Apply("app", msgEvent("app", strings.Repeat("xy", 20000))); got != "" {
		t.Errorf("matched %q", got)
	}
	if got := rs.Apply("app", msgEvent("app", "1x2y3z")); got != "nested" {
		t.Errorf("short line: matched %q", got)
	}
}

func TestRuleDispatch(t *testing.T) {
	rs := mustRules(t, `
[[rule]]
name = "exact"
program = ["Postfix/SMTPD", "other"]
pattern = "hello {rest}"

[[rule]]
name = "base"
program = "postfix"
pattern = "base {rest}"

[[rule]]
name = "prefixed"
program = "acme-*"
pattern = "hello {rest}"

[[rule]]
name = "anyprog"
pattern = "anywhere {rest}"

[[rule]]
name = "re"
program = "postfix/smtpd"
prefix = "warning: "
regex = '^warning: (?P<host>[^\[]+)\[(?P<ip>[^\]]+)\]: (?P<what>.*)$'
map = { ip = "source.ip", host = "source.domain", what = "event.reason" }
`)
	for _, tc := range []struct{ prog, msg, want string }{
		{"postfix/smtpd", "hello x", "exact"},
		{"other", "hello x", "exact"},
		{"postfix/smtpd", "base x", "base"}, // postfix/smtpd -> postfix
		{"acme-portal", "hello x", "prefixed"},
		{"acme-portal", "anywhere x", "anyprog"},
		{"", "anywhere x", "anyprog"},
		{"nothing", "hello x", ""},
		{"postfix/smtpd", "warning: mx.example.net[192.0.2.9]: something odd", "re"},
		{"postfix/smtpd", "warning without brackets", ""},
	} {
		e := msgEvent(tc.prog, tc.msg)
		if got := rs.Apply(ecs.ProgramKey(tc.prog), e); got != tc.want {
			t.Errorf("%s %q: matched %q, want %q", tc.prog, tc.msg, got, tc.want)
		}
		if tc.want == "re" {
			if e.Str("source.ip") != "192.0.2.9" || e.Str("source.domain") != "mx.example.net" || e.Str("event.reason") != "something odd" {
				t.Errorf("regex captures: %v", e.Fields)
			}
		}
	}
}

// TestRuleLoadErrors: each mistake in a rule file is refused with the
// file and line to fix, in the form of every configuration error.
func TestRuleLoadErrors(t *testing.T) {
	for _, tc := range []struct{ src, want string }{
		{"[[rule]]\nname = \"a\"\npattern = \"x\"\npatern = \"y\"\n", `t.toml:4: unknown key "rule.patern"`},
		{"[[rule]]\nname = \"a\"\npattern = \"x\"\n[[rule.test]]\ninput = \"x\"\nexpected = {}\n", `t.toml:6: unknown key "rule.test.expected"`},
		{"[[rule]]\nname = \"a\"\n", "needs a pattern or a regex"},
		{"[[rule]]\nname = \"a\"\npattern = \"x\"\nregex = \"x\"\n", "both a pattern and a regex"},
		{"[[rule]]\nname = \"a\"\npattern = \"{u:wrod}\"\n", `unknown type "wrod"`},
		{"[[rule]]\nname = \"a\"\npattern = \"x [y\"\n", "unclosed '['"},
		{"[[rule]]\nname = \"a\"\npattern = \"{u} {u}\"\n", `field "u" appears twice`},
		{"[[rule]]\nname = \"a\"\npattern = \"{u}\"\nmap = { v = \"user.name\" }\n", `map: "v" is not a field`},
		{"[[rule]]\nname = \"a\"\npattern = \"x\"\nfields = { \"event.outcome\" = \"failed\" }\n", `"failed" is not an ECS allowed value`},
		{"[[rule]]\nname = \"a\"\npattern = \"x\"\nfields = { \"event.category\" = \"web\" }\n", "ECS wants a list"},
		{"[[rule]]\nname = \"a\"\nregex = \"(\"\n", "regex: error parsing regexp"},
		// A table written as a string decoded as no fields at all.
		{"[[rule]]\nname = \"a\"\npattern = \"x\"\nfields = \"event.action=x\"\n", `t.toml:4: rule.fields: want a table of key = value`},
		{"[[rule]]\nname = \"a\"\npattern = \"x\"\n[[rule.test]]\ninput = \"x\"\nexpect = \"event.action=x\"\n", `t.toml:6: rule.test.expect: want a table of key = value`},
		{"[[rule]]\nname = \"a\"\npattern = \"x\"\n\n[[rule]]\nname = \"a\"\npattern = \"y\"\n", `t.toml:5: rule "a" is already defined in t.toml:1`},
		{"[[rule]]\nname = \"a\"\nprefix = \"y\"\npattern = \"x\"\n", "does not start with the prefix"},
		{"[[rule]]\nname = = \"a\"\n", "t.toml:2: "},
	} {
		_, err := Parse("t.toml", []byte(tc.src))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q: err = %v, want %q", tc.src, err, tc.want)
			continue
		}
		// The form of every configuration error: FILE:LINE: message.
		var fe *FileError
		if !errors.As(err, &fe) || fe.File != "t.toml" || !regexp.MustCompile(`^t\.toml:[1-9][0-9]*: `).MatchString(err.Error()) || strings.Contains(err.Error(), "line ") {
			t.Errorf("%q: err = %v, want a FileError of the form t.toml:LINE: message", tc.src, err)
		}
	}
}

func TestLoadRulesFiles(t *testing.T) {
	dir := t.TempDir()
	write := func(name, src string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("a.toml", "[[rule]]\nname = \"a\"\npattern = \"a {rest}\"\n")
	write("b.toml", "[[rule]]\nname = \"b\"\npattern = \"b {rest}\"\n")
	rs, err := Load([]string{filepath.Join(dir, "*.toml"), filepath.Join(dir, "a.toml")})
	if err != nil {
		t.Fatal(err)
	}
	if rs.Len() != 2 || len(rs.Files()) != 2 {
		t.Errorf("rules %d files %v", rs.Len(), rs.Files())
	}
	if _, err := Load([]string{filepath.Join(dir, "missing.toml")}); err == nil {
		t.Error("a missing explicit file is not an error")
	}
	if rs, err := Load([]string{filepath.Join(dir, "none-*.toml")}); err != nil || rs.Len() != 0 {
		t.Errorf("empty glob: %v %v", rs, err)
	}
	write("c.toml", "[[rule]]\nname = \"a\"\npattern = \"c\"\n")
	if _, err := Load([]string{filepath.Join(dir, "*.toml")}); err == nil || !strings.Contains(err.Error(), "already defined in") {
		t.Errorf("duplicate across files: %v", err)
	}
}

func TestRuleTests(t *testing.T) {
	rs := mustRules(t, `
[[rule]]
name = "app.ok"
program = "app"
pattern = "ok user={u:word} port={p:uint}"
fields = { "event.outcome" = "success", "event.category" = ["authentication"] }
map = { u = "user.name", p = "source.port" }

[[rule.test]]
input = "<38>Jul  1 10:00:00 h1 app[1]: ok user=bob port=22"
expect = { "user.name" = "bob", "source.port" = 22, "event.category" = ["authentication"], "host.name" = "h1" }
absent = ["source.ip"]

[[rule.test]]
input = "<38>Jul  1 10:00:00 h1 app[1]: ok user=bob port=22"
expect = { "user.name" = "alice", "source.port" = "22", "event.outcome" = "success" }
absent = ["user.name"]

[[rule.test]]
input = "<38>Jul  1 10:00:00 h1 app[1]: nope"

[[rule]]
name = "app.other"
program = "app"
pattern = "other"
fields = { event.kind = "event", event.category = ["web"] }

[[rule.test]]
input = "<38>Jul  1 10:00:00 h1 app[1]: ok user=x port=1"
`)
	p := parse.New(parse.Options{Location: time.UTC})
	failures := rs.RunTests(func(line string) *event.Event {
		e := event.New(time.Now())
		p.Parse([]byte(line), e)
		return e
	})
	if rs.Tests() != 4 {
		t.Errorf("Tests() = %d", rs.Tests())
	}
	var got []string
	for _, f := range failures {
		got = append(got, f.String())
	}
	text := strings.Join(got, "\n")
	for _, want := range []string{
		`test.toml:14: rule "app.ok" test 2 failed`,
		`user.name: got "bob" (string), want "alice" (string)`,
		`source.port: got 22 (int), want "22" (string)`,
		`user.name: got "bob" (string), want absent`,
		`test.toml:19: rule "app.ok" test 3 failed`,
		`no rule matched (program "app", message "nope")`,
		`rule "app.other" test 1 failed`,
		`matched by rule "app.ok" instead`,
	} {
		if !strings.Contains(text, want) {
			t.Errorf("missing %q in:\n%s", want, text)
		}
	}
	if v, _ := rs.rules[1].fields[0], 0; v.Key != "event.category" || rs.rules[1].fields[1].Key != "event.kind" {
		t.Errorf("unquoted dotted keys not flattened: %v", rs.rules[1].fields)
	}
	if len(failures) != 3 {
		t.Errorf("%d failures, want 3:\n%s", len(failures), text)
	}
}

func TestRulesConcurrent(t *testing.T) {
	rs := mustRules(t, `
[[rule]]
name = "a"
program = "app"
pattern = "user {u:word} from {src:ip}"
map = { u = "user.name", src = "source.ip" }
`)
	var wg sync.WaitGroup
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 500; i++ {
				e := msgEvent("app", fmt.Sprintf("user u%d from 10.0.%d.%d", i, g, i%250))
				if rs.Apply("app", e) != "a" || e.Str("user.name") != fmt.Sprintf("u%d", i) {
					t.Errorf("bad match for %q", e.Message)
					return
				}
			}
		}()
	}
	wg.Wait()
}

// The rule files shipped in configs/rules must load and pass their tests.
func TestShippedRules(t *testing.T) {
	rs, err := Load([]string{"../../configs/rules/*.toml"})
	if err != nil {
		t.Fatal(err)
	}
	if rs.Len() == 0 || rs.Tests() == 0 {
		t.Fatalf("no shipped rules or tests: %d rules, %d tests", rs.Len(), rs.Tests())
	}
	// The examples users copy keep ECS's conventions.
	for _, w := range rs.ClassWarnings() {
		t.Error(w)
	}
	p := parse.New(parse.Options{Location: time.UTC})
	for _, f := range rs.RunTests(func(line string) *event.Event {
		e := event.New(time.Date(2026, 7, 1, 12, 0, 0, 0, time.UTC))
		p.Parse([]byte(line), e)
		return e
	}) {
		t.Error(f.String())
	}
}

func FuzzRulePattern(f *testing.F) {
	for _, s := range []string{"a {b:word} [c {d:uint}] {rest}", "x\\[y\\] {i:ip}:{p:uint}", "{q:quoted}[ [z]]"} {
		f.Add(s, "a b c 12 rest")
	}
	f.Fuzz(func(t *testing.T, pattern, msg string) {
		seq, err := parsePattern(pattern)
		if err != nil {
			return
		}
		alts, err := expand(seq)
		if err != nil {
			return
		}
		r := &userRule{name: "f"}
		var root patNode
		for _, a := range alts {
			root.insert(a, r)
		}
		var m matcher
		m.match(&root, msg)
		var m2 matcher
		m2.match(&root, msg[:len(msg)/2])
	})
}

// A word or regex capture mapped to an IP field never leaves a non-address
// there (an index's ip mapping would reject the whole event): a name goes
// to the side's .domain, anything else is left out.
func TestRuleIPFieldHoldsOnlyAddresses(t *testing.T) {
	rs := mustRules(t, `
[[rule]]
name = "app.peer"
program = "myapp"
regex = '^peer (?P<peer>\S+) via (?P<gw>\S+)$'
map = { peer = "source.ip", gw = "destination.ip" }
`)
	for _, tc := range []struct {
		msg, ip, domain, dst string
	}{
		{"peer 192.0.2.7 via 198.51.100.1", "192.0.2.7", "", "198.51.100.1"},
		{"peer gw-1.example.net via 198.51.100.1", "", "gw-1.example.net", "198.51.100.1"},
		{"peer 999.1.1.1 via not/an/address", "", "", ""},
	} {
		e := msgEvent("myapp", tc.msg)
		if got := rs.Apply("myapp", e); got != "app.peer" {
			t.Fatalf("%q: matched %q", tc.msg, got)
		}
		if got := e.Str("source.ip"); got != tc.ip {
			t.Errorf("%q: source.ip = %q, want %q", tc.msg, got, tc.ip)
		}
		if got := e.Str("source.domain"); got != tc.domain {
			t.Errorf("%q: source.domain = %q, want %q", tc.msg, got, tc.domain)
		}
		if got := e.Str("destination.ip"); got != tc.dst {
			t.Errorf("%q: destination.ip = %q, want %q", tc.msg, got, tc.dst)
		}
	}
}

// A catalog written in several files is one set: the rules of every file,
// a name unique across them (the error names both files).
func TestParseFiles(t *testing.T) {
	one := []byte("[[rule]]\nname = \"a\"\npattern = \"first {x:word}\"\nmap = { x = \"user.name\" }\n")
	two := []byte("[[rule]]\nname = \"b\"\npattern = \"second {x:word}\"\nmap = { x = \"user.name\" }\n")
	rs, err := ParseFiles(File{Name: "k.toml", Data: one}, File{Name: "k.net.toml", Data: two})
	if err != nil {
		t.Fatal(err)
	}
	if rs.Len() != 2 {
		t.Errorf("ParseFiles: %d rules, want 2", rs.Len())
	}
	_, err = ParseFiles(File{Name: "k.toml", Data: one}, File{Name: "k.net.toml", Data: one})
	if err == nil || !strings.Contains(err.Error(), "k.net.toml") || !strings.Contains(err.Error(), "k.toml") {
		t.Errorf("a rule name in two files: error %v, want one naming both files", err)
	}
}

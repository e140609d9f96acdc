package rules

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/nomenhq/nomen/parse"
	"github.com/nomenhq/nomen/relay/event"
)

// FuzzRuleFile feeds the rule file loader (strict TOML through
// internal/config, patterns, regexes, field mappings, embedded tests)
// arbitrary files. It must never panic, neither loading nor running what
// it accepted: its embedded tests, and every rule's program applied to
// lines of the shipped examples.
func FuzzRuleFile(f *testing.F) {
	files, _ := filepath.Glob("../../configs/rules/*.toml")
	for _, name := range files {
		data, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte("[[rule]]\nname = \"x\"\nprogram = [\"a\", \"b\"]\nprefix = \"p\"\npattern = \"p {n:uint}[ {s:quoted}]\"\nmap = { n = \"app.n\" }\n[[rule.test]]\ninput = \"<13>Jul  1 10:00:00 h a: p 1 \\\"q\\\"\"\nexpect_none = true\n"))
	p := parse.New(parse.Options{Location: time.UTC})
	lines := []string{
		"<22>Jul  1 10:20:00 mx1 dovecot: imap-login: Login: user=<alice@example.org>, method=PLAIN, rip=203.0.113.40, lip=192.0.2.10, mpid=4242, TLS",
		"<29>Jul  1 10:21:00 vpn1 openvpn[811]: 198.51.100.7:51234 TLS: Username/Password authentication succeeded for username 'bob'",
		"<134>1 2026-07-01T10:22:00Z web1 portal 77 - - login ok user=carol from 192.0.2.5",
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		rs, err := Parse("fuzz.toml", data)
		if err != nil {
			return
		}
		_ = rs.Fields()
		rs.RunTests(func(line string) *event.Event {
			e := event.New(time.Date(2026, 7, 1, 12, 0, 0, 0, time.UTC))
			p.Parse([]byte(line), e)
			return e
		})
		for _, line := range lines {
			e := event.New(time.Date(2026, 7, 1, 12, 0, 0, 0, time.UTC))
			p.Parse([]byte(line), e)
			for _, prog := range []string{e.AppName, "dovecot", "openvpn", "portal", "a", ""} {
				rs.Apply(prog, e)
				rs.Trials(prog, e.Message)
			}
		}
	})
}

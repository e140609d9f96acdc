// Package archtest checks the import rules docs/ARCHITECTURE.md states:
// imports flow one way, from the leaves (relay/event, relay/wire,
// internal/*) through parse, normalize and forward to relay/* and cmd.
package archtest

import (
	"os/exec"
	"strings"
	"testing"
)

const module = "github.com/nomenhq/nomen/"

// rules: the first entry whose prefix matches a package says which of the
// module's packages it may import (by prefix). Order matters: specific
// before general.
var rules = []struct {
	pkg   string
	allow []string
}{
	{"cmd/", []string{""}},
	{"scripts/", []string{""}},
	{"deploy", nil},
	{"internal/testpeer", []string{"internal/"}},
	{"internal/", []string{"internal/"}},
	{"relay/event", nil},
	{"relay/wire", nil},
	{"relay/framing", nil},
	{"relay/systemd", nil},
	{"relay/filter", []string{"relay/event", "internal/config"}},
	{"parse", []string{"relay/event", "internal/"}},
	{"normalize/wincatalog", []string{"normalize/vendor"}},
	{"normalize/vendortest", []string{"normalize/vendor", "normalize/ecs"}},
	{"normalize/vendor", nil},
	{"normalize/ciscocatalog", []string{"normalize/vendor"}},
	{"normalize/ecs", []string{"normalize/vendor", "relay/event"}},
	{"normalize/rules", []string{"normalize/ecs", "internal/config", "relay/event"}},
	{"normalize/internal/normtest", []string{"parse", "relay/event", "internal/"}},
	// Leaf vendor decoders; cef also reads fortinet's and checkpoint's dialects.
	{"normalize/cef", []string{"normalize/vendor", "normalize/fortinet", "normalize/checkpoint", "relay/event"}},
	{"normalize/fortinet", []string{"normalize/vendor", "relay/event"}},
	{"normalize/paloalto", []string{"normalize/vendor", "relay/event"}},
	{"normalize/junos", []string{"normalize/vendor", "relay/event"}},
	{"normalize/screenos", []string{"normalize/vendor", "relay/event"}},
	{"normalize/checkpoint", []string{"normalize/vendor", "relay/event"}},
	{"normalize/ciscoftd", []string{"normalize/vendor", "relay/event"}},
	{"normalize/sonicwall", []string{"normalize/vendor", "relay/event"}},
	{"normalize/sophos", []string{"normalize/vendor", "relay/event"}},
	// Vendor families: ECS helpers, catalogs, leaf decoders, rules;
	// windows also the record helpers it shares with the agent protocol
	// (relay/wire, a leaf: XML entity decoding).
	{"normalize/windows", []string{"normalize/", "parse", "relay/event", "relay/wire"}},
	{"normalize/", []string{"normalize/", "parse", "relay/event"}},
	{"normalize", []string{"normalize/", "relay/event"}},
	{"forward/sinktest", []string{"forward", "parse", "relay/event", "internal/"}}, // builds its events from syslog lines
	{"forward", []string{"forward", "relay/event", "internal/"}},
	{"relay/stage/stagetest", []string{"relay/stage", "relay/decode", "relay/event", "parse", "normalize", "internal/"}},
	{"relay/stage", []string{"relay/stage", "relay/event", "internal/"}},
	{"relay/sequence", []string{"relay/stage", "relay/filter", "relay/event", "internal/"}},
	{"relay/correlate", []string{"relay/stage", "relay/filter", "relay/testcase", "relay/event", "internal/"}},
	{"relay/testcase", []string{"relay/filter", "relay/event", "internal/"}},
	{"relay/decode", []string{"parse", "normalize", "relay/event", "internal/"}},
	{"relay/coverage", []string{"parse", "relay/event", "internal/"}},
	{"relay/pipeline", []string{"relay/stage", "relay/event", "internal/"}},
	{"relay/listen", []string{"relay/decode", "relay/framing", "relay/pipeline", "relay/event", "internal/"}},
	{"relay/agent", []string{"relay/agent", "relay/wire", "relay/decode", "relay/event", "internal/"}},
	{"relay/natsin", []string{"relay/decode", "relay/pipeline", "relay/stage/lru", "relay/event", "internal/"}},
	{"relay/journal", []string{"relay/event", "internal/"}},
	{"relay/output", []string{"forward", "relay/filter", "relay/testcase", "relay/event", "internal/"}},
	{"relay/live", []string{"relay/filter", "relay/event", "internal/"}},
	{"relay/apiauth", []string{"internal/"}},
	{"relay/", []string{"relay/event", "internal/"}},
	{"relay", []string{"relay", "forward", "parse", "normalize", "internal/"}},
}

func TestImportRules(t *testing.T) {
	out, err := exec.Command("go", "list", "-f", `{{.ImportPath}} {{join .Imports " "}}`, module+"...").Output()
	if err != nil {
		t.Skipf("go list: %v", err)
	}
	n := 0
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		fields := strings.Fields(line)
		pkg, ok := strings.CutPrefix(fields[0], module)
		if !ok {
			continue
		}
		n++
		allow, found := allowed(pkg)
		if !found {
			t.Errorf("%s: no import rule covers it: add one here and to docs/ARCHITECTURE.md", pkg)
			continue
		}
		for _, imp := range fields[1:] {
			dep, ok := strings.CutPrefix(imp, module)
			if !ok || dep == pkg {
				continue
			}
			if !permitted(dep, allow) {
				t.Errorf("%s imports %s: not allowed (docs/ARCHITECTURE.md, The packages)", pkg, dep)
			}
		}
	}
	if n < 20 {
		t.Fatalf("only %d packages listed: is this the module?", n)
	}
}

func allowed(pkg string) ([]string, bool) {
	for _, r := range rules {
		if pkg == r.pkg || strings.HasPrefix(pkg, r.pkg+"/") || (strings.HasSuffix(r.pkg, "/") && strings.HasPrefix(pkg, r.pkg)) {
			return r.allow, true
		}
	}
	return nil, false
}

func permitted(dep string, allow []string) bool {
	for _, a := range allow {
		if a == "" || dep == a || strings.HasPrefix(dep, a+"/") || (strings.HasSuffix(a, "/") && strings.HasPrefix(dep, a)) {
			return true
		}
	}
	return false
}

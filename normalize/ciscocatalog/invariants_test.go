package ciscocatalog

import (
	"slices"
	"strings"
	"testing"
)

// ECS allowed values (ECS 8.17) for the fields a Class sets.
var (
	ecsCategories = []string{"api", "authentication", "configuration", "database", "driver", "email", "file",
		"host", "iam", "intrusion_detection", "library", "malware", "network", "package", "process",
		"registry", "session", "threat", "vulnerability", "web"}
	ecsTypes = []string{"access", "admin", "allowed", "change", "connection", "creation", "deletion", "denied",
		"end", "error", "group", "indicator", "info", "installation", "protocol", "start", "user"}
	ecsOutcomes = []string{"", "failure", "success", "unknown"}
)

// everyMsg returns every catalogued message.
func everyMsg() []*Msg {
	var all []*Msg
	for _, m := range catalogIndex().asa {
		all = append(all, m)
	}
	for _, m := range catalogIndex().ios {
		all = append(all, m)
	}
	return all
}

func checkClass(t *testing.T, id string, c *Class) {
	t.Helper()
	if len(c.Category) == 0 || len(c.Type) == 0 {
		t.Errorf("%s: class without category or type: %+v", id, c)
	}
	for _, v := range c.Category {
		if !slices.Contains(ecsCategories, v) {
			t.Errorf("%s: event.category %q is not an ECS allowed value", id, v)
		}
	}
	for _, v := range c.Type {
		if !slices.Contains(ecsTypes, v) {
			t.Errorf("%s: event.type %q is not an ECS allowed value", id, v)
		}
	}
	if !slices.Contains(ecsOutcomes, c.Outcome) {
		t.Errorf("%s: event.outcome %q is not an ECS allowed value", id, c.Outcome)
	}
	if !isAction(c.Action) {
		t.Errorf("%s: event.action %q is not lower-case and hyphenated", id, c.Action)
	}
}

// isAction: lower-case words joined by single hyphens.
func isAction(a string) bool {
	if a == "" || a[0] == '-' || a[len(a)-1] == '-' || strings.Contains(a, "--") {
		return false
	}
	for i := 0; i < len(a); i++ {
		if c := a[i]; !('a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-') {
			return false
		}
	}
	return true
}

func TestClassesAreECS(t *testing.T) {
	for _, m := range everyMsg() {
		if m.Class.Action != "" || len(m.Class.Category) > 0 {
			checkClass(t, m.ID, &m.Class)
		}
		for i := range m.Cases {
			checkClass(t, m.ID+"/"+m.Cases[i].Value, &m.Cases[i].Class)
		}
		if m.Class.Action == "" && len(m.Cases) == 0 {
			t.Errorf("%s: neither a class nor cases", m.ID)
		}
		if !strings.HasPrefix(m.Rule, "cisco_asa.") && !strings.HasPrefix(m.Rule, "cisco_ios.") {
			t.Errorf("%s: rule %q", m.ID, m.Rule)
		}
	}
}

// Every emitted key is an ECS field or under the vendor's namespace.
func TestKeysAreKnown(t *testing.T) {
	ecsPrefixes := []string{"source.", "destination.", "observer.ingress.", "observer.egress.", "network.", "user.name",
		"rule.", "process.command_line", "process.working_directory", "user.effective.name", "event.duration", "event.reason", "url.original", "url.path", "file.path", "cisco.asa.", "cisco.ios."}
	for _, m := range everyMsg() {
		for _, tm := range m.templates() {
			for _, s := range tm.slots {
				if !s.emit {
					continue
				}
				ok := false
				for _, p := range ecsPrefixes {
					ok = ok || strings.HasPrefix(s.key, p)
				}
				if !ok {
					t.Errorf("%s: placeholder %s goes to %q", m.ID, s.name, s.key)
				}
			}
		}
	}
}

func TestUnknownID(t *testing.T) {
	if _, ok := ASA("999999"); ok {
		t.Error("999999 is catalogued")
	}
	if _, ok := IOS("SYS", "NO_SUCH_MNEMONIC"); ok {
		t.Error("SYS-NO_SUCH_MNEMONIC is catalogued")
	}
	m, _ := ASA("106023")
	for _, body := range []string{"", "Deny", "Deny tcp src", "Deny tcp src outside:198.51.100.1/1 dst"} {
		if _, ok := m.Match(body, func(k, v string, _ Kind) { t.Errorf("%q: %s=%q", body, k, v) }); ok {
			t.Errorf("%q matched", body)
		}
	}
}

func TestBadTemplates(t *testing.T) {
	for _, f := range []string{
		"{a}{b}",          // no text between placeholders
		"x {a:text}{...}", // text before {...}
		"x {?{a} y}",      // optional starting with a placeholder
		"x {a} y {a}",     // placeholder twice
		"x {a:nokind}",    // unknown kind
		"x {a",            // unbalanced
		"x {...} y",       // {...} not last
	} {
		if _, err := compileTemplate(f, asaPrefix, nil); err == nil {
			t.Errorf("%q compiled", f)
		}
	}
}

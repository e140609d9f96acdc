package rules

import (
	"slices"
	"testing"
)

// A rule whose event.type ECS does not expect with its category, or whose
// action is not in nomen's style, loads and applies, and check names the
// rule, its line and what ECS expects (the fix).
func TestClassWarnings(t *testing.T) {
	rs := mustRules(t, `
[[rule]]
name = "app.ok"
program = "myapp"
pattern = 'login ok user={user:word}'
fields = { "event.category" = ["authentication"], "event.type" = ["start"], "event.action" = "app-login" }
map = { user = "user.name" }

[[rule]]
name = "app.refused"
program = "myapp"
pattern = 'login refused user={user:word}'
fields = { "event.category" = ["authentication", "network"], "event.type" = ["denied", "change"], "event.action" = "Login Refused" }
map = { user = "user.name" }
`)
	want := []string{
		`test.toml:9: warning: rule "app.refused": event.action "Login Refused" is not lower-case words joined by hyphens (the style of nomen's actions: "login-refused")`,
		// denied is expected with network, change with neither.
		`test.toml:9: warning: rule "app.refused": event.type "change" is not one ECS expects with event.category authentication, network (expected authentication: start, end, info; network: access, allowed, connection, denied, end, info, protocol, start)`,
	}
	if got := rs.ClassWarnings(); !slices.Equal(got, want) {
		t.Errorf("warnings:\n%q\nwant:\n%q", got, want)
	}
	e := msgEvent("myapp", "login refused user=bob")
	if got := rs.Apply("myapp", e); got != "app.refused" {
		t.Errorf("the rule with warnings must still apply; matched %q", got)
	}
}

func TestActionStyle(t *testing.T) {
	for in, want := range map[string]string{
		"Login Failed": "login-failed", "user_created": "user-created", "--x--Y": "x-y", "a1 b2": "a1-b2", "": "",
	} {
		if got := actionStyle(in); got != want {
			t.Errorf("actionStyle(%q) = %q, want %q", in, got, want)
		}
	}
}

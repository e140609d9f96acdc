package relay

import (
	"os"
	"path/filepath"
	"testing"
)

// A field name mistyped in a correlation rule is a warning that names the
// rule and the line of its table, not only "correlate": with several rules
// the operator must know which one never fires.
func TestCheckFieldsNamesCorrelationRule(t *testing.T) {
	dir := t.TempDir()
	body := `state_dir = "` + filepath.ToSlash(dir) + `/state"

[[listener]]
name = "udp"
protocol = "udp"
address = "127.0.0.1:0"

[[output]]
name = "archive"
type = "file"
path = "` + filepath.ToSlash(dir) + `/events.jsonl"

[[correlate.threshold]]
name = "fine"
where = { "event.category" = "authentication" }
group_by = ["source.ip"]
count = 5
window = "60s"

[[correlate.threshold]]
name = "typo"
where = { "event.categroy" = "authentication" }
group_by = ["source.ip"]
count = 5
window = "60s"
`
	path := filepath.Join(dir, "nomen.toml")
	if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	data := []byte(body)
	cfg, err := ParseConfigData(path, data)
	if err != nil {
		t.Fatal(err)
	}
	p := &problems{file: path}
	cfg.checkFields(data, nil, p)
	wantProblems(t, p.warning,
		path+`:21: warning: correlate.threshold "typo": where: unknown field "event.categroy"`,
	)
	if len(p.warning) != 1 {
		t.Errorf("want one warning (the rule with the typo), got %q", p.warning)
	}
}

// An invalid value of a [section] key (not a listener or output) is
// reported with the line that sets it, as the other errors are.
func TestCheckSectionKeyErrorHasLine(t *testing.T) {
	path := writeCheckConfig(t, `state_dir = "{{.Dir}}/state"

[log]
format = "text"
level = "verbose"

[[listener]]
name = "udp"
protocol = "udp"
address = "127.0.0.1:0"
`)
	r := Check(path, CheckOptions{})
	wantProblems(t, r.Errors, path+`:5: log.level "verbose"`)
}

// A user rule that pairs a category with a type ECS does not expect for it
// is a warning of `nomen check` at the rule file's line, not an error:
// the configuration is OK and the rule loads.
func TestCheckWarnsRuleClass(t *testing.T) {
	path := writeCheckConfig(t, `state_dir = "{{.Dir}}/state"

[[listener]]
name = "udp"
protocol = "udp"
address = "127.0.0.1:0"

[[output]]
name = "archive"
type = "file"
path = "{{.Dir}}/events.jsonl"

[normalize]
rules = ["{{.Dir}}/rules.toml"]
`)
	rulesPath := filepath.Join(filepath.Dir(path), "rules.toml")
	if err := os.WriteFile(rulesPath, []byte(`[[rule]]
name = "app.denied"
program = "myapp"
pattern = 'denied {user:word}'
fields = { "event.category" = ["authentication"], "event.type" = ["denied"] }
map = { user = "user.name" }
`), 0o644); err != nil {
		t.Fatal(err)
	}
	r := Check(path, CheckOptions{})
	if !r.OK() {
		t.Fatalf("a class warning must not fail the check: %q", r.Errors)
	}
	wantProblems(t, r.Warnings, rulesPath+`:1: warning: rule "app.denied": event.type "denied" is not one ECS expects with event.category authentication`)
}

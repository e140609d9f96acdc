package relay

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nomenhq/nomen/normalize"
)

const checkBase = `state_dir = %q
[[listener]]
name = "udp"
protocol = "udp"
address = "127.0.0.1:0"
[[output]]
name = "alerts"
type = "file"
path = %q
where = { "event.kind" = "alert" }
[[output.test]]
event = { "event.kind" = "alert" }
match = true
[[output.test]]
event = { "@line" = "<38>Nov 22 10:15:02 web1 sshd[392]: Accepted publickey for alice from 10.0.0.5 port 4711 ssh2" }
match = %t

[[correlate.first_seen]]
name = "first-logon"
where = { "event.category" = "authentication", "event.outcome" = "success" }
fields = ["user.name"]

[[correlate.first_seen.test]]
lines = ["<38>Nov 22 10:15:02 web1 sshd[392]: Accepted publickey for alice from 10.0.0.5 port 4711 ssh2"]
expect = [{ "rule.name" = "first-logon", "user.name" = %q }]
`

func writeEmbeddedTestsConfig(t *testing.T, outputMatch bool, user string) string {
	dir := t.TempDir()
	path := filepath.Join(dir, "nomen.toml")
	data := fmt.Sprintf(checkBase, dir, filepath.Join(dir, "out.jsonl"), outputMatch, user)
	if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestCheckCorrelateAndOutputTests(t *testing.T) {
	report := Check(writeEmbeddedTestsConfig(t, false, "alice"), CheckOptions{})
	if !report.OK() || !strings.Contains(report.Summary, "3 embedded tests passed") {
		t.Errorf("report: %+v", report)
	}
	path := writeEmbeddedTestsConfig(t, true, "bob")
	bad := Check(path, CheckOptions{})
	if bad.OK() {
		t.Fatal("wrong tests passed")
	}
	err := errors.New(strings.Join(bad.Errors, "\n"))
	for _, want := range []string{
		path + ":14: output \"alerts\" test 2 failed: match = false, want true",
		"where: event.kind: got \"event\", want alert",
		path + ":23: correlate.first_seen \"first-logon\" test 1 failed",
		`user.name: got "alice", want bob`,
		"2 of 3 correlation and output tests failed",
	} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error lacks %q:\n%v", want, err)
		}
	}
}

// The tests shipped in the reference configuration pass.
func TestReferenceConfigTestsPass(t *testing.T) {
	cfg, err := ParseConfigData(referencePath, readReference(t))
	if err != nil {
		t.Fatal(err)
	}
	norm, err := normalize.New(normalize.Config{})
	if err != nil {
		t.Fatal(err)
	}
	n, err := checkEmbedded(cfg, norm, 0)
	if err != nil || n == 0 {
		t.Fatalf("%d tests: %v", n, err)
	}
}

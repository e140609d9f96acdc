package main

import (
	"context"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestCheckAndRunPortInUse: a listener's port held by another process is a
// warning at check (it might be the running nomen itself, before a
// reload) and makes run fail, saying which configuration file.
func TestCheckAndRunPortInUse(t *testing.T) {
	held, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer held.Close()
	dir := t.TempDir()
	cfg := strings.ReplaceAll(headConfig+`[[listener]]
name = "taken"
protocol = "tcp"
address = "`+held.Addr().String()+`"
`+archiveOutput, "{{.Dir}}", dir)
	path := filepath.Join(dir, "nomen.toml")
	if err := os.WriteFile(path, []byte(cfg), 0o644); err != nil {
		t.Fatal(err)
	}
	line := 1 + strings.Count(cfg[:strings.Index(cfg, `name = "taken"`)], "\n")

	out, err := exec.Command(nomenBin, "check", "-config", path).CombinedOutput()
	want := path + ":" + strconv.Itoa(line) + `: warning: listener "taken": address ` + held.Addr().String() + " (tcp) is in use"
	if err != nil || !strings.Contains(string(out), want) || !strings.Contains(string(out), ": OK (") {
		t.Errorf("check: %v, want exit 0 with %q:\n%s", err, want, out)
	}

	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	out, err = exec.CommandContext(ctx, nomenBin, "run", "-config", path).CombinedOutput()
	if exitCode(err) != 1 || !strings.Contains(string(out), "nomen could not start") ||
		!strings.Contains(string(out), "config="+path) || !strings.Contains(string(out), "address already in use") {
		t.Errorf("run: %v, want exit 1 naming the config and the cause:\n%s", err, out)
	}
}

// TestReloadErrorForm: a reload error in the log has the file:line: key:
// form check prints for the same file.
func TestReloadErrorForm(t *testing.T) {
	n := startNomen(t, loggerConfig)
	orig, _ := os.ReadFile(n.config)
	bad := string(orig) + "\n[[correlate.threshold]]\nname = \"brute\"\nwindow = \"5 minutes\"\n"
	if err := os.WriteFile(n.config, []byte(bad), 0o644); err != nil {
		t.Fatal(err)
	}
	want := n.config + ":" + strconv.Itoa(strings.Count(bad, "\n")) + `: correlate.threshold.window: invalid duration`
	out, _ := exec.Command(nomenBin, "check", "-config", n.config).CombinedOutput()
	if !strings.Contains(string(out), want) {
		t.Errorf("check does not say %q:\n%s", want, out)
	}
	pos := n.signal(syscall.SIGHUP)
	if _, _, ok := n.log.waitFor(regexp.MustCompile(`configuration reload failed.*`+regexp.QuoteMeta(want)), pos, 10*time.Second); !ok {
		t.Fatalf("the reload failure does not say %q:\n%s", want, n.log)
	}
}

// TestRuleFileErrorForm: a mistake in a user rule file is reported as
// RULEFILE:LINE: message, the form of every configuration error, alike by
// check, by a failed start and in the log of a failed reload (the rule
// file's line, not the `rules` key of nomen.toml; it was
// "rules: FILE: line N: ...").
func TestRuleFileErrorForm(t *testing.T) {
	n := startNomen(t, headConfig+"[normalize]\nrules = [\"{{.Dir}}/rules/*.toml\"]\n"+loggerConfig[len(headConfig):])
	rulesDir := filepath.Join(n.dir, "rules")
	if err := os.MkdirAll(rulesDir, 0o755); err != nil {
		t.Fatal(err)
	}
	ruleFile := filepath.Join(rulesDir, "app.toml")
	if err := os.WriteFile(ruleFile, []byte("[[rule]]\nname = \"app.login\"\npatern = \"login {user.name}\"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	want := ruleFile + `:3: unknown key "rule.patern": did you mean "pattern"?`

	out, _ := exec.Command(nomenBin, "check", "-config", n.config).CombinedOutput()
	if !strings.Contains(string(out), "\n"+want) && !strings.HasPrefix(string(out), want) {
		t.Errorf("check does not start a line with %q:\n%s", want, out)
	}

	pos := n.signal(syscall.SIGHUP)
	if _, _, ok := n.log.waitFor(regexp.MustCompile(`configuration reload failed.*err="`+regexp.QuoteMeta(strings.ReplaceAll(want, `"`, `\"`))), pos, 10*time.Second); !ok {
		t.Fatalf("the reload failure does not say %q:\n%s", want, n.log)
	}

	other := filepath.Join(t.TempDir(), "nomen.toml") // another state_dir: the running nomen holds its own
	cfg := "state_dir = \"" + filepath.Join(filepath.Dir(other), "state") + "\"\n[metrics]\nlisten = \"\"\n[normalize]\nrules = [\"" + rulesDir + "/*.toml\"]\n" +
		"[[listener]]\nname = \"tcp\"\nprotocol = \"tcp\"\naddress = \"127.0.0.1:0\"\n[[output]]\nname = \"f\"\ntype = \"file\"\npath = \"" + filepath.Join(filepath.Dir(other), "out.jsonl") + "\"\n"
	if err := os.WriteFile(other, []byte(cfg), 0o644); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, nomenBin, "run", "-config", other).CombinedOutput()
	if exitCode(err) != 1 || !strings.Contains(string(out), `err="`+strings.ReplaceAll(want, `"`, `\"`)) {
		t.Errorf("run: %v, want exit 1 with err=%q:\n%s", err, want, out)
	}
}

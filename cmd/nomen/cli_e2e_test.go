package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/nomenhq/nomen/internal/testpeer"
)

// TestCheck runs `nomen check` on a valid and on broken configurations.
func TestCheck(t *testing.T) {
	dir := t.TempDir()
	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	good := write("good.toml", strings.ReplaceAll(loggerConfig, "{{.Dir}}", dir))
	out, err := exec.Command(nomenBin, "check", "-config", good).CombinedOutput()
	if err != nil || !strings.Contains(string(out), "OK") {
		t.Errorf("check of a good config: %v\n%s", err, out)
	}
	// User rules: their embedded tests run, a failing one is shown with its diff.
	write("good-rule.toml", `[[rule]]
name = "app.login"
program = "app"
pattern = "login {user:word} from {src:ip}"
fields = { "event.category" = ["authentication"], "event.outcome" = "success" }
map = { user = "user.name", src = "source.ip" }
[[rule.test]]
input = "<38>Jul  1 10:00:00 web1 app[7]: login bob from 10.0.0.1"
expect = { "user.name" = "bob", "source.ip" = "10.0.0.1" }
`)
	withRules := write("rules.toml", strings.ReplaceAll(loggerConfig, "{{.Dir}}", dir)+
		"[normalize]\nrules = [\""+filepath.Join(dir, "good-rule*.toml")+"\"]\n")
	out, err = exec.Command(nomenBin, "check", "-config", withRules).CombinedOutput()
	if err != nil || !strings.Contains(string(out), "1 embedded tests passed") {
		t.Errorf("check with a passing rule test: %v\n%s", err, out)
	}
	write("good-rule-bad-test.toml", `[[rule]]
name = "app.logout"
program = "app"
pattern = "logout {user:word}"
map = { user = "user.name" }
[[rule.test]]
input = "<38>Jul  1 10:00:00 web1 app[7]: logout carol"
expect = { "user.name" = "dave", "event.action" = "logout" }
`)
	out, err = exec.Command(nomenBin, "check", "-config", withRules).CombinedOutput()
	for _, want := range []string{"1 of 2 rule tests failed", `rule "app.logout" test 1 failed`,
		`user.name: got "carol" (string), want "dave" (string)`, `event.action: missing, want "logout"`} {
		if code := exitCode(err); code != 1 || !strings.Contains(string(out), want) {
			t.Errorf("check with a failing rule test: exit %d, output %q; want exit 1 mentioning %q", code, out, want)
		}
	}
	pki := testpeer.NewPKI(t)
	garbageKey := write("garbage.key", "not a key\n")
	for _, tc := range []struct{ name, body, want string }{
		{"typo", strings.Replace(loggerConfig, `name = "udp"`, "name = \"udp\"\nprotocl = \"udp\"", 1), `unknown key "listener.protocl"`},
		{"missing file", "", "no such file"},
		{"bad value", strings.Replace(loggerConfig, `timezone = "UTC"`, `timezone = "Nowhere/Land"`, 1), "parse.timezone"},
		// An output's TLS key that is not PEM: check loads it (it used to
		// only see that the file exists) and names the file.
		{"bad output key", loggerConfig + "[[output]]\nname = \"siem\"\ntype = \"syslog\"\naddress = \"127.0.0.1:6514\"\ntransport = \"tls\"\n" +
			"tls = { cert = \"" + filepath.ToSlash(pki.ClientCert) + "\", key = \"" + filepath.ToSlash(garbageKey) + "\" }\n",
			`output "siem": syslog: tls: cert ` + pki.ClientCert + ", key " + garbageKey + ": failed to find any PEM data in key input"},
	} {
		path := filepath.Join(dir, tc.name+".toml")
		if tc.body != "" {
			path = write(tc.name+".toml", strings.ReplaceAll(tc.body, "{{.Dir}}", dir))
		}
		out, err := exec.Command(nomenBin, "check", "-config", path).CombinedOutput()
		if code := exitCode(err); code != 1 || !strings.Contains(string(out), tc.want) {
			t.Errorf("%s: exit %d, output %q; want exit 1 mentioning %q", tc.name, code, out, tc.want)
		}
		if tc.body != "" && !strings.HasSuffix(string(out), path+": 1 error\n") {
			t.Errorf("%s: output %q does not end with the count %q", tc.name, out, path+": 1 error")
		}
	}
}

func exitCode(err error) int {
	if ee, ok := err.(*exec.ExitError); ok {
		return ee.ExitCode()
	}
	if err != nil {
		return -1
	}
	return 0
}

// TestParseCommand feeds `nomen parse` a wire line and a bare line.
func TestParseCommand(t *testing.T) {
	cmd := exec.Command(nomenBin, "parse")
	cmd.Stdin = strings.NewReader("<38>Nov 22 10:15:02 web1 sshd[392]: Failed password for invalid user ftp from 10.0.0.5 port 49786 ssh2\nno header at all\n")
	out, err := cmd.Output()
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	if len(lines) != 2 {
		t.Fatalf("want 2 lines, got %q", out)
	}
	for _, want := range []string{`"hostname":"web1"`, `"appname":"sshd"`, `"message":"Failed password`} {
		if !strings.Contains(lines[0], want) {
			t.Errorf("line 1 lacks %s: %s", want, lines[0])
		}
	}
	if !strings.Contains(lines[1], `"original":"no header at all"`) || strings.Contains(lines[1], `"category"`) {
		t.Errorf("unknown line must keep its text and get no category: %s", lines[1])
	}
}

// TestReload: SIGHUP with an invalid file keeps the old config running;
// with a valid one it adds a listener and keeps the others.
func TestReload(t *testing.T) {
	logger := needCommand(t, "logger")
	n := startNomen(t, loggerConfig)
	orig, _ := os.ReadFile(n.config)

	os.WriteFile(n.config, []byte("this is [not toml"), 0o644)
	pos := n.signal(syscall.SIGHUP)
	if _, _, ok := n.log.waitFor(regexp.MustCompile(`configuration reload failed`), pos, 10*time.Second); !ok {
		t.Fatalf("no reload failure logged:\n%s", n.log)
	}
	run(t, logger, "-n", "127.0.0.1", "-P", n.port("tcp"), "-T", "still running")

	added := string(orig) + "\n[[listener]]\nname = \"tcp2\"\nprotocol = \"tcp\"\naddress = \"127.0.0.1:0\"\n"
	os.WriteFile(n.config, []byte(added), 0o644)
	pos = n.signal(syscall.SIGHUP)
	m, _, ok := n.log.waitFor(reListening, pos, 10*time.Second)
	if !ok || m[1] != "tcp2" {
		t.Fatalf("new listener not started:\n%s", n.log)
	}
	addr := m[2]
	run(t, logger, "-n", "127.0.0.1", "-P", addr[strings.LastIndexByte(addr, ':')+1:], "-T", "via the new listener")
	run(t, logger, "-n", "127.0.0.1", "-P", n.port("tcp"), "-T", "old listener kept")
	docs := waitJSONLines(t, filepath.Join(n.dir, "events.jsonl"), 3, 10*time.Second)
	got := map[string]string{}
	for _, d := range docs {
		got[getStr(d, "message")] = getStr(d, "nomen.input")
	}
	for msg, input := range map[string]string{"still running": "tcp", "via the new listener": "tcp2", "old listener kept": "tcp"} {
		if got[msg] != input {
			t.Errorf("%q: input %q, want %q (all: %v)", msg, got[msg], input, got)
		}
	}
	if v := n.metric("nomen_config_reloads_total", `result="failure"`); v != 1 {
		t.Errorf("reload failures = %v, want 1", v)
	}
}

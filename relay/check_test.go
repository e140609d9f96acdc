package relay

import (
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func writeCheckConfig(t *testing.T, body string) string {
	t.Helper()
	dir := t.TempDir()
	path := filepath.Join(dir, "nomen.toml")
	body = strings.ReplaceAll(body, "{{.Dir}}", dir)
	if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func wantProblems(t *testing.T, got []string, want ...string) {
	t.Helper()
	all := strings.Join(got, "\n")
	for _, w := range want {
		if !strings.Contains(all, w) {
			t.Errorf("no problem says %q; got:\n%s", w, all)
		}
	}
}

// Every validation error is reported at once, each with its line; a name
// used twice names both lines.
func TestCheckReportsAllErrorsWithLines(t *testing.T) {
	path := writeCheckConfig(t, `state_dir = "{{.Dir}}/state"
[[listener]]
name = "tcp"
protocol = "tcp"
address = "127.0.0.1:99999"

[[output]]
name = "a"
type = "file"
path = "{{.Dir}}/a.jsonl"

[[output]]
name = "a"
type = "syslog"
address = "nohostport"
`)
	r := Check(path, CheckOptions{})
	if r.OK() {
		t.Fatal("no error")
	}
	wantProblems(t, r.Errors,
		path+`:3: listener "tcp": address "127.0.0.1:99999": port "99999" is not a number from 0 to 65535`,
		path+":8: output \"a\": name used twice (lines 8, 13)",
		`syslog: address "nohostport"`,
	)
}

// Problems of every stage are reported at once: an output of an unknown
// type and one whose value does not decode (the other entries still
// decode), unknown keys (a key of another output's type too), and the
// values of what decoded. The keys of the
// output whose type is unknown are not called unknown: which keys its
// type takes is not known.
func TestCheckReportsDecodeAndValueErrorsAtOnce(t *testing.T) {
	path := writeCheckConfig(t, `state_dir = "{{.Dir}}/state"
bogus = 1

[log]
format = "xml"

[[listener]]
name = "tcp"
protocol = "tcp"
address = "127.0.0.1:0"
framin = "lf"

[[output]]
name = "a"
type = "fiel"
path = "{{.Dir}}/a.jsonl"
rotate_keep = 3

[[output]]
name = "b"
type = "file"
path = "{{.Dir}}/b.jsonl"
rotate_size = "lots"

[[output]]
name = "c"
type = "file"
path = "{{.Dir}}/c.jsonl"
mode = "0600"

[[output]]
name = "d"
type = "syslog"
address = "127.0.0.1:514"
mode = "0600"
`)
	r := Check(path, CheckOptions{})
	want := []string{
		path + `:14: output "a": unknown type "fiel"`,
		path + `:23: output "b": output.rotate_size: invalid size "lots"`,
		path + `:2: unknown key "bogus"`,
		path + `:11: unknown key "listener.framin": did you mean "framing"?`,
		path + `:35: unknown key "output.mode": (valid keys of [[output]] of type "syslog"`,
		path + `:5: log.format "xml": want text or json`,
	}
	wantProblems(t, r.Errors, want...)
	if len(r.Errors) != len(want) {
		t.Errorf("%d errors, want %d:\n%s", len(r.Errors), len(want), strings.Join(r.Errors, "\n"))
	}
}

// -online: an output whose destination refuses connections is reported.
func TestCheckOnline(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	up := l.Addr().String()
	l2, _ := net.Listen("tcp", "127.0.0.1:0")
	down := l2.Addr().String()
	l2.Close()
	defer l.Close()
	path := writeCheckConfig(t, `state_dir = "{{.Dir}}/state"
[[listener]]
name = "udp"
protocol = "udp"
address = "127.0.0.1:0"
[[output]]
name = "up"
type = "syslog"
address = "`+up+`"

[[output]]
name = "down"
type = "http"
kind = "ndjson"
url = "http://`+down+`/x"
`)
	r := Check(path, CheckOptions{Online: true})
	wantProblems(t, r.Errors, path+`:12: output "down": not reachable`)
	if strings.Contains(strings.Join(r.Errors, "\n"), `output "up"`) {
		t.Errorf("reachable output reported: %v", r.Errors)
	}
}

// The configuration `make run` starts with passes check as the README
// teaches it: its local listener's relative socket path is a path, not a
// host:port.
func TestCheckDevConfig(t *testing.T) {
	r := Check("../configs/dev.toml", CheckOptions{})
	if !r.OK() {
		t.Errorf("configs/dev.toml: %s", strings.Join(r.Errors, "\n"))
	}
}

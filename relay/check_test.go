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

// A valid configuration whose files the service could not use: each is
// reported with its line, and nothing is created (state_dir included).
func TestCheckFilesAndFieldsAndNothingWritten(t *testing.T) {
	dir := t.TempDir()
	os.Chmod(filepath.Dir(dir), 0o755) // others may enter (the account below)
	os.Chmod(dir, 0o755)
	locked := filepath.Join(dir, "locked")
	if err := os.Mkdir(locked, 0o555); err != nil {
		t.Fatal(err)
	}
	body := `state_dir = "` + locked + `/state"
[[listener]]
name = "tls"
protocol = "tls"
address = "127.0.0.1:0"
tls = { cert = "` + dir + `/missing.crt", key = "` + dir + `/missing.key" }

[normalize]
rules = ["` + dir + `/rules/*.toml"]

[[output]]
name = "archive"
type = "file"
path = "` + locked + `/out/events.jsonl"
where = { "evnt.category" = "authentication" }
`
	path := filepath.Join(dir, "nomen.toml")
	os.WriteFile(path, []byte(body), 0o644)
	// As a user that is not the owner: compute access for an account that
	// owns nothing (so that a root test run is checked too).
	r := checkAs(path, account{name: "svc", uid: 54321, gids: []uint32{54321}})
	wantProblems(t, r.Errors,
		path+":1: state_dir "+locked+"/state: user svc cannot create",
		path+":3: listener \"tls\": tls: open "+dir+"/missing.crt: no such file",
		path+":12: output \"archive\": path "+locked+"/out/events.jsonl: user svc cannot create",
	)
	wantProblems(t, r.Warnings,
		path+":9: warning: normalize.rules",
		"matches no file",
		path+`:12: warning: output "archive": where: unknown field "evnt.category"`,
	)
	entries, _ := os.ReadDir(locked)
	if len(entries) != 0 {
		t.Errorf("check created %v in the state directory's parent", entries)
	}
}

// checkAs is Check with the account given instead of looked up.
func checkAs(path string, acct account) *CheckReport {
	p := &problems{file: path}
	data, _ := os.ReadFile(path)
	cfg, err := ParseConfigData(path, data)
	if err != nil {
		locate(data, err, p)
		cfg = decodeOnly(path, data)
	}
	cfg.checkPaths(data, acct, p)
	cfg.checkFields(data, nil, p)
	return &CheckReport{Errors: p.errors, Warnings: p.warning}
}

func TestAccountAccessFromModes(t *testing.T) {
	dir := t.TempDir()
	os.Chmod(filepath.Dir(dir), 0o755)
	os.Chmod(dir, 0o755)
	f := filepath.Join(dir, "f")
	os.WriteFile(f, nil, 0o640)
	me, err := lookupAccount("")
	if err != nil {
		t.Skip(err)
	}
	other := account{name: "other", uid: me.uid + 1000, gids: []uint32{54321}}
	if err := other.canRead(f); err == nil {
		t.Error("a stranger may read a 0640 file")
	}
	if err := other.canWrite(filepath.Join(dir, "new"), false); err == nil {
		t.Error("a stranger may create a file in a 0755 directory")
	}
	owner := account{name: "owner", uid: me.uid, gids: me.gids}
	if me.uid != 0 {
		if err := owner.canRead(f); err != nil {
			t.Errorf("the owner cannot read: %v", err)
		}
	}
	group := account{name: "group", uid: me.uid + 1000, gids: me.gids}
	if err := group.canRead(f); err != nil {
		t.Errorf("a member of the file's group cannot read a 0640 file: %v", err)
	}
	if err := group.canWrite(f, false); err == nil {
		t.Error("a member of the file's group may write a 0640 file")
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

// A nats listener's files are checked like an output's: credentials, nkey
// seed and TLS files the service user cannot read, and a dead-letter file
// it cannot create, each with the line of the listener.
func TestCheckNATSListenerFiles(t *testing.T) {
	dir := t.TempDir()
	os.Chmod(filepath.Dir(dir), 0o755) // others may enter (the account below)
	os.Chmod(dir, 0o755)
	secret := filepath.Join(dir, "secret")
	if err := os.Mkdir(secret, 0o700); err != nil {
		t.Fatal(err)
	}
	creds := filepath.Join(dir, "edge.creds")
	os.WriteFile(creds, []byte("-----BEGIN NATS USER JWT-----\n"), 0o600)
	body := `state_dir = "` + dir + `/state"
[[listener]]
name = "central"
protocol = "nats"
stream = "NOMEN"
creds = "` + creds + `"
dead_letter = "` + secret + `/dl.jsonl"

[[listener]]
name = "other"
protocol = "nats"
stream = "OTHER"
nkey = "` + secret + `/edge.nk"
`
	path := filepath.Join(dir, "nomen.toml")
	os.WriteFile(path, []byte(body), 0o644)
	r := checkAs(path, account{name: "svc", uid: 54321, gids: []uint32{54321}})
	wantProblems(t, r.Errors,
		path+":3: listener \"central\": creds "+creds+": user svc cannot read",
		path+":3: listener \"central\": dead_letter "+secret+"/dl.jsonl: user svc cannot enter directory "+secret,
		path+":10: listener \"other\": nkey "+secret+"/edge.nk: user svc cannot enter directory "+secret,
	)
}

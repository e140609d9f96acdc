//go:build unix

package relay

// The tests of checks that compute a service account's access from file
// modes (check_access_unix.go): unix only, as that code is.

import (
	"os"
	"path/filepath"
	"testing"
)

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
		path+":3: listener \"tls\": tls: cert: open "+dir+"/missing.crt: no such file",
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

// A rule file the service cannot read is named: with several files behind
// one pattern, "cannot enter directory" alone would repeat one identical
// line per file without saying which.
func TestCheckNamesUnreadableRuleFile(t *testing.T) {
	dir := t.TempDir()
	os.Chmod(filepath.Dir(dir), 0o755)
	os.Chmod(dir, 0o755)
	rules := filepath.Join(dir, "rules")
	if err := os.Mkdir(rules, 0o700); err != nil { // the owner's only
		t.Fatal(err)
	}
	for _, name := range []string{"a.toml", "b.toml"} {
		if err := os.WriteFile(filepath.Join(rules, name), nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	body := `state_dir = "` + dir + `/state"
[normalize]
rules = ["` + rules + `/*.toml"]
`
	path := filepath.Join(dir, "nomen.toml")
	os.WriteFile(path, []byte(body), 0o644)
	r := checkAs(path, account{name: "svc", uid: 54321, gids: []uint32{54321}})
	wantProblems(t, r.Errors,
		path+":3: normalize.rules "+filepath.Join(rules, "a.toml")+": user svc cannot enter directory "+rules,
		path+":3: normalize.rules "+filepath.Join(rules, "b.toml")+": user svc cannot enter directory "+rules,
	)
}

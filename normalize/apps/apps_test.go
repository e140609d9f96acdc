package apps

import (
	"io/fs"
	"strings"
	"testing"

	"github.com/nomenhq/nomen/normalize/internal/normtest"
	"github.com/nomenhq/nomen/relay/event"
)

// Every catalog compiles (sentences panics otherwise) and dispatches somewhere.
func TestCatalogsLoad(t *testing.T) {
	for _, c := range allCatalogs() {
		if c.sentences().Len() == 0 || len(c.programs) == 0 {
			t.Errorf("catalog %s: %d sentences, programs %v", c.name, c.sentences().Len(), c.programs)
		}
	}
}

// A catalog is compiled on its first event; events that arrive at once
// on several listeners' goroutines all get the compiled catalog (go test
// -race checks that they share it safely).
func TestFirstUseFromManyGoroutines(t *testing.T) {
	c := &catalog{name: "cron", programs: []string{"cron"}}
	done := make(chan bool)
	for range 4 {
		go func() { done <- decodeWith(c, "cron", "(root) CMD (run-parts /etc/cron.hourly)") != nil }()
	}
	for range 4 {
		if !<-done {
			t.Error("a cron job line was not decoded on the catalog's first use")
		}
	}
}

// A line that only looks like a sentence is not decoded, and a decoded
// line never gets an address that is not in it.
func TestNoInventedValues(t *testing.T) {
	for _, tc := range []struct{ app, msg string }{
		{"vsftpd", `[pid 12] [bob] OK LOGIN: Client "not-an-ip"`},
		{"postgres", `FATAL:  no pg_hba.conf entry for host "somehost", user "bob", database "x", SSL off`},
		{"dovecot", `imap-login: Login: user=<bob>, method=PLAIN, rip=, lip=192.0.2.1`},
		{"proftpd", `srv (client[nonsense]) - FTP session opened.`},
		{"named", `client @0x1 192.0.2.1#53 (x): query: x IN A +`},
		{"networkmanager", `<bogus> [1.2] device (eth0): state change: a -> b (reason 'none')`},
		{"networkmanager", `<info>  [x1.2] device (eth0): state change: a -> b (reason 'none')`},
	} {
		for _, c := range allCatalogs() {
			e := decodeWith(c, tc.app, tc.msg)
			if e == nil {
				continue
			}
			if ip := normtest.Str(e, "source.ip"); ip != "" {
				t.Errorf("%s decoded %q with source.ip %q", c.name, tc.msg, ip)
			}
		}
	}
}

func FuzzCatalogs(f *testing.F) {
	normtest.Seeds(f, "vsftpd", "proftpd", "pure-ftpd", "ftpd", "cron", "dovecot", "openvpn", "bind", "dhcpd", "mysql",
		"postgresql", "systemd-logind", "polkit", "unix_chkpwd", "klogind", "haproxy", "dropbear", "rsyslogd", "syslog-ng",
		"systemd", "systemd-journald", "dhclient", "chronyd", "networkmanager", "kernel", "anacron", "fail2ban",
		"clamd", "freshclam", "clamav-milter", "courier", "cyrus",
		"slapd", "krb5kdc", "kadmind", "sssd", "samba")
	f.Fuzz(func(t *testing.T, msg string) {
		for _, c := range allCatalogs() {
			normtest.FuzzDecode(t, c.name, c.decode, c.programs[0], msg)
		}
		normtest.FuzzDecode(t, "mysql-audit", decodeMySQLAudit, "mysql-server_auditing", msg)
		normtest.FuzzDecode(t, "samba-json", decodeSambaJSON, "samba", msg)
		normtest.FuzzDecode(t, "samba-audit", decodeSmbAudit, "smbd_audit", msg)
	})
}

// A job sentence's text is a unit's name only when it has a name's shape;
// a description with " - " in it stays a description.
func TestSystemdUnitName(t *testing.T) {
	for msg, want := range map[string][2]string{
		"Started ssh.service - OpenBSD Secure Shell server.":  {"ssh.service", "OpenBSD Secure Shell server"},
		"Started getty@tty1.service.":                         {"getty@tty1.service", ""},
		"Started Backup - weekly run.":                        {"", "Backup - weekly run"},
		"Started backup service - weekly.":                    {"", "backup service - weekly"},
		"Started run-foo.mountpoint - Not a unit type.":       {"", "run-foo.mountpoint - Not a unit type"},
		"Started .service - Empty name.":                      {"", ".service - Empty name"},
		"Mounted sys-kernel-debug.mount - Kernel Debug File.": {"sys-kernel-debug.mount", "Kernel Debug File"},
	} {
		e := decodeWith(catalogByName(t, "systemd"), "systemd", msg)
		if e == nil {
			t.Errorf("%q: not decoded", msg)
			continue
		}
		if got := [2]string{e.Str("service.name"), e.Str("systemd.description")}; got != want {
			t.Errorf("%q: service.name, systemd.description = %q, want %q", msg, got, want)
		}
	}
}

// The kernel's ring buffer uptime is cut only when it is one; the process
// a fault line names is the event's process, the kernel's tag is not.
func TestKernelHead(t *testing.T) {
	for msg, want := range map[string]string{
		"[ 5012.441122] a[7]: segfault at 0 ip 1 sp 2 error 4":         "a",
		"a[7]: segfault at 0 ip 1 sp 2 error 4":                        "a",
		"[x5012.441122] a[7]: segfault at 0 ip 1 sp 2 error 4":         "",
		"[5012.] a[7]: segfault at 0 ip 1 sp 2 error 4":                "",
		"[ 5012.441122][ T1907] a[7]: segfault at 0 ip 1 sp 2 error 4": "a",
		"[ 5012.441122][    C3] a[7]: segfault at 0 ip 1 sp 2 error 4": "a",
		"[ 5012.441122][ X1907] a[7]: segfault at 0 ip 1 sp 2 error 4": "",
		"[ 5012.441122]a[7]: segfault at 0 ip 1 sp 2 error 4":          "",
	} {
		e := decodeWith(kernelCatalog, "kernel", msg)
		got := ""
		if e != nil {
			got = e.Str("process.name")
		}
		if got != want {
			t.Errorf("%q: process.name %q, want %q", msg, got, want)
		}
	}
}

// OpenVPN 2.5+ keeps quotes and spaces in a name: a username holding the
// sentence's own quote or its "[CN SET]" is read whole, never cut short
// to another user; a common name with a space is read from its brackets.
func TestOpenVPNNames(t *testing.T) {
	c := catalogByName(t, "openvpn")
	for msg, want := range map[string]string{
		"192.0.2.1:5 TLS: Username/Password authentication succeeded for username 'a' [CN SET]' [CN SET]": "a' [CN SET]",
		"192.0.2.1:5 TLS: Username/Password authentication succeeded for username 'a' x 'b'":              "a' x 'b",
		"192.0.2.1:5 [John Smith] Peer Connection Initiated with [AF_INET]192.0.2.1:5":                    "John Smith",
		"192.0.2.1:5 SENT CONTROL [UNDEF]: 'AUTH_FAILED' (status=1)":                                      "",
	} {
		e := decodeWith(c, "openvpn", msg)
		if e == nil {
			t.Errorf("%q: not decoded", msg)
			continue
		}
		if got := e.Str("user.name"); got != want {
			t.Errorf("%q: user.name %q, want %q", msg, got, want)
		}
	}
	// A client's line: the bracket names its server, not a user.
	if e := decodeWith(c, "openvpn", "[vpn.example.net] Inactivity timeout (--ping-restart), restarting"); e == nil || e.Has("user.name") {
		t.Errorf("a client's inactivity line: %v", e)
	}
}

// A name the client chose that holds the words after it in its sentence
// (OpenVPN 2.5+ keeps them) makes the sentence unsure: no user, reason or
// common name is read from it, never a shorter name; the head's stays.
func TestOpenVPNUnsureNames(t *testing.T) {
	c := catalogByName(t, "openvpn")
	for msg, want := range map[string]string{
		"PLUGIN AUTH-PAM: BACKGROUND: user 'admin' failed to authenticate: x' failed to authenticate: Authentication failure":       "",
		"AUTH-PAM: BACKGROUND: user 'admin' failed to authenticate: x' failed to authenticate: Authentication failure":              "",
		"192.0.2.1:5 TLS Auth Error: username attempted to change from 'a' to 'b' to 'c' -- tunnel disabled":                        "",
		"alice/192.0.2.1:5 TLS Auth Error: TLS object CN attempted to change from 'a' to 'b' to 'c' -- tunnel disabled":             "alice",
		"192.0.2.1:5 TLS Auth Error: --client-config-dir authentication failed for common name 'x' file='y' file='/ccd/x' file='y'": "",
		// Once, the sentence is sure.
		"AUTH-PAM: BACKGROUND: user 'heidi' failed to authenticate: Authentication failure":                       "heidi",
		"192.0.2.1:5 TLS Auth Error: username attempted to change from 'a' to 'b' -- tunnel disabled":             "b",
		"192.0.2.1:5 TLS Auth Error: --client-config-dir authentication failed for common name 'x' file='/ccd/x'": "x",
	} {
		e := decodeWith(c, "openvpn", msg)
		if e == nil {
			t.Errorf("%q: not decoded", msg)
			continue
		}
		if got := e.Str("user.name"); got != want {
			t.Errorf("%q: user.name %q, want %q", msg, got, want)
		}
		if users, _ := e.Field("related.user"); want == "" && e.Has("related.user") || want != "" && len(users.List) != 1 {
			t.Errorf("%q: related.user %v", msg, users)
		}
		if strings.Contains(e.Str("event.reason"), "failed to authenticate") {
			t.Errorf("%q: event.reason %q", msg, e.Str("event.reason"))
		}
		if want == "" && e.Has("openvpn.common_name") {
			t.Errorf("%q: openvpn.common_name %q", msg, e.Str("openvpn.common_name"))
		}
	}
}

// A common name starting "ADDR:PORT " makes a head before the real one:
// such a line is refused, its peer not sure (never the name's address as
// source.ip); a name holding '/' is read whole.
func TestOpenVPNHeadInName(t *testing.T) {
	c := catalogByName(t, "openvpn")
	for _, msg := range []string{
		"6.6.6.6:1 [x] y/198.51.100.7:51001 [6.6.6.6:1 [x] y] Inactivity timeout (--ping-restart), restarting",
		"6.6.6.6:1 [x]/198.51.100.7:51001 [6.6.6.6:1 [x]] Peer Connection Initiated with [AF_INET]198.51.100.7:51001",
	} {
		if e := decodeWith(c, "openvpn", msg); e != nil {
			t.Errorf("%q: decoded, source.ip %q, user.name %q", msg, e.Str("source.ip"), e.Str("user.name"))
		}
	}
	e := decodeWith(c, "openvpn", "ou/a/198.51.100.7:51001 Connection reset, restarting [0]")
	if e == nil || e.Str("user.name") != "ou/a" || e.Str("source.ip") != "198.51.100.7" {
		t.Errorf("a name holding '/': %v", e)
	}
	// A sentence naming a client at its end is no second head.
	if e := decodeWith(c, "openvpn", "alice/198.51.100.7:51001 MULTI: primary virtual IP for alice/198.51.100.7:51001: 10.8.0.6"); e == nil {
		t.Error("primary virtual IP: not decoded")
	}
}

// The subject of a certificate is the client's only on a server's line
// about a client, by its depth.
func TestOpenVPNSubject(t *testing.T) {
	c := catalogByName(t, "openvpn")
	for msg, want := range map[string][2]string{
		"192.0.2.1:5 VERIFY OK: depth=0, CN=alice":      {"tls.client.subject", "CN=alice"},
		"192.0.2.1:5 VERIFY OK: depth=1, CN=Root":       {"tls.client.issuer", "CN=Root"},
		"192.0.2.1:5 VERIFY OK: depth=2, CN=Top":        {"openvpn.subject", "CN=Top"},
		"VERIFY OK: depth=0, CN=vpn.example.net":        {"openvpn.subject", "CN=vpn.example.net"},
		"192.0.2.1:5 CRL CHECK FAILED: CN=x is REVOKED": {"openvpn.subject", "CN=x"},
	} {
		e := decodeWith(c, "openvpn", msg)
		if e == nil {
			t.Errorf("%q: not decoded", msg)
			continue
		}
		for _, k := range []string{"tls.client.subject", "tls.client.issuer", "openvpn.subject"} {
			if got := e.Str(k); (k == want[0]) != (got != "") || k == want[0] && got != want[1] {
				t.Errorf("%q: %s = %q, want %s = %q", msg, k, got, want[0], want[1])
			}
		}
	}
}

func catalogByName(t *testing.T, name string) *catalog {
	for _, c := range allCatalogs() {
		if c.name == name {
			return c
		}
	}
	t.Fatalf("no catalog %s", name)
	return nil
}

// fail2ban's failed action prints the ticket's Python repr, whose quotes
// and "': " are the sentence's own delimiters: the jail and the action
// are read, nothing from the repr (no address, no error cut inside it).
func TestFail2banFailedAction(t *testing.T) {
	e := decodeWith(catalogByName(t, "fail2ban"), "fail2ban.actions",
		`ERROR Failed to execute ban jail 'sshd' action 'nft' info 'ActionInfo({'ip': '192.0.2.9'})': Error banning 192.0.2.9`)
	if e == nil {
		t.Fatal("not decoded")
	}
	if e.Str("rule.name") != "sshd" || e.Str("fail2ban.action") != "nft" || e.Str("event.outcome") != "failure" {
		t.Errorf("rule.name %q, fail2ban.action %q, outcome %q", e.Str("rule.name"), e.Str("fail2ban.action"), e.Str("event.outcome"))
	}
	for _, k := range []string{"source.ip", "error.message", "event.reason"} {
		if e.Has(k) {
			t.Errorf("%s = %q, read from the repr", k, e.Str(k))
		}
	}
}

// A catalog continued in catalogs/<name>.<part>.toml is compiled whole:
// the kernel's has the sentences of its three files.
func TestCatalogParts(t *testing.T) {
	files, err := kernelCatalog.files()
	if err != nil {
		t.Fatal(err)
	}
	if len(files) != 3 || files[0].Name != "kernel.toml" {
		t.Fatalf("kernel catalog files: %d, first %q", len(files), files[0].Name)
	}
	for _, msg := range []string{
		"Out of memory: Kill process 2299 (java) score 912 or sacrifice child",      // kernel.toml
		"TCP: request_sock_TCP: Possible SYN flooding on port 80. Sending cookies.", // kernel.net.toml
		"md/raid1:md0: Disk failure on sdb1, disabling device.",                     // kernel.storage.toml
	} {
		if decodeWith(kernelCatalog, "kernel", msg) == nil {
			t.Errorf("%q not decoded", msg)
		}
	}
}

// Lockdown names the process first, and a process may call itself
// "a: b": the reason (never holding ": ") is after the last ": ".
func TestKernelLockdownProcess(t *testing.T) {
	for msg, want := range map[string][2]string{
		"Lockdown: insmod: unsigned module loading is restricted; see man kernel_lockdown.7": {"insmod", "unsigned module loading"},
		"Lockdown: a: b: hibernation is restricted; see man kernel_lockdown.7":               {"a: b", "hibernation"},
		"Lockdown: x: y: z: use of tracefs is restricted; see man kernel_lockdown.7":         {"x: y: z", "use of tracefs"},
	} {
		e := decodeWith(kernelCatalog, "kernel", msg)
		if e == nil {
			t.Errorf("%q not decoded", msg)
			continue
		}
		if got := [2]string{e.Str("process.name"), e.Str("event.reason")}; got != want {
			t.Errorf("%q: process.name, event.reason = %q, want %q", msg, got, want)
		}
	}
}

// The NULL argv line's name and path are both the user's: a name holding
// "' launched '" could make the path, so then neither is kept; a path
// holding it after a name too long to hold it is the path.
func TestKernelNullArgvSplit(t *testing.T) {
	for msg, want := range map[string][2]string{
		"process 'exploit' launched '/usr/bin/pkexec' with NULL argv: empty string added":             {"exploit", "/usr/bin/pkexec"},
		"process 'a' launched 'b' launched '/tmp/x' with NULL argv: empty string added":               {"", ""},
		"process 'abcdefghijklmno' launched '/tmp/p' launched 'q' with NULL argv: empty string added": {"abcdefghijklmno", "/tmp/p' launched 'q"},
	} {
		e := decodeWith(kernelCatalog, "kernel", msg)
		if e == nil || e.Str("nomen.rule") != "kernel.exec.null_argv" {
			t.Errorf("%q not decoded by kernel.exec.null_argv", msg)
			continue
		}
		if got := [2]string{e.Str("process.name"), e.Str("file.path")}; got != want {
			t.Errorf("%q: process.name, file.path = %q, want %q", msg, got, want)
		}
	}
}

// An oops's header is "[Oops: ]STR: ERR [#N] ...": the "[#N]" is the
// kernel's, not an optional part of the pattern, so a line with other
// words after "Oops: " is no oops and sets no error code; 6.x's page
// fault header "Oops: Oops: 0002" has the code after its second "Oops:".
func TestKernelOopsHeader(t *testing.T) {
	for msg, want := range map[string][2]string{
		"Oops: 0002 [#1] SMP PTI":                     {"kernel.oops", "0002"},
		"Oops: Oops: 0002 [#1] PREEMPT SMP NOPTI":     {"kernel.oops.6x", "0002"},
		"Oops: invalid opcode: 0000 [#2] PREEMPT SMP": {"kernel.oops.trap", "0000"},
		"Oops: something odd happened here":           {"", ""},
	} {
		var got [2]string
		if e := decodeWith(kernelCatalog, "kernel", msg); e != nil {
			got = [2]string{e.Str("nomen.rule"), e.Str("kernel.fault.error_code")}
		}
		if got != want {
			t.Errorf("%q: nomen.rule, kernel.fault.error_code = %q, want %q", msg, got, want)
		}
	}
}

// A check's info is the server's answer, not escaped: one holding a '"'
// and the words after it sets no duration, info or servers left, never
// the server's forged ones.
func TestHAProxyInfoHoldingQuote(t *testing.T) {
	c := catalogByName(t, "haproxy")
	for _, msg := range []string{
		`Server be/web1 is DOWN, reason: Layer7 wrong status, code: 500, info: "a", check duration: 1ms. 9 active and 9 backup servers left. x", check duration: 3ms. 1 active and 0 backup servers left. 0 sessions active, 0 requeued, 0 remaining in queue.`,
		`Health check for server be/web1 failed, reason: Layer7 wrong status, code: 500, info: "a", check duration: 1ms, status: 9/9 UP. x", check duration: 3ms, status: 0/2 DOWN.`,
	} {
		e := decodeWith(c, "haproxy", msg)
		if e == nil {
			t.Errorf("%q: not decoded", msg)
			continue
		}
		for _, k := range haproxyAfterInfo {
			if e.Has(k) {
				t.Errorf("%q: %s set", msg, k)
			}
		}
		if e.Str("haproxy.server_name") != "web1" || e.Str("event.reason") != "Layer7 wrong status" {
			t.Errorf("%q: server %q, reason %q", msg, e.Str("haproxy.server_name"), e.Str("event.reason"))
		}
	}
	// An info without a quote of its own is read.
	e := decodeWith(c, "haproxy", `Server be/web1 is DOWN, reason: Layer7 wrong status, code: 503, info: "Service Unavailable", check duration: 3ms. 1 active and 0 backup servers left. 0 sessions active, 0 requeued, 0 remaining in queue.`)
	if e == nil || e.Str("haproxy.check.info") != "Service Unavailable" {
		t.Errorf("a plain info: %v", e)
	}
}

// A query name is one word in BIND's escapes (a space is "\032", a
// parenthesis "\("), so a name that reads like the rest of a sentence
// cannot shift the server's address or the question's fields.
func TestBindNameCannotShiftFields(t *testing.T) {
	c := catalogByName(t, "bind")
	for msg, want := range map[string][3]string{
		`client @0x1 192.0.2.1#5300 (evil\032\(192.0.2.9\)): query: evil\032\(192.0.2.9\) IN A + (192.0.2.53)`:                              {"192.0.2.53", `evil\032\(192.0.2.9\)`, "A"},
		`client @0x1 192.0.2.1#5300 (0/25.2.0.192.in-addr.arpa): query failed (SERVFAIL) for 0/25.2.0.192.in-addr.arpa/IN/PTR at query.c:1`: {"", "0/25.2.0.192.in-addr.arpa", "PTR"},
		`validating 0/25.2.0.192.in-addr.arpa/PTR: no valid signature found`:                                                                {"", "0/25.2.0.192.in-addr.arpa", "PTR"},
	} {
		e := decodeWith(c, "named", msg)
		if e == nil {
			t.Errorf("%q: not decoded", msg)
			continue
		}
		got := [3]string{e.Str("destination.ip"), e.Str("dns.question.name"), e.Str("dns.question.type")}
		if got != want {
			t.Errorf("%q: destination.ip, dns.question.name, dns.question.type = %q, want %q", msg, got, want)
		}
	}
}

// The flags of a query line: RD, DO and CD are header flags, T the
// transport; a text of another shape sets nothing.
func TestBindQueryFlags(t *testing.T) {
	for flags, want := range map[string]string{
		"+":         "RD",
		"-":         "",
		"+E(0)K":    "RD",
		"-SE(0)TDC": "DO,CD tcp",
		"+ED":       "RD,DO",
		"+E(0)TDCV": "RD,DO,CD tcp",
		"+X":        "bad",
		"E(0)":      "bad",
		"+E(0":      "bad",
	} {
		hf, tcp, ok := bindQueryFlags(flags)
		got := strings.Join(hf, ",")
		if tcp {
			got += " tcp"
		}
		if !ok {
			got = "bad"
		}
		if got != want {
			t.Errorf("%q: %q, want %q", flags, got, want)
		}
	}
}

// Every file under catalogs/ is some catalog's, so that none is left out
// unnoticed (a catalog's parts are <name>.<part>.toml).
func TestCatalogFilesBelong(t *testing.T) {
	files, err := fs.Glob(catalogFiles, "catalogs/*.toml")
	if err != nil {
		t.Fatal(err)
	}
	owned := map[string]bool{}
	for _, c := range allCatalogs() {
		parts, err := c.files()
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range parts {
			owned["catalogs/"+f.Name] = true
		}
	}
	for _, f := range files {
		if !owned[f] {
			t.Errorf("%s belongs to no catalog", f)
		}
	}
	if !owned["catalogs/bind.server.toml"] {
		t.Error("bind's second part is not read")
	}
}

// PostgreSQL's line is cut at its first "LEVEL:  ": a statement (any
// client's text) holding "FATAL:  password authentication failed ..." is
// a query, not a failed login of the user it names.
func TestPostgresLevelIsTheFirst(t *testing.T) {
	c := catalogByName(t, "postgresql")
	e := decodeWith(c, "postgres", `[2-1] user=hal,db=sales LOG:  statement: SELECT 1 -- FATAL:  password authentication failed for user "postgres"`)
	if e == nil {
		t.Fatal("not decoded")
	}
	if got := [3]string{e.Str("event.action"), e.Str("user.name"), e.Str("log.level")}; got != [3]string{"db-query", "hal", "log"} {
		t.Errorf("action, user, level = %q, want a query of hal's", got)
	}
	// A DETAIL line's SQL-free sentence is read after its own label.
	e = decodeWith(c, "postgres", `[3-2] DETAIL:  Role "ghost" does not exist.`)
	if e == nil || e.Str("user.name") != "ghost" || e.Str("event.action") != "db-login-detail" {
		t.Errorf("DETAIL line: %v", e)
	}
}

// A server_audit record is read only with the format's own commas: a
// user or database name holding commas (what a failing client sent)
// cannot move the host, and a statement must be the plugin's escaped one.
func TestMySQLAuditForgery(t *testing.T) {
	for _, msg := range []string{
		` db6,x,203.0.113.99,1,0,FAILED_CONNECT,,203.0.113.61,43,0,FAILED_CONNECT,,,1045`,
		` db6,x,203.0.113.61,43,0,FAILED_CONNECT,a,b,,1045`,
		` db6,mona,198.51.100.50,41,118,QUERY,shop,'SELECT 'x',0`,
		` db6,mona,198.51.100.50,41,118,QUERY,shop,'SELECT 1',`,
		` db6,mona,198.51.100.50,41,119,READ,shop,orders,x,`,
		` db6,mona,198.51.100.50,x41,0,CONNECT,shop,,0`,
		` db6,mona,198.51.100.50,41,0,LOGIN,shop,,0`,
	} {
		e := event.New(normtest.Received)
		e.AppName, e.Message = "mysql-server_auditing", msg
		if decodeMySQLAudit(e) {
			t.Errorf("%q decoded: source.ip %q", msg, e.Str("source.ip"))
		}
	}
	e := event.New(normtest.Received)
	e.AppName, e.Message = "mysql-server_auditing", `db6,mona,198.51.100.50,41,118,QUERY,shop,'SELECT \'a\\\',b\'',0`
	if !decodeMySQLAudit(e) || e.Str("mysql.statement") != `SELECT 'a\',b'` || e.Str("event.outcome") != "success" {
		t.Errorf("escaped statement: %q, outcome %q", e.Str("mysql.statement"), e.Str("event.outcome"))
	}
}

// MySQL's sentences quote names with ' and do not escape it: a name
// holding the sentence's own "'@'" or "' host: '" is not read, so that
// it cannot name another client.
func TestMySQLQuotedNames(t *testing.T) {
	c := catalogByName(t, "mysql")
	for _, msg := range []string{
		`2026-12-07T17:10:11.000000Z 18 [Note] [MY-010926] [Server] Access denied for user 'x'@'192.0.2.6' (using password: YES)'@'198.51.100.5' (using password: YES)`,
		`2026-12-07 17:10:11 18 [Warning] Aborted connection 5 to db: 'x' user: 'a' host: '192.0.2.6' (x)' user: 'b' host: '198.51.100.5' (Got an error reading communication packets)`,
	} {
		if e := decodeWith(c, "mysqld", msg); e != nil {
			t.Errorf("%q decoded: source.ip %q", msg, e.Str("source.ip"))
		}
	}
}

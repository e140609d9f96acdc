package apps

import (
	"io/fs"
	"strings"
	"testing"

	"github.com/nomenhq/nomen/normalize/internal/normtest"
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
		"systemd", "dhclient", "chronyd", "networkmanager", "kernel", "anacron")
	f.Fuzz(func(t *testing.T, msg string) {
		for _, c := range allCatalogs() {
			normtest.FuzzDecode(t, c.name, c.decode, c.programs[0], msg)
		}
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
		e := decodeWith(systemdCatalog(t), "systemd", msg)
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
		"[ 5012.441122] a[7]: segfault at 0 ip 1 sp 2 error 4": "a",
		"a[7]: segfault at 0 ip 1 sp 2 error 4":                "a",
		"[x5012.441122] a[7]: segfault at 0 ip 1 sp 2 error 4": "",
		"[5012.] a[7]: segfault at 0 ip 1 sp 2 error 4":        "",
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

func systemdCatalog(t *testing.T) *catalog { return catalogNamed(t, "systemd") }

// A query name is one word in BIND's escapes (a space is "\032", a
// parenthesis "\("), so a name that reads like the rest of a sentence
// cannot shift the server's address or the question's fields.
func TestBindNameCannotShiftFields(t *testing.T) {
	c := catalogNamed(t, "bind")
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

func catalogNamed(t *testing.T, name string) *catalog {
	for _, c := range catalogs {
		if c.name == name {
			return c
		}
	}
	t.Fatalf("no %s catalog", name)
	return nil
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
		for _, f := range c.files() {
			owned[f] = true
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

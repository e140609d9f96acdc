package apps

import (
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
		"systemd", "systemd-journald", "dhclient", "chronyd", "networkmanager", "kernel", "anacron")
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

func systemdCatalog(t *testing.T) *catalog {
	for _, c := range catalogs {
		if c.name == "systemd" {
			return c
		}
	}
	t.Fatal("no systemd catalog")
	return nil
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

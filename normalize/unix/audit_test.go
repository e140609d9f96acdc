package unix

import (
	"testing"
	"time"

	"github.com/nomenhq/nomen/relay/event"
)

// The syscall tables name the calls auditd's own ausyscall names for the
// same numbers (spot checks across each table, its ends included).
func TestAuditSyscallName(t *testing.T) {
	for _, tc := range []struct{ arch, nr, want string }{
		{"x86_64", "0", "read"},
		{"x86_64", "59", "execve"},
		{"x86_64", "257", "openat"},
		{"x86_64", "322", "execveat"},
		{"x86_64", "437", "openat2"},
		{"x86_64", "999", "999"},
		{"aarch64", "56", "openat"},
		{"aarch64", "79", "newfstatat"},
		{"aarch64", "203", "connect"},
		{"aarch64", "221", "execve"},
		{"aarch64", "281", "execveat"},
		{"aarch64", "300", "300"}, // unassigned on the generic table
		{"i386", "11", "execve"},
		{"i386", "5", "5"},
		{"x86_64", "openat", "openat"},
	} {
		if got := auditSyscallName(tc.arch, tc.nr); got != tc.want {
			t.Errorf("auditSyscallName(%s, %s) = %q, want %q", tc.arch, tc.nr, got, tc.want)
		}
	}
}

// A truncated or garbled saddr= (a record cut by a size limit, a
// forwarder's mangling) gives no address rather than a wrong one, and
// never a panic.
func TestAuditSockaddrTruncated(t *testing.T) {
	for _, saddr := range []string{"", "0", "02", "0200", "020001BB", "020001BBC00002", "0A000016000000002001",
		"0100", "010000", "ZZ00", "0200015"} {
		e := event.New(time.Unix(0, 0))
		auditSockaddr(e, saddr)
		if e.Has("auditd.data.saddr_addr") || e.Has("related.ip") || e.Has("auditd.data.saddr_path") {
			t.Errorf("saddr=%s: got an address from a truncated sockaddr: %v", saddr, e.Fields)
		}
	}
}

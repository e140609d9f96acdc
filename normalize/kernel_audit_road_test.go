package normalize

import (
	"fmt"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/nomenhq/nomen/normalize/internal/normtest"
	"github.com/nomenhq/nomen/parse"
	"github.com/nomenhq/nomen/relay/event"
)

// TestAuditKernelRoad: an audit record the kernel printed itself (no
// auditd running, or AppArmor's and SELinux's denials that also reach
// the ring buffer), forwarded by imklog or journald as "kernel: audit:
// type=1400 audit(T:N): ...", with or without the ring buffer's uptime
// and printk's caller id (older kernels without the "audit: "),
// is the same event as the record auditd wrote to its log: the same
// category, action, process, file and auditd.* fields. Only the syslog
// envelope differs.
func TestAuditKernelRoad(t *testing.T) {
	n, err := New(Config{})
	if err != nil {
		t.Fatal(err)
	}
	p := parse.New(parse.Options{Location: time.UTC})
	for _, tc := range []struct{ auditd, body string }{
		{"type=AVC msg=audit(1700000000.123:456): ",
			`apparmor="DENIED" operation="open" profile="/usr/sbin/cupsd" name="/etc/shadow" pid=1234 comm="cupsd" requested_mask="r" denied_mask="r" fsuid=0 ouid=0`},
		{"type=AVC msg=audit(1700000000.123:457): ",
			`avc:  denied  { read } for  pid=1234 comm="httpd" name="shadow" dev="dm-0" ino=12345 scontext=system_u:system_r:httpd_t:s0 tcontext=system_u:object_r:shadow_t:s0 tclass=file permissive=0`},
		{"type=SYSCALL msg=audit(1700000000.123:458): ",
			`arch=c000003e syscall=257 success=no exit=-13 a0=ffffff9c a1=7f a2=0 a3=0 items=1 ppid=1 pid=1234 auid=4294967295 uid=48 gid=48 euid=48 suid=48 fsuid=48 egid=48 sgid=48 fsgid=48 tty=(none) ses=4294967295 comm="httpd" exe="/usr/sbin/httpd" key=(null)`},
	} {
		want := decoded(p, n, tc.auditd+tc.body)
		if !strings.Contains(want, "event.action=") {
			t.Fatalf("auditd's own line not decoded: %s", tc.auditd+tc.body)
		}
		code := map[string]string{"type=AVC": "1400", "type=SYSCALL": "1300"}[strings.Fields(tc.auditd)[0]]
		stamp := strings.TrimSuffix(strings.TrimPrefix(strings.Fields(tc.auditd)[1], "msg="), ":")
		for _, head := range []string{"kernel: audit: ", "kernel: [ 5012.441122] audit: ", "audit: ",
			"kernel: ", "kernel: [ 5012.441122] ", "kernel: [ 5012.441122][  T812] audit: "} {
			line := "<4>Dec  7 10:00:00 web3 " + head + "type=" + code + " " + stamp + ": " + tc.body
			if got := decoded(p, n, line); got != want {
				t.Errorf("%s\n got  %s\n want %s", line, got, want)
			}
		}
	}
}

// decoded is the event a line gives, without its syslog envelope.
func decoded(p *parse.Parser, n *Normalizer, line string) string {
	e := event.New(normtest.Received)
	p.Parse([]byte(line), e)
	n.Normalize(e)
	var out []string
	for _, f := range e.Fields {
		switch {
		case strings.HasPrefix(f.Key, "log."), strings.HasPrefix(f.Key, "host."), f.Key == "event.original", f.Key == "nomen.format":
			continue
		}
		out = append(out, fmt.Sprintf("%s=%v", f.Key, f.Val))
	}
	sort.Strings(out)
	return strings.Join(out, " ")
}

package kafka

import (
	"testing"
	"time"

	"github.com/nomenhq/nomen/forward/sinktest"
	"github.com/nomenhq/nomen/relay/event"
)

// TestKey: the record key of each kind of source, in the shape of the
// sequence tracker's stream keys where it numbers the source.
func TestKey(t *testing.T) {
	for _, tc := range []struct {
		name string
		spec sinktest.Spec
		want string
	}{
		{"agent channel", sinktest.Spec{Raw: "<14>1 2026-11-22T10:15:02Z dc1 nomen-agent - - - logon", Input: "agent",
			Fields: map[string]any{"agent.id": "a1b2", "winlog.channel": "Security", "host.name": "dc1", "winlog.record_id": float64(7)}},
			"agent:a1b2/Security"},
		{"rfc5424 sequenceId", sinktest.Spec{Raw: `<86>1 2026-11-22T10:15:03Z db2 sudo 5120 - [meta sequenceId="17"] x`,
			Fields: map[string]any{"event.sequence": float64(17)}},
			"rfc5424:db2/sudo/5120"},
		{"snare", sinktest.Spec{Raw: "<13>Nov 22 10:15:02 ws7 MSWinEventLog\t1\tSecurity\t42\tx",
			Fields: map[string]any{"event.sequence": float64(42), "winlog.channel": "Security", "winlog.event_id": float64(4624)}},
			"snare:ws7"},
		{"cisco sequence, no host: the sender", sinktest.Spec{Raw: "<187>123: *Nov 22 10:15:02: %LINK-3-UPDOWN: Interface Gi0/1, changed state to down",
			Peer: "192.0.2.9:51000", Fields: map[string]any{"event.sequence": float64(123)}},
			"cisco:192.0.2.9"},
		{"windows forwarded as syslog", sinktest.Spec{Raw: "<13>Nov 22 10:15:02 ws7 EventLog: x",
			Fields: map[string]any{"winlog.channel": "System"}},
			"winlog:ws7/System"},
		{"syslog program", sinktest.Spec{Raw: "<38>Nov 22 10:15:02 web1 sshd[392]: Failed password"},
			"host:web1/sshd"},
		{"host.name wins over HOSTNAME", sinktest.Spec{Raw: "<38>Nov 22 10:15:02 10.1.1.1 sshd[392]: x",
			Fields: map[string]any{"host.name": "web1.example.org"}},
			"host:web1.example.org/sshd"},
		{"cisco mnemonic is not a program", sinktest.Spec{Raw: "<166>Nov 22 2026 10:15:04 fw1 : %ASA-6-302013: Built inbound TCP connection"},
			"host:fw1"},
		{"v6 sender", sinktest.Spec{Raw: "<13>x", Peer: "[2001:db8::1]:514"},
			"host:2001:db8::1"},
	} {
		e := sinktest.BuildEvent(t, 1, tc.spec)
		if got := string(appendKey(nil, e)); got != tc.want {
			t.Errorf("%s: key %q, want %q (host %q app %q format %q)", tc.name, got, tc.want, e.Hostname, e.AppName, e.Format)
		}
	}
	if k := appendKey(nil, event.New(time.Now())); k != nil {
		t.Errorf("an event of no known source: key %q, want none", k)
	}
}

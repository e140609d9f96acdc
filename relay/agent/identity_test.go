package agent

import (
	"testing"

	"github.com/nomenhq/nomen/relay/wire"
)

// helloAs sends HELLO claiming host and returns the WELCOME.
func (c *client) helloAs(id, host string, streams ...wire.StreamPos) {
	c.t.Helper()
	c.mustSend((&wire.Hello{AgentID: id, Host: host, OS: "windows 10.0.20348", AgentVersion: "test", Streams: streams}).AppendFrame(nil))
	fr, err := c.next()
	if err != nil || fr.Type != wire.TypeWelcome {
		c.t.Fatalf("waiting for WELCOME: %v %v (%s)", fr.Type, err, describe(fr))
	}
}

// TestHostClaimBoundToCertificate: an agent's events carry a host name its
// certificate allows (subject CN, or its first label, case-insensitively);
// a HELLO claiming another host gets the certificate's name, and the claim
// is kept in nomen.agent.claimed_host (it used to become host.name: the
// agent with CN=agent1 could speak for DC01).
func TestHostClaimBoundToCertificate(t *testing.T) {
	for _, tc := range []struct {
		cn, claim, wantHost, wantClaim string
	}{
		{"agent1", "DC01", "agent1", "DC01"},
		{"ws01.corp.example", "WS01", "WS01", ""},
		{"ws01.corp.example", "ws01.corp.example", "ws01.corp.example", ""},
		{"ws01.corp.example", "ws02", "ws01.corp.example", "ws02"},
	} {
		t.Run(tc.cn+"/"+tc.claim, func(t *testing.T) {
			f := newFixture(t, nil)
			c := f.dial(f.pki, tc.cn)
			c.helloAs(tc.cn, tc.claim, wire.StreamPos{Channel: "Security", Epoch: 1})
			c.mustSend(batch(1, 1, 3))
			c.waitAck("Security", 1, 3)
			for _, e := range f.rec.Events() {
				if e.Hostname != tc.wantHost {
					t.Fatalf("host %q, want %q", e.Hostname, tc.wantHost)
				}
				v, ok := e.Field(FieldClaimedHost)
				if tc.wantClaim == "" && ok || tc.wantClaim != "" && v.Str != tc.wantClaim {
					t.Fatalf("%s = %q (%v), want %q", FieldClaimedHost, v.Str, ok, tc.wantClaim)
				}
			}
		})
	}
}

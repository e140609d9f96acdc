package ciscoftd

import (
	"maps"
	"testing"

	"github.com/nomenhq/nomen/normalize/vendor"
	"github.com/nomenhq/nomen/normalize/vendortest"
)

// Bodies written for these tests in the pre-6.3 Sourcefire format.
const (
	legacyIntrusion = `[Primary Detection Engine (0a1b2c3d-0000-1111-2222-333344445555)][Lab IPS] [1:2403:4] "SERVER-OTHER suspicious banner" ` +
		`[Impact: Unknown] From "ngips-1" at Tue Feb 10 08:00:00 2026 UTC [Classification: Potentially Bad Traffic] [Priority: 2] ` +
		`{UDP} 203.0.113.44:5060 -> 10.9.8.7:5060`
	legacyConnection = `[Primary Detection Engine (0a1b2c3d-0000-1111-2222-333344445555)][Lab AC] Connection Type: End, User: LAB\mkhan, ` +
		`Firewall Rule Name: Default, Firewall Rule Action: Allow, Interface Ingress: s1p3, Interface Egress: N/A, ` +
		`Initiator Bytes: 512, Responder Bytes: 1024, {TCP} 10.9.8.6:40002 -> 198.51.100.200:8443`
)

func TestDecodeLegacy(t *testing.T) {
	for _, c := range []struct {
		body, action, rule string
		want               map[string]string
	}{
		{legacyIntrusion, "intrusion-detected", "intrusion", map[string]string{
			"detection_engine": "Primary Detection Engine (0a1b2c3d-0000-1111-2222-333344445555)", "policy": "Lab IPS",
			"rule.id": "1:2403:4", "rule.name": "SERVER-OTHER suspicious banner", "impact": "Unknown",
			"rule.category": "Potentially Bad Traffic", "priority": "2", "network.transport": "UDP",
			"source.ip": "203.0.113.44", "source.port": "5060", "destination.ip": "10.9.8.7", "destination.port": "5060"}},
		{legacyConnection, "connection-teardown", "connection", map[string]string{
			"detection_engine": "Primary Detection Engine (0a1b2c3d-0000-1111-2222-333344445555)", "policy": "Lab AC",
			"connection_type": "End", "user.name": "mkhan", "user.domain": "LAB", "rule.name": "Default",
			"firewall_rule_action": "Allow", "observer.ingress.interface.name": "s1p3",
			"source.bytes": "512", "destination.bytes": "1024", "network.transport": "TCP",
			"source.ip": "10.9.8.6", "source.port": "40002", "destination.ip": "198.51.100.200", "destination.port": "8443"}},
		// An IPv6 end with a port is ambiguous: no address, no port.
		{`[1:1:1] "x" {TCP} 2001:db8::5:443 -> 10.0.0.1:80`, "intrusion-detected", "intrusion", map[string]string{
			"rule.id": "1:1:1", "rule.name": "x", "network.transport": "TCP", "destination.ip": "10.0.0.1", "destination.port": "80"}},
	} {
		got := map[string]string{}
		class, kind, st := DecodeLegacy(c.body, func(k, v string, _ vendor.Kind) { got[k] = v })
		if st != vendor.Decoded || class.Action != c.action || kind != c.rule {
			t.Errorf("%.60q: %v %q %q, want %q %q", c.body, st, class.Action, kind, c.action, c.rule)
		}
		if !maps.Equal(got, c.want) {
			t.Errorf("%.60q:\n got  %v\n want %v", c.body, got, c.want)
		}
	}
}

func TestDecodeLegacyMalformed(t *testing.T) {
	for _, body := range []string{
		"", "[Primary Detection Engine (x)]", `[1:2:3] "no flow"`, `[x] Connection Type: Start {TCP} 10.0.0.1:1 10.0.0.2:2`,
		`[1:2] "not a signature" {TCP} 10.0.0.1:1 -> 10.0.0.2:2`, `[a][b] Something else {TCP} 10.0.0.1:1 -> 10.0.0.2:2`,
	} {
		_, _, st := DecodeLegacy(body, func(k, v string, _ vendor.Kind) { t.Errorf("%q: emitted %s=%q", body, k, v) })
		if st != vendor.Malformed {
			t.Errorf("%q: %v, want Malformed", body, st)
		}
	}
}

func FuzzDecodeLegacy(f *testing.F) {
	f.Add(legacyIntrusion)
	f.Add(legacyConnection)
	f.Fuzz(func(t *testing.T, body string) {
		vendortest.Check(t, func(emit vendor.Emit) (vendor.Class, vendor.Status) {
			class, _, st := DecodeLegacy(body, emit)
			return class, st
		}, body)
	})
}

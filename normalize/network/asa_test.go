package network

import (
	"testing"

	"github.com/nomenhq/nomen/normalize/internal/normtest"
	"github.com/nomenhq/nomen/relay/event"
)

const denyBody = `Deny tcp src outside:203.0.113.5/40000 dst inside:10.0.0.5/22 by access-group "IN" [0x0, 0x0]`

// TestASAMalformedEnvelope: an envelope with an invalid severity or a short
// id is refused whether it is the tag or starts the message, and its body
// is not read as an envelope-less one.
func TestASAMalformedEnvelope(t *testing.T) {
	for _, tag := range []string{"%ASA-9-106023", "%ASA-4-10602", "%PIX-x-106023"} {
		for _, e := range []*event.Event{netEvent(tag, denyBody), netEvent("", tag+": "+denyBody)} {
			if decodeASA(e) {
				t.Errorf("app %q msg %q: decoded as %v", e.AppName, e.Message, e.Fields)
			}
		}
	}
}

// TestASAEnvelopeOnly: an uncatalogued id, and a catalogued one whose text
// is not in the documented shape, keep the envelope fields and nothing
// else; a body without envelope is taken only in its documented shape.
func TestASAEnvelopeOnly(t *testing.T) {
	for _, e := range []*event.Event{
		netEvent("%ASA-6-199002", "Startup completed.  Beginning operation."),
		netEvent("%ASA-4-106023", "Deny tcp somewhere by access-group \"IN\""),
	} {
		if !decodeASA(e) {
			t.Fatalf("%q not decoded", e.Message)
		}
		if got := normtest.Str(e, "nomen.rule"); got != "cisco_asa" {
			t.Errorf("%q: nomen.rule %q", e.Message, got)
		}
		for _, k := range []string{"event.category", "event.action", "source.ip", "rule.name"} {
			if e.Has(k) {
				t.Errorf("%q: %s set", e.Message, k)
			}
		}
		if normtest.Str(e, "event.code") == "" {
			t.Errorf("%q: no event.code", e.Message)
		}
	}
	bare := netEvent("", "Deny tcp somewhere by access-group \"IN\"")
	if decodeASA(bare) {
		t.Errorf("bare body out of shape decoded: %v", bare.Fields)
	}
	bare = netEvent("", denyBody)
	if !decodeASA(bare) || normtest.Str(bare, "nomen.rule") != "cisco_asa.deny_acl" {
		t.Errorf("bare 106023 body: %v", bare.Fields)
	}
}

// TestASADeviceNameInTag: "fw1: %ASA-..." names the firewall where syslog
// expects a tag; a relay in front adds its own HOSTNAME, and the host is
// still the firewall.
func TestASADeviceNameInTag(t *testing.T) {
	const line = "%ASA-6-302015: Built inbound UDP connection 7 for outside:203.0.113.45/500 (203.0.113.45/500) to identity:198.51.100.1/500 (198.51.100.1/500)"
	for _, relay := range []string{"", "localhost"} {
		e := netEvent("fw-edge-3", line)
		e.Hostname = relay
		if !decodeASA(e) {
			t.Fatal("not decoded")
		}
		if got := normtest.Str(e, "host.name"); got != "fw-edge-3" {
			t.Errorf("hostname %q: host.name %q", relay, got)
		}
		// The envelope stands as the tag, as when the name is before it
		// (TestASADeviceNameBeforeTag): the same on every road.
		if e.AppName != "%ASA-6-302015" {
			t.Errorf("hostname %q: APP-NAME %q", relay, e.AppName)
		}
	}
	// Firepower's SFIMS is a program, not the sensor's name.
	sf := netEvent("SFIMS", "%NGIPS-1-430001: SrcIP: 198.51.100.7, DstIP: 10.1.2.3, Protocol: tcp")
	sf.Hostname = "ftd1"
	if !decodeASA(sf) || sf.Has("host.name") || sf.AppName != "SFIMS" {
		t.Errorf("SFIMS: host.name %q, program %q", normtest.Str(sf, "host.name"), sf.AppName)
	}
	// A program with a PID is a program, not the firewall's name.
	e := netEvent("fw-core", line)
	e.Hostname, e.ProcID = "relay-3", "1234"
	decodeASA(e)
	if e.Has("host.name") {
		t.Errorf("host.name set from a program tag: %q", normtest.Str(e, "host.name"))
	}
}

// TestASADeviceNameBeforeTag: "fw-1 %FTD-6-113005: text" (no timestamp,
// the name without a ':') is "HOST TAG: MSG". Directly, behind a relay's
// HOSTNAME (syslog-ng) and as a relay that adds a timestamp sends it
// (rsyslog: HOSTNAME fw-1, tag %FTD-...) it is the same event: the
// envelope is APP-NAME and the firewall the host.
func TestASADeviceNameBeforeTag(t *testing.T) {
	const tag, text = "%FTD-6-113005", "AAA user authentication Rejected : reason = AAA failure : server = 192.0.2.50 : user = lwong : user IP = 10.60.2.14"
	direct := netEvent("", "fw-1 "+tag+": "+text)
	behindRelay := netEvent("", "fw-1 "+tag+": "+text)
	behindRelay.Hostname = "localhost"
	asTag := netEvent(tag, text)
	asTag.Hostname = "fw-1"
	for name, e := range map[string]*event.Event{"direct": direct, "behind a relay": behindRelay, "as the tag": asTag} {
		if !decodeASA(e) {
			t.Fatalf("%s: not decoded", name)
		}
		host := normtest.Str(e, "host.name")
		if host == "" {
			host = e.Hostname
		}
		if e.AppName != tag || host != "fw-1" || e.Message != text {
			t.Errorf("%s: APP-NAME %q, host %q, message %q", name, e.AppName, host, e.Message)
		}
	}
	// Two words before the envelope are no device name.
	if e := netEvent("", "fw-1 said "+tag+": "+text); decodeASA(e) || e.AppName != "" {
		t.Errorf("two words before the envelope: decoded, APP-NAME %q", e.AppName)
	}
}

// TestCiscoValueKinds: each kind reaches its field typed.
func TestCiscoValueKinds(t *testing.T) {
	e := netEvent("%ASA-6-302014", "Teardown TCP connection 9 for outside:203.0.113.45/51040 to dmz:192.0.2.80/https duration 0:02:31 bytes 48213 TCP FINs")
	if !decodeASA(e) {
		t.Fatal("not decoded")
	}
	for k, want := range map[string]string{
		"event.duration": "151000000000", "network.bytes": "48213", "destination.port": "443",
		"network.protocol": "https", "network.transport": "tcp", "network.iana_number": "6",
		"observer.ingress.interface.name": "outside", "event.reason": "TCP FINs", "source.port": "51040",
	} {
		if got := normtest.Str(e, k); got != want {
			t.Errorf("%s = %q, want %q", k, got, want)
		}
	}
	nx := netEvent("%VSHD-5-VSHD_SYSLOG_CONFIG_I", "Configured from vty by admin on 10.20.30.7@pts/0")
	if !decodeIOS(nx) {
		t.Fatal("NX-OS config not decoded")
	}
	if got := normtest.Str(nx, "source.ip"); got != "10.20.30.7" {
		t.Errorf("NX-OS line: source.ip %q", got)
	}
	if got := normtest.Str(nx, "cisco.ios.line"); got != "10.20.30.7@pts/0" {
		t.Errorf("NX-OS line: cisco.ios.line %q", got)
	}
}

package network

import (
	"strings"
	"testing"

	"github.com/nomenhq/nomen/normalize/internal/normtest"
	"github.com/nomenhq/nomen/relay/event"
)

const denyBody = `Deny tcp src outside:203.0.113.5/40000 dst inside:10.0.0.5/22 by access-group "IN" [0x0, 0x0]`

// TestASAMalformedEnvelope: an envelope with an invalid severity or a short
// id, an unknown family (a misspelt one too: reading "FDT" as "FTD" would be
// a guess) or text glued to the family is refused whether it is the tag or
// starts the message, and its body is not read as an envelope-less one. An
// empty message class hides nothing: the envelope is read.
func TestASAMalformedEnvelope(t *testing.T) {
	for _, tag := range []string{"%ASA-9-106023", "%ASA-4-10602", "%PIX-x-106023", "%FDT-4-106023", "%FTD<Up>-4-106023", "%ASA---4-106023"} {
		for _, e := range []*event.Event{netEvent(tag, denyBody), netEvent("", tag+": "+denyBody)} {
			if decodeASA(e) {
				t.Errorf("app %q msg %q: decoded as %v", e.AppName, e.Message, e.Fields)
			}
		}
	}
	for _, e := range []*event.Event{netEvent("%FTD--4-106023", denyBody), netEvent("", "%FTD--4-106023: "+denyBody)} {
		if !decodeASA(e) || normtest.Str(e, "event.code") != "106023" || normtest.Str(e, "log.level") != "warning" ||
			normtest.Str(e, "source.ip") != "203.0.113.5" {
			t.Errorf("empty class, app %q: %v", e.AppName, e.Fields)
		}
	}
}

// envelopeKeys are the fields an ASA message gets from its envelope and
// its id alone, with no value read from the body.
var envelopeKeys = map[string]bool{
	"event.code": true, "cisco.asa.message_id": true, "event.severity": true, "log.level": true,
	"event.provider": true, "nomen.rule": true, "nomen.parse_error": true,
	"event.category": true, "event.type": true, "event.action": true, "event.outcome": true,
}

// TestASAEnvelopeOnly: an uncatalogued id keeps the envelope fields only.
// A catalogued id whose text is in none of its documented shapes gets no
// value from the text and is marked not understood (nomen.parse_error);
// it keeps the class of its id when the id alone decides it (a 106023 is
// a denied connection whatever its text), none when the text does (113004
// is a login or an accounting record by its words). A body without
// envelope is taken only in its documented shape.
func TestASAEnvelopeOnly(t *testing.T) {
	for _, c := range []struct {
		tag, body  string
		action     string // "" for no class at all
		catalogued bool
	}{
		{"%ASA-5-718062", "Inbound thread is awake (context=4242).", "", false},
		{"%ASA-4-106023", "Deny tcp somewhere by access-group \"IN\"", "connection-denied", true},
		// An address that is no address, a port above 65535.
		{"%ASA-6-302016", "Teardown UDP connection 7 for outside:198.51.100.9/53 to inside:10.0.0.1234/40000 duration 0:00:01 bytes 80", "connection-teardown", true},
		{"%ASA-4-419002", "Duplicate TCP SYN from outside:198.51.100.9/4000 to inside:10.0.0.5/99999 with different initial sequence number", "duplicate-tcp-syn", true},
		{"%FTD-6-113004", "AAA user authentication Successful for jroe", "", true},
	} {
		e := netEvent(c.tag, c.body)
		if !decodeASA(e) {
			t.Fatalf("%q not decoded", c.body)
		}
		for _, f := range e.Fields {
			if !envelopeKeys[f.Key] {
				t.Errorf("%s %q: %s set from the body", c.tag, c.body, f.Key)
			}
		}
		if got := normtest.Str(e, "nomen.rule"); got != "cisco_asa" {
			t.Errorf("%s: nomen.rule %q", c.tag, got)
		}
		if normtest.Str(e, "event.code") != c.tag[len(c.tag)-6:] {
			t.Errorf("%s: event.code %q", c.tag, normtest.Str(e, "event.code"))
		}
		if got := normtest.Str(e, "event.action"); got != c.action {
			t.Errorf("%s: event.action %q, want %q", c.tag, got, c.action)
		}
		if e.Has("event.category") != (c.action != "") || e.Has("event.outcome") && c.action == "" {
			t.Errorf("%s: category %v, outcome %q with action %q", c.tag, e.Has("event.category"), normtest.Str(e, "event.outcome"), c.action)
		}
		if e.Has("nomen.parse_error") != c.catalogued {
			t.Errorf("%s: nomen.parse_error %q", c.tag, normtest.Str(e, "nomen.parse_error"))
		}
	}
	bare := netEvent("", "Deny tcp somewhere by access-group \"IN\"")
	if decodeASA(bare) || len(bare.Fields) > 0 {
		t.Errorf("bare body out of shape decoded: %v", bare.Fields)
	}
	bare = netEvent("", denyBody)
	if !decodeASA(bare) || normtest.Str(bare, "nomen.rule") != "cisco_asa.deny_acl" || bare.Has("nomen.parse_error") {
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

// An ASA login's body without its envelope is taken only from a line
// without a syslog tag (an export's "fw : AAA user ..."): another
// program's text in the same words sets no user and no logon.
func TestASABareLogin(t *testing.T) {
	body := "AAA user authentication Rejected : reason = AAA failure : server = 198.51.100.142 : user = bob : user IP = 203.0.113.112"
	e := netEvent("", body)
	if !decodeASA(e) || normtest.Str(e, "event.action") != "logon-failed" || normtest.Str(e, "user.name") != "bob" ||
		normtest.Str(e, "source.ip") != "203.0.113.112" || normtest.Str(e, "event.code") != "113005" {
		t.Errorf("untagged body: action %q user %q", normtest.Str(e, "event.action"), normtest.Str(e, "user.name"))
	}
	forged := netEvent("webapp", body)
	if decodeASA(forged) || normtest.Str(forged, "user.name") != "" {
		t.Errorf("a program's text taken as an ASA login: user %q", normtest.Str(forged, "user.name"))
	}
	if e := netEvent("", "AAA user authentication Rejected by policy"); decodeASA(e) {
		t.Error("a body out of the documented shape taken")
	}
}

// A file of ASA lines shipped by a relay carries the ASA's own syslog
// header inside the relay's: the envelope is found behind it, the name
// the ASA gave itself is the host, and the relay's tag stays a program.
func TestASAInnerHeader(t *testing.T) {
	for _, c := range []struct{ msg, host, rest string }{
		{"Jul 01 2026 11:59:58 fw-dc-3 : %ASA-6-302016: x", "fw-dc-3", "%ASA-6-302016: x"},
		{"Jul  1 11:59:59 10.70.0.1 %ASA-4-106023: x", "10.70.0.1", "%ASA-4-106023: x"},
		{"<166>Jul 01 2026 12:00:00: %ASA-6-605005: x", "", "%ASA-6-605005: x"},
		{"Jul 01 2026 12:00:00.123 fw1: %FTD-6-113005: x", "fw1", "%FTD-6-113005: x"},
	} {
		host, rest, ok := cutInnerASAHeader(c.msg)
		if !ok || host != c.host || rest != c.rest {
			t.Errorf("%q: %q %q %v, want %q %q", c.msg, host, rest, ok, c.host, c.rest)
		}
	}
	for _, msg := range []string{
		"Jul  1 11:59:59 reminder %ASA-4-106023 is the deny message",
		"Jul  1 11:59:59 two words %ASA-4-106023: x",
		"Jul 1 1:2:3 fw %ASA-4-106023: x",
		"Julember 1 11:59:59 fw %ASA-4-106023: x",
		"Jul  1 11:59:59 fw %ASA-9-106023: x",
		// Bounded, so the sniffer's gate sees the '%' (gateASABare).
		"Jul 01 2026 11:59:58xyz fw %ASA-4-106023: x",
		"Jul 01 2026 11:59:58.1234567 fw %ASA-4-106023: x",
		"Jul      1 11:59:59 fw %ASA-4-106023: x",
		"Jul  1 11:59:59 " + strings.Repeat("f", 65) + " %ASA-4-106023: x",
	} {
		if _, _, ok := cutInnerASAHeader(msg); ok {
			t.Errorf("%q taken", msg)
		}
	}
	e := netEvent("asa-file", "Jul 01 2026 11:59:58 fw-dc-3 : %ASA-6-302016: Teardown UDP connection 4 for outside:198.51.100.53/53 to inside:10.70.2.2/50014 duration 0:00:00 bytes 120")
	if !sniffASABare(e) || !decodeASA(e) {
		t.Fatal("not decoded")
	}
	if got := normtest.Str(e, "host.name"); got != "fw-dc-3" || e.AppName != "asa-file" {
		t.Errorf("host %q, program %q", got, e.AppName)
	}
}

// host.name is a trust field (sequence tracking and correlation key on
// it): a running program's text (its tag has a PID: a shipper's tag,
// imfile's or a relay's, has none, and an ASA writes none) that starts
// with something looking like an ASA's header or name must not name the
// host, nor be taken as the ASA's message.
func TestASAHostNotFromProcessText(t *testing.T) {
	body := "%ASA-6-302013: Built inbound TCP connection 1 for outside:198.51.100.66/1234 (198.51.100.66/1234) to inside:10.0.0.1/22 (10.0.0.1/22)"
	for _, msg := range []string{
		"<166>Dec 07 2026 10:00:00 evilhost : " + body,
		"Dec 07 2026 10:00:00 evilhost : " + body,
		"evilhost " + body,
	} {
		e := netEvent("webapp", msg)
		e.ProcID = "4242"
		e.SetStr("host.name", "web1")
		if sniffASABare(e) {
			t.Errorf("%q: sniffed as an ASA's line", msg)
		}
		if decodeASA(e) || normtest.Str(e, "host.name") != "web1" {
			t.Errorf("%q: decoded, host.name %q", msg, normtest.Str(e, "host.name"))
		}
	}
	// The shipped file's road itself stays (no PID).
	e := netEvent("asa-file", "Dec 07 2026 10:00:00 fw-dc-3 : "+body)
	if !sniffASABare(e) || !decodeASA(e) || normtest.Str(e, "host.name") != "fw-dc-3" {
		t.Errorf("shipped file: host.name %q", normtest.Str(e, "host.name"))
	}
}

// A bare login body names its id by its words: the local database's
// (113012, 113015) is not the AAA server's (113004, 113005).
func TestASABareLoginIDs(t *testing.T) {
	for _, c := range []struct{ body, id, action string }{
		{"AAA user authentication Rejected : reason = Invalid password : local database : user = admin : user IP = 10.0.0.9", "113015", "logon-failed"},
		{"AAA user authentication Successful : local database : user = admin", "113012", "logged-in"},
		{"AAA user authentication Rejected : reason = AAA failure : server = 10.1.1.5 : user = jdoe : user IP = 198.51.100.7", "113005", "logon-failed"},
		{"AAA user authentication Successful : server = 10.1.1.5 : user = jdoe", "113004", "logged-in"},
		// The name the client typed imitating the other place.
		{"AAA user authentication Rejected : reason = AAA failure : server = 10.1.1.5 : user = x : local database : user = y : user IP = 198.51.100.7", "113005", "logon-failed"},
		{"AAA user authentication Rejected : reason = Invalid password : local database : user = x : server = 10.1.1.5 : user IP = 10.0.0.9", "113015", "logon-failed"},
		{"AAA user authentication Successful : local database : user = x : server = 10.1.1.5", "113012", "logged-in"},
	} {
		e := netEvent("", c.body)
		if !decodeASA(e) || normtest.Str(e, "event.code") != c.id || normtest.Str(e, "event.action") != c.action {
			t.Errorf("%q: code %q action %q, want %s %s", c.body, normtest.Str(e, "event.code"), normtest.Str(e, "event.action"), c.id, c.action)
		}
	}
}

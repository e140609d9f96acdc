package ecs

import (
	"strings"
	"testing"
	"time"

	"github.com/nomenhq/nomen/normalize/vendor"
	"github.com/nomenhq/nomen/relay/event"
)

var received = time.Date(2026, 7, 1, 12, 0, 0, 0, time.UTC)

// fieldsOf renders e's fields as "key=value" lines, in order.
func fieldsOf(e *event.Event) string {
	var b strings.Builder
	for _, f := range e.Fields {
		b.WriteString(f.Key + "=" + f.Val.String() + "\n")
	}
	return b.String()
}

func TestSetKind(t *testing.T) {
	for _, c := range []struct {
		key, value string
		kind       vendor.Kind
		want       string // the fields set, "" for a refusal
	}{
		{"source.ip", "10.1.2.3", vendor.IP, "source.ip=10.1.2.3\nrelated.ip=10.1.2.3\n"},
		{"source.ip", "::ffff:10.1.2.3", vendor.IP, "source.ip=10.1.2.3\nrelated.ip=10.1.2.3\n"},
		{"source.ip", "2001:DB8::1", vendor.IP, "source.ip=2001:db8::1\nrelated.ip=2001:db8::1\n"},
		{"source.ip", "host-a", vendor.IP, ""},
		{"source.ip", "10.1.2.256", vendor.IP, ""},
		{"source.port", "443", vendor.Port, "source.port=443\n"},
		{"source.port", "65536", vendor.Port, ""},
		{"source.port", "https", vendor.Port, ""},
		{"source.bytes", "1234", vendor.Uint, "source.bytes=1234\n"},
		{"source.bytes", "-5", vendor.Uint, ""},
		{"source.bytes", "12 kB", vendor.Uint, ""},
		{"event.duration", "12", vendor.Seconds, "event.duration=12000000000\n"},
		{"event.duration", "1.5", vendor.Seconds, ""},
		{"event.duration", "99999999999", vendor.Seconds, ""}, // nanoseconds overflow int64
		{"event.duration", "1:02:03", vendor.Duration, "event.duration=3723000000000\n"},
		{"event.duration", "1:2:3", vendor.Duration, ""},
		{"event.duration", "0:61:00", vendor.Duration, ""},
		{"user.name", "alice", vendor.User, "user.name=alice\nrelated.user=alice\n"},
		{"user.name", " ", vendor.User, ""},
		{"user.name", "-", vendor.User, ""},
		{"source.address", "192.0.2.7", vendor.Host, "source.address=192.0.2.7\nrelated.ip=192.0.2.7\n"},
		{"source.address", "db-01.example.org", vendor.Host, "source.address=db-01.example.org\nrelated.hosts=db-01.example.org\n"},
		{"source.address", "two words", vendor.Host, ""},
		{"source.address", "a/b", vendor.Host, ""},
		{"network.transport", "TCP", vendor.Transport, "network.transport=tcp\nnetwork.iana_number=6\n"},
		{"network.transport", "17", vendor.Transport, "network.transport=udp\nnetwork.iana_number=17\n"},
		{"network.transport", "253", vendor.Transport, "network.iana_number=253\n"},
		{"network.transport", "Foo-Proto", vendor.Transport, "network.transport=foo-proto\n"},
		{"network.transport", "256", vendor.Transport, ""},
		{"network.transport", "tcp/udp", vendor.Transport, ""},
		{"source.mac", "00:1a:2b:3c:4d:5e", vendor.MAC, "source.mac=00-1A-2B-3C-4D-5E\n"},
		{"source.mac", "00-1A-2B-3C-4D-5E", vendor.MAC, "source.mac=00-1A-2B-3C-4D-5E\n"},
		{"source.mac", "001a.2B3c.4d5e", vendor.MAC, "source.mac=00-1A-2B-3C-4D-5E\n"},
		{"source.mac", "001a.2b3c.4d5", vendor.MAC, ""},
		{"source.mac", "001a:2b3c:4d5e", vendor.MAC, ""},
		{"source.mac", "00:1a:2b:3c:4d", vendor.MAC, ""},
		{"source.mac", "zz:1a:2b:3c:4d:5e", vendor.MAC, ""},
		{"event.start", "2024/04/05 19:34:38", vendor.Time, "event.start=2024-04-05T19:34:38Z\n"},
		{"event.start", "Apr 05 2024 19:34:38 CEST", vendor.Time, ""},
		{"event.start", "yesterday", vendor.Time, ""},
		{"network.direction", "Inbound", vendor.Direction, "network.direction=inbound\n"},
		{"network.direction", "sideways", vendor.Direction, ""},
		{"observer.ingress.interface.name", "NP Identity Ifc", vendor.Interface, "observer.ingress.interface.name=NP Identity Ifc\n"},
		{"rule.name", "Block RDP", vendor.Text, "rule.name=Block RDP\n"},
		{"observer.name", "FGT-EDGE", vendor.Word, "observer.name=FGT-EDGE\n"},
		{"observer.name", "FGT EDGE", vendor.Word, ""},
		{"observer.name", "", vendor.Word, ""},
		{"fortinet.fortigate.vd", "root", vendor.Extra, "fortinet.fortigate.vd=root\n"},
	} {
		e := event.New(received)
		e.Time = received
		ok := SetKind(e, c.key, c.value, c.kind)
		if got := fieldsOf(e); got != c.want || ok != (c.want != "") {
			t.Errorf("SetKind(%s, %q, %s) = %v, set\n%s want\n%s", c.key, c.value, c.kind, ok, got, c.want)
		}
	}
}

func TestSetKindTimestamp(t *testing.T) {
	device := time.Date(2024, 4, 5, 19, 34, 38, 0, time.UTC)
	// A header without a time: the event's time is the receive time.
	e := event.New(received)
	e.Time = received
	if !SetKind(e, "@timestamp", "1712345678", vendor.Time) || !e.Time.Equal(time.Unix(1712345678, 0)) {
		t.Errorf("no header time: @timestamp = %v", e.Time)
	}
	// A time that names its instant (epoch, RFC 3339) wins over a header
	// time, which a relay may have written: every road gives the same.
	header := device.Add(3 * time.Hour)
	for _, v := range []string{"1712345678", "2024-04-05T19:34:38Z"} {
		e = event.New(received)
		e.Time = header
		if !SetKind(e, "@timestamp", v, vendor.Time) || !e.Time.Equal(device) {
			t.Errorf("%s over a header time: @timestamp = %v, want %v", v, e.Time, device)
		}
	}
	// A local time without a zone does not: the header's time stands.
	e = event.New(received)
	e.Time = header
	if SetKind(e, "@timestamp", "2024-04-05 19:34:38", vendor.Time) {
		t.Error("a zoneless time over a header time reported as set")
	}
	if !e.Time.Equal(header) {
		t.Errorf("header time replaced by a zoneless one: %v", e.Time)
	}
	if len(e.Fields) != 0 {
		t.Errorf("@timestamp set a field: %v", e.Fields)
	}
}

func TestEmitter(t *testing.T) {
	e := event.New(received)
	emit := Emitter(e, "paloalto.panos.")
	emit("vsys", "vsys1", vendor.Extra)
	emit("source.port", "51000", vendor.Port)
	emit("source.port", "x", vendor.Port)
	want := "paloalto.panos.vsys=vsys1\nsource.port=51000\n"
	if got := fieldsOf(e); got != want {
		t.Errorf("got\n%s want\n%s", got, want)
	}
}

func TestSetVendorClass(t *testing.T) {
	e := event.New(received)
	SetVendorClass(e, vendor.Class{Category: []string{"network"}, Type: []string{"connection", "denied"},
		Action: "connection-denied", Outcome: "failure"})
	want := "event.category=network\nevent.type=connection,denied\nevent.outcome=failure\nevent.action=connection-denied\n"
	if got := fieldsOf(e); got != want {
		t.Errorf("got\n%s want\n%s", got, want)
	}
	e = event.New(received)
	SetVendorClass(e, vendor.Class{Outcome: "success"})
	if got := fieldsOf(e); got != "event.outcome=success\n" {
		t.Errorf("outcome only: got\n%s", got)
	}
	e = event.New(received)
	SetVendorClass(e, vendor.Class{})
	if len(e.Fields) != 0 {
		t.Errorf("empty class set %v", e.Fields)
	}
}

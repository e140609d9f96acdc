package cef

import (
	"maps"
	"testing"

	"github.com/nomenhq/nomen/normalize/vendor"
)

func TestLEEF(t *testing.T) {
	cases := []struct {
		name, program, msg string
		want               map[string]string
	}{
		{"1.0 tabs", "", "LEEF:1.0|Acme|Gateway|3.1|conn_deny|src=10.1.2.3\tdst=198.51.100.20\tsrcPort=51000\tdstPort=22\tproto=TCP\tusrName=alice smith\tsev=7\tcat=Firewall\tdevTime=Apr 05 2024 19:34:38",
			map[string]string{"leef.version": "1.0", "observer.vendor": "Acme", "observer.product": "Gateway", "observer.version": "3.1",
				"event.code": "conn_deny", "source.ip": "10.1.2.3", "destination.ip": "198.51.100.20", "source.port": "51000",
				"destination.port": "22", "network.transport": "TCP", "user.name": "alice smith", "event.severity": "7",
				"leef.cat": "Firewall", "@timestamp": "Apr 05 2024 19:34:38"}},
		{"2.0 caret", "", "LEEF:2.0|Acme|Gateway|3.1|login|^|usrName=bob^src=192.0.2.4^srcMAC=00:1a:2b:3c:4d:5e^role=admin",
			map[string]string{"leef.version": "2.0", "observer.vendor": "Acme", "observer.product": "Gateway", "observer.version": "3.1",
				"event.code": "login", "user.name": "bob", "source.ip": "192.0.2.4", "source.mac": "00:1a:2b:3c:4d:5e", "leef.role": "admin"}},
		{"2.0 hex", "LEEF", "2.0|Acme|Gateway|3.1|x|x09|src=192.0.2.4\tdstBytes=99\tsev=11",
			map[string]string{"leef.version": "2.0", "observer.vendor": "Acme", "observer.product": "Gateway", "observer.version": "3.1",
				"event.code": "x", "source.ip": "192.0.2.4", "destination.bytes": "99", "leef.sev": "11"}},
		{"2.0 0x hex", "", "LEEF:2.0|Acme|Gateway|3.1|x|0x7C|src=192.0.2.4|url=https://example.test/",
			map[string]string{"leef.version": "2.0", "observer.vendor": "Acme", "observer.product": "Gateway", "observer.version": "3.1",
				"event.code": "x", "source.ip": "192.0.2.4", "url.original": "https://example.test/"}},
		// A relay escaped the tabs; a day-first devTimeFormat keeps devTime as written.
		{"relay #011", "", "LEEF:1.0|Acme|Gateway|3.1|x|src=192.0.2.4#011devTime=05/04/2024 19:34:38#011devTimeFormat=dd/MM/yyyy HH:mm:ss",
			map[string]string{"leef.version": "1.0", "observer.vendor": "Acme", "observer.product": "Gateway", "observer.version": "3.1",
				"event.code": "x", "source.ip": "192.0.2.4", "leef.devTime": "05/04/2024 19:34:38", "leef.devTimeFormat": "dd/MM/yyyy HH:mm:ss"}},
		// LEEF 2.0 without its delimiter field: tab-separated attributes at once.
		{"2.0 no delimiter", "", "LEEF:2.0|Acme|Gateway|3.1|x|dst=192.0.2.9\tdstPort=80",
			map[string]string{"leef.version": "2.0", "observer.vendor": "Acme", "observer.product": "Gateway", "observer.version": "3.1",
				"event.code": "x", "destination.ip": "192.0.2.9", "destination.port": "80"}},
	}
	for _, c := range cases {
		got, _, st := collect(t, LEEFNamespace, DecodeLEEF, c.program, c.msg)
		if st != vendor.Decoded {
			t.Errorf("%s: status %v", c.name, st)
		}
		if !maps.Equal(got, c.want) {
			t.Errorf("%s:\n got %v\nwant %v", c.name, got, c.want)
		}
	}
	for _, msg := range []string{"LEEF:1.0|Acme|Gateway|3.1", "LEEF:3.0|a|b|c|d|", "LEEF:"} {
		if got, _, st := collect(t, LEEFNamespace, DecodeLEEF, "", msg); st != vendor.Malformed || len(got) > 0 {
			t.Errorf("%q: %v %v", msg, st, got)
		}
	}
	if _, _, st := collect(t, LEEFNamespace, DecodeLEEF, "", "CEF:0|a|b|c|d|e|1|"); st != vendor.NotMine {
		t.Errorf("CEF line: %v", st)
	}
}

package ecs

import (
	"testing"
	"time"

	"github.com/nomenhq/nomen/relay/event"
)

func TestSetTLSVersion(t *testing.T) {
	for _, c := range []struct{ name, proto, version string }{
		{"TLSv1.3", "tls", "1.3"},
		{"TLSv1.2", "tls", "1.2"},
		{"TLSv1", "tls", "1.0"},
		{"SSLv3", "ssl", "3.0"},
		{"TLSv1.2.3", "", ""},
		{"TLSv", "", ""},
		{"TLSv1.x", "", ""},
		{"TLSv12", "", ""},
		{"DTLSv1.2", "", ""},
	} {
		e := event.New(time.Time{})
		SetTLSVersion(e, c.name)
		p, _ := e.Field("tls.version_protocol")
		v, _ := e.Field("tls.version")
		if p.String() != c.proto || v.String() != c.version {
			t.Errorf("%q: got %q %q, want %q %q", c.name, p.String(), v.String(), c.proto, c.version)
		}
	}
}

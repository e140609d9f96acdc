package web

import (
	"testing"

	"github.com/nomenhq/nomen/normalize/internal/normtest"
	"github.com/nomenhq/nomen/relay/event"
)

// Fuzz target for the web and proxy decoders: whatever the input, no
// panic, a decoder that says no leaves the event untouched, and a decoded
// event encodes to valid JSON.
//
//	go test ./normalize/web -run '^$' -fuzz FuzzWebDecoders -fuzztime 60s
func FuzzWebDecoders(f *testing.F) {
	normtest.Seeds(f, "apache", "nginx", "squid", "haproxy", "iis")
	f.Fuzz(func(t *testing.T, msg string) {
		for _, d := range Decoders() {
			normtest.FuzzDecode(t, d.Name, d.Decode, "", msg)
			if len(d.Programs) > 0 {
				normtest.FuzzDecode(t, d.Name, d.Decode, d.Programs[0], msg)
			}
		}
	})
}

// A proxy line whose address words are not addresses sets no address.
func TestProxyNoInventedAddress(t *testing.T) {
	for _, tc := range []struct{ name, msg string }{
		{"haproxy", `host.example:51234 [01/Jul/2026:10:00:00.123] fe be/s1 0/0/1/2/3 200 10 - - ---- 1/1/1/1/0 0/0 "GET / HTTP/1.1"`},
		{"haproxy", `192.0.2.1:x [01/Jul/2026:10:00:00.123] fe be/s1 0/0/3 10 -- 1/1/1/1/0 0/0`},
		{"squid", `1782900000.123 5 - TCP_MISS/200 10 GET http://h/ - HIER_DIRECT/- text/html`},
		{"haproxy", `host.example - - [01/Jul/2026:10:00:20 +0000] "GET / HTTP/1.1" 200 1 "" "" 5 045 "fe" "be" "s" 0 0 0 0 0 ---- 1 1 1 1 0 0 0 "-" "-"`},
		{"haproxy", `host.example:42001 [01/Jul/2026:10:00:08.000] https-in/1: SSL handshake failure`},
	} {
		for _, d := range Decoders() {
			if d.Name != tc.name {
				continue
			}
			e := event.New(normtest.Received)
			e.AppName, e.Message = tc.name, tc.msg
			if d.Decode(e) {
				for _, k := range []string{"source.ip", "source.domain", "destination.ip", "destination.domain"} {
					if v := normtest.Str(e, k); v != "" {
						t.Errorf("%s: %q gave %s %q", tc.name, tc.msg, k, v)
					}
				}
			}
		}
	}
}

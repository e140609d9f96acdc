package network

import (
	"strings"
	"testing"

	"github.com/nomenhq/nomen/normalize/internal/normtest"
)

// Fuzz targets for the network decoders (and the helpers the Windows one
// shares): whatever the input,
// no panic, a decoder that says no leaves the event untouched, and a
// decoded event encodes to valid JSON.
//
//	go test ./normalize -run '^$' -fuzz FuzzNetworkDecoders -fuzztime 60s

func FuzzNetworkDecoders(f *testing.F) {
	normtest.Seeds(f, "cisco_asa", "cisco_ios", "iptables", "pfsense")
	f.Fuzz(func(t *testing.T, msg string) {
		app := ""
		if i := strings.Index(msg, ": "); i > 0 && i < 40 {
			app = msg[:i]
		}
		for _, d := range Decoders() {
			normtest.FuzzDecode(t, d.Name, d.Decode, "", msg)
			normtest.FuzzDecode(t, d.Name, d.Decode, app, strings.TrimPrefix(msg, app+": "))
		}
	})
}

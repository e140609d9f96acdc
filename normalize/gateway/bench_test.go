package gateway

import (
	"testing"

	"github.com/nomenhq/nomen/normalize/internal/normtest"
	"github.com/nomenhq/nomen/relay/event"
)

// BenchmarkSniffUnknown is what the gateway sniffers add to a line no
// decoder knows (the golden "unknown" lines): every sniffer is asked.
func BenchmarkSniffUnknown(b *testing.B) {
	lines := normtest.Corpus(b, "unknown")
	events := make([]*event.Event, len(lines))
	for i, l := range lines {
		events[i] = parsed(string(l))
	}
	for _, d := range Decoders() {
		if d.Sniff == nil {
			continue
		}
		b.Run(d.Name, func(b *testing.B) {
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				e := events[i%len(events)]
				if d.Sniff(e) {
					b.Fatalf("%s sniffed an unknown line: %s", d.Name, e.Message)
				}
				i++
			}
		})
	}
}

// BenchmarkDecode measures each decoder on its first golden line.
func BenchmarkDecode(b *testing.B) {
	for _, c := range []struct{ name, file string }{
		{"fortinet", "fortinet/traffic/input.txt"},
		{"paloalto", "paloalto/traffic/input.txt"},
		{"junos", "junos/flow_structured/input.txt"},
		{"checkpoint", "checkpoint/log_exporter/input.txt"},
		{"sonicwall", "sonicwall/basic/input.txt"},
		{"sophos", "sophos/basic/input.txt"},
		{"cef", "cef/vendors/input.txt"},
		{"leef", "leef/versions/input.txt"},
		{"json", "json/syslog/input.txt"},
	} {
		b.Run(c.name, func(b *testing.B) {
			for _, d := range Decoders() {
				if d.Name == c.name {
					normtest.BenchDecoder(b, d.Decode, normtest.Line(b, c.file, 0))
				}
			}
		})
	}
}

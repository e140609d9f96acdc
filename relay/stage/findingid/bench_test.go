package findingid

import "testing"

// BenchmarkOf: the cost of an id, paid once per finding.
func BenchmarkOf(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		_ = Of("windows-process", "WS2.corp.example.org\x006100", 1782896410250000000, "{7f3c2a10-5b1e-6a4f-2d01-000000001a00}")
	}
}

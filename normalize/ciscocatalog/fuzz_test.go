package ciscocatalog

import (
	"slices"
	"strings"
	"testing"

	"github.com/nomenhq/nomen/normalize/internal/normtest"
)

// fuzzSeeds are bodies of several families (written for this test).
var fuzzSeeds = []struct{ id, body string }{
	{"106023", `Deny tcp src outside:198.51.100.14/40112 dst inside:10.1.2.3/3389 by access-group "OUTSIDE_IN" [0x1, 0x0]`},
	{"106100", "access-list IN permitted udp dmz/10.5.5.5(53) -> inside/10.1.2.3(40000) hit-cnt 1 (first hit)"},
	{"302013", "Built outbound TCP connection 4411 for outside:203.0.113.7/443 (203.0.113.7/443) to inside:10.1.2.3/51000 (192.0.2.2/51000)"},
	{"302014", "Teardown TCP connection 4410 for outside:198.51.100.14/40112 to dmz:10.5.5.80/443 duration 1:02:03 bytes 9000 TCP FINs"},
	{"113005", "AAA user authentication Rejected : reason = Invalid password : server = 10.1.1.5 : user = bob : user IP = 198.51.100.3"},
	{"722051", "Group <VPN> User <bob> IP <198.51.100.3> IPv4 Address <10.8.0.4> IPv6 address <::> assigned to session"},
	{"733100", "[ Scanning] drop rate-1 exceeded. Current burst rate is 12 per second"},
}

// FuzzMatch: no panic, every value handed out is a substring of the
// body, and nextEnd's jumps agree with visiting every byte.
func FuzzMatch(f *testing.F) {
	for i, s := range fuzzSeeds {
		f.Add(i, s.body)
	}
	ids := ASAIDs()
	slices.Sort(ids) // the same id for the same input in every run
	f.Fuzz(func(t *testing.T, which int, body string) {
		if which < 0 {
			which = -which
		}
		var m *Msg
		if which < len(fuzzSeeds) {
			m, _ = ASA(fuzzSeeds[which].id)
		} else {
			m, _ = ASA(ids[which%len(ids)])
		}
		m.Match(body, func(k, v string, kind Kind) {
			if v == "" || !strings.Contains(body, v) {
				t.Fatalf("%s: %s=%q is not in %q", m.ID, k, v, body)
			}
			if !valid(kind, v) && kind != User {
				t.Fatalf("%s: %s=%q is not a %s", m.ID, k, v, kind)
			}
		})
		fast := matchAll(m, body)
		scanEveryByte = true
		slow := matchAll(m, body)
		scanEveryByte = false
		if fast != slow {
			t.Fatalf("%s on %q:\njumps %s\nevery byte %s", m.ID, body, fast, slow)
		}
	})
}

// BenchmarkMatchASA reports wall time and process CPU time per match
// (cpu-ns/op): on a shared machine the second says more about the code.
func BenchmarkMatchASA(b *testing.B) {
	for _, s := range fuzzSeeds[:4] {
		m, _ := ASA(s.id)
		b.Run(s.id, func(b *testing.B) {
			n := 0
			emit := func(string, string, Kind) { n++ }
			b.ReportAllocs()
			cpu0 := normtest.CPUTime()
			for b.Loop() {
				if _, ok := m.Match(s.body, emit); !ok {
					b.Fatal("no match")
				}
			}
			b.ReportMetric(float64((normtest.CPUTime()-cpu0).Nanoseconds())/float64(b.N), "cpu-ns/op")
		})
	}
}

// TestScanJumpsAgree: nextEnd's jumps find the same matches and values as
// visiting every byte, on the seeds and on every catalogued format with
// its placeholders filled in.
func TestScanJumpsAgree(t *testing.T) {
	bodies := []string{}
	for _, s := range fuzzSeeds {
		bodies = append(bodies, s.body, s.body+" ", s.body+".", strings.ReplaceAll(s.body, " ", "  "))
	}
	for _, id := range ASAIDs() {
		m, _ := ASA(id)
		for _, b := range bodies {
			fast := matchAll(m, b)
			scanEveryByte = true
			slow := matchAll(m, b)
			scanEveryByte = false
			if fast != slow {
				t.Errorf("%s on %q:\njumps %s\nevery byte %s", id, b, fast, slow)
			}
		}
	}
}

func matchAll(m *Msg, body string) string {
	var out strings.Builder
	class, ok := m.Match(body, func(k, v string, kind Kind) { out.WriteString(k + "=" + v + ";") })
	if !ok {
		return "no match"
	}
	return class.Action + " " + out.String()
}

package sequence

import "testing"

// FuzzStreamNames: a stream gives back the kind and names it was given,
// whatever they are (long ones, empty ones, an origin that is or is
// almost its host's), also after its host changes.
func FuzzStreamNames(f *testing.F) {
	f.Add(uint8(kRFC5424), "web1", "host:web1", "", "", "web2")
	f.Add(uint8(kAgent), "ws1", "agent:a1", "Security", "a1", "")
	f.Add(uint8(kSnare), "", "host:", "Security", "", "x")
	f.Add(uint8(kCisco), "h", "host:hh", "", "", "h")
	f.Add(uint8(255), string(make([]byte, 300)), "host:"+string(make([]byte, 300)), "c", "a", "host")
	f.Fuzz(func(t *testing.T, k uint8, host, origin, channel, agent, newHost string) {
		want := streamNames{nameHost: host, nameOrigin: origin, nameChannel: channel, nameAgent: agent}
		var s stream
		s.setNames(kind(k), want)
		if s.kind() != kind(k) || s.names() != want {
			t.Fatalf("kind %d names %q, want %d %q", s.kind(), s.names(), k, want)
		}
		if s.host() != host || s.origin() != origin || s.channel() != channel || s.agent() != agent {
			t.Fatalf("accessors disagree with names %q", s.names())
		}
		s.setHost(newHost)
		want[nameHost] = newHost
		if s.kind() != kind(k) || s.names() != want {
			t.Fatalf("after setHost: kind %d names %q, want %d %q", s.kind(), s.names(), k, want)
		}
	})
}

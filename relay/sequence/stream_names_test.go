package sequence

import "testing"

// FuzzStreamNames: a stream gives back the kind, lease, epoch and names
// it was given, whatever they are (long ones, empty ones, an origin that
// is or is almost its host's), also after each of them changes.
func FuzzStreamNames(f *testing.F) {
	f.Add(uint8(kRFC5424), uint64(0), int64(0), "web1", "host:web1", "", "", "web2")
	f.Add(uint8(kAgent), uint64(7), int64(1700000000), "ws1", "agent:a1", "Security", "a1", "")
	f.Add(uint8(kSnare), uint64(1)<<63, int64(-1), "", "host:", "Security", "", "x")
	f.Add(uint8(kCisco), uint64(127), int64(-64), "h", "host:hh", "", "", "h")
	f.Add(uint8(255), uint64(128), int64(1)<<62, string(make([]byte, 300)), "host:"+string(make([]byte, 300)), "c", "a", "host")
	f.Fuzz(func(t *testing.T, k uint8, lease uint64, epoch int64, host, origin, channel, agent, newHost string) {
		want := streamNames{nameHost: host, nameOrigin: origin, nameChannel: channel, nameAgent: agent}
		wantHead := head{kind: kind(k), lease: lease, epoch: epoch}
		var s stream
		check := func(when string) {
			t.Helper()
			if h := s.head(); h != wantHead || s.kind() != wantHead.kind || s.lease() != lease || s.epoch() != epoch {
				t.Fatalf("%s: head %+v (kind %d lease %d epoch %d), want %+v", when, h, s.kind(), s.lease(), s.epoch(), wantHead)
			}
			if l, h := s.hot(); l != lease || h != want[nameHost] {
				t.Fatalf("%s: hot lease %d host %q, want %d %q", when, l, h, lease, want[nameHost])
			}
			if l, h, ok := s.hotInPlace(); ok && (l != lease || h != want[nameHost]) {
				t.Fatalf("%s: hotInPlace lease %d host %q, want %d %q", when, l, h, lease, want[nameHost])
			}
			if s.names() != want || s.host() != want[nameHost] || s.origin() != want[nameOrigin] || s.channel() != channel || s.agent() != agent {
				t.Fatalf("%s: names %q, want %q", when, s.names(), want)
			}
		}
		s.setText(wantHead, want)
		check("set")
		s.setHost(newHost)
		want[nameHost] = newHost
		check("after setHost")
		lease, epoch = lease^1, epoch+1
		wantHead.lease, wantHead.epoch = lease, epoch
		s.setLease(lease)
		s.setEpoch(epoch)
		check("after setLease, setEpoch")
	})
}

package sequence

import (
	"testing"
	"time"

	"github.com/nomenhq/nomen/relay/event"
	"github.com/nomenhq/nomen/relay/stage/stagetest"
)

// FuzzCell: a stream stored in the tracker's map (cell and extra bytes)
// comes back with the kind, lease, epoch, numbers, holes and names it was
// stored with, whatever they are (long ones, empty ones, names that are
// or are almost in its key, a key that is not of its kind), also after
// each of them changes; and hot reads the lease, epoch and host as load
// and names do.
func FuzzCell(f *testing.F) {
	f.Add("rfc5424:web1/app/77", uint8(kRFC5424), uint64(0), int64(0), "web1", "host:web1", "", "", "web2", int64(1004), int64(1000), int64(1), false)
	f.Add("agent:a1/Security", uint8(kAgent), uint64(7), int64(1700000000), "ws1", "agent:a1", "Security", "a1", "", int64(5), int64(-3), int64(-1), true)
	f.Add("winlog:dc1/Microsoft-Windows-Sysmon/Operational", uint8(kWinlog), uint64(0), int64(0), "dc1", "agent:x", "Microsoft-Windows-Sysmon/Operational", "", "dc1", int64(1)<<62, int64(0), int64(0), true)
	f.Add("snare:", uint8(kSnare), uint64(1)<<63, int64(-1), "", "host:", "Security", "", "x", int64(-5), int64(7), int64(1)<<62, false)
	f.Add("cisco:hh", uint8(kCisco), uint64(127), int64(-64), "h", "host:hh", "", "", "hh", int64(9), int64(9), int64(2), false)
	f.Add("rfc5424:h", uint8(255), uint64(128), int64(1)<<62, string(make([]byte, 300)), "host:"+string(make([]byte, 300)), "c", "a", "host", int64(0), int64(0), int64(0), true)
	f.Fuzz(func(t *testing.T, key string, k uint8, lease uint64, epoch int64, host, origin, channel, agent, newHost string, last, first, began int64, withHoles bool) {
		if key == "" {
			return
		}
		mk := mapKey(key)
		tr, _ := openTracker(t, "", func() time.Time { return stagetest.Epoch })
		want := stream{h: head{kind: kind(k), lease: lease, epoch: epoch}, Last: last, First: first, began: began}
		if withHoles {
			want.setHoles([]hole{{First: 1, Last: 2, After: 3}})
		}
		names := streamNames{nameHost: host, nameOrigin: origin, nameChannel: channel, nameAgent: agent}
		// Another stream first, so that began is not the tracker's base.
		other := stream{began: stagetest.Epoch.UnixNano()}
		tr.put(tr.streams.Put(mapKey("other"), cell{}, nil), []byte(mapKey("other")), &other, &streamNames{})
		c := tr.streams.Put(mk, cell{}, nil)
		tr.key = []byte(mk)
		check := func(when string) {
			t.Helper()
			got := tr.load(c)
			if l := tr.last(c); l != want.Last {
				t.Fatalf("%s: last %d, want %d", when, l, want.Last)
			}
			if got.h != want.h || got.Last != want.Last || got.First != want.First || got.began != want.began || got.more != want.more {
				t.Fatalf("%s: stream %+v, want %+v", when, got, want)
			}
			if got := tr.names(mk, c); got != names {
				t.Fatalf("%s: names %q, want %q", when, got, names)
			}
			if got := string(appendPublicKey(nil, mk)); got != key || publicKey(mk) != key {
				t.Fatalf("%s: key %q (%q), want %q", when, got, publicKey(mk), key)
			}
			l, e, same := tr.hot(c, names[nameHost])
			if l != lease || e != want.h.epoch || !same {
				t.Fatalf("%s: hot lease %d epoch %d same host %v, want %d %d true", when, l, e, same, lease, want.h.epoch)
			}
			if _, _, same := tr.hot(c, names[nameHost]+"x"); same {
				t.Fatalf("%s: hot says host %q is %q", when, names[nameHost]+"x", names[nameHost])
			}
		}
		tr.put(c, []byte(mk), &want, &names)
		check("stored")
		names[nameHost] = newHost
		tr.put(c, []byte(mk), &want, &names)
		check("after a new host")
		lease, want.h.epoch, want.First = lease^1, epoch+1, first-1
		want.h.lease = lease
		want.setHoles(nil)
		tr.put(c, nil, &want, nil)
		check("after new numbers")
		if len(tr.cells.more)-len(tr.cells.free) != 0 {
			t.Fatalf("%d holes held for no stream", len(tr.cells.more)-len(tr.cells.free))
		}
	})
}

// TestCellNamesInKey: the names of the streams the tracker sees most
// (syslog and Windows hosts, agent channels) cost nothing beside their
// key.
func TestCellNamesInKey(t *testing.T) {
	for _, tc := range []struct {
		key   string
		k     kind
		names streamNames
	}{
		{"rfc5424:web1/app/77", kRFC5424, streamNames{nameHost: "web1", nameOrigin: "host:web1"}},
		{"winlog:dc1/Security", kWinlog, streamNames{nameHost: "dc1", nameOrigin: "host:dc1", nameChannel: "Security"}},
		{"snare:dc1", kSnare, streamNames{nameHost: "dc1", nameOrigin: "host:dc1"}},
		{"cisco:10.0.0.1", kCisco, streamNames{nameHost: "10.0.0.1", nameOrigin: "host:10.0.0.1"}},
		{"agent:a1/Security", kAgent, streamNames{nameOrigin: "agent:a1", nameChannel: "Security", nameAgent: "a1"}},
	} {
		if b, _, _ := appendNames(nil, mapKey(tc.key), tc.k, &tc.names); len(b) != 0 {
			t.Errorf("%s: names apart %q, want none", tc.key, b)
		}
	}
}

// A stream's Last past 32 bits (cell.low and the extra bytes' high
// part): numbers in order across 2^32 and 2^33 are in order (the high
// part changes the slow way), a hole past them is the hole it is, and a
// restart to a small number leaves no high part behind.
func TestLastPast32Bits(t *testing.T) {
	now := stagetest.Epoch
	tr, _ := openTracker(t, "", func() time.Time { return now })
	var b []*event.Event
	for _, n := range []int64{1<<32 - 2, 1<<32 - 1, 1 << 32, 1<<32 + 1, 1<<33 - 1, 1 << 33, 1<<33 + 1} {
		if n == 1<<33-1 {
			continue // a gap: 1<<32 + 2 .. 1<<33 - 1 are missing when 1<<33 comes
		}
		b = append(b, rfc5424("h", n, now))
	}
	out := tr.Process(b)
	c, ok := tr.streams.Get(mapKey("rfc5424:h/app/1"))
	if !ok {
		t.Fatal("no stream")
	}
	if s := tr.load(c); len(gapAlerts(out)) != 0 || holes(&s) != itoa(1<<32+2)+"-"+itoa(1<<33-1) {
		t.Fatalf("%d alerts, holes %q", len(gapAlerts(out)), holes(&s))
	}
	if got := tr.last(c); got != 1<<33+1 || c.flags&hasHigh == 0 {
		t.Fatalf("last %d (flags %b), want %d with its high part apart", got, c.flags, int64(1<<33+1))
	}
	out = tr.Process([]*event.Event{rfc5424("h", 1<<33+2, now)}) // in order, in the cell alone
	if len(gapAlerts(out)) != 0 || tr.last(c) != 1<<33+2 {
		t.Fatalf("in order past 2^32: %d alerts, last %d", len(gapAlerts(out)), tr.last(c))
	}
	tr.Process([]*event.Event{rfc5424("h", 1, now), rfc5424("h", 2, now)}) // a restart
	if got := tr.last(c); got != 2 || c.flags&hasHigh != 0 {
		t.Fatalf("after a restart: last %d flags %b", got, c.flags)
	}
}

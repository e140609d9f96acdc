package event

import (
	"encoding/json"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"
	"time"
)

func sample() *Event {
	recv := time.Date(2026, 11, 22, 10, 15, 2, 125e6, time.UTC)
	e := New(recv)
	e.Time = time.Date(2026, 11, 22, 10, 15, 2, 123e6, time.UTC)
	e.Original = "<38>Nov 22 10:15:02 web1 sshd[392]: Failed password for invalid user ftp from 10.0.0.5 port 49786 ssh2"
	e.Message = e.Original[36:]
	e.Pri = 38
	e.Hostname, e.AppName, e.ProcID = "web1", "sshd", "392"
	e.Input, e.Peer, e.Format = "syslog-udp", "10.0.0.9:514", "rfc3164"
	e.SetList("event.category", "authentication")
	e.SetList("event.type", "start")
	e.SetStr("event.action", "ssh_login")
	e.SetStr("event.outcome", "failure")
	e.SetStr("event.provider", "sshd")
	e.SetStr("user.name", "ftp")
	e.SetStr("source.ip", "10.0.0.5")
	e.SetInt("source.port", 49786)
	e.AddToList("related.ip", "10.0.0.5")
	e.AddToList("related.user", "ftp")
	e.AddToList("related.user", "ftp")
	e.SetStr("nomen.rule", "sshd.auth.failure")
	return e
}

func TestAppendJSONIsNestedECS(t *testing.T) {
	enc := Encoder{Observer: "relay1"}
	out := enc.AppendJSON(nil, sample())
	var doc map[string]any
	if err := json.Unmarshal(out, &doc); err != nil {
		t.Fatalf("invalid JSON %s: %v", out, err)
	}
	want := map[string]any{
		"@timestamp": "2026-11-22T10:15:02.123Z",
		"message":    "Failed password for invalid user ftp from 10.0.0.5 port 49786 ssh2",
		"event": map[string]any{"kind": "event", "category": []any{"authentication"}, "type": []any{"start"},
			"action": "ssh_login", "outcome": "failure", "provider": "sshd",
			"original": "<38>Nov 22 10:15:02 web1 sshd[392]: Failed password for invalid user ftp from 10.0.0.5 port 49786 ssh2",
			"created":  "2026-11-22T10:15:02.125Z"},
		"host":    map[string]any{"name": "web1"},
		"user":    map[string]any{"name": "ftp"},
		"source":  map[string]any{"ip": "10.0.0.5", "port": 49786.0},
		"process": map[string]any{"name": "sshd", "pid": 392.0},
		"log": map[string]any{"syslog": map[string]any{
			"facility": map[string]any{"code": 4.0, "name": "auth"},
			"severity": map[string]any{"code": 6.0, "name": "informational"},
			"priority": 38.0, "hostname": "web1", "appname": "sshd", "procid": "392"}},
		"related":  map[string]any{"ip": []any{"10.0.0.5"}, "user": []any{"ftp"}},
		"observer": map[string]any{"hostname": "relay1", "type": "relay", "product": "nomen"},
		"nomen":    map[string]any{"input": "syslog-udp", "peer": "10.0.0.9:514", "format": "rfc3164", "rule": "sshd.auth.failure"},
		"ecs":      map[string]any{"version": ECSVersion},
	}
	if !reflect.DeepEqual(doc, want) {
		got, _ := json.MarshalIndent(doc, "", " ")
		t.Errorf("got %s", got)
	}
	// Deterministic: the same event encodes to the same bytes.
	if again := enc.AppendJSON(nil, sample()); string(again) != string(out) {
		t.Errorf("encoding not deterministic")
	}
}

func TestOverrideAndCollision(t *testing.T) {
	e := New(time.Unix(0, 0))
	e.Hostname = "from-header"
	e.SetStr("host.name", "from-decoder")
	e.SetStr("a", "scalar")
	e.SetStr("a.b", "dropped: a is a scalar")
	e.SetStr("x\"y", "quote\x01\xff\u2028")
	var enc Encoder
	var doc map[string]any
	out := enc.AppendJSON(nil, e)
	if err := json.Unmarshal(out, &doc); err != nil {
		t.Fatalf("invalid JSON %s: %v", out, err)
	}
	if doc["host"].(map[string]any)["name"] != "from-decoder" {
		t.Errorf("decoder field did not override: %s", out)
	}
	if doc["a"] != "scalar" {
		t.Errorf("collision: %s", out)
	}
	if doc["x\"y"] != "quote\x01\ufffd\u2028" {
		t.Errorf("escaping: %q", doc["x\"y"])
	}
	if doc["@timestamp"] != "1970-01-01T00:00:00.000Z" {
		// time.Unix(0,0) is the epoch, not the zero time, so it is present
		t.Errorf("timestamp %v", doc["@timestamp"])
	}
}

func TestTimeFormat(t *testing.T) {
	for _, tc := range []struct {
		t    time.Time
		want string
	}{
		{time.Date(2003, 8, 24, 12, 14, 15, 3000, time.UTC), "2003-08-24T12:14:15.000003Z"},
		{time.Date(1999, 12, 31, 23, 59, 59, 1, time.UTC), "1999-12-31T23:59:59.000000001Z"},
		{time.Date(2024, 2, 29, 0, 0, 0, 0, time.FixedZone("x", -7*3600)), "2024-02-29T07:00:00.000Z"},
		{time.Date(1960, 3, 1, 0, 0, 0, 5e8, time.UTC), "1960-03-01T00:00:00.500Z"},
	} {
		if got := string(appendTime(nil, tc.t.UnixNano())); got != tc.want {
			t.Errorf("%v: got %s want %s", tc.t, got, tc.want)
		}
		if got := string(AppendTime(nil, tc.t)); got != tc.want {
			t.Errorf("AppendTime(%v): got %s want %s", tc.t, got, tc.want)
		}
	}
}

func TestBinaryRoundTrip(t *testing.T) {
	e := sample()
	e.ID = 0
	e.Flags = Truncated
	e.MsgID = "ID47"
	e.SD = MakeSD([]string{"meta", "sequenceId", "7"}, []string{"x@1"})
	e.Set("f", Float(1.5))
	e.Set("b", Bool(true))
	e.Set("j", RawJSON(`{"k":1}`))
	other := New(time.Time{})
	other.Original = "abc"
	other.Message = "not a suffix"
	buf := AppendBinary(nil, e, nil)
	buf = AppendBinary(buf, other, e)
	got, err := DecodeBlock(buf, nil)
	if err != nil || len(got) != 2 {
		t.Fatalf("decode: %v %d", err, len(got))
	}
	e.Time, e.Received = e.Time.Local(), e.Received.Local()
	if !got[0].Time.Equal(e.Time) || !got[0].Received.Equal(e.Received) {
		t.Errorf("times differ")
	}
	got[0].Time, got[0].Received = e.Time, e.Received
	// An SD's spans depend on where its strings lie: compare its elements.
	if got[0].SD.String() != e.SD.String() {
		t.Errorf("structured data: got %s, want %s", got[0].SD, e.SD)
	}
	got[0].SD = e.SD
	if !reflect.DeepEqual(&got[0], e) {
		t.Errorf("round trip:\n got %+v\nwant %+v", got[0], *e)
	}
	if got[1].Message != "not a suffix" || !got[1].Time.IsZero() || got[1].Pri != NoPri {
		t.Errorf("second: %+v", got[1])
	}
}

func FuzzDecodeBlock(f *testing.F) {
	f.Add(AppendBinary(nil, sample(), nil))
	f.Add([]byte{1, 0, 0, 0, 0, 0, 0})
	f.Fuzz(func(t *testing.T, b []byte) {
		evs, err := DecodeBlock(append([]byte(nil), b...), nil)
		if err != nil {
			return
		}
		// Whatever decodes must encode back to the same bytes.
		var re []byte
		for i := range evs {
			var prev *Event
			if i > 0 {
				prev = &evs[i-1]
			}
			re = AppendBinary(re, &evs[i], prev)
		}
		again, err := DecodeBlock(re, nil)
		if err != nil || len(again) != len(evs) {
			t.Fatalf("re-decode: %v", err)
		}
		// And decode to the same events: windows of the original are
		// found again in the decoded original, literals stay literals.
		for i := range evs {
			g, w := again[i], evs[i]
			if !g.Time.Equal(w.Time) || !g.Received.Equal(w.Received) {
				t.Fatalf("event %d: times %v %v, want %v %v", i, g.Time, g.Received, w.Time, w.Received)
			}
			g.Time, g.Received = w.Time, w.Received
			if !reflect.DeepEqual(g, w) {
				t.Fatalf("event %d re-decoded:\n got %+v\nwant %+v", i, g, w)
			}
		}
	})
}

func BenchmarkAppendJSON(b *testing.B) {
	e := sample()
	enc := Encoder{Observer: "relay1"}
	var buf []byte
	b.ReportAllocs()
	for b.Loop() {
		buf = enc.AppendJSON(buf[:0], e)
	}
	b.SetBytes(int64(len(buf)))
}

func BenchmarkCodec(b *testing.B) {
	e := sample()
	var buf []byte
	into := make([]Event, 0, 1)
	b.ReportAllocs()
	for b.Loop() {
		buf = AppendBinary(buf[:0], e, nil)
		into, _ = DecodeBlock(append([]byte(nil), buf...), into[:0])
	}
}

func TestStructuredDataRepeats(t *testing.T) {
	sd := MakeSD(
		[]string{"a", "x", "1", "y", "2", "x", "3"},
		[]string{"b", "x", "b"},
		[]string{"a", "x", "4", "z", "5"},
	)
	var doc map[string]any
	out := appendSD(nil, sd)
	if err := json.Unmarshal(out, &doc); err != nil {
		t.Fatalf("%s: %v", out, err)
	}
	want := `{"a":{"x":["1","3","4"],"y":"2","z":"5"},"b":{"x":"b"}}`
	if string(out) != want {
		t.Errorf("got  %s\nwant %s", out, want)
	}
}

func TestSetAgainWins(t *testing.T) {
	e := New(time.Unix(1, 0))
	e.SetStr("user.name", "first")
	e.SetStr("a", "x")
	e.SetStr("user.name", "second")
	e.AddToList("related.user", "u1")
	e.SetStr("user.name", "third")
	e.AddToList("related.user", "u2")
	if v, _ := e.Field("user.name"); v.Str != "third" {
		t.Errorf("Field: %q", v.Str)
	}
	var enc Encoder
	var doc map[string]any
	out := enc.AppendJSON(nil, e)
	if err := json.Unmarshal(out, &doc); err != nil {
		t.Fatal(err)
	}
	if doc["user"].(map[string]any)["name"] != "third" || len(doc["related"].(map[string]any)["user"].([]any)) != 2 {
		t.Errorf("%s", out)
	}
	if strings.Count(string(out), `"name":"third"`) != 1 || strings.Contains(string(out), "second") {
		t.Errorf("duplicate keys: %s", out)
	}
	e.Delete("user.name")
	if e.Has("user.name") {
		t.Error("Delete left a value")
	}
}

func TestFieldSlab(t *testing.T) {
	var s FieldSlab
	a, b := s.Make(2), s.Make(2)
	a = append(a, Field{Key: "a1"}, Field{Key: "a2"})
	b = append(b, Field{Key: "b1"})
	a = append(a, Field{Key: "a3"}) // beyond its capacity: moved, b untouched
	if len(a) != 3 || a[2].Key != "a3" || b[0].Key != "b1" || len(b) != 1 {
		t.Errorf("a = %v, b = %v", a, b)
	}
	if got := s.Make(fieldSlabSize); cap(got) != fieldSlabSize || len(got) != 0 {
		t.Errorf("large Make: len %d cap %d", len(got), cap(got))
	}
}

// TestFieldSlabTrim: trimmed capacity goes to the next slice; a trimmed
// slice that grows is moved and never overwrites its neighbour.
func TestFieldSlabTrim(t *testing.T) {
	var s FieldSlab
	a := s.Make(8)
	a = append(a, Field{Key: "a1"}, Field{Key: "a2"})
	a = s.Trim(a)
	if len(a) != 2 || cap(a) != 2 {
		t.Fatalf("trimmed: len %d cap %d, want 2 2", len(a), cap(a))
	}
	b := s.Make(8)
	if s.off != 2+8 {
		t.Fatalf("the slab handed out %d fields, want 10 (a's unused capacity given back)", s.off)
	}
	b = append(b, Field{Key: "b1"})
	a = append(a, Field{Key: "a3"}) // a must move, not overwrite b1
	if b[0].Key != "b1" || a[2].Key != "a3" || a[0].Key != "a1" {
		t.Fatalf("neighbours overwritten: a %v b %v", a, b)
	}
	// A slice that was moved (grown past its capacity) is not trimmed into
	// the slab, and the slab's next slice does not overlap it.
	c := s.Make(1)
	c = append(c, Field{Key: "c1"}, Field{Key: "c2"}) // moved
	c = s.Trim(c)
	d := s.Make(1)
	d = append(d, Field{Key: "d1"})
	if c[0].Key != "c1" || c[1].Key != "c2" || d[0].Key != "d1" {
		t.Fatalf("moved slice disturbed: c %v d %v", c, d)
	}
	// Trim of an older slice is a no-op on the slab.
	e := s.Make(4)
	_ = s.Trim(b) // not the last one
	f := s.Make(4)
	e = append(e, Field{Key: "e1"}, Field{Key: "e2"}, Field{Key: "e3"}, Field{Key: "e4"})
	f = append(f, Field{Key: "f1"})
	if e[3].Key != "e4" || f[0].Key != "f1" {
		t.Fatalf("trim of an older slice gave away live capacity: e %v f %v", e, f)
	}
}

// TestDecodeBlockAllocations: the events of a block take their slices from
// a few allocations sized for the block, not from pools that double and
// leave half of the last unused: a journal reader behind the memory tail
// decodes every event it delivers, and that garbage is the collector's
// work (issue #17).
func TestDecodeBlockAllocations(t *testing.T) {
	e := sample()
	e.SD = MakeSD(
		[]string{"meta@32473", "seq", "1", "zone", "eu-1", "level", "1"},
		[]string{"origin", "ip", "192.0.2.1"},
	)
	const events = 500
	var buf []byte
	var prev *Event
	for range events {
		buf = AppendBinary(buf, e, prev)
		prev = e
	}
	into := make([]Event, 0, events)
	var got []Event
	allocs := testing.AllocsPerRun(20, func() {
		var err error
		if got, err = DecodeBlock(buf, into[:0]); err != nil || len(got) != events {
			t.Fatalf("decode: %v, %d events", err, len(got))
		}
	})
	// The arena, and per kind of slice (structured data's spans and
	// bodies, fields, list values) the first event's small pool and one
	// sized for the rest of the block (it was 31 with pools that doubled,
	// 9 with SD elements and params in slices of their own).
	if allocs > 9 {
		t.Errorf("%v allocations to decode a block of %d events, want at most 9", allocs, events)
	}
	if sd := got[events-1].SD; sd.String() != `[meta@32473 seq="1" zone="eu-1" level="1"][origin ip="192.0.2.1"]` {
		t.Errorf("last event's structured data: %+v", got[events-1].SD)
	}
}

// A program that logs its argv[0] ("/usr/sbin/sshd[123]:") is process.name
// "sshd", so rules on the name find it; the path is not taken for
// process.executable. Other tags are names as they stand, and a Cisco
// message id or a tag that is not a process gives none.
func TestProcessNameFromTag(t *testing.T) {
	for _, c := range []struct {
		app   string
		flags Flags
		name  string
	}{
		{"/usr/sbin/sshd", 0, "sshd"},
		{"/USR/SBIN/CRON", 0, "CRON"},
		{"sshd", 0, "sshd"},
		{"postfix/smtpd", 0, "postfix/smtpd"},
		{"/", 0, "/"},
		{"/usr/sbin/", 0, "/usr/sbin/"},
		{"%ASA-4-106023", 0, ""},
		{"/usr/sbin/sshd", TagNotProcess, ""},
	} {
		e := &Event{AppName: c.app, Flags: c.flags}
		name, _ := e.Get("process.name")
		if _, ok := e.Get("process.executable"); name.Str != c.name || ok {
			t.Errorf("%q: process.name %q (executable %v), want %q", c.app, name.Str, ok, c.name)
		}
	}
}

// PeerHost is the sender's host where a message names none (sequence
// streams, Exchange logs, Kafka keys): the port goes, an address stays.
func TestPeerHost(t *testing.T) {
	for peer, want := range map[string]string{
		"192.0.2.7:514":     "192.0.2.7",
		"[2001:db8::1]:514": "2001:db8::1",
		"[::1]":             "::1",
		"2001:db8::1":       "2001:db8::1", // bare IPv6: no port to cut
		"192.0.2.7":         "192.0.2.7",
		"":                  "",
		"var/log.sock":      "var/log.sock",
	} {
		if got := PeerHost(peer); got != want {
			t.Errorf("PeerHost(%q) = %q, want %q", peer, got, want)
		}
	}
}

// The encoder copies the JSON of nomen.input to observer.type from the
// last event when it is the same (sourceRun): for events whose input,
// peer, truncation, ID, observer and decoder fields come from small sets,
// one encoder throughout, each document must be the reference's.
func TestAppendJSONSourceRun(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 10))
	inputs, peers := []string{"", "tcp", "udp"}, []string{"", "127.0.0.1:40000", "192.0.2.1:514"}
	keys := []string{"nomen.peer", "nomen.zz", "observer", "observer.name", "process.name", "message", "a.b"}
	enc := Encoder{Observer: "relay1"}
	for i := range 20000 {
		e := New(time.Date(2026, 12, 7, 12, 0, 0, 0, time.UTC))
		e.Input, e.Peer = inputs[r.IntN(3)], strings.Clone(peers[r.IntN(3)]) // equal, not the same memory
		e.ID, e.Flags, e.Format = uint64(r.IntN(2)), Flags(r.IntN(2)), []string{"", "rfc5424"}[r.IntN(2)]
		e.AppName = "app"
		if r.IntN(4) == 0 {
			e.SetStr(keys[r.IntN(len(keys))], "v")
		}
		enc.Observer = []string{"relay1", "relay2", ""}[r.IntN(3)]
		got := enc.AppendJSON(nil, e)
		if want := refAppendJSON(&enc, e); string(got) != string(want) {
			t.Fatalf("event %d (%+v):\n got %s\nwant %s", i, e, got, want)
		}
	}
}

// The header's strings of a parsed event lie in its original, and those
// in its plain head (before its first byte to escape) are written as one
// move from there (derivedRun.inPlainHead): wherever they lie (across a
// byte to escape, near the end), the document must be the one of the
// same strings elsewhere in memory, and the reference's.
func TestAppendJSONHeaderInOriginal(t *testing.T) {
	r := rand.New(rand.NewPCG(11, 12))
	var enc Encoder
	for i := range 20000 {
		orig := randString(r) + strings.Repeat("host.example.net app ", r.IntN(3)) + randString(r)
		e := New(time.Date(2026, 12, 7, 12, 0, 0, 0, time.UTC))
		e.Original = orig
		for _, p := range []*string{&e.Hostname, &e.AppName, &e.ProcID, &e.MsgID, &e.Format} {
			from := r.IntN(len(orig) + 1)
			*p = orig[from : from+r.IntN(min(20, len(orig)-from)+1)]
		}
		got := string(enc.AppendJSON(nil, e))
		if want := string(refAppendJSON(&enc, e)); got != want {
			t.Fatalf("event %d (%+v):\n got %s\nwant %s", i, e, got, want)
		}
		e.Hostname, e.AppName, e.ProcID, e.MsgID = strings.Clone(e.Hostname), strings.Clone(e.AppName), strings.Clone(e.ProcID), strings.Clone(e.MsgID)
		if again := string(enc.AppendJSON(nil, e)); got != again {
			t.Fatalf("event %d: strings in the original\n got %s\nelsewhere %s", i, got, again)
		}
	}
}

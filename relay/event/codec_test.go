package event

import (
	"encoding/hex"
	"reflect"
	"strings"
	"testing"
	"time"
)

// windowed is an event whose header, SD and some field strings are
// slices of its Original, as the parser and the decoders make them.
func windowed() *Event {
	e := New(time.Date(2026, 11, 22, 10, 15, 2, 125e6, time.UTC))
	e.Time = time.Date(2026, 11, 22, 10, 15, 1, 7e6, time.UTC)
	e.Original = `<134>1 2026-11-22T10:15:01.007Z host1.example.net billing 4242 ID47 [meta seq="17"] invoice 77 sent`
	o := e.Original
	e.Pri = 134
	e.Hostname, e.AppName, e.ProcID, e.MsgID = o[32:49], o[50:57], o[58:62], o[63:67]
	var sd SDBuilder
	sd.Start(o)
	sd.Element(o[69:73])
	sd.Param(o[74:77], o[79:81])
	e.SD = sd.Finish()
	e.Message = o[len(o)-15:]
	e.Input, e.Peer, e.Format = "bench", "127.0.0.1:40000", "rfc5424"
	e.Flags = Truncated
	e.SetStr("event.action", o[len(o)-4:])
	e.SetInt("n", -77)
	e.Set("f", Float(1.5))
	e.Set("b", Bool(true))
	e.Set("j", RawJSON(`{"k":1}`))
	e.SetList("related.hosts", o[32:37], "other")
	return e
}

// sameEvent compares events as the journal keeps them (times in the local
// zone after decoding).
func sameEvent(t *testing.T, got, want *Event) {
	t.Helper()
	g, w := *got, *want
	if !g.Time.Equal(w.Time) || !g.Received.Equal(w.Received) {
		t.Errorf("times: got %v %v, want %v %v", g.Time, g.Received, w.Time, w.Received)
	}
	g.Time, g.Received = w.Time, w.Received
	// An SD's spans depend on where its strings lie: compare its elements.
	if g.SD.String() != w.SD.String() {
		t.Errorf("structured data: got %s, want %s", g.SD, w.SD)
	}
	g.SD = w.SD
	if !reflect.DeepEqual(&g, &w) {
		t.Errorf("decoded:\n got %+v\nwant %+v", g, w)
	}
}

func TestCodecWindowsOfOriginal(t *testing.T) {
	e := windowed()
	rec := AppendBinary(nil, e, nil)
	got, err := DecodeBlock(append([]byte(nil), rec...), nil)
	if err != nil || len(got) != 1 {
		t.Fatalf("decode: %v %d", err, len(got))
	}
	sameEvent(t, &got[0], e)

	// The same strings as copies are literals: each window saved bytes.
	c := windowed()
	c.Hostname, c.AppName = strings.Clone(c.Hostname), strings.Clone(c.AppName)
	c.SD = MakeSD([]string{"meta", "seq", "17"}) // copies
	copied := AppendBinary(nil, c, nil)
	if saved := len(copied) - len(rec); saved < len("host1.example.net")+len("billing")+len("meta")-3*4 {
		t.Errorf("windows saved %d bytes (record %d, with copies %d)", saved, len(rec), len(copied))
	}
	again, err := DecodeBlock(copied, nil)
	if err != nil || len(again) != 1 {
		t.Fatalf("decode copies: %v %d", err, len(again))
	}
	sameEvent(t, &again[0], e)
}

// codecV1Record is windowed() as version 1 wrote it (every string a
// literal): journals written before version 2 must still be read.
const codecV1Record = "01018087f8eac29fabea3180d59295cb9fabea318c02633c3133343e3120323032362d31312d32325431303a31353a30312e3030375a20686f7374312e6578616d706c652e6e65742062696c6c696e6720343234322049443437205b6d657461207365713d223137225d20696e766f6963652037372073656e741f11686f7374312e6578616d706c652e6e65740762696c6c696e67043432343204494434370562656e63680f3132372e302e302e313a3430303030077266633534323401046d6574610103736571023137060c6576656e742e616374696f6e000473656e74016e019901016602000000000000f83f01620302016a05077b226b223a317d0d72656c617465642e686f737473040205686f737431056f74686572"

func TestCodecReadsVersion1(t *testing.T) {
	rec, err := hex.DecodeString(codecV1Record)
	if err != nil {
		t.Fatal(err)
	}
	if rec[0] != 1 {
		t.Fatalf("fixture is version %d", rec[0])
	}
	got, err := DecodeBlock(rec, nil)
	if err != nil || len(got) != 1 {
		t.Fatalf("decode: %v %d", err, len(got))
	}
	sameEvent(t, &got[0], windowed())
}

// codecV2Block is two records of version 2 (whole times, texts as
// windows) back to back, as a block held them: windowed(), then
// windowed() received 3 ns later with a time 5 s earlier. Journals
// written before version 3 must still be read.
const codecV2Block = "02018087f8eac29fabea3180d59295cb9fabea318c02633c3133343e3120323032362d31312d32325431303a31353a30312e3030375a20686f7374312e6578616d706c652e6e65742062696c6c696e6720343234322049443437205b6d657461207365713d223137225d20696e766f6963652037372073656e741f4111650775047f040a62656e63681e3132372e302e302e313a34303030300e72666335343234018b0104010673657104313706186576656e742e616374696f6e00bf0104026e019901026602000000000000f83f02620302026a050e7b226b223a317d1a72656c617465642e686f737473040241050a6f74686572020180bfc8ca9d9fabea3186d59295cb9fabea318c02633c3133343e3120323032362d31312d32325431303a31353a30312e3030375a20686f7374312e6578616d706c652e6e65742062696c6c696e6720343234322049443437205b6d657461207365713d223137225d20696e766f6963652037372073656e741f4111650775047f040a62656e63681e3132372e302e302e313a34303030300e72666335343234018b0104010673657104313706186576656e742e616374696f6e00bf0104026e019901026602000000000000f83f02620302026a050e7b226b223a317d1a72656c617465642e686f737473040241050a6f74686572"

func TestCodecReadsVersion2(t *testing.T) {
	rec, err := hex.DecodeString(codecV2Block)
	if err != nil {
		t.Fatal(err)
	}
	got, err := DecodeBlock(rec, nil)
	if err != nil || len(got) != 2 {
		t.Fatalf("decode: %v %d", err, len(got))
	}
	second := windowed()
	second.Received = second.Received.Add(3)
	second.Time = second.Time.Add(-5e9)
	sameEvent(t, &got[0], windowed())
	sameEvent(t, &got[1], second)
}

// TestCodecTimesAsDifferences: a record's times are written less the
// previous record's, and a block decodes to the times as they were
// whether they are the same, zero after a time or a time after zero,
// earlier, or as far apart as times go; an event received with the one
// before takes a byte for it.
func TestCodecTimesAsDifferences(t *testing.T) {
	base := time.Date(2026, 11, 22, 10, 15, 2, 125e6, time.UTC)
	times := [][2]time.Time{
		{base, base},
		{base.Add(-5 * time.Second), base}, // received together, an earlier time
		{{}, base},                         // no time of its own
		{base, {}},
		{{}, {}},
		{time.Date(1700, 1, 1, 0, 0, 0, 1, time.UTC), time.Date(2260, 12, 31, 0, 0, 0, 0, time.UTC)},
		{time.Date(2260, 12, 31, 0, 0, 0, 0, time.UTC), time.Date(1700, 1, 1, 0, 0, 0, 1, time.UTC)},
		{base, base},
	}
	var block []byte
	var want []*Event
	var prev *Event
	for _, tt := range times {
		e := windowed()
		e.Time, e.Received = tt[0], tt[1]
		block = AppendBinary(block, e, prev)
		want, prev = append(want, e), e
	}
	got, err := DecodeBlock(block, nil)
	if err != nil || len(got) != len(want) {
		t.Fatalf("decode: %v %d", err, len(got))
	}
	for i := range got {
		if !got[i].Time.Equal(want[i].Time) || !got[i].Received.Equal(want[i].Received) || got[i].Time.IsZero() != want[i].Time.IsZero() || got[i].Received.IsZero() != want[i].Received.IsZero() {
			t.Errorf("event %d: times %v %v, want %v %v", i, got[i].Time, got[i].Received, want[i].Time, want[i].Received)
		}
		sameEvent(t, &got[i], want[i])
	}
	alone, after := AppendBinary(nil, want[1], nil), AppendBinary(nil, want[1], want[0])
	if len(alone)-len(after) < 8 { // received: 9 bytes whole, 1 as a difference of 0
		t.Errorf("a record after one received with it is %d bytes, alone %d", len(after), len(alone))
	}
}

// TestCodecConnTextsAsSame: an event's input, peer and format that are the
// very strings of the event before in the block are written as "the
// record before's" and decode as they were; the same text in other
// memory is written again; and a block cannot start with such a record.
func TestCodecConnTextsAsSame(t *testing.T) {
	input, peer, format := strings.Clone("syslog-tcp"), strings.Clone("10.0.0.9:51400"), strings.Clone("rfc5424")
	evs := []*Event{windowed(), windowed(), windowed()}
	for _, e := range evs {
		e.Input, e.Peer, e.Format = input, peer, format
	}
	evs[2].Peer = strings.Clone(peer) // the same text elsewhere
	var block []byte
	var prev *Event
	for _, e := range evs {
		block = AppendBinary(block, e, prev)
		prev = e
	}
	got, err := DecodeBlock(block, nil)
	if err != nil || len(got) != len(evs) {
		t.Fatalf("decode: %v %d", err, len(got))
	}
	for i := range got {
		sameEvent(t, &got[i], evs[i])
	}
	other := windowed()
	other.Input, other.Peer, other.Format = strings.Clone(input), strings.Clone(peer), strings.Clone(format)
	same, copied := AppendBinary(nil, evs[1], evs[0]), AppendBinary(nil, evs[1], other)
	if saved := len(copied) - len(same); saved != len(input)+len(peer)+len(format)+3-3*len(sameText) {
		t.Errorf("a record with its connection's texts as the record before's saved %d bytes", saved)
	}
	if _, err := DecodeBlock(same, nil); err == nil {
		t.Error("a block starting with a record that refers to the record before decoded")
	}
}

func TestCodecRejectsBadWindow(t *testing.T) {
	// Version 2, no flags, zero times, pri 0, original "abcdef", message
	// literal "", hostname a window at offset 4 of length 5: past the end.
	rec := []byte{2, 0, 0, 0, 0, 6, 'a', 'b', 'c', 'd', 'e', 'f', 0, 4<<1 | 1, 5}
	rec = append(rec, make([]byte, 8)...) // the other texts empty, no SD, no fields
	if _, err := DecodeBlock(rec, nil); err == nil {
		t.Fatal("a window past the end of original decoded")
	}
	rec[14] = 2 // length 2: inside
	got, err := DecodeBlock(rec, nil)
	if err != nil || len(got) != 1 || got[0].Hostname != "ef" {
		t.Fatalf("decode: %v %+v", err, got)
	}
}

// TestCodecWindowEdges: strings that share memory with the original only
// in part, or lie right before or after it in the same buffer (the
// parser's text arena holds originals back to back), or alias an empty
// original, decode as they were; only those wholly inside are windows.
func TestCodecWindowEdges(t *testing.T) {
	buf := "before|<13>app: the original text|after and more"
	o := buf[7:34] // "<13>app: the original text"
	cases := map[string]struct {
		orig, s string
		window  bool
	}{
		"whole original":       {o, o, true},
		"inside":               {o, o[4:7], false}, // shorter than minWindow
		"inside, long enough":  {o, o[9:21], true},
		"suffix":               {o, o[len(o)-4:], true},
		"straddles the end":    {o, buf[30:38], false},
		"straddles the start":  {o, buf[4:12], false},
		"right after":          {o, buf[34:40], false},
		"right before":         {o, buf[0:7], false},
		"empty original":       {o[5:5], buf[0:10], false},
		"empty string":         {o, o[3:3], false},
		"original past buffer": {buf[len(buf)-4:], buf[len(buf)-8:], false},
	}
	for name, c := range cases {
		e := &Event{Original: c.orig, Pri: NoPri, Hostname: c.s, Fields: []Field{{Key: "k", Val: String(c.s)}}}
		rec := AppendBinary(nil, e, nil)
		got, err := DecodeBlock(rec, nil)
		if err != nil || len(got) != 1 {
			t.Errorf("%s: decode: %v", name, err)
			continue
		}
		sameEvent(t, &got[0], e)
		literal := AppendBinary(nil, &Event{Original: c.orig, Pri: NoPri, Hostname: strings.Clone(c.s), Fields: []Field{{Key: "k", Val: String(strings.Clone(c.s))}}}, nil)
		if window := len(rec) < len(literal); window != c.window {
			t.Errorf("%s: written as a window %v, want %v (record %d bytes, with copies %d)", name, window, c.window, len(rec), len(literal))
		}
	}
}

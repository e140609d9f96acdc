package sequence

import (
	"fmt"
	"strings"
	"testing"
	"time"
	"unsafe"

	"github.com/nomenhq/nomen/relay/event"
	"github.com/nomenhq/nomen/relay/stage/stagetest"
	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
)

func openTracker(t testing.TB, dir string, now func() time.Time) (*Tracker, *prometheus.Registry) {
	reg := prometheus.NewRegistry()
	tr, err := New(Config{}, Options{StateDir: dir, Registerer: reg, Now: now, SnapshotEvery: -1})
	if err != nil {
		t.Fatal(err)
	}
	return tr, reg
}

// TestScenarios runs the cases in testdata/sequence (see package stagetest).
func TestScenarios(t *testing.T) {
	stagetest.Cases(t, "../../testdata/sequence", func(t testing.TB, _, dir string, now func() time.Time) []stagetest.Stage {
		tr, _ := openTracker(t, dir, now)
		return []stagetest.Stage{tr}
	})
}

func TestObserve(t *testing.T) {
	at := time.Unix(1000, 0)
	type want struct {
		v     verdict
		holes string
	}
	for _, tc := range []struct {
		name string
		nums []int64
		want []want
	}{
		{"in order", []int64{5, 6, 7}, []want{{inOrder, ""}, {inOrder, ""}}},
		{"jump", []int64{5, 9}, []want{{opened, "6-8"}}},
		{"fill first", []int64{5, 9, 6}, []want{{opened, "6-8"}, {filled, "7-8"}}},
		{"fill last", []int64{5, 9, 8}, []want{{opened, "6-8"}, {filled, "6-7"}}},
		{"fill middle", []int64{5, 9, 7}, []want{{opened, "6-8"}, {filled, "6-6 8-8"}}},
		{"fill all", []int64{5, 7, 6}, []want{{opened, "6-6"}, {filled, ""}}},
		{"two holes", []int64{1, 3, 6, 4}, []want{{opened, "2-2"}, {opened, "2-2 4-5"}, {filled, "2-2 5-5"}}},
		{"duplicate", []int64{5, 6, 6, 5}, []want{{inOrder, ""}, {duplicate, ""}, {duplicate, ""}}},
		{"reset to 1", []int64{500, 1}, []want{{restarted, ""}}},
		{"restart losing its first", []int64{500, 3}, []want{{restarted, "1-2"}}},
		{"small number, short stream: duplicate", []int64{20, 21, 10}, []want{{inOrder, ""}, {duplicate, ""}}},
		{"wrap", []int64{2147483647, 1}, []want{{restarted, ""}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := &stream{Last: tc.nums[0]}
			for i, n := range tc.nums[1:] {
				v, _ := s.observe(observation{n: n, at: at, due: at.Add(time.Second)}, time.Second, nil)
				if v != tc.want[i].v || holes(s) != tc.want[i].holes {
					t.Errorf("after %d: verdict %d holes %q, want %d %q", n, v, holes(s), tc.want[i].v, tc.want[i].holes)
				}
			}
		})
	}
}

func holes(s *stream) string {
	var b strings.Builder
	for i, h := range s.holes() {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(itoa(h.First) + "-" + itoa(h.Last))
	}
	return b.String()
}

func itoa(n int64) string { return event.Int(n).String() }

func TestTooManyHolesAreConfirmedEarly(t *testing.T) {
	s := &stream{Last: 0}
	var confirm []hole
	for n := int64(2); n <= 2*(maxHoles+5); n += 2 {
		_, confirm = s.observe(observation{n: n, at: time.Unix(0, 0), due: time.Unix(0, 0).Add(time.Hour)}, time.Hour, confirm)
	}
	if len(s.holes()) != maxHoles || len(confirm) != 5 {
		t.Fatalf("holes %d confirmed %d", len(s.holes()), len(confirm))
	}
	if confirm[0].First != 1 || s.holes()[0].First != 11 {
		t.Errorf("oldest confirmed first: %+v / %+v", confirm[0], s.holes()[0])
	}
}

func TestRetire(t *testing.T) {
	s := &stream{more: &streamMore{holes: []hole{{First: 2, Last: 4}, {First: 6, Last: 20}, {First: 30, Last: 31}}}}
	s.retire(8, 10)
	if got := holes(s); got != "2-4 6-7 11-20 30-31" {
		t.Errorf("holes = %q", got)
	}
}

func rfc5424(host string, seq int64, at time.Time) *event.Event {
	e := event.New(at)
	e.Format = "rfc5424"
	e.Hostname, e.AppName, e.ProcID = host, "app", "1"
	e.SetInt("event.sequence", seq)
	return e
}

func TestMetrics(t *testing.T) {
	now := stagetest.Epoch
	tr, reg := openTracker(t, "", func() time.Time { return now })
	var b []*event.Event
	for _, n := range []int64{1, 2, 2, 7, 1} {
		b = append(b, rfc5424("h", n, now))
	}
	out := tr.Process(b)
	tr.Applied(uint64(len(out)))
	// 3-6 was confirmed at once by the restart at 1.
	if len(out) != 6 || out[5].Str("event.action") != "sequence-gap" {
		t.Fatalf("out = %d events", len(out))
	}
	for name, want := range map[string]float64{
		"nomen_sequence_gaps_total":     1,
		"nomen_missing_events_total":    4,
		"nomen_duplicate_events_total":  1,
		"nomen_sequence_restarts_total": 1,
		"nomen_sequence_streams":        1,
	} {
		mfs, err := reg.Gather()
		if err != nil {
			t.Fatal(err)
		}
		found := false
		for _, mf := range mfs {
			if mf.GetName() == name {
				found = true
				m := mf.GetMetric()[0]
				got := m.GetCounter().GetValue() + m.GetGauge().GetValue()
				if got != want {
					t.Errorf("%s = %v, want %v", name, got, want)
				}
			}
		}
		if !found {
			t.Errorf("%s not registered", name)
		}
	}
}

func TestMaxStreamsEvictsAndReportsOpenHoles(t *testing.T) {
	now := stagetest.Epoch
	reg := prometheus.NewRegistry()
	tr, err := New(Config{MaxStreams: 2}, Options{Registerer: reg, Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	out := tr.Process([]*event.Event{rfc5424("a", 1, now), rfc5424("a", 5, now), rfc5424("b", 1, now)})
	if len(out) != 3 {
		t.Fatalf("unexpected alerts: %d", len(out))
	}
	// A third host evicts "a", whose hole 2-4 is reported then rather than never.
	out = tr.Process([]*event.Event{rfc5424("c", 1, now)})
	if len(out) != 2 || out[1].Str("nomen.gap.stream") != "rfc5424:a/app/1" {
		t.Fatalf("want a's gap on eviction, got %d events", len(out))
	}
	if got := value(tr.m.evicted); got != 1 {
		t.Errorf("evicted = %v", got)
	}
	if tr.streams.Len() != 2 {
		t.Errorf("streams = %d", tr.streams.Len())
	}
}

func TestConfig(t *testing.T) {
	off := false
	for _, tc := range []struct {
		cfg Config
		err string
	}{
		{Config{}, ""},
		{Config{Enabled: &off}, ""},
		{Config{Kinds: []string{"agent", "cisco"}}, ""},
		{Config{Kinds: []string{"agent", "snmp"}}, `unknown kind "snmp"`},
		{Config{MaxStreams: -1}, "max_streams"},
		{Config{Grace: 2 * 3600 * 1e9}, "too long"},
	} {
		err := tc.cfg.Validate()
		if tc.err == "" && err != nil || tc.err != "" && (err == nil || !strings.Contains(err.Error(), tc.err)) {
			t.Errorf("%+v: err = %v, want %q", tc.cfg, err, tc.err)
		}
	}
}

func TestDisabledKindIsNotTracked(t *testing.T) {
	now := stagetest.Epoch
	tr, err := New(Config{Kinds: []string{"agent"}}, Options{Registerer: prometheus.NewRegistry()})
	if err != nil {
		t.Fatal(err)
	}
	tr.Process([]*event.Event{rfc5424("a", 1, now), rfc5424("a", 5, now)})
	if tr.streams.Len() != 0 {
		t.Errorf("rfc5424 stream tracked although not in kinds")
	}
}

// BenchmarkProcess measures the tracker on a batch mixing numbered
// (RFC 5424, agent) and unnumbered events.
func BenchmarkProcess(b *testing.B) {
	tr, _ := openTracker(b, "", nil)
	now := stagetest.Epoch
	const n = 256
	evs := make([]*event.Event, n)
	batch := make([]*event.Event, n)
	var seq, rec int64
	for i := range evs {
		e := event.New(now)
		e.Hostname, e.AppName, e.Format = "web1", "sshd", "rfc3164"
		for _, k := range []string{"event.category", "event.type", "event.outcome", "event.action", "user.name", "source.ip", "source.port", "related.ip", "related.user", "event.provider"} {
			e.SetStr(k, "x")
		}
		switch i % 4 {
		case 1:
			e.Format = "rfc5424"
			e.SetInt("event.sequence", 0)
		case 2:
			e.Format = "agent"
			e.SetStr("agent.id", "wks01")
			e.SetStr("winlog.channel", "Security")
			e.SetInt("winlog.event_id", 4624)
			e.SetInt("nomen.agent.epoch", 1)
			e.SetInt("winlog.record_id", 0)
		}
		evs[i] = e
	}
	b.ReportAllocs()
	for b.Loop() {
		for _, e := range evs { // renumber in place (Set would append)
			for i := range e.Fields {
				switch e.Fields[i].Key {
				case "event.sequence":
					seq++
					e.Fields[i].Val.Num = seq
				case "winlog.record_id":
					rec++
					e.Fields[i].Val.Num = rec
				}
			}
		}
		copy(batch, evs)
		out := tr.Process(batch)
		tr.Applied(tr.AppliedID() + uint64(len(out)))
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/event")
}

func value(c prometheus.Metric) float64 {
	var m dto.Metric
	if err := c.Write(&m); err != nil {
		panic(err)
	}
	return m.GetCounter().GetValue() + m.GetGauge().GetValue()
}

// TestSharedMetrics: the metrics are created once and handed to every
// tracker (a relay restarting its stages in the same process counts into
// the same series), and the agent listeners count into Duplicates(). A
// second registration is an error, not a silent share.
func TestSharedMetrics(t *testing.T) {
	reg := prometheus.NewRegistry()
	m := NewMetrics(reg)
	for range 2 {
		tr, err := New(Config{}, Options{Metrics: m})
		if err != nil {
			t.Fatal(err)
		}
		tr.Process([]*event.Event{rfc5424("h", 5, stagetest.Epoch), rfc5424("h", 5, stagetest.Epoch)})
	}
	if got := value(m.Duplicates()); got != 2 {
		t.Errorf("duplicates = %v, want one per tracker", got)
	}
	if _, err := New(Config{}, Options{Registerer: reg}); err == nil {
		t.Error("registering the metrics a second time succeeded")
	}
}

// TestStreamsKeepNoEventText: a stream copies the strings it keeps of an
// event (its host name): an event's strings point into its parser's
// arena, blocks of a few hundred messages, and 200,000 streams that each
// kept one would keep every block alive (issue #17: state under 200,000
// keys).
func TestStreamsKeepNoEventText(t *testing.T) {
	now := stagetest.Epoch
	tr, _ := openTracker(t, "", func() time.Time { return now })
	arena := []byte("web1 web1")
	first, again := rfc5424(unsafe.String(&arena[0], 4), 1, now), rfc5424(unsafe.String(&arena[5], 4), 2, now)
	for _, e := range []*event.Event{first, again} {
		tr.Process([]*event.Event{e})
		c, ok := tr.streams.Get(mapKey("rfc5424:web1/app/1"))
		if !ok {
			t.Fatal("no stream")
		}
		if host := tr.names(mapKey("rfc5424:web1/app/1"), c)[nameHost]; host != "web1" || unsafe.StringData(host) == unsafe.StringData(e.Hostname) {
			t.Fatalf("stream host %q shares the event's bytes", host)
		}
		if len(tr.streams.Extra(c)) > 8 {
			t.Fatalf("stream keeps %q beside its key", tr.streams.Extra(c))
		}
	}
}

// gapAlerts returns the gap alerts among evs.
func gapAlerts(evs []*event.Event) (out []*event.Event) {
	for _, e := range evs {
		if a, _ := e.Get("event.action"); a.Str == actionGap {
			out = append(out, e)
		}
	}
	return out
}

// checkOneGap: alerts are one gap alert, for first..last.
func checkOneGap(t *testing.T, alerts []*event.Event, first, last int64) {
	t.Helper()
	if len(alerts) != 1 {
		t.Fatalf("want one gap alert, got %d: %v", len(alerts), alerts)
	}
	f, _ := alerts[0].Get("nomen.gap.first_missing")
	l, _ := alerts[0].Get("nomen.gap.last_missing")
	if f.Num != first || l.Num != last {
		t.Errorf("gap %v-%v, want %d-%d", f, l, first, last)
	}
}

// spreadShares is numbers 1..30 but the hole 10-12, dealt to edges
// round-robin: each edge's share, in order.
func spreadShares(edges int, received time.Time) [][]*event.Event {
	shares := make([][]*event.Event, edges)
	i := 0
	for n := int64(1); n <= 30; n++ {
		if n >= 10 && n <= 12 {
			continue // the real hole
		}
		shares[i%edges] = append(shares[i%edges], rfc5424("web9", n, received))
		i++
	}
	return shares
}

// TestBehindItsInputNoFalseGap: a tracker reading events received long
// ago (a correlation tier behind its stream, numbers spread over edges
// arriving in separate batches) gives a hole its grace from when it read
// the event that opened it: the numbers of the next batch fill it, and
// only the real hole is reported.
func TestBehindItsInputNoFalseGap(t *testing.T) {
	received := time.Unix(1000, 0)
	now := received.Add(time.Minute) // a minute behind
	tr, _ := openTracker(t, "", func() time.Time { return now })
	shares := spreadShares(2, received)
	var alerts []*event.Event
	alerts = append(alerts, gapAlerts(tr.Process(shares[0]))...)
	alerts = append(alerts, gapAlerts(tr.Tick(now))...) // between the batches
	now = now.Add(time.Second)
	alerts = append(alerts, gapAlerts(tr.Process(shares[1]))...)
	now = now.Add(DefaultGrace + time.Second)
	alerts = append(alerts, gapAlerts(tr.Tick(now))...)
	checkOneGap(t, alerts, 10, 12)
}

// TestSpreadSourceNoFalseGap: a source's numbers spread over three
// edges, each edge's share arriving whole after the other's (the first
// share seen starts above 1): the lower numbers that come next are the
// run's beginning, not a restart, and only the real hole is reported.
// Every order of the shares.
func TestSpreadSourceNoFalseGap(t *testing.T) {
	received := time.Unix(1000, 0)
	for _, order := range [][]int{{2, 0, 1}, {1, 2, 0}, {2, 1, 0}, {0, 1, 2}} {
		t.Run(fmt.Sprint(order), func(t *testing.T) {
			now := received
			tr, _ := openTracker(t, "", func() time.Time { return now })
			shares := spreadShares(3, received)
			var alerts []*event.Event
			for _, i := range order {
				alerts = append(alerts, gapAlerts(tr.Process(shares[i]))...)
				now = now.Add(100 * time.Millisecond)
				alerts = append(alerts, gapAlerts(tr.Tick(now))...)
			}
			now = now.Add(DefaultGrace)
			alerts = append(alerts, gapAlerts(tr.Tick(now))...)
			checkOneGap(t, alerts, 10, 12)
		})
	}
}

// TestRestartLongAfterTheRunBeganIsARestart: a low number below where
// the run began, received after the grace, is still a restart (the old
// run's holes reported, no hole down to it).
func TestRestartLongAfterTheRunBeganIsARestart(t *testing.T) {
	received := time.Unix(1000, 0)
	now := received
	tr, _ := openTracker(t, "", func() time.Time { return now })
	var alerts []*event.Event
	alerts = append(alerts, gapAlerts(tr.Process([]*event.Event{rfc5424("web9", 3, received), rfc5424("web9", 30, received)}))...)
	later := received.Add(time.Minute)
	now = later
	alerts = append(alerts, gapAlerts(tr.Process([]*event.Event{rfc5424("web9", 1, later), rfc5424("web9", 2, later)}))...)
	now = now.Add(DefaultGrace + time.Second)
	alerts = append(alerts, gapAlerts(tr.Tick(now))...)
	checkOneGap(t, alerts, 4, 29)
}

// The Linux kernel's audit reporting dropped records is a source's report
// of its own loss, counted as Windows' are (reason audit-loss); a kernel
// line that is no such report, or other lost-message notes, are not.
func TestKernelAuditLossCounted(t *testing.T) {
	var reg *prometheus.Registry
	stagetest.Replay(t, `<4>Dec  7 17:00:00 web1 kernel: [ 8123.456789] audit: backlog limit exceeded
<4>Dec  7 17:00:01 web1 kernel: [ 8124.000001] audit: audit_backlog=8193 > audit_backlog_limit=8192
<4>Dec  7 17:00:02 web1 kernel: [ 8125.000001] net_ratelimit: 42 callbacks suppressed
<6>Dec  7 17:00:03 web1 kernel: [ 8126.000001] usb 1-1: USB disconnect, device number 2
`, func(t testing.TB, _, dir string, now func() time.Time) []stagetest.Stage {
		var tr *Tracker
		tr, reg = openTracker(t, dir, now)
		return []stagetest.Stage{tr}
	})
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]float64{}
	for _, mf := range mfs {
		if mf.GetName() == "nomen_sequence_loss_reports_total" {
			for _, m := range mf.GetMetric() {
				got[m.GetLabel()[0].GetValue()] = m.GetCounter().GetValue()
			}
		}
	}
	if got["audit-loss"] != 2 || got["audit-log-cleared"] != 0 || got["agent-declared-gap"] != 0 {
		t.Errorf("loss reports %v, want the two kernel audit reports as audit-loss", got)
	}
}

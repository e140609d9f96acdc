package correlate

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/nomenhq/nomen/internal/config"
	"github.com/nomenhq/nomen/internal/cputime"
	"github.com/nomenhq/nomen/relay/event"
	"github.com/nomenhq/nomen/relay/sequence"
	"github.com/nomenhq/nomen/relay/stage"
	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
)

var t0 = time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC)

func decode(t testing.TB, src string) Config {
	t.Helper()
	var s struct {
		Correlate Config `toml:"correlate"`
	}
	if err := config.Decode("test.toml", []byte(src), &s, nil); err != nil {
		t.Fatal(err)
	}
	return s.Correlate
}

// pipe drives an engine as the pipeline does, with a simulated journal.
type pipe struct {
	t       testing.TB
	en      *Engine
	reg     *prometheus.Registry
	dir     string
	now     time.Time
	journal []*event.Event
	owner   stage.Owner // Options.Owner of the engines it opens
}

func newPipe(t testing.TB, src, dir string) *pipe {
	p := &pipe{t: t, dir: dir, now: t0}
	p.open(decode(t, src))
	return p
}

func (p *pipe) open(cfg Config) {
	p.reg = prometheus.NewRegistry()
	en, err := New(cfg, Options{StateDir: p.dir, Registerer: p.reg, Now: func() time.Time { return p.now }, SnapshotEvery: -1, Owner: p.owner})
	if err != nil {
		p.t.Fatal(err)
	}
	p.en = en
	last := uint64(len(p.journal))
	if from := en.AppliedID(); from < last {
		en.Recover(p.journal[from:])
	}
	en.Applied(last)
}

// send processes events and returns the findings.
func (p *pipe) send(evs ...*event.Event) []*event.Event {
	out := p.en.Process(evs)
	return p.journal1(out)[len(evs):]
}

func (p *pipe) tick(d time.Duration) []*event.Event {
	p.now = p.now.Add(d)
	return p.journal1(p.en.Tick(p.now))
}

func (p *pipe) journal1(out []*event.Event) []*event.Event {
	for _, e := range out {
		e.ID = uint64(len(p.journal)) + 1
		p.journal = append(p.journal, e)
	}
	p.en.Applied(uint64(len(p.journal)))
	return out
}

func ev(at time.Time, fields ...string) *event.Event {
	e := event.New(at)
	for i := 0; i+1 < len(fields); i += 2 {
		if fields[i] == "event.category" {
			e.SetList(fields[i], fields[i+1])
			continue
		}
		e.SetStr(fields[i], fields[i+1])
	}
	return e
}

func failure(at time.Time, ip string) *event.Event {
	return ev(at, "event.category", "authentication", "event.outcome", "failure", "source.ip", ip, "host.name", "web1")
}

const bruteforce = `
[[correlate.threshold]]
name = "bf"
where = { "event.category" = "authentication", "event.outcome" = "failure" }
group_by = ["source.ip"]
count = 3
window = "60s"
`

func TestConfigErrors(t *testing.T) {
	for _, tc := range []struct{ src, want string }{
		{`[[correlate.match]]
where = { "a" = "b" }`, `correlate.match[0]: name is required`},
		{`[[correlate.match]]
name = "x"`, `correlate.match[0] "x": where is required`},
		{`[[correlate.threshold]]
name = "x"
where = { "a" = "b" }
window = "1m"`, `count must be at least 1`},
		{`[[correlate.threshold]]
name = "x"
where = { "a" = "b" }
count = 2`, `window is required`},
		{`[[correlate.pair]]
name = "x"
first = { "a" = "b" }
second = { "a" = "c" }
group_by = ["k"]
window = "1m"
on = "never"`, `on = "never"`},
		{`[[correlate.first_seen]]
name = "x"
where = { "a" = "b" }`, `fields must list at least one field`},
		{`[[correlate.match]]
name = "x"
where = { "a" = "b" }
category = ["alerts"]`, `category "alerts" is not an ECS event.category`},
		{`[[correlate.match]]
name = "x"
where = { "a" = "b" }
time = "local"`, `time = "local"`},
		{`[[correlate.match]]
name = "x"
where = { "a" = "b" }
[[correlate.first_seen]]
name = "x"
where = { "a" = "b" }
fields = ["a"]`, `name already used by correlate.match[0]`},
		{`[[correlate.match]]
name = "process-end-missing"
where = { "a" = "b" }`, `name already used by the built-in process tracking`},
		{`[[correlate.match]]
name = "x"
where = { "a" = "b" }
message = "{user.name"`, `unclosed`},
		{`[[correlate.match]]
name = "x"
where = { "a" = "b" }
not_in = { values = ["a"] }`, `not_in: field is required`},
	} {
		err := decode(t, tc.src).Validate()
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s\n  err = %v, want %q", tc.src, err, tc.want)
		}
	}
}

func TestUnknownKeyIsAnError(t *testing.T) {
	var s struct {
		Correlate Config `toml:"correlate"`
	}
	err := config.Decode("t.toml", []byte("[[correlate.threshold]]\nname = \"x\"\ncuont = 5\n"), &s, nil)
	if err == nil || !strings.Contains(err.Error(), `t.toml:3: unknown key "correlate.threshold.cuont"`) {
		t.Errorf("err = %v", err)
	}
}

func TestThresholdWindowAndSuppress(t *testing.T) {
	p := newPipe(t, bruteforce+"[correlate.process]\nenabled = false\n", "")
	at := t0
	step := func(d time.Duration, ip string) []*event.Event {
		at = at.Add(d)
		return p.send(failure(at, ip))
	}
	step(0, "10.0.0.5")
	step(10*time.Second, "10.0.0.6") // another key
	if got := step(10*time.Second, "10.0.0.5"); len(got) != 0 {
		t.Fatal("fired after 2")
	}
	// 70s after the first: the first left the window, 2 remain.
	if got := step(50*time.Second, "10.0.0.5"); len(got) != 0 {
		t.Fatal("counted an event outside the window")
	}
	got := step(time.Second, "10.0.0.5")
	if len(got) != 1 {
		t.Fatalf("want a finding on the 3rd event within 60s, got %d", len(got))
	}
	f := got[0]
	if f.Str("rule.name") != "bf" || f.Str("source.ip") != "10.0.0.5" || f.Str("host.name") != "web1" ||
		f.Str(FieldFindingEvents) != "3,4,5" || f.Str(FieldFindingCount) != "3" {
		t.Errorf("finding: %s", enc(f))
	}
	// Suppressed for the window (default suppress) ...
	for range 3 {
		if got := step(5*time.Second, "10.0.0.5"); len(got) != 0 {
			t.Fatal("fired while suppressed")
		}
	}
	// ... then counting starts again.
	step(60*time.Second, "10.0.0.5")
	step(time.Second, "10.0.0.5")
	if got := step(time.Second, "10.0.0.5"); len(got) != 1 {
		t.Fatal("did not fire again after suppress")
	}
	if v := counter(t, p.reg, "nomen_findings_total", "bf"); v != 2 {
		t.Errorf("nomen_findings_total{rule=bf} = %v", v)
	}
}

func TestEventTime(t *testing.T) {
	p := newPipe(t, strings.Replace(bruteforce, `count = 3`, "count = 3\ntime = \"event\"", 1), "")
	// Received together, but the source says they are 2 minutes apart.
	var out []*event.Event
	for i := range 3 {
		e := failure(t0, "10.0.0.5")
		e.Time = t0.Add(time.Duration(i) * 2 * time.Minute)
		out = append(out, p.send(e)...)
	}
	if len(out) != 0 {
		t.Error("time = event: events 2 minutes apart counted in a 60s window")
	}
	p2 := newPipe(t, bruteforce, "")
	for range 3 {
		e := failure(t0, "10.0.0.5")
		e.Time = t0.Add(-time.Hour) // a source clock an hour off does not matter
		out = append(out, p2.send(e)...)
	}
	if len(out) != 1 {
		t.Errorf("time = received: %d findings", len(out))
	}
}

func TestGroupByFieldMissing(t *testing.T) {
	p := newPipe(t, bruteforce, "")
	for range 5 {
		e := ev(t0, "event.category", "authentication", "event.outcome", "failure")
		if len(p.send(e)) != 0 {
			t.Fatal("events without source.ip were grouped together")
		}
	}
}

const pairRules = `
[correlate.process]
enabled = false

[[correlate.pair]]
name = "logon-logoff"
first = { "event.action" = "logon" }
second = { "event.action" = "logoff" }
group_by = ["host.name", "winlog.logon.id"]
window = "10m"
on = "missing"
message = "{user.name} on {host.name} did not log off"

[[correlate.pair]]
name = "created-deleted"
first = { "event.action" = "created" }
second = { "event.action" = "deleted" }
group_by = ["user.target.name"]
window = "1h"
`

func TestPair(t *testing.T) {
	p := newPipe(t, pairRules, "")
	logon := func(id, user string) *event.Event {
		return ev(p.now, "event.action", "logon", "host.name", "wks1", "winlog.logon.id", id, "user.name", user)
	}
	p.send(logon("0x1", "alice"), logon("0x2", "bob"))
	p.tick(5 * time.Minute)
	p.send(ev(p.now, "event.action", "logoff", "host.name", "wks1", "winlog.logon.id", "0x1"))
	p.send(logon("0x2", "bob")) // a second "first" while waiting: the window runs from the first
	got := p.tick(6 * time.Minute)
	if len(got) != 1 || got[0].Str("event.action") != "pair-missing" || got[0].Message != "bob on wks1 did not log off" ||
		got[0].Str("winlog.logon.id") != "0x2" || got[0].Str(FieldFindingEvents) != "2" {
		t.Fatalf("findings: %v", encAll(got))
	}
	if got := p.tick(time.Hour); len(got) != 0 {
		t.Errorf("reported twice: %v", encAll(got))
	}

	// on = "both": the second within the window completes the pair; too late it does not.
	created := func(u string) *event.Event { return ev(p.now, "event.action", "created", "user.target.name", u) }
	deleted := func(u string) *event.Event { return ev(p.now, "event.action", "deleted", "user.target.name", u) }
	p.send(created("tmp1"), created("tmp2"))
	p.now = p.now.Add(30 * time.Minute)
	got = p.send(deleted("tmp1"))
	if len(got) != 1 || got[0].Str("event.action") != "pair-completed" || got[0].Str(FieldFindingCount) != "2" {
		t.Fatalf("pair both: %v", encAll(got))
	}
	p.now = p.now.Add(31 * time.Minute)
	if got := p.send(deleted("tmp2")); len(got) != 0 {
		t.Errorf("completed outside the window: %v", encAll(got))
	}
}

func TestMatchNotIn(t *testing.T) {
	p := newPipe(t, `
[[correlate.match]]
name = "m"
where = { "user.name" = "IUSR_*" }
not_in = { field = "process.executable", values = ['C:\PHP\*.exe'] }

[[correlate.match]]
name = "cs"
where = { "user.name" = "svc" }
not_in = { field = "process.executable", values = ["/usr/bin/perl"], case_sensitive = true }
`, "")
	for _, tc := range []struct {
		user, exe string
		fires     bool
	}{
		{"IUSR_WEB1", `C:\PHP\php-cgi.exe`, false},
		{"IUSR_WEB1", `c:\php\PHP.EXE`, false},
		{"IUSR_WEB1", `C:\WINNT\system32\cmd.exe`, true},
		{"IUSR_WEB1", "", true}, // no executable: not in the allow-list
		{"Administrator", `C:\WINNT\system32\cmd.exe`, false},
		{"svc", "/usr/bin/perl", false},
		{"svc", "/usr/bin/PERL", true},
	} {
		e := ev(t0, "user.name", tc.user, "process.executable", tc.exe)
		if got := len(p.send(e)) == 1; got != tc.fires {
			t.Errorf("%s %s: fired %v", tc.user, tc.exe, got)
		}
	}
}

// TestFirstSeenExpireAndEviction, on receive time (one time a tuple) and
// on event time (two): a tuple fires again once not seen for expire,
// the least recently seen is evicted past max_keys, and a tick forgets
// the tuples not received for expire.
func TestFirstSeenExpireAndEviction(t *testing.T) {
	for _, tm := range []string{"received", "event"} {
		t.Run(tm, func(t *testing.T) {
			p := newPipe(t, `
[[correlate.first_seen]]
name = "fs"
where = { "event.category" = "authentication" }
fields = ["user.name", "source.ip"]
expire = "1h"
max_keys = 2
time = "`+tm+`"
`, "")
			logon := func(user, ip string) int {
				return len(p.send(ev(p.now, "event.category", "authentication", "user.name", user, "source.ip", ip)))
			}
			if logon("alice", "10.0.0.1") != 1 || logon("alice", "10.0.0.1") != 0 || logon("alice", "10.0.0.2") != 1 {
				t.Fatal("first sightings")
			}
			p.now = p.now.Add(30 * time.Minute)
			if logon("alice", "10.0.0.1") != 0 {
				t.Error("within expire")
			}
			p.now = p.now.Add(61 * time.Minute)
			if logon("alice", "10.0.0.1") != 1 {
				t.Error("not seen for longer than expire: new again")
			}
			logon("bob", "10.0.0.3") // third tuple: evicts the least recently seen
			if v := counter(t, p.reg, "nomen_correlate_evicted_total", "fs"); v != 1 {
				t.Errorf("evicted = %v", v)
			}
			p.tick(30 * time.Minute)
			if v := counter(t, p.reg, "nomen_correlate_keys", "fs"); v != 2 {
				t.Errorf("%v tuples after a tick within expire, want 2", v)
			}
			p.tick(31 * time.Minute)
			if v := counter(t, p.reg, "nomen_correlate_keys", "fs"); v != 0 {
				t.Errorf("%v tuples after a tick past expire, want 0", v)
			}
		})
	}
}

// TestStateSurvivesRestartAndReload: windows, pending pairs and open
// processes come back after a restart; a reload keeps the state of
// unchanged rules and resets a changed one.
func TestStateSurvivesRestartAndReload(t *testing.T) {
	dir := t.TempDir()
	src := bruteforce + pairRules
	p := newPipe(t, src, dir)
	p.send(failure(p.now, "10.0.0.5"), failure(p.now, "10.0.0.5"))
	p.send(ev(p.now, "event.action", "logon", "host.name", "wks1", "winlog.logon.id", "0x9", "user.name", "carol"))
	if err := p.en.Close(); err != nil {
		t.Fatal(err)
	}

	p.open(decode(t, src))
	if got := p.send(failure(p.now, "10.0.0.5")); len(got) != 1 {
		t.Errorf("threshold window lost across restart: %d findings", len(got))
	}
	if got := p.tick(11 * time.Minute); len(got) != 1 || got[0].Str("user.name") != "carol" {
		t.Errorf("pending pair lost across restart: %v", encAll(got))
	}

	// Reload: bf unchanged keeps its window; logon-logoff changed starts afresh.
	p.send(failure(p.now, "10.0.0.7"), failure(p.now, "10.0.0.7"))
	p.send(ev(p.now, "event.action", "logon", "host.name", "wks1", "winlog.logon.id", "0xa", "user.name", "dave"))
	if err := p.en.Reload(decode(t, strings.Replace(src, `window = "10m"`, `window = "20m"`, 1))); err != nil {
		t.Fatal(err)
	}
	if got := p.send(failure(p.now, "10.0.0.7")); len(got) != 1 {
		t.Error("reload dropped the state of an unchanged rule")
	}
	if got := p.tick(30 * time.Minute); len(got) != 0 {
		t.Errorf("a changed rule kept its old state: %v", encAll(got))
	}
	// An invalid reload keeps the old rules.
	if err := p.en.Reload(decode(t, "[[correlate.match]]\nname = \"x\"\n")); err == nil {
		t.Fatal("invalid reload accepted")
	}
	if _, ok := p.en.byName["bf"]; !ok {
		t.Error("invalid reload replaced the rules")
	}
}

// TestCrashRecovery: state after the last snapshot is rebuilt from the
// journal without raising findings again.
func TestCrashRecovery(t *testing.T) {
	dir := t.TempDir()
	src := bruteforce + pairRules
	p := newPipe(t, src, dir)
	p.send(failure(p.now, "10.0.0.5"))
	if err := p.en.Snapshot(); err != nil {
		t.Fatal(err)
	}
	p.send(failure(p.now, "10.0.0.5"))
	p.send(ev(p.now, "event.action", "logon", "host.name", "wks1", "winlog.logon.id", "0x9", "user.name", "carol"))
	if got := p.tick(11 * time.Minute); len(got) != 1 {
		t.Fatalf("pair-missing: %d", len(got))
	}
	p.open(decode(t, src)) // kill -9: no Close
	if got := p.send(failure(t0.Add(10*time.Second), "10.0.0.5")); len(got) != 1 {
		t.Errorf("threshold did not count the events journaled after the snapshot: %d findings", len(got))
	}
	if got := p.tick(11 * time.Minute); len(got) != 0 {
		t.Errorf("a finding journaled before the crash was raised again: %v", encAll(got))
	}
}

func TestIndexDispatch(t *testing.T) {
	cfg := decode(t, `
[[correlate.match]]
name = "by-code"
where = { "event.code" = ["4688", "592"], "user.name" = "IUSR_*" }
[[correlate.match]]
name = "glob-only"
where = { "user.name" = "adm*" }
[[correlate.match]]
name = "by-category"
where = { "event.category" = ["iam", "authentication"], "event.outcome" = "failure" }
`)
	en, err := New(cfg, Options{Registerer: prometheus.NewRegistry()})
	if err != nil {
		t.Fatal(err)
	}
	keys := map[string]bool{}
	for _, d := range en.idx.by {
		keys[en.idx.conds.keys[d.key]] = true
	}
	if !keys["event.code"] || !keys["event.category"] || len(en.idx.always) != 1 {
		t.Errorf("index: %v, always %v", keys, en.idx.always)
	}
	for _, tc := range []struct {
		e    *event.Event
		rule string
	}{
		{ev(t0, "event.code", "592", "user.name", "IUSR_X"), "by-code"},
		{ev(t0, "user.name", "admin"), "glob-only"},
		{ev(t0, "event.category", "authentication", "event.outcome", "failure"), "by-category"},
	} {
		out := en.Process([]*event.Event{tc.e})
		if len(out) != 2 || out[1].Str("rule.name") != tc.rule {
			t.Errorf("%s: %v", tc.rule, encAll(out[1:]))
		}
	}
	// An int-typed field matches a string condition.
	e := ev(t0, "user.name", "IUSR_X")
	e.SetInt("event.code", 4688)
	if out := en.Process([]*event.Event{e}); len(out) != 2 {
		t.Error("int event.code not dispatched")
	}
}

func TestPredictedIDsResync(t *testing.T) {
	p := newPipe(t, bruteforce, "")
	p.send(failure(t0, "2.2.2.2"))
	p.en.Process([]*event.Event{failure(t0, "3.3.3.3")})
	// The pipeline fails to journal that batch: Applied with the old last ID.
	p.en.Applied(uint64(len(p.journal)))
	got := p.send(failure(t0, "1.1.1.1"), failure(t0, "1.1.1.1"), failure(t0, "1.1.1.1"))
	if len(got) != 1 || got[0].Str(FieldFindingEvents) != "2,3,4" {
		t.Errorf("ids after a failed append: %v", encAll(got))
	}
}

// counter returns the value of metric name for rule.
func counter(t testing.TB, reg *prometheus.Registry, name, rule string) float64 {
	t.Helper()
	return labelled(t, reg, name, "rule", rule)
}

func metricValue(m *dto.Metric) float64 { return m.GetCounter().GetValue() + m.GetGauge().GetValue() }

func enc(e *event.Event) string {
	var x event.Encoder
	return string(x.AppendJSON(nil, e))
}

func encAll(es []*event.Event) []string {
	var out []string
	for _, e := range es {
		out = append(out, enc(e))
	}
	return out
}

func winProc(at time.Time, code string, pid int64, exe string) *event.Event {
	e := ev(at, "event.code", code, "winlog.channel", "Security", "host.name", "WEB1", "process.executable", exe, "user.name", "alice")
	e.SetInt("process.pid", pid)
	return e
}

// TestProcessStateSurvivesRestartAndRetune: an open process outlives a
// restart and a change of the tracker's tuning.
func TestProcessStateSurvivesRestartAndRetune(t *testing.T) {
	dir := t.TempDir()
	p := newPipe(t, "", dir)
	p.send(winProc(p.now, "4688", 500, `C:\Windows\notepad.exe`))
	if err := p.en.Close(); err != nil {
		t.Fatal(err)
	}
	p.open(decode(t, ""))
	if err := p.en.Reload(decode(t, "[correlate.process]\nmax_lifetime = \"48h\"\n")); err != nil {
		t.Fatal(err)
	}
	if got := p.tick(30 * time.Hour); len(got) != 0 {
		t.Errorf("max_lifetime not raised to 48h: %v", encAll(got))
	}
	got := p.send(winProc(p.now, "4689", 500, `C:\Windows\notepad.exe`))
	if len(got) != 1 || got[0].Str("event.action") != "process-lifetime" || got[0].Str("event.duration") != "108000000000000" {
		t.Errorf("lifetime record: %v", encAll(got))
	}
	// Events that merely share the numbers are not Windows process events.
	e := ev(p.now, "event.code", "4689", "host.name", "WEB1")
	e.SetInt("process.pid", 77)
	if got := p.send(e); len(got) != 0 {
		t.Errorf("non-Windows 4689 tracked: %v", encAll(got))
	}
}

// BenchmarkSnapshot measures a snapshot of 100000 first-seen tuples, the
// default max_keys of one rule: "copy" is what the pipeline goroutine pays
// (every 5s while state changes), "write" the encoding and writing done by
// the background writer.
func BenchmarkSnapshot(b *testing.B) {
	p := newPipe(b, `
[[correlate.first_seen]]
name = "fs"
where = { "event.category" = "authentication" }
fields = ["user.name", "host.name"]
`, b.TempDir())
	for i := range 100000 {
		p.en.Process([]*event.Event{ev(t0, "event.category", "authentication", "user.name", "user"+strconv.Itoa(i), "host.name", "host"+strconv.Itoa(i%500))})
	}
	p.en.Applied(100000 + 100000)
	b.Run("copy", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			_ = p.en.state()
		}
	})
	b.Run("write", func(b *testing.B) {
		b.ReportAllocs()
		cpu := cputime.Self()
		for b.Loop() {
			p.en.Dirty = true
			if err := p.en.Snapshot(); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(cputime.Self()-cpu)/float64(b.N), "cpu-ns/op")
	})
}

// TestBackgroundSnapshotsRace runs the stages with a snapshot due at every
// Applied while their state keeps changing: with -race this checks that
// what the background writer encodes is not shared with live state.
func TestBackgroundSnapshotsRace(t *testing.T) {
	dir := t.TempDir()
	cfg := decode(t, statefulRules)
	reg := prometheus.NewRegistry()
	en, err := New(cfg, Options{StateDir: dir, Registerer: reg, SnapshotEvery: time.Nanosecond})
	if err != nil {
		t.Fatal(err)
	}
	tr, err := sequence.New(sequence.Config{}, sequence.Options{StateDir: dir, Registerer: reg, SnapshotEvery: time.Nanosecond})
	if err != nil {
		t.Fatal(err)
	}
	var last uint64
	for i := range 400 {
		at := t0.Add(time.Duration(i) * time.Second)
		e := failure(at, "10.0.0."+strconv.Itoa(i%7))
		e.Format, e.Hostname, e.AppName, e.ProcID = "rfc5424", "h", "a", "1"
		e.SetInt("event.sequence", int64(1+i+i/10)) // a hole every 10
		batch := []*event.Event{e,
			ev(at, "event.action", "logon", "user.name", "u"+strconv.Itoa(i%5)),
			winProc(at, "4688", int64(i%13), "x.exe"),
			winProc(at, "4696", int64(i%13), "x.exe"),
		}
		out := en.Process(tr.Process(batch))
		out = append(out, tr.Tick(at.Add(time.Minute))...)
		last += uint64(len(out))
		tr.Applied(last)
		en.Applied(last)
	}
	if err := en.Close(); err != nil {
		t.Fatal(err)
	}
	if err := tr.Close(); err != nil {
		t.Fatal(err)
	}
	for _, stage := range []string{"correlate", "sequence"} {
		if _, err := os.Stat(filepath.Join(dir, stage, "state.json")); err != nil {
			t.Errorf("%s: %v", stage, err)
		}
	}
}

// TestReloadFromAnotherGoroutine: SIGHUP arrives on its own goroutine while
// the pipeline goroutine processes; the switch happens on the latter.
func TestReloadFromAnotherGoroutine(t *testing.T) {
	p := newPipe(t, bruteforce, "")
	done := make(chan struct{})
	go func() {
		defer close(done)
		for i := range 50 {
			src := strings.Replace(bruteforce, "count = 3", "count = "+strconv.Itoa(3+i%2), 1)
			if err := p.en.Reload(decode(t, src)); err != nil {
				t.Error(err)
				return
			}
		}
	}()
	for range 500 {
		p.send(failure(t0, "10.0.0.1"))
		p.tick(time.Millisecond)
	}
	<-done
}

// TestProcessStateFromOldSnapshot: state saved before Sysmon's records were
// keyed by pid (they were keyed by ProcessGuid) still ends on its events.
func TestProcessStateFromOldSnapshot(t *testing.T) {
	p := newPipe(t, "", "")
	pt := p.en.byName[ruleProcess].(*processTracker)
	old := `{"open":[
		{"k":"web1/{7f3c2a10-0000-0000-0001-000000000001}","v":{"host":"WEB1","pid":600,"guid":"{7f3c2a10-0000-0000-0001-000000000001}","start":1,"recv":1,"exe":"C:\\Windows\\System32\\cmd.exe","ev":{}}},
		{"k":"web1/500","v":{"host":"WEB1","pid":500,"start":1,"recv":1,"exe":"C:\\Windows\\notepad.exe","ev":{}}}]}`
	if err := pt.load([]byte(old)); err != nil {
		t.Fatal(err)
	}
	end := ev(p.now, "event.code", "5", "winlog.channel", channelSysmon, "host.name", "WEB1",
		"process.entity_id", "{7f3c2a10-0000-0000-0001-000000000001}", "process.executable", `C:\Windows\System32\cmd.exe`)
	end.SetInt("process.pid", 600)
	got := p.send(end, winProc(p.now, "4689", 500, `C:\Windows\notepad.exe`))
	if len(got) != 2 || got[0].Str("event.action") != "process-lifetime" || got[1].Str("event.action") != "process-lifetime" {
		t.Errorf("want two lifetime records: %v", encAll(got))
	}
}

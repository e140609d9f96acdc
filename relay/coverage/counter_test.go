package coverage

import (
	"fmt"
	"strings"
	"testing"

	"github.com/nomenhq/nomen/parse"
	"github.com/nomenhq/nomen/relay/event"
)

// fakeDecoder reads test lines "program|decoder|message" ("!" before the
// message marks a parse failure): the counts can then be checked against
// what the test wrote, whatever the real decoders recognise.
type fakeDecoder struct{}

func (fakeDecoder) Decode(raw []byte, e *event.Event) string {
	parts := strings.SplitN(string(raw), "|", 3)
	e.Original, e.AppName, e.Format = string(raw), parts[0], "test"
	msg, failed := strings.CutPrefix(parts[2], "!")
	if failed {
		e.SetStr(parse.FieldParseError, "bad")
	}
	e.Message = msg
	return parts[1]
}

// fixed makes every worker decode through d.
func fixed(d Decoder) func() Decoder { return func() Decoder { return d } }

func feed(c *Counter, lines ...string) {
	for _, l := range lines {
		c.Line([]byte(l))
	}
}

func findSource(t *testing.T, r *Report, name string) Source {
	t.Helper()
	for _, s := range r.Sources {
		if s.Name == name {
			return s
		}
	}
	t.Fatalf("no source %q in %+v", name, r.Sources)
	return Source{}
}

// TestCounts: totals, sources (recognised lines under their decoder, a
// program's unrecognised lines under its main decoder, lines without a
// program apart), shapes with their counts and first example.
func TestCounts(t *testing.T) {
	c := New(fixed(fakeDecoder{}), Options{})
	feed(c,
		"sshd|sshd|Accepted password for alice from 10.0.0.1 port 22 ssh2",
		"sshd|sshd|Accepted password for bob from 10.0.0.2 port 22 ssh2",
		"sshd|sshd|!Accepted password for carol from 10.0.0.3 port 22 ssh2",
		"sshd||Server listening on 0.0.0.0 port 22.",
		"sshd||Server listening on :: port 2222.",
		"sshd||Received signal 15; terminating.",
		"sshd-session|sshd|Accepted publickey for dave from 10.0.0.4 port 22 ssh2",
		"cron|pam|session opened for user root",
		"backupd||job 7 done in 12s",
		"backupd||job 8 done in 3s",
		"backupd||!job 9 done in 4s",
		"||some text",
		"||other text",
	)
	r := c.Report(10)
	if r.Lines != 13 || r.Normalized != 5 || r.Unrecognized != 8 || r.ParseFailures != 2 || r.Programs != 5 {
		t.Fatalf("totals: lines %d normalized %d unrecognized %d failures %d programs %d",
			r.Lines, r.Normalized, r.Unrecognized, r.ParseFailures, r.Programs)
	}
	if r.NormalizedPct != 38.4 { // 5/13 = 38.46..., cut
		t.Errorf("normalized %% %v", r.NormalizedPct)
	}
	if len(r.Formats) != 1 || r.Formats[0] != (FormatStat{Format: "test", Lines: 13, ParseFailures: 2}) {
		t.Errorf("formats %+v", r.Formats)
	}
	sshd := findSource(t, r, "sshd")
	if sshd.Lines != 7 || sshd.Normalized != 4 || sshd.Unrecognized != 3 || sshd.ParseFailures != 1 ||
		sshd.Programs["sshd"] != 6 || sshd.Programs["sshd-session"] != 1 || sshd.Decoders["sshd"] != 4 {
		t.Errorf("sshd %+v", sshd)
	}
	want := []Shape{
		{Shape: "Server listening on <ip> port <num>.", Count: 2, Example: "sshd||Server listening on 0.0.0.0 port 22."},
		{Shape: "Received signal <num>; terminating.", Count: 1, Example: "sshd||Received signal 15; terminating."},
	}
	if fmt.Sprint(sshd.TopShapes) != fmt.Sprint(want) || sshd.DistinctShapes != 2 {
		t.Errorf("sshd shapes %+v, want %+v", sshd.TopShapes, want)
	}
	backupd := findSource(t, r, "backupd")
	if backupd.Lines != 3 || backupd.Normalized != 0 || backupd.ParseFailures != 1 || len(backupd.TopShapes) != 1 ||
		backupd.TopShapes[0].Shape != "job <num> done in <num>s" || backupd.TopShapes[0].Count != 3 {
		t.Errorf("backupd %+v", backupd)
	}
	if pam := findSource(t, r, "pam"); pam.Lines != 1 || pam.Programs["cron"] != 1 {
		t.Errorf("pam %+v", pam)
	}
	if none := findSource(t, r, NoProgram); none.Lines != 2 || none.DistinctShapes != 2 {
		t.Errorf("no program %+v", none)
	}
	// sources by lines, then name
	var order []string
	for _, s := range r.Sources {
		order = append(order, s.Name)
	}
	if got := strings.Join(order, " "); got != "sshd backupd - pam" {
		t.Errorf("source order %q", got)
	}
}

// TestTopOrder: shapes by count, ties by shape, whatever the input order;
// top cuts the list, 0 keeps it all.
func TestTopOrder(t *testing.T) {
	lines := []string{"p||b x", "p||c x", "p||a x", "p||c x", "p||d x", "p||b x"}
	for _, rev := range []bool{false, true} {
		c := New(fixed(fakeDecoder{}), Options{})
		for i := range lines {
			if rev {
				i = len(lines) - 1 - i
			}
			feed(c, lines[i])
		}
		var got []string
		for _, s := range findSource(t, c.Report(3), "p").TopShapes {
			got = append(got, fmt.Sprintf("%s=%d", s.Shape, s.Count))
		}
		if g := strings.Join(got, " "); g != "b x=2 c x=2 a x=1" {
			t.Errorf("reversed %v: top 3 %q", rev, g)
		}
		if n := len(findSource(t, c.Report(0), "p").TopShapes); n != 4 {
			t.Errorf("top 0 kept %d shapes, want 4", n)
		}
	}
}

// TestEviction: a full table keeps the frequent shapes with exact counts,
// counts the evictions, and the counts still sum to the lines.
func TestEviction(t *testing.T) {
	c := New(fixed(fakeDecoder{}), Options{MaxShapes: 4})
	total := 0
	for i := 0; i < 200; i++ {
		feed(c, "p||heavy one", "p||heavy two")
		feed(c, fmt.Sprintf("p||rare%c", 'a'+i%26)) // 26 rare shapes, the table has 4 places
		total += 3
	}
	s := findSource(t, c.Report(0), "p")
	if s.DistinctShapes != 4 || s.ShapesEvicted == 0 {
		t.Fatalf("kept %d shapes, evicted %d", s.DistinctShapes, s.ShapesEvicted)
	}
	sum := int64(0)
	for _, sh := range s.TopShapes {
		sum += sh.Count
	}
	if sum != int64(total) {
		t.Errorf("counts sum to %d, want %d", sum, total)
	}
	for i, want := range []string{"heavy one", "heavy two"} {
		if sh := s.TopShapes[i]; sh.Shape != want || sh.Count != 200 || sh.CountError != 0 {
			t.Errorf("top %d: %+v, want %q x 200 exactly", i, sh, want)
		}
	}
	if s.TopShapes[3].CountError == 0 {
		t.Errorf("a shape that took an evicted one's place has no count error: %+v", s.TopShapes)
	}
}

// TestBudgets: once the total shape budget is spent a program without a
// table counts its lines as unshaped; programs beyond MaxPrograms count
// together.
func TestBudgets(t *testing.T) {
	c := New(fixed(fakeDecoder{}), Options{MaxShapes: 10, MaxTotalShapes: 2, MaxPrograms: 2})
	feed(c, "a||one", "a||two", "b||three", "b||three", "c||four", "d|x|five")
	r := c.Report(0)
	if a := findSource(t, r, "a"); a.DistinctShapes != 2 || a.LinesUnshaped != 0 {
		t.Errorf("a %+v", a)
	}
	if b := findSource(t, r, "b"); b.DistinctShapes != 0 || b.LinesUnshaped != 2 || b.Unrecognized != 2 {
		t.Errorf("b %+v", b)
	}
	other := findSource(t, r, OtherPrograms)
	if other.Lines != 1 || other.LinesUnshaped != 1 || r.Programs != 3 {
		t.Errorf("other %+v, programs %d", other, r.Programs)
	}
	if x := findSource(t, r, "x"); x.Programs[OtherPrograms] != 1 {
		t.Errorf("x %+v", x)
	}
}

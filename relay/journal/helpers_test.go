package journal

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/nomenhq/nomen/internal/config"
	"github.com/nomenhq/nomen/relay/event"
	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
)

// testEvent returns a realistic event of about 250 bytes with ten fields;
// seq is stored in event.sequence so tests can tell events apart. The
// request id and path vary like real traffic, so that compression ratios in
// benchmarks are not flattered.
func testEvent(seq int) *event.Event {
	recv := time.Date(2026, 11, 22, 10, 15, 2, 123456000, time.UTC).Add(time.Duration(seq) * time.Millisecond)
	h := uint64(seq)*0x9E3779B97F4A7C15 + 0x632BE59BD9B4E019
	h ^= h >> 29
	ip := fmt.Sprintf("10.%d.%d.%d", h>>8&0xff, h>>16&0xff, h>>24&0xff)
	path := fmt.Sprintf("/%s/v%d/%s/%d", words[h>>32%8], h>>40%3+1, words[h>>44%8], h>>48%100000)
	e := event.New(recv)
	e.Original = fmt.Sprintf(`<134>1 %s web-%d.example.net nginx %d ACCESS - %s - - "GET %s HTTP/1.1" %d %d "https://shop.example.com/%s?ref=%x" "Mozilla/5.0 (X11; Linux x86_64; rv:121.0) Firefox/121.0 rid=%016x"`,
		recv.Format(time.RFC3339Nano), h%24, 4000+h%300, ip, path, statuses[h>>52%4], h>>20%90000, words[h>>36%8], h>>30%4096, h)
	e.Message = e.Original[strings.Index(e.Original, "ACCESS - ")+9:]
	e.Pri = 134
	e.Hostname, e.AppName, e.ProcID, e.MsgID = fmt.Sprintf("web-%d.example.net", h%24), "nginx", fmt.Sprint(4000+h%300), "ACCESS"
	e.Input, e.Peer, e.Format = "syslog-tcp", "10.0.0.9:51400", "rfc5424"
	e.SetList("event.category", "web")
	e.SetList("event.type", "access")
	e.SetStr("event.outcome", "success")
	e.SetStr("event.dataset", "nginx.access")
	e.SetStr("source.ip", ip)
	e.SetStr("http.request.method", "GET")
	e.SetStr("url.path", path)
	e.SetInt("http.response.status_code", int64(statuses[h>>52%4]))
	e.SetInt("http.response.body.bytes", int64(h>>20%90000))
	e.SetInt("event.sequence", int64(seq))
	return e
}

var (
	words    = []string{"api", "static", "items", "users", "search", "cart", "img", "auth"}
	statuses = []int{200, 200, 304, 404}
)

func testEvents(from, n int) []*event.Event {
	evs := make([]*event.Event, n)
	for i := range evs {
		evs[i] = testEvent(from + i)
	}
	return evs
}

func seqOf(t testing.TB, e *event.Event) int {
	t.Helper()
	v, ok := e.Field("event.sequence")
	if !ok {
		t.Fatalf("event %d has no event.sequence", e.ID)
	}
	return int(v.Num)
}

func diskConfig(dir string) Config {
	return Config{Dir: dir, Fsync: FsyncNever}.WithDefaults("")
}

type testJournal struct {
	*Journal
	dropped *prometheus.CounterVec
}

// writeSegments journals n events (in batches of 25) in dir, in
// segments of segSize, held for readers (from the oldest event), and
// closes the journal: what the tests of reading from disk start from.
func writeSegments(t testing.TB, dir string, segSize config.ByteSize, n int, readers ...string) Config {
	t.Helper()
	cfg := diskConfig(dir)
	cfg.SegmentSize = segSize
	j := openJournal(t, cfg)
	for _, name := range readers {
		mustReader(t, j, name, StartOldest)
	}
	for i := 0; i < n; i += 25 {
		mustAppend(t, j, testEvents(i, 25))
	}
	j.Close()
	return cfg
}

func openJournal(t testing.TB, cfg Config) *testJournal {
	t.Helper()
	return openJournalWith(t, cfg, Options{})
}

func openJournalWith(t testing.TB, cfg Config, opts Options) *testJournal {
	t.Helper()
	dropped := prometheus.NewCounterVec(prometheus.CounterOpts{Name: "nomen_dropped_events_total"}, []string{"stage", "reason"})
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.NewTextHandler(testWriter{t}, nil))
	}
	opts.Metrics = NewMetrics(prometheus.NewRegistry(), dropped)
	j, err := Open(cfg, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { j.Close() })
	return &testJournal{j, dropped}
}

func (j *testJournal) droppedCount(reason string) int {
	return int(metricValue(j.dropped.WithLabelValues("journal", reason)))
}

// metricValue reads a counter or gauge.
func metricValue(m prometheus.Metric) float64 {
	var d dto.Metric
	if err := m.Write(&d); err != nil {
		panic(err)
	}
	if d.Counter != nil {
		return d.Counter.GetValue()
	}
	return d.Gauge.GetValue()
}

func mustAppend(t testing.TB, j *testJournal, evs []*event.Event) {
	t.Helper()
	if err := j.Append(context.Background(), evs); err != nil {
		t.Fatal(err)
	}
}

func mustReader(t testing.TB, j *testJournal, name string, start Start) *Reader {
	t.Helper()
	r, err := j.Reader(name, start)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Close() })
	return r
}

// readAll reads until the reader is caught up, committing as it goes, and
// returns the sequence numbers read.
func readAll(t testing.TB, r *Reader, max int) []int {
	t.Helper()
	var seqs []int
	for {
		evs, err := r.TryNext(max)
		if err != nil {
			t.Fatal(err)
		}
		if len(evs) == 0 {
			return seqs
		}
		for _, e := range evs {
			seqs = append(seqs, seqOf(t, e))
		}
		if err := r.Commit(evs[len(evs)-1].ID); err != nil {
			t.Fatal(err)
		}
	}
}

func wantSeqs(t testing.TB, got []int, from, n int) {
	t.Helper()
	if len(got) != n {
		t.Fatalf("read %d events, want %d", len(got), n)
	}
	for i, s := range got {
		if s != from+i {
			t.Fatalf("event %d is seq %d, want %d", i, s, from+i)
		}
	}
}

// testWriter sends the journal's logs to the test log.
type testWriter struct{ t testing.TB }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Log(string(p))
	return len(p), nil
}

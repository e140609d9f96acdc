package nats

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/nomenhq/nomen/forward"
	"github.com/nomenhq/nomen/forward/sinktest"
	"github.com/nomenhq/nomen/internal/config"
	"github.com/nomenhq/nomen/relay/event"
)

// testNATS connects to the JetStream server of this machine
// ($NOMEN_TEST_NATS, else nats://127.0.0.1:4222) or skips.
func testNATS(t testing.TB) (string, jetstream.JetStream) {
	t.Helper()
	url := os.Getenv("NOMEN_TEST_NATS")
	if url == "" {
		url = "nats://127.0.0.1:4222"
	}
	nc, err := nats.Connect(url, nats.Timeout(2*time.Second))
	if err != nil {
		t.Skipf("NATS not reachable at %s (set NOMEN_TEST_NATS): %v", url, err)
	}
	t.Cleanup(nc.Close)
	js, err := jetstream.New(nc)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	if _, err := js.AccountInfo(ctx); err != nil {
		t.Skipf("NATS at %s has no JetStream: %v", url, err)
	}
	return url, js
}

// testStream returns a unique subject prefix and stream name; the stream
// is deleted when the test ends.
func testStream(t testing.TB, js jetstream.JetStream) (prefix, stream string) {
	n := rand.Uint32()
	prefix, stream = fmt.Sprintf("nomentest%d", n), fmt.Sprintf("NOMEN_TEST_%d", n)
	t.Cleanup(func() { js.DeleteStream(context.Background(), stream) })
	return prefix, stream
}

// openNATS opens a nats sink of observer relay1 and journal journalID.
func openNATS(t testing.TB, cfg Config, journalID string) *NATS {
	t.Helper()
	s, err := New(cfg, forward.Runtime{Hostname: "relay1", JournalID: journalID})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Open(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// consumeAll reads every message of the stream.
func consumeAll(t testing.TB, js jetstream.JetStream, stream string) []jetstream.Msg {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	st, err := js.Stream(ctx, stream)
	if err != nil {
		t.Fatal(err)
	}
	info, err := st.Info(ctx)
	if err != nil {
		t.Fatal(err)
	}
	c, err := st.OrderedConsumer(ctx, jetstream.OrderedConsumerConfig{})
	if err != nil {
		t.Fatal(err)
	}
	var msgs []jetstream.Msg
	for uint64(len(msgs)) < info.State.Msgs {
		batch, err := c.Fetch(int(info.State.Msgs)-len(msgs), jetstream.FetchMaxWait(5*time.Second))
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for m := range batch.Messages() {
			msgs = append(msgs, m)
			n++
		}
		if n == 0 {
			t.Fatalf("fetched %d of %d messages", len(msgs), info.State.Msgs)
		}
	}
	return msgs
}

func TestNATSPublishAndConsume(t *testing.T) {
	url, js := testNATS(t)
	prefix, stream := testStream(t, js)
	s := openNATS(t, Config{URL: url, Subject: prefix + ".events.{event.category}.{host.name}", CreateStream: true,
		Stream: stream}, "j1")
	evs := append(sinktest.SampleEvents(t, 1, 3), sinktest.TrickyEvent(t, 4))
	odd := sinktest.BuildEvent(t, 5, sinktest.Spec{Raw: "<13>Nov 22 10:15:10 a.b.c app: no category", Fields: map[string]any{"event.category": []any{}}})
	evs = append(evs, odd)
	sinktest.MustWrite(t, s, evs[:2])
	sinktest.MustWrite(t, s, evs[2:])

	msgs := consumeAll(t, js, stream)
	if len(msgs) != len(evs) {
		t.Fatalf("%d messages in the stream, want %d", len(msgs), len(evs))
	}
	enc := event.Encoder{Observer: "relay1"}
	wantSubj := []string{".events.authentication.web1", ".events.process.db2", ".events.network.unknown",
		".events.authentication.gw1", ".events.unknown.a_b_c"}
	for i, m := range msgs {
		if string(m.Data()) != string(enc.AppendJSON(nil, evs[i])) {
			t.Errorf("message %d: %s", i, m.Data())
		}
		if m.Subject() != prefix+wantSubj[i] {
			t.Errorf("message %d subject %s, want %s", i, m.Subject(), prefix+wantSubj[i])
		}
		if id := m.Headers().Get("Nats-Msg-Id"); id != fmt.Sprintf("j1-%d", i+1) {
			t.Errorf("message %d Nats-Msg-Id %q", i, id)
		}
	}
}

// TestNATSDeduplicates: a batch sent again (the worker's retry after a lost
// acknowledgement, or a replay after a restart) is stored once.
func TestNATSDeduplicates(t *testing.T) {
	url, js := testNATS(t)
	prefix, stream := testStream(t, js)
	cfg := Config{URL: url, Subject: prefix + ".{event.action}", CreateStream: true, Stream: stream}
	s := openNATS(t, cfg, "j2")
	evs := sinktest.SampleEvents(t, 1, 50)
	sinktest.MustWrite(t, s, evs)
	sinktest.MustWrite(t, s, evs[10:30])
	s.Close()
	s = openNATS(t, cfg, "j2") // a restart replaying from an older cursor
	sinktest.MustWrite(t, s, evs[40:])
	if got := len(consumeAll(t, js, stream)); got != 50 {
		t.Errorf("%d messages stored, want 50", got)
	}
	if d := sinktest.CounterValue(s.m.duplicates); d != 10 {
		t.Errorf("%v duplicates counted after the restart, want 10", d)
	}
}

// TestNATSFindingsDeduplicatedByID: the same finding (a deterministic
// event.id) published by two nomen instances, each from its own journal,
// is stored once; other events keep their journal-based ids.
func TestNATSFindingsDeduplicatedByID(t *testing.T) {
	url, js := testNATS(t)
	prefix, stream := testStream(t, js)
	cfg := Config{URL: url, Subject: prefix + ".{event.kind}", CreateStream: true, Stream: stream}
	finding := func(journalID uint64, id string) *event.Event {
		return sinktest.BuildEvent(t, journalID, sinktest.Spec{Raw: "<38>Nov 22 10:15:02 tier nomen: 5 events of ssh-bruteforce",
			Fields: map[string]any{"event.kind": "alert", "event.module": "nomen", "event.id": id}})
	}
	a, b := openNATS(t, cfg, "ja"), openNATS(t, cfg, "jb")
	sinktest.MustWrite(t, a, []*event.Event{finding(7, "0123456789abcdef0123456789abcdef"), finding(8, "fedcba9876543210fedcba9876543210")})
	sinktest.MustWrite(t, b, append([]*event.Event{finding(3, "0123456789abcdef0123456789abcdef")}, sinktest.SampleEvents(t, 4, 1)...))
	msgs := consumeAll(t, js, stream)
	var ids []string
	for _, m := range msgs {
		ids = append(ids, m.Headers().Get("Nats-Msg-Id"))
	}
	want := []string{"nomen-finding-0123456789abcdef0123456789abcdef", "nomen-finding-fedcba9876543210fedcba9876543210", "jb-4"}
	if strings.Join(ids, " ") != strings.Join(want, " ") {
		t.Errorf("stored message ids %v, want %v", ids, want)
	}
}

func TestNATSCreateStream(t *testing.T) {
	url, js := testNATS(t)
	prefix, stream := testStream(t, js)
	// Without create_stream, a subject no stream covers is a configuration
	// error (retried slowly: someone may create the stream).
	s, err := New(Config{URL: url, Subject: prefix + ".x.{event.category}", Stream: stream}, forward.Runtime{})
	if err != nil {
		t.Fatal(err)
	}
	err = s.Open(context.Background())
	s.Close()
	if ce, ok := forward.AsConfigError(err); !ok || !strings.Contains(ce.Fix, "create_stream") || forward.IsPermanent(err) {
		t.Fatalf("Open: %v, want a configuration error naming create_stream", err)
	}
	openNATS(t, Config{URL: url, Subject: prefix + ".x.{event.category}", Stream: stream, CreateStream: true, DuplicateWindow: 0}, "")
	info, err := js.Stream(context.Background(), stream)
	if err != nil {
		t.Fatalf("stream not created: %v", err)
	}
	cfg := info.CachedInfo().Config
	if len(cfg.Subjects) != 1 || cfg.Subjects[0] != prefix+".x.*" || cfg.Duplicates != 2*time.Minute {
		t.Errorf("stream subjects %v, duplicate window %v", cfg.Subjects, cfg.Duplicates)
	}
	// A second output finds the stream and creates nothing.
	openNATS(t, Config{URL: url, Subject: prefix + ".x.{host.name}", Stream: "OTHER", CreateStream: true}, "")
	if _, err := js.Stream(context.Background(), "OTHER"); err == nil {
		js.DeleteStream(context.Background(), "OTHER")
		t.Error("a second stream was created although one covers the subject")
	}
}

func TestNATSSubjectTemplate(t *testing.T) {
	for _, tc := range []struct {
		tmpl, wildcard, err string
	}{
		{"nomen.events.{event.category}", "nomen.events.*", ""},
		{"nomen.{host.name}.x{event.code}", "nomen.*.*", ""},
		{"nomen.events", "nomen.events", ""},
		{"nomen..x", "", "empty"},
		{"nomen.>", "", "token"},
		{"nomen.{event.category", "", "unclosed"},
		{"nomen.{}", "", "bad field"},
	} {
		st, err := parseSubject(tc.tmpl)
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("%s: got %v, want error %q", tc.tmpl, err, tc.err)
			}
			continue
		}
		if err != nil || st.wildcard != tc.wildcard {
			t.Errorf("%s: %v %q, want %q", tc.tmpl, err, st.wildcard, tc.wildcard)
		}
	}
}

// BenchmarkNATSPublish: events/s into JetStream (file storage), batches of
// 1000, waiting for every acknowledgement (one op is one event).
func BenchmarkNATSPublish(b *testing.B) {
	url, js := testNATS(b)
	prefix, stream := testStream(b, js)
	s := openNATS(b, Config{URL: url, Subject: prefix + ".{event.category}", CreateStream: true, Stream: stream}, "")
	base := sinktest.SampleEvents(b, 1, 1000)
	b.ReportAllocs()
	b.ResetTimer()
	id := uint64(1)
	for done := 0; done < b.N; {
		n := min(len(base), b.N-done)
		if err := s.Write(context.Background(), sinktest.WithIDs(base[:n], id)); err != nil {
			b.Fatal(err)
		}
		id += uint64(n)
		done += n
	}
	b.StopTimer()
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "events/s")
}

// TestNATSDuplicateWithoutSequence: JetStream answers a copy that arrives
// while the first is still being stored (replicated) with "duplicate" and
// sequence 0. That says nothing about the first being stored, so the copy
// is published again until an answer names a sequence; only that one
// counts as a duplicate. The stream's answers come from a core subscriber
// on the real server, playing JetStream's part for the output's subjects
// (a stream on an overlapping subject that no event is sent to makes the
// output find "its" stream).
func TestNATSDuplicateWithoutSequence(t *testing.T) {
	url, js := testNATS(t)
	prefix, stream := testStream(t, js)
	if _, err := js.CreateStream(context.Background(), jetstream.StreamConfig{Name: stream, Subjects: []string{prefix + ".*.stored"}}); err != nil {
		t.Fatal(err)
	}
	nc, err := nats.Connect(url)
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	for _, tc := range []struct {
		name string
		// answer is JetStream's reply to the n-th copy (from 1) of a message.
		answer func(n int) string
		copies int // copies of each message the responder must see
		ok     bool
	}{
		{"stored-on-second-answer", func(n int) string {
			if n == 1 {
				return `{"stream":"S","seq":0,"duplicate":true}`
			}
			return `{"stream":"S","seq":7,"duplicate":true}`
		}, 2, true},
		{"never-stored", func(int) string { return `{"stream":"S","seq":0,"duplicate":true}` }, 2, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			sub := prefix + "." + tc.name
			var copies sync.Map // Nats-Msg-Id -> *atomic.Int32
			s, err := nc.Subscribe(sub+".*", func(m *nats.Msg) {
				c, _ := copies.LoadOrStore(m.Header.Get(jetstream.MsgIDHeader), new(atomic.Int32))
				m.Respond([]byte(tc.answer(int(c.(*atomic.Int32).Add(1)))))
			})
			if err != nil {
				t.Fatal(err)
			}
			defer s.Unsubscribe()
			nc.Flush()
			out := openNATS(t, Config{URL: url, Subject: sub + ".{event.kind}", Stream: stream, AckTimeout: config.Duration(5 * time.Second)}, "jd")
			err = out.Write(context.Background(), sinktest.SampleEvents(t, 1, 3))
			if tc.ok != (err == nil) {
				t.Fatalf("Write: %v, want success %v", err, tc.ok)
			}
			n := 0
			copies.Range(func(_, c any) bool {
				if got := int(c.(*atomic.Int32).Load()); got < tc.copies || (tc.ok && got != tc.copies) {
					t.Errorf("a message was published %d times, want %d", got, tc.copies)
				}
				n++
				return true
			})
			if n != 3 {
				t.Errorf("%d message ids seen, want 3", n)
			}
			want := 0.0
			if tc.ok {
				want = 3
			}
			if d := sinktest.CounterValue(out.m.duplicates); d != want {
				t.Errorf("%v duplicates counted, want %v", d, want)
			}
		})
	}
}

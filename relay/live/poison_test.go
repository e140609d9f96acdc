package live

import (
	"bufio"
	"encoding/json"
	"log/slog"
	"net/url"
	"strings"
	"testing"

	"github.com/nomenhq/nomen/internal/syncbuf"
	"github.com/nomenhq/nomen/relay/event"
	"github.com/nomenhq/nomen/relay/filter"
)

// TestEncodePanicSendsTheSafeForm: an event whose encoding for a
// subscriber panics is sent in its safe form (nomen.encode_error, its
// original), or left out if that panics too; the stream goes on with the
// next events, whole frames only; every panic is counted and logged with
// the stack.
func TestEncodePanicSendsTheSafeForm(t *testing.T) {
	var logged syncbuf.Buffer
	h, srv := newHub(t, Options{Log: slog.New(slog.NewTextHandler(&logged, nil))})
	h.appendJSON = func(enc *event.Encoder, b []byte, e *event.Event) []byte {
		if e.Has("test.poison") || (e.Has(event.FieldEncodeError) && strings.Contains(e.Original, "always")) {
			b = append(b, `{"half":`...) // what a panic may leave
			var fields []event.Field
			_ = fields[len(e.Fields)] // index out of range
		}
		return enc.AppendJSON(b, e)
	}
	resp, _ := subscribe(t, srv, url.Values{"where": {"host.name=web1"}}, true)

	poison := func(id uint64, original string) *event.Event {
		e := noise(id)
		e.Original = original
		e.SetStr("test.poison", "yes")
		return e
	}
	h.Publish([]*event.Event{noise(1), poison(2, "<13>cron ran"), noise(3), poison(4, "<13>always"), noise(5)})

	r := bufio.NewReader(resp.Body)
	var ids []string
	var docs []map[string]any
	for len(ids) < 4 {
		frame := readFrame(t, r)
		if len(frame) != 2 || !strings.HasPrefix(frame[0], "id: ") || !strings.HasPrefix(frame[1], "data: ") {
			t.Fatalf("frame %q", frame)
		}
		var doc map[string]any
		if err := json.Unmarshal([]byte(strings.TrimPrefix(frame[1], "data: ")), &doc); err != nil {
			t.Fatalf("not JSON: %q: %v", frame[1], err)
		}
		ids = append(ids, strings.TrimPrefix(frame[0], "id: "))
		docs = append(docs, doc)
	}
	if got := strings.Join(ids, ","); got != "1,2,3,5" {
		t.Errorf("ids %s, want 1,2,3,5 (4's safe form panicked too)", got)
	}
	safe, _ := json.Marshal(docs[1])
	if !strings.Contains(string(safe), `"encode_error":"nomen could not send this event whole`) ||
		!strings.Contains(string(safe), `"original":"\u003c13\u003ecron ran"`) || strings.Contains(string(safe), "poison") {
		t.Errorf("event 2 is not its safe form: %s", safe)
	}
	waitFor(t, "three panics counted", func() bool { return gauge(h.panics) == 3 })
	if log := logged.String(); !strings.Contains(log, "sending its safe form") || !strings.Contains(log, "poison_test.go") {
		t.Errorf("log without the panic or its stack:\n%s", log)
	}
}

// TestFilterPanicLeavesTheEventOut: an event that makes the subscriber's
// filter panic is left out (whether the subscriber wants it is unknown),
// counted and logged; the stream goes on with the next.
func TestFilterPanicLeavesTheEventOut(t *testing.T) {
	var logged syncbuf.Buffer
	h, srv := newHub(t, Options{Log: slog.New(slog.NewTextHandler(&logged, nil))})
	h.match = func(f filter.Filter, e *event.Event) bool {
		if e.Has("test.poison") {
			var keys []string
			_ = keys[len(e.Fields)] // index out of range
		}
		return f.Match(e)
	}
	resp, _ := subscribe(t, srv, url.Values{"where": {"host.name=web1"}}, false)
	poison := noise(2)
	poison.SetStr("test.poison", "yes")
	h.Publish([]*event.Event{noise(1), poison, noise(3)})
	r := bufio.NewReader(resp.Body)
	var ids []string
	for range 2 {
		line, err := r.ReadString('\n')
		if err != nil {
			t.Fatal(err)
		}
		var doc struct {
			Nomen struct{ ID json.Number } `json:"nomen"`
		}
		if err := json.Unmarshal([]byte(line), &doc); err != nil {
			t.Fatalf("not JSON: %q: %v", line, err)
		}
		ids = append(ids, doc.Nomen.ID.String())
	}
	if got := strings.Join(ids, ","); got != "1,3" {
		t.Errorf("ids %s, want 1,3", got)
	}
	waitFor(t, "the panic counted", func() bool { return gauge(h.panics) == 1 })
	if log := logged.String(); !strings.Contains(log, "leaving it out") {
		t.Errorf("log without the panic:\n%s", log)
	}
}

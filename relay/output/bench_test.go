package output

import (
	"context"
	"sync/atomic"
	"testing"

	"github.com/nomenhq/nomen/relay/event"
	"github.com/nomenhq/nomen/relay/filter"
	"github.com/nomenhq/nomen/relay/journal"
)

type countingSink struct{ n atomic.Int64 }

func (s *countingSink) Open(context.Context) error { return nil }
func (s *countingSink) Close() error               { return nil }
func (s *countingSink) Write(_ context.Context, b []*event.Event) error {
	s.n.Add(int64(len(b)))
	return nil
}

// BenchmarkWorker measures the worker's own cost: journal (memory mode)
// -> filter -> batch -> a sink that only counts -> commit. An op is one
// append of 256 events.
func BenchmarkWorker(b *testing.B) {
	j, err := journal.Open(journal.Config{Mode: journal.ModeMemory}.WithDefaults(""), journal.Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer j.Close()
	r, _ := j.Reader("out", journal.StartEnd)
	where, _ := filter.Compile(map[string]any{"event.kind": []any{"event", "alert"}})
	sink := &countingSink{}
	w := New(Options{Name: "out", Sink: sink, Source: r, Where: where})
	w.Start()
	templates := testEvents(0, 256)
	ctx := context.Background()
	b.ReportAllocs()
	n := 0
	for b.Loop() {
		// Fresh events, one slab per batch, as the listeners make them
		// (the journal sets their IDs: they cannot be appended twice).
		slab := make([]event.Event, 256)
		batch := make([]*event.Event, 256)
		for i := range slab {
			slab[i] = *templates[i]
			batch[i] = &slab[i]
		}
		if err := j.Append(ctx, batch); err != nil {
			b.Fatal(err)
		}
		n++
	}
	w.Stop(ctx)
	if got := sink.n.Load(); got != int64(n*256) {
		b.Fatalf("delivered %d of %d", got, n*256)
	}
	b.ReportMetric(float64(n*256)/b.Elapsed().Seconds(), "events/s")
}

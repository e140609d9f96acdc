package journal

import (
	"context"
	"fmt"
	"log/slog"
	"testing"

	"github.com/nomenhq/nomen/relay/event"
)

// BenchmarkAppend appends batches of 256 realistic events (an op is one
// batch), as the pipeline does; MB/s counts the raw log lines.
func BenchmarkAppend(b *testing.B) {
	for _, policy := range []string{FsyncNever, FsyncInterval} {
		b.Run("fsync="+policy, func(b *testing.B) {
			cfg := diskConfig(b.TempDir())
			cfg.Fsync = policy
			j, err := Open(cfg, Options{Logger: slog.New(slog.DiscardHandler)})
			if err != nil {
				b.Fatal(err)
			}
			defer j.Close()
			r, _ := j.Reader("out", StartEnd) // a cursor that keeps up, so retention works
			batches, size := benchBatches(256)
			ctx := context.Background()
			b.SetBytes(int64(size / len(batches)))
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				evs := batches[i%len(batches)]
				i++
				if err := j.Append(ctx, evs); err != nil {
					b.Fatal(err)
				}
				r.Commit(evs[len(evs)-1].ID)
			}
			b.ReportMetric(float64(i*256)/b.Elapsed().Seconds(), "events/s")
			b.ReportMetric(float64(j.Size())/float64(j.LastID()-j.OldestID()+1), "disk-bytes/event")
		})
	}
}

// BenchmarkReadFromDisk reads events back from segments (a reader that
// is behind; an op is one Next of up to 500 events), decoding every block
// (the block cache is off).
func BenchmarkReadFromDisk(b *testing.B) {
	dir := b.TempDir()
	cfg := diskConfig(dir)
	j, err := Open(cfg, Options{})
	if err != nil {
		b.Fatal(err)
	}
	j.Reader("keep", StartOldest)
	batches, size := benchBatches(256)
	const total = 100_000
	for n := 0; n < total; n += 256 {
		if err := j.Append(context.Background(), batches[n/256%len(batches)]); err != nil {
			b.Fatal(err)
		}
	}
	j.Close()
	j, err = Open(cfg, Options{CacheBytes: 1}) // empty tail: everything comes from disk
	if err != nil {
		b.Fatal(err)
	}
	defer j.Close()
	var r *Reader
	readers, events := 0, 0
	b.ReportAllocs()
	for b.Loop() {
		if r == nil {
			if r, err = j.Reader(fmt.Sprint("r", readers), StartOldest); err != nil {
				b.Fatal(err)
			}
			readers++
		}
		evs, err := r.TryNext(500)
		if err != nil {
			b.Fatal(err)
		}
		events += len(evs)
		if len(evs) == 0 {
			r.Close()
			r = nil
		}
	}
	b.ReportMetric(float64(events)/b.Elapsed().Seconds(), "events/s")
	b.ReportMetric(float64(events)*float64(size)/float64(len(batches)*256)/b.Elapsed().Seconds()/1e6, "MB/s")
}

// BenchmarkTailHandOff is a reader that keeps up, in memory mode (no
// encoding, so the hand-off itself is measured): an op is one append of
// 256 events and the Next that returns them, the same *Event values.
func BenchmarkTailHandOff(b *testing.B) {
	j, err := Open(Config{Mode: ModeMemory}.WithDefaults(""), Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer j.Close()
	r, _ := j.Reader("out", StartEnd)
	batches, _ := benchBatches(256)
	ctx := context.Background()
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		j.Append(ctx, batches[i%len(batches)])
		i++
		evs, err := r.Next(ctx, 500)
		if err != nil || len(evs) != 256 {
			b.Fatal(len(evs), err)
		}
		r.Commit(evs[len(evs)-1].ID)
	}
	b.ReportMetric(float64(i*256)/b.Elapsed().Seconds(), "events/s")
}

func benchBatches(per int) ([][]*event.Event, int) {
	var batches [][]*event.Event
	size := 0
	for i := 0; i < 64; i++ {
		evs := testEvents(i*per, per)
		for _, e := range evs {
			size += len(e.Original)
		}
		batches = append(batches, evs)
	}
	return batches, size
}

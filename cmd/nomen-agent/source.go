package main

import (
	"context"
	"sort"

	"github.com/nomenhq/nomen/relay/wire"
)

// Item is what a source produces: a record, or a declared loss.
type Item struct {
	Channel string
	Epoch   uint64
	Seq     uint64    // the record id (EventRecordID)
	Data    []byte    // the rendered record (FormatWindowsXML)
	Gap     *wire.Gap // instead of a record: records the source lost
}

// Source is one stream: one channel of one event log. The event log is the
// agent's transmit buffer: after any reconnect the agent asks its sources
// to produce again from the relay's resume point.
type Source interface {
	// Channel names the stream ("Security").
	Channel() string
	// Epoch is the stream's current epoch, announced in HELLO.
	Epoch() uint64
	// Run sends items after record id `after` of epoch to out, in order,
	// until ctx ends (it returns ctx.Err()) or, for a finite source (replay
	// files), it has sent everything (it returns nil).
	Run(ctx context.Context, epoch, after uint64, out chan<- Item) error
}

// memSource replays records held in memory (files given to replay).
type memSource struct {
	channel string
	epoch   uint64
	recs    []memRecord // sorted by seq, seqs unique
}

type memRecord struct {
	seq  uint64
	data []byte
}

func (m *memSource) Channel() string { return m.channel }
func (m *memSource) Epoch() uint64   { return m.epoch }

func (m *memSource) Run(ctx context.Context, epoch, after uint64, out chan<- Item) error {
	if epoch != m.epoch || after == wire.EndOfEpoch {
		return nil
	}
	i := sort.Search(len(m.recs), func(i int) bool { return m.recs[i].seq > after })
	for _, r := range m.recs[i:] {
		select {
		case out <- Item{Channel: m.channel, Epoch: m.epoch, Seq: r.seq, Data: r.data}:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	return nil
}

// last returns the highest record id of the source (0 if empty).
func (m *memSource) last() uint64 {
	if len(m.recs) == 0 {
		return 0
	}
	return m.recs[len(m.recs)-1].seq
}

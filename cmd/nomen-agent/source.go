package main

import (
	"context"
	"sort"
	"time"

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

	// rate paces the records (per second), released every gather; 0: as
	// fast as the relay takes them.
	rate   int
	gather time.Duration
	// until, when set, makes a load test: the records are sent round and
	// round, the k-th under record id k, until then.
	until time.Time
}

type memRecord struct {
	seq  uint64
	data []byte
}

func (m *memSource) Channel() string { return m.channel }
func (m *memSource) Epoch() uint64   { return m.epoch }

func (m *memSource) Run(ctx context.Context, epoch, after uint64, out chan<- Item) error {
	if epoch != m.epoch || after == wire.EndOfEpoch || len(m.recs) == 0 {
		return nil
	}
	var p *pacer
	if m.rate > 0 {
		p = newPacer(m.rate, m.gather)
		defer p.stop()
	}
	send := func(seq uint64, data []byte) error {
		if p != nil {
			if err := p.wait(ctx); err != nil {
				return err
			}
		}
		select {
		case out <- Item{Channel: m.channel, Epoch: m.epoch, Seq: seq, Data: data}:
			return nil
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	if !m.until.IsZero() {
		for seq := after + 1; time.Now().Before(m.until); seq++ {
			if err := send(seq, m.recs[(seq-1)%uint64(len(m.recs))].data); err != nil {
				return err
			}
		}
		return nil
	}
	i := sort.Search(len(m.recs), func(i int) bool { return m.recs[i].seq > after })
	for _, r := range m.recs[i:] {
		if err := send(r.seq, r.data); err != nil {
			return err
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

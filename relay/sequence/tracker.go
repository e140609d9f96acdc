// Package sequence notices when a source's events go missing.
//
// A stream is one source's numbered sequence of events:
//
//	kind     key (nomen.gap.stream)              number
//	agent    agent:<agent.id>/<channel>          winlog.record_id (EventRecordID), per nomen.agent.epoch
//	winlog   winlog:<host>/<channel>             winlog.record_id relayed by NXLog, Snare, Winlogbeat
//	rfc5424  rfc5424:<host>/<app-name>/<procid>  event.sequence from [meta sequenceId]
//	cisco    cisco:<host>                        event.sequence from the Cisco IOS "NNN:" prefix
//	snare    snare:<host>                        event.sequence on a Windows record: Snare's counter
//
// <host> is host.name, or the sender's address when the message names no
// host (Cisco IOS without "logging origin-id").
//
// Per stream: last+1 is normal; a jump opens a hole, which becomes a gap
// alert only if it is still (partly) unfilled after the grace period, so
// UDP reordering raises nothing and a partly filled hole reports only what
// is still missing (split into ranges). The grace counts from the event's
// receive time or, if later, from when the tracker applied it: a tracker
// behind its input (a correlation tier catching up on its stream, where a
// source's numbers come from several edges) confirms nothing before it
// has read what arrived with the event. A number at or below the last one
// that fills no hole is a duplicate: counted, marked nomen.duplicate=true,
// and removed from the batch for agent streams (the agent resent it). A
// reset to 1 (which is also how RFC 5424 wraps after 2147483647), a new
// agent epoch, or a number of at most 16 arriving after the stream went at
// least 16 past it (a restart whose first messages were lost: those are a
// hole from 1) starts a new run: not a gap. Except a number at most 16
// below where the run began, received within the grace of its first
// event: that is the run's beginning arriving late (a source spread over
// several relays, one's share read before another's), and the run
// extends down to it. Windows record numbers carry on
// across reboots, so a boot is not a restart for them; senders whose
// counters start again at boot (Cisco, rsyslog) come back at 1.
//
// Windows 1102/517 (log cleared) and 1100/1101/1104/4612/516 (the audit
// system lost or stopped recording events) explain a gap: each raises its
// own alert, and a gap of the same host or agent that was open when it
// arrived, or opened within the grace period around it, says so in
// nomen.gap.explained_by. So do the relay's alerts for agent-declared loss
// (event.action agent-declared-gap, audit-log-cleared).
//
// The number of streams is bounded (max_streams, least recently used
// evicted and counted); their state survives restarts (see package
// relay/stage for the protocol the pipeline drives it by).
package sequence

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math"
	"slices"
	"strings"
	"sync/atomic"
	"time"

	"github.com/nomenhq/nomen/internal/panics"
	"github.com/nomenhq/nomen/relay/event"
	"github.com/nomenhq/nomen/relay/stage"
	"github.com/nomenhq/nomen/relay/stage/lru"
	"github.com/nomenhq/nomen/relay/stage/snapshot"
)

// Tracker is the sequence stage. Its methods must be called from one
// goroutine (the pipeline's), except Validate-like helpers.
type Tracker struct {
	*snapshot.Keeper // Applied, Snapshot, Close; Dirty when state changed

	set     settings
	owner   stage.Owner // nil: every stream is ours
	log     *slog.Logger
	m       *Metrics
	guard   *stage.Guard // a panic on one event skips its tracking
	now     func() time.Time
	streams *lru.Map[cell]
	cells   cells            // what the tracker keeps beside streams
	open    map[*cell]string // streams with holes, and their map keys
	explain map[string]explanation

	reload     atomic.Pointer[settings] // queued by Reload
	recovering bool
	out        []*event.Event // alerts produced by the current call
	confirm    []hole         // scratch
	key        []byte         // scratch
	evictWarn  time.Time
}

// explanation is a source's report that it lost events. An agent's
// declared gap names its channel and range; Windows' own events
// (log cleared, audit loss) concern the whole host.
type explanation struct {
	Reason string    `json:"reason"`
	At     time.Time `json:"at"`
	ID     uint64    `json:"id"`
	First  int64     `json:"first,omitempty"` // declared range (agent), 0 if none
	Last   int64     `json:"last,omitempty"`
}

// New builds the tracker and restores its snapshot from
// opts.StateDir/sequence (an unusable snapshot is logged and moved aside:
// the tracker starts empty rather than not at all).
func New(cfg Config, opts Options) (*Tracker, error) {
	set, err := cfg.settings()
	if err != nil {
		return nil, err
	}
	m := opts.Metrics
	if m == nil {
		if opts.Registerer == nil {
			return nil, errors.New("sequence: Options.Metrics or Options.Registerer is required")
		}
		if m, err = newMetrics(opts.Registerer); err != nil {
			return nil, fmt.Errorf("sequence: metrics: %w", err)
		}
	}
	t := &Tracker{
		set:     set,
		owner:   opts.Owner,
		log:     opts.Log,
		m:       m,
		now:     opts.Now,
		streams: lru.New[cell](set.maxStreams),
		open:    map[*cell]string{},
		explain: map[string]explanation{},
	}
	if t.log == nil {
		t.log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	t.guard = stage.NewGuard("sequence", m.panics, t.log)
	if t.now == nil {
		t.now = time.Now
	}
	keeper, err := snapshot.NewKeeper(snapshot.KeeperOptions{Stage: "sequence", StateDir: opts.StateDir, Every: opts.SnapshotEvery,
		Now: t.now, Log: t.log, Result: m.snapshotOK, State: func() any { return t.state() }})
	if err != nil {
		return nil, err
	}
	t.Keeper = keeper
	if err := t.restore(); err != nil {
		if !errors.Is(err, snapshot.ErrCorrupt) {
			return nil, err
		}
		t.log.Error("sequence: starting without stream state", "err", err)
	}
	return t, nil
}

// Reload validates a new [sequence] section and, if it is valid, has the
// pipeline goroutine apply it before its next Process or Tick (Reload may
// be called from any goroutine). Every stream is kept.
func (t *Tracker) Reload(cfg Config) error {
	set, err := cfg.settings()
	if err != nil {
		return err
	}
	t.reload.Store(&set)
	return nil
}

// reloadNow applies the settings queued by Reload (on the pipeline
// goroutine; a panic is counted and logged by the guard).
func (t *Tracker) reloadNow() {
	if set := t.reload.Swap(nil); set != nil {
		t.guard.Reload(func() {
			t.streams.SetMax(set.maxStreams)
			t.set = *set
		})
	}
}

// Process tracks the numbered events of batch (events before journaling,
// in their per-source order). It returns the batch with agent duplicates
// removed (compacted in place: use the returned slice) and alerts appended.
// Syslog duplicates stay, marked nomen.duplicate=true.
func (t *Tracker) Process(batch []*event.Event) []*event.Event {
	t.reloadNow()
	if !t.set.enabled {
		t.Handed(len(batch))
		return batch
	}
	base := t.Next()
	w := 0
	for i := 0; i < len(batch); {
		i, w = t.process(batch, i, w, base)
	}
	clear(batch[w:])
	out := append(batch[:w], t.out...)
	clear(t.out)
	t.out = t.out[:0]
	t.Handed(len(out))
	return out
}

// process tracks batch[i:], compacting the events it keeps from
// batch[w] on, until the end or a panic (a bug one event found: see
// stage.Guard), and returns where to go on and how many are kept. The
// event that panicked is kept as it came. One deferred recover per call,
// not per event: every event goes through here.
func (t *Tracker) process(batch []*event.Event, i, w int, base uint64) (next, kept int) {
	defer func() {
		if p := panics.Of(recover()); p != nil {
			batch[kept] = batch[next]
			t.guard.Report(p, failed(batch[next])...)
			next, kept = next+1, kept+1
		}
	}()
	for next, kept = i, w; next < len(batch); next++ {
		if e := batch[next]; t.apply(e, base+uint64(kept)) {
			batch[kept] = e
			kept++
		}
	}
	return next, kept
}

// Recover re-applies journaled events (IDs after the snapshot's, in order)
// without emitting alerts or counting. Gap alerts found among them retire
// the holes they reported, so they are not reported twice.
func (t *Tracker) Recover(evs []*event.Event) {
	if !t.set.enabled {
		return
	}
	t.recovering = true
	t.guard.Each(len(evs), func(i int) {
		t.apply(evs[i], evs[i].ID)
		t.Recovered(evs[i].ID)
	}, func(i int, _ *panics.Panic) []any {
		t.Recovered(evs[i].ID)
		return failed(evs[i])
	})
	t.recovering = false
	clear(t.out)
	t.out = t.out[:0]
}

// Tick confirms the holes whose grace period ended by now and returns the
// gap alerts, to be journaled like a batch.
func (t *Tracker) Tick(now time.Time) []*event.Event {
	t.reloadNow()
	t.guard.Do(func() { t.tick(now) })
	// Not counted as handed back: the pipeline passes them through the
	// stages' Process (which counts them) or appends them to an output.
	out := t.out
	t.out = nil
	return out
}

// tick confirms the holes due by now and forgets old explanations.
func (t *Tracker) tick(now time.Time) {
	if len(t.open) > 0 {
		type dueStream struct {
			key, mk string // the stream's key, and the map's
			c       *cell
		}
		var due []dueStream
		for c, key := range t.open {
			s := t.load(c)
			if !t.ours(key, s.lease()) {
				// Another instance owns it now (or did meanwhile): its
				// holes are not ours to confirm.
				s.setHoles(nil)
				t.put(c, nil, &s, nil)
				delete(t.open, c)
				t.Dirty = true
				continue
			}
			for _, h := range s.holes() {
				if !h.Deadline.After(now) {
					due = append(due, dueStream{publicKey(key), key, c})
					break
				}
			}
		}
		slices.SortFunc(due, func(a, b dueStream) int { return strings.Compare(a.key, b.key) })
		if len(due) > 0 {
			t.Dirty = true
		}
		for _, d := range due {
			s := t.load(d.c)
			t.confirm = s.due(now, t.confirm[:0])
			t.put(d.c, nil, &s, nil)
			t.gaps(d.mk, d.c, &s, t.confirm, now)
			if len(s.holes()) == 0 {
				delete(t.open, d.c)
			}
		}
	}
	for origin, x := range t.explain {
		if now.Sub(x.At) > 2*t.set.grace+time.Minute {
			delete(t.explain, origin)
		}
	}
}

// failed is what the log of a panic while tracking e says of it.
func failed(e *event.Event) []any {
	if e == nil {
		return nil
	}
	return []any{"host", e.Str("host.name"), "event.code", e.Str("event.code"), "input", e.Input}
}

// apply tracks one event; it reports whether the event stays in the batch.
func (t *Tracker) apply(e *event.Event, id uint64) bool {
	f := scanFields(e)
	if strings.HasPrefix(f.dataset, "nomen.") {
		// A finding (ours or correlation's). During recovery, our own gap
		// alerts retire the holes they reported.
		if t.recovering && f.action == actionGap {
			t.retire(e)
		}
		return true
	}
	if f.host == "" {
		f.host = event.PeerHost(e.Peer) // no host in the message (Cisco IOS): the sender's address
	}
	if f.kind == "alert" && (f.action == actionAgentGap || f.action == actionLogCleared) {
		// The relay's alert for an agent-declared loss of one channel.
		x := explanation{Reason: f.action, At: e.Received, ID: id}
		if v, ok := e.Field(fieldFirst); ok && v.Type == event.TypeInt {
			x.First, x.Last = v.Num, v.Num
			if v, ok := e.Field(fieldLast); ok && v.Type == event.TypeInt {
				x.Last = v.Num
			} else if e.Has("nomen.gap.until_end_of_epoch") {
				x.Last = math.MaxInt64
			}
		}
		t.explained(f.origin()+"/"+f.channel, x)
		return true
	}
	if f.winlog && f.kind != "alert" {
		code := f.codeText()
		if reason := lossReason(code); reason != "" {
			t.explained(f.origin(), explanation{Reason: reason, At: e.Received, ID: id})
			if _, mine := t.lease(f.origin()); mine && !t.recovering {
				t.out = append(t.out, lossAlert(e, reason, code, id))
			}
		}
	} else if f.action == actionAuditLoss && f.kind != "alert" && !t.recovering {
		// The Linux kernel's audit saying it dropped records (backlog or
		// rate limit exceeded, kauditd's queue full: the kernel catalog's
		// audit-loss): a source's report of its own loss, counted with
		// Windows'. It numbers no stream nomen tracks, so it explains no
		// gap and raises no alert of its own (the kernel repeats it, rate
		// limited, while the loss lasts).
		t.m.loss.WithLabelValues(actionAuditLoss).Inc()
	}
	keep := true
	if f.hasRecord && t.set.kinds[kAgent] && e.Format == "agent" && f.agentID != "" {
		t.key = append(append(append(append(t.key[:0], byte(kAgent)), f.agentID...), '/'), f.channel...)
		v := t.observe(kAgent, &f, e, observation{n: f.record, epoch: f.epoch, hasEpoch: f.hasEpoch, at: e.Received, id: id})
		keep = v != duplicate
	} else if f.hasRecord && t.set.kinds[kWinlog] && f.channel != "" && f.host != "" {
		t.key = append(append(append(append(t.key[:0], byte(kWinlog)), f.host...), '/'), f.channel...)
		t.observe(kWinlog, &f, e, observation{n: f.record, at: e.Received, id: id})
	}
	if f.hasSeq && f.host != "" {
		k := kCisco
		switch {
		case e.Format == "rfc5424":
			k = kRFC5424
		case f.winlog:
			k = kSnare
		}
		if t.set.kinds[k] {
			t.key = append(append(t.key[:0], byte(k)), f.host...)
			if k == kRFC5424 {
				t.key = append(append(append(append(t.key, '/'), e.AppName...), '/'), e.ProcID...)
			}
			t.observe(k, &f, e, observation{n: f.seq, at: e.Received, id: id})
		}
	}
	return keep
}

// lease asks the Owner about key (every key is ours without one).
func (t *Tracker) lease(key string) (uint64, bool) {
	if t.owner == nil {
		return 0, true
	}
	return t.owner.Lease(key)
}

// ours reports whether the stream of map key mk, kept under lease, is
// still this tracker's.
func (t *Tracker) ours(mk string, lease uint64) bool {
	if t.owner == nil {
		return lease == 0
	}
	l, ok := t.lease(publicKey(mk))
	return ok && l == lease
}

// observe applies one number to the stream named by t.key (a map key,
// see mapKey).
func (t *Tracker) observe(k kind, f *fields, e *event.Event, o observation) verdict {
	lease := uint64(0)
	if t.owner != nil {
		var mine bool
		if lease, mine = t.owner.Lease(publicKey(t.key)); !mine {
			return inOrder // another instance's: passed through, no state
		}
	}
	t.Dirty = true
	c, ok := t.streams.GetBytes(t.key)
	sameHost := true
	if ok {
		had, epoch, same := t.hot(c, f.host)
		switch {
		case had != lease:
			// Kept under an earlier lease: another instance had the
			// stream in between, what is here is stale. Start again.
			t.forget(c)
			t.streams.DeleteBytes(t.key)
			ok = false
		case same && (!o.hasEpoch || o.epoch == epoch):
			if last := t.last(c); o.n > last && o.n == last+1 && uint64(o.n)>>32 == uint64(last)>>32 {
				c.low = uint32(o.n) // in order: all that changes (stream.observe's first case); past the low 32 bits the slow way (put)
				return inOrder
			}
		}
		sameHost = same
	}
	if !ok {
		st := stream{h: head{kind: k, lease: lease, epoch: o.epoch}, Last: o.n}
		names := streamNames{nameOrigin: f.origin(), nameHost: f.host}
		if k == kAgent || k == kWinlog {
			names[nameChannel] = f.channel
		}
		if k == kAgent {
			names[nameAgent] = f.agentID
		}
		st.begin(o.n, o.at)
		t.put(t.streams.PutBytes(t.key, cell{}, t.evicted), t.key, &st, &names) // copies the names
		if !t.recovering {
			t.m.streams.Set(float64(t.streams.Len()))
		}
		return inOrder
	}
	s := t.load(c)
	var names *streamNames
	if !sameHost {
		n := t.names(string(t.key), c)
		n[nameHost] = f.host
		names = &n
	}
	o.due = o.at
	if now := t.now(); now.After(o.due) {
		o.due = now
	}
	o.due = o.due.Add(t.set.grace)
	v, confirm := s.observe(o, t.set.grace, t.confirm[:0])
	t.put(c, t.key, &s, names)
	t.confirm = confirm
	if len(confirm) > 0 {
		t.gaps(string(t.key), c, &s, confirm, e.Received)
	}
	switch v {
	case opened, restarted:
		if _, known := t.open[c]; !known && len(s.holes()) > 0 {
			t.open[c] = string(t.key)
		} else if len(s.holes()) == 0 {
			delete(t.open, c)
		}
		if v == restarted && !t.recovering {
			t.m.restarts.Inc()
		}
	case filled:
		if len(s.holes()) == 0 {
			delete(t.open, c)
		}
	case duplicate:
		if !t.recovering {
			t.m.duplicates.Inc()
			if k != kAgent {
				e.Set("nomen.duplicate", event.Bool(true))
			}
		}
	}
	return v
}

// evicted is called when a stream is pushed out by max_streams: its open
// holes are reported now rather than never.
func (t *Tracker) evicted(key string, c *cell) {
	if s := t.load(c); len(s.holes()) > 0 && t.ours(key, s.lease()) {
		t.gaps(key, c, &s, s.holes(), t.now())
	}
	t.forget(c)
	if t.recovering {
		return
	}
	t.m.evicted.Inc()
	if now := t.now(); now.Sub(t.evictWarn) > time.Minute {
		t.evictWarn = now
		t.log.Warn("sequence: max_streams reached, forgetting the least recently used streams (many senders, or random host names)",
			"max_streams", t.set.maxStreams, "evicted", publicKey(key))
	}
}

// explained records a source's report of lost events, under its origin
// ("agent:<id>/<channel>" for an agent's declared gap, "host:<name>" or
// "agent:<id>" for Windows' own loss events).
func (t *Tracker) explained(key string, x explanation) {
	t.Dirty = true
	if _, ok := t.explain[key]; !ok && len(t.explain) >= t.set.maxStreams {
		return // bounded like the streams; Tick ages them out
	}
	t.explain[key] = x
	if !t.recovering {
		t.m.loss.WithLabelValues(x.Reason).Inc()
	}
}

// gaps emits alerts for confirmed holes of s (in c), of map key mk. A
// hole the agent itself declared in full is counted but not alerted
// again: the relay's alert for the declared gap already reports it.
func (t *Tracker) gaps(mk string, c *cell, s *stream, holes []hole, now time.Time) {
	if t.recovering || len(holes) == 0 {
		return
	}
	names, key := t.names(mk, c), publicKey(mk)
	for _, h := range holes {
		t.m.gaps.Inc()
		t.m.missing.Add(float64(h.count()))
		why := t.why(&names, h)
		if why != nil && why.First > 0 && why.First <= h.First && h.Last <= why.Last {
			continue
		}
		t.out = append(t.out, gapAlert(key, s.epoch(), &names, h, why, now))
	}
}

// why returns the report that explains hole h of a stream of names, if
// one came in the grace period around it: the channel's own first, then
// the host's.
func (t *Tracker) why(names *streamNames, h hole) *explanation {
	near := func(x explanation) bool {
		return !x.At.Before(h.Opened.Add(-t.set.grace)) && !x.At.After(h.Opened.Add(2*t.set.grace))
	}
	origin, channel := names[nameOrigin], names[nameChannel]
	if channel != "" {
		if x, ok := t.explain[origin+"/"+channel]; ok && near(x) {
			return &x
		}
	}
	if x, ok := t.explain[origin]; ok && near(x) {
		return &x
	}
	return nil
}

// retire handles a journaled gap alert during recovery.
func (t *Tracker) retire(e *event.Event) {
	c, ok := t.streams.Peek(mapKey(e.Str(fieldStream)))
	if !ok {
		return
	}
	first, _ := e.Get(fieldFirst)
	last, _ := e.Get(fieldLast)
	s := t.load(c)
	s.retire(first.Num, last.Num)
	t.put(c, nil, &s, nil)
	if len(s.holes()) == 0 {
		delete(t.open, c)
	}
}

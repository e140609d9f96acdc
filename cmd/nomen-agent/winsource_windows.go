//go:build windows

package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"golang.org/x/sys/windows"

	"github.com/nomenhq/nomen/relay/wire"
)

// winSource reads one event log channel through a pull subscription. The
// log is the transmit buffer: every session subscribes again after the
// relay's resume point (a bookmark at that record id), so nothing depends
// on what the agent kept in memory.
//
// Record ids of a channel increase by one. A jump means records were lost
// before the agent read them: overwritten (the log wrapped while the agent
// was behind or down) or cleared (the next record is the "log cleared"
// event). A record id at or below the last one means the numbering
// restarted: the log was recreated, and a new epoch begins.
type winSource struct {
	channel  string
	state    *agentState
	log      *slog.Logger
	accounts *accountCache

	mu         sync.Mutex
	epoch      uint64
	logCreated uint64
	lostEpoch  *Item // a GAP closing the epoch the log had before it was recreated

	gather     time.Duration        // see gatherDelay
	publishers map[string]evtHandle // publisher metadata by provider name (0: unavailable)
	buf16      []uint16
}

func newWinSource(channel string, state *agentState, log *slog.Logger, accounts *accountCache) (*winSource, error) {
	created, err := logCreationTime(channel)
	if err != nil {
		return nil, fmt.Errorf("channel %s: %w", channel, err)
	}
	s := &winSource{channel: channel, state: state, log: log, accounts: accounts, publishers: map[string]evtHandle{}}
	st := state.stream(channel)
	switch {
	case st.Epoch == 0:
		s.epoch = created
		if s.epoch == 0 {
			s.epoch = nowFiletime()
		}
	case st.LogCreated != 0 && created != 0 && created != st.LogCreated:
		// The log was recreated while the agent was not running: whatever it
		// had after the last acknowledged record is gone.
		s.epoch = max(created, st.Epoch+1)
		s.lostEpoch = &Item{Channel: channel, Epoch: st.Epoch, Gap: &wire.Gap{Reason: wire.GapCleared, First: st.Acked + 1,
			Last: wire.EndOfEpoch, UnixNano: time.Now().UnixNano(),
			Detail: fmt.Sprintf("the %s log was recreated (cleared) while the agent was not running", channel)}}
		log.Warn("event log was recreated while the agent was stopped; declaring the rest of the old log lost",
			"channel", channel, "old_epoch", st.Epoch, "acknowledged", st.Acked)
	default:
		s.epoch = st.Epoch
	}
	s.logCreated = created
	if s.epoch != st.Epoch {
		state.setStream(streamState{Channel: channel, Epoch: s.epoch, LogCreated: created})
	}
	return s, nil
}

func nowFiletime() uint64 {
	ft := windows.NsecToFiletime(time.Now().UnixNano())
	return uint64(ft.HighDateTime)<<32 | uint64(ft.LowDateTime)
}

func (s *winSource) Channel() string { return s.channel }

func (s *winSource) Epoch() uint64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.epoch
}

// restart begins a new epoch: the log's numbering started over.
func (s *winSource) restart() uint64 {
	created, _ := logCreationTime(s.channel)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.epoch = max(created, nowFiletime(), s.epoch+1)
	s.logCreated = created
	s.state.setStream(streamState{Channel: s.channel, Epoch: s.epoch, LogCreated: created})
	return s.epoch
}

// Run reads the channel from after (its bookmark) and sends its records to
// out until ctx ends. Long because it is one loop over the subscription's
// states (the lost epoch, the end of an epoch, a wait for records).
func (s *winSource) Run(ctx context.Context, epoch, after uint64, out chan<- Item) error {
	send := func(it Item) error {
		select {
		case out <- it:
			return nil
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	if s.lostEpoch != nil {
		// Sent on every session until the process ends; the relay recognises a
		// repeat (the epoch is closed) and only acknowledges it.
		if err := send(*s.lostEpoch); err != nil {
			return err
		}
	}
	if epoch != s.Epoch() || after == wire.EndOfEpoch {
		return s.waitDone(ctx)
	}

	signal, err := windows.CreateEvent(nil, 1, 1, nil)
	if err != nil {
		return err
	}
	defer windows.CloseHandle(signal)
	sub, err := s.subscribe(signal, after)
	if err != nil {
		return err
	}
	defer func() { evtClose(sub) }()

	tr := recordTracker{last: after}
	handles := make([]evtHandle, 64)
	gather := time.NewTimer(time.Hour)
	gather.Stop()
	defer gather.Stop()
	for {
		n, err := evtNext(sub, handles, 0)
		switch {
		case err == nil:
		case errors.Is(err, errorNoMoreItems):
			// Caught up: wait for the signal (checking ctx every second), then
			// look once more after resetting it, so an event that arrived in
			// between is not missed.
			windows.ResetEvent(signal)
			if n, err = evtNext(sub, handles, 0); err == nil {
				break
			}
			for {
				if ctx.Err() != nil {
					return ctx.Err()
				}
				ev, _ := windows.WaitForSingleObject(signal, 1000)
				if ev != waitTimeout {
					break
				}
			}
			if s.gather > 0 {
				// Let the records that follow gather, to read them in one go.
				gather.Reset(s.gather)
				select {
				case <-gather.C:
				case <-ctx.Done():
					return ctx.Err()
				}
			}
			continue
		case errors.Is(err, errorEvtQueryStale), errors.Is(err, errorEvtInvalidPos):
			// The log changed under the subscription (cleared, or wrapped past
			// it): subscribe again after the last record; the checks below see
			// what is missing.
			evtClose(sub)
			if sub, err = s.subscribe(signal, tr.last); err != nil {
				return err
			}
			continue
		default:
			return err
		}
		for i, h := range handles[:n] {
			rec, id, rerr := s.render(h)
			evtClose(h)
			if rerr != nil {
				for _, rest := range handles[i+1 : n] {
					evtClose(rest)
				}
				return rerr
			}
			ep := s.Epoch()
			gap, restarted := tr.observe(id, rec)
			if restarted {
				ep = s.restart()
				s.log.Warn("event log numbering started over: new epoch", "channel", s.channel, "record_id", id, "epoch", ep)
			}
			if gap != nil {
				if err := send(Item{Channel: s.channel, Epoch: ep, Gap: gap}); err != nil {
					return err
				}
			}
			if err := send(Item{Channel: s.channel, Epoch: ep, Seq: id, Data: []byte(rec)}); err != nil {
				return err
			}
		}
	}
}

// waitDone idles until ctx ends (a source of an old epoch has nothing to send).
func (s *winSource) waitDone(ctx context.Context) error {
	<-ctx.Done()
	return ctx.Err()
}

// subscribe starts a pull subscription after record id after (0: from the
// oldest record). When the bookmarked record no longer exists, it starts
// at the oldest record instead; the first record's id then shows the loss.
func (s *winSource) subscribe(signal windows.Handle, after uint64) (evtHandle, error) {
	if after == 0 {
		return evtSubscribe(signal, s.channel, "*", 0, evtSubscribeStartAtOldestRecord)
	}
	bm, err := evtBookmarkAfter(s.channel, after)
	if err != nil {
		return 0, err
	}
	defer evtClose(bm)
	sub, err := evtSubscribe(signal, s.channel, "*", bm, evtSubscribeStartAfterBookmark|evtSubscribeStrict)
	if errors.Is(err, errorNotFound) {
		s.log.Warn("the last acknowledged record is no longer in the log; reading from the oldest", "channel", s.channel, "record_id", after)
		return evtSubscribe(signal, s.channel, "*", 0, evtSubscribeStartAtOldestRecord)
	}
	return sub, err
}

// render returns the event as XML with its rendered message when the
// publisher's metadata is available (EvtFormatMessage), else as EvtRender
// gives it, with the account name of the Security UserID added.
func (s *winSource) render(h evtHandle) (string, uint64, error) {
	xml, buf, err := evtRenderXML(h, s.buf16)
	s.buf16 = buf
	if err != nil {
		return "", 0, err
	}
	if pm := s.publisher(providerName(xml)); pm != 0 {
		if full, buf, ferr := evtFormatXML(pm, h, s.buf16); ferr == nil {
			xml = full
			s.buf16 = buf
		}
	}
	if cap(s.buf16) > 1<<20 {
		s.buf16 = nil
	}
	xml = s.accounts.annotate(xml)
	id, ok := wire.RecordID(xml)
	if !ok || id == 0 || id > wire.MaxSeq {
		return "", 0, fmt.Errorf("channel %s: event without a usable EventRecordID", s.channel)
	}
	return xml, id, nil
}

func (s *winSource) publisher(name string) evtHandle {
	if name == "" {
		return 0
	}
	if h, ok := s.publishers[name]; ok {
		return h
	}
	h, err := evtOpenPublisherMetadata(name)
	if err != nil {
		s.log.Debug("no publisher metadata: events are sent without their message", "provider", name, "err", err)
		h = 0
	}
	if len(s.publishers) > 1024 {
		for k, v := range s.publishers {
			evtClose(v)
			delete(s.publishers, k)
		}
	}
	s.publishers[name] = h
	return h
}

// maxAccounts bounds the cache: a domain controller sees many accounts,
// and an unresolvable SID is cached too (so it is asked once).
const maxAccounts = 4096

// newAccountCache resolves SIDs with LookupAccountSid (accounts.go).
func newAccountCache() *accountCache { return newAccountCacheWith(lookupAccount, maxAccounts) }

var sidTypes = [...]string{1: "User", 2: "Group", 3: "Domain", 4: "Alias", 5: "WellKnownGroup", 6: "DeletedAccount",
	7: "Invalid", 8: "Unknown", 9: "Computer", 10: "Label", 11: "LogonSession"}

func lookupAccount(sidText string) (sidAccount, bool) {
	sid, err := windows.StringToSid(sidText)
	if err != nil {
		return sidAccount{}, false
	}
	account, domain, typ, err := sid.LookupAccount("")
	if err != nil || account == "" {
		return sidAccount{}, false
	}
	a := sidAccount{name: account, domain: domain}
	if int(typ) < len(sidTypes) {
		a.typ = sidTypes[typ]
	}
	return a, true
}

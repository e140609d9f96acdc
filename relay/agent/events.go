package agent

import (
	"fmt"
	"strconv"
	"time"

	"github.com/nomenhq/nomen/relay/event"
	"github.com/nomenhq/nomen/relay/wire"
)

// Fields every record event carries (normalization adds the ECS ones).
const recordFields = 5

// recordEvents turns accepted records into events. It allocates per batch,
// not per record: one string holds every record's text (each Original is
// a substring of it), one slab holds the events and one their fields.
// It returns the events and the records' total size.
func (s *session) recordEvents(bh *wire.BatchHeader, raw []byte, recs []wire.Record, now time.Time) ([]*event.Event, int) {
	if len(recs) == 0 {
		return nil, 0
	}
	base := recs[0].Off
	last := recs[len(recs)-1]
	text := string(raw[base : last.Off+last.Len])
	slab := make([]event.Event, len(recs))
	evs := make([]*event.Event, len(recs))
	fields := make([]event.Field, len(recs)*recordFields)
	epoch := event.Int(int64(bh.Epoch))
	agentID, agentType, channel := event.String(s.agent), event.String(AgentType), event.String(bh.Channel)
	size := 0
	for i, r := range recs {
		orig := text[r.Off-base : r.Off-base+r.Len]
		size += len(orig)
		e := &slab[i]
		e.Pri = event.NoPri
		e.Received = now
		e.Time = now
		if t, ok := wire.RecordTime(orig); ok {
			e.Time = t
		}
		e.Original = orig
		e.Message = wire.RecordMessage(orig)
		e.Hostname = s.host
		e.Input = s.srv.cfg.Name
		e.Peer = s.peer
		e.Format = "agent"
		f := fields[i*recordFields : (i+1)*recordFields : (i+1)*recordFields]
		f[0] = event.Field{Key: "agent.id", Val: agentID}
		f[1] = event.Field{Key: "agent.type", Val: agentType}
		f[2] = event.Field{Key: "winlog.channel", Val: channel}
		f[3] = event.Field{Key: "winlog.record_id", Val: event.Int(int64(r.Seq))}
		f[4] = event.Field{Key: "nomen.agent.epoch", Val: epoch}
		e.Fields = f
		if s.claimed != "" { // rare: a copy per event is fine
			e.Fields = append(f, event.Field{Key: FieldClaimedHost, Val: event.String(s.claimed)})
		}
		evs[i] = e
	}
	return evs, size
}

// FieldClaimedHost holds the host an agent's HELLO named when its
// certificate does not allow that name (host.name is then the
// certificate's).
const FieldClaimedHost = "nomen.agent.claimed_host"

// Gap alert actions (event.action and rule.name).
const (
	ActionAgentGap   = "agent-declared-gap"
	ActionLogCleared = "audit-log-cleared"
)

// gapEvent turns a GAP (records first..g.Last lost; first may be above
// g.First when part of the range was already reported) into an alert.
func (s *session) gapEvent(g *wire.Gap, first uint64, now time.Time) *event.Event {
	e := event.New(now)
	if g.UnixNano != 0 {
		e.Time = time.Unix(0, g.UnixNano).UTC()
	}
	e.Format = "agent"
	e.Input = s.srv.cfg.Name
	e.Peer = s.peer
	e.Hostname = s.host
	if s.claimed != "" {
		e.SetStr(FieldClaimedHost, s.claimed)
	}
	last := "end-of-epoch"
	if g.Last != wire.EndOfEpoch {
		last = strconv.FormatUint(g.Last, 10)
	}
	e.Original = fmt.Sprintf("GAP channel=%q epoch=%d reason=%s first=%d last=%s clear_record=%d time=%d detail=%q",
		g.Channel, g.Epoch, g.Reason, g.First, last, g.ClearRecord, g.UnixNano, g.Detail)

	action := ActionAgentGap
	if g.Reason == wire.GapCleared {
		action = ActionLogCleared
	}
	var what string
	if g.Last == wire.EndOfEpoch {
		what = fmt.Sprintf("records from %d on (count unknown)", first)
	} else {
		what = fmt.Sprintf("%d records (%d-%d)", g.Last-first+1, first, g.Last)
	}
	switch g.Reason {
	case wire.GapCleared:
		e.Message = fmt.Sprintf("The %s log of agent %s was cleared: %s were lost before they could be sent", g.Channel, s.agent, what)
	case wire.GapOverwritten:
		e.Message = fmt.Sprintf("Agent %s lost %s of the %s log: overwritten before they could be sent", s.agent, what, g.Channel)
	default:
		e.Message = fmt.Sprintf("Agent %s could not read %s of the %s log", s.agent, what, g.Channel)
	}

	e.SetStr("event.kind", "alert")
	e.SetStr("event.action", action)
	e.SetStr("event.reason", g.Detail)
	e.SetStr("rule.name", action)
	e.SetStr("agent.id", s.agent)
	e.SetStr("agent.type", AgentType)
	e.SetStr("winlog.channel", g.Channel)
	e.SetInt("nomen.agent.epoch", int64(g.Epoch))
	e.SetStr("nomen.gap.stream", "agent:"+s.agent+"/"+g.Channel) // the sequence tracker's key for the stream
	e.SetStr("nomen.gap.reason", g.Reason.String())
	e.SetInt("nomen.gap.first_missing", int64(first))
	if g.Last == wire.EndOfEpoch {
		e.Set("nomen.gap.until_end_of_epoch", event.Bool(true))
	} else {
		e.SetInt("nomen.gap.last_missing", int64(g.Last))
		e.SetInt("nomen.gap.count", int64(g.Last-first+1))
	}
	if g.ClearRecord != 0 {
		e.SetInt("nomen.gap.clear_record_id", int64(g.ClearRecord))
	}
	return e
}

package sequence

import (
	"slices"
	"strconv"
	"time"

	"github.com/nomenhq/nomen/relay/event"
	"github.com/nomenhq/nomen/relay/stage/findingid"
)

// Actions (event.action) of the tracker's alerts and of the relay's alerts
// for agent-declared loss, which the tracker reads.
const (
	actionGap        = "sequence-gap"
	actionLogCleared = "audit-log-cleared"
	actionAuditLoss  = "audit-loss"
	actionAgentGap   = "agent-declared-gap"
)

// Fields of a gap alert.
const (
	fieldStream      = "nomen.gap.stream"
	fieldFirst       = "nomen.gap.first_missing"
	fieldLast        = "nomen.gap.last_missing"
	fieldCount       = "nomen.gap.count"
	fieldExplainedBy = "nomen.gap.explained_by"
	// FieldFindingEvents lists the journal IDs of the events that caused a
	// finding (see package snapshot for how they are known before journaling).
	FieldFindingEvents = "nomen.finding.events"
	// Dataset is event.dataset of every alert the tracker emits; the
	// correlation stage and the tracker skip events of datasets "nomen.*".
	Dataset = "nomen.sequence"
)

func newAlert(at, received time.Time, action, ruleID, ruleName, desc string) *event.Event {
	e := event.New(received)
	e.Time = at
	e.Fields = make([]event.Field, 0, 20)
	e.SetStr("event.kind", "alert")
	e.SetList("event.category", "host")
	e.SetList("event.type", "info")
	e.SetStr("event.action", action)
	e.SetStr("event.module", "nomen")
	e.SetStr("event.dataset", Dataset)
	e.SetStr("rule.id", ruleID)
	e.SetStr("rule.name", ruleName)
	e.SetStr("rule.description", desc)
	e.SetStr("rule.ruleset", "nomen")
	return e
}

func setIDs(e *event.Event, ids ...uint64) {
	list := make([]string, 0, len(ids))
	for i, id := range ids {
		if id != 0 && !slices.Contains(ids[:i], id) {
			list = append(list, strconv.FormatUint(id, 10))
		}
	}
	if len(list) > 0 {
		e.Set(FieldFindingEvents, event.Strings(list...))
	}
}

// gapAlert reports a confirmed hole of a stream of key, epoch and names.
func gapAlert(key string, epoch int64, names *streamNames, h hole, why *explanation, now time.Time) *event.Event {
	e := newAlert(now, now, actionGap, "nomen.sequence.gap", "sequence-gap",
		"Numbered events of a source never arrived: deleted, suppressed or lost on the way.")
	n := h.count()
	msg := make([]byte, 0, 128)
	if n == 1 {
		msg = append(msg, "event "...)
		msg = strconv.AppendInt(msg, h.First, 10)
	} else {
		msg = append(msg, "events "...)
		msg = strconv.AppendInt(msg, h.First, 10)
		msg = append(msg, '-')
		msg = strconv.AppendInt(msg, h.Last, 10)
	}
	msg = append(msg, " of "...)
	msg = append(msg, key...)
	msg = append(msg, " never arrived ("...)
	msg = strconv.AppendInt(msg, n, 10)
	msg = append(msg, " missing)"...)
	if why != nil {
		msg = append(msg, "; the source reported "...)
		msg = append(msg, why.Reason...)
	}
	e.Message = string(msg)
	// The id (findingid): a hole is its stream, the receive time of the
	// event that revealed it and its first missing number in its epoch
	// (what is left of a partly filled hole keeps those, each part its
	// own first number).
	findingid.Set(e, "sequence-gap", key, h.Opened.UnixNano(), strconv.FormatInt(epoch, 10)+":"+strconv.FormatInt(h.First, 10))
	e.SetStr(fieldStream, key)
	e.SetInt(fieldFirst, h.First)
	e.SetInt(fieldLast, h.Last)
	e.SetInt(fieldCount, n)
	ids := []uint64{h.After}
	if why != nil {
		e.SetStr(fieldExplainedBy, why.Reason)
		ids = append(ids, why.ID)
	}
	setIDs(e, ids...)
	e.SetStr("host.name", names[nameHost])
	e.AddToList("related.hosts", names[nameHost])
	e.SetStr("agent.id", names[nameAgent])
	return e
}

// lossAlert flags a Windows event saying the log was cleared or audit
// events were lost.
func lossAlert(src *event.Event, reason, code string, id uint64) *event.Event {
	var e *event.Event
	host := src.Str("host.name")
	user := src.Str("user.name")
	msg := "audit events were lost on " + host + " (event " + code + ")"
	if reason == actionLogCleared {
		e = newAlert(src.Time, src.Received, reason, "nomen.sequence.log-cleared", "audit-log-cleared",
			"A Windows event log was cleared: the events it held before are gone.")
		msg = "the " + orDefault(src.Str("winlog.channel"), "Security") + " log of " + host + " was cleared (event " + code + ")"
		if user != "" {
			msg += " by " + user
		}
	} else {
		e = newAlert(src.Time, src.Received, reason, "nomen.sequence.audit-loss", "audit-loss",
			"Windows reported that it stopped recording or dropped audit events.")
	}
	e.Message = msg
	// The id (findingid): the source event's identity makes it.
	findingid.Set(e, e.Str("rule.name"), host, src.Received.UnixNano(), findingid.Anchor(src, id))
	e.SetStr("event.code", code)
	for _, k := range []string{"host.name", "agent.id", "winlog.channel", "winlog.record_id", "user.name", "user.domain", "winlog.logon.id"} {
		if v, ok := src.Get(k); ok {
			e.Set(k, v)
		}
	}
	for _, k := range []string{"related.hosts", "related.user", "related.ip"} {
		if v, ok := src.Field(k); ok {
			e.Set(k, event.Strings(append([]string(nil), v.List...)...))
		}
	}
	e.AddToList("related.hosts", host)
	setIDs(e, id)
	return e
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

package sequence

// What the tracker reads from an event (one pass over its fields), and the
// small readings made from it: the number in a value, the reason a code
// explains a gap, the source an explanation applies to.

import (
	"strconv"

	"github.com/nomenhq/nomen/relay/event"
)

// fields is what the tracker reads from an event, gathered in one pass.
type fields struct {
	agentID, channel, host, action, kind, dataset string
	code                                          *event.Value // event.code's (codeText), nil if none
	record, seq, epoch                            int64
	hasRecord, hasSeq, hasEpoch, winlog           bool
}

// scanFields reads what the tracker needs of e. It fills its result, a
// variable on the stack, rather than a fields behind a pointer: writing
// a string through a pointer costs a write barrier call while the
// garbage collector marks, one or two per event here.
func scanFields(e *event.Event) (f fields) {
	// Switch on the length first: most keys have none of these lengths or
	// differ at once, and equal-length comparisons are cheap. (fields: the
	// slice is not loaded again from e after each write to f.)
	fields := e.Fields
	for i := range fields {
		fl := &fields[i]
		k := fl.Key
		switch len(k) {
		case 8:
			if k == "agent.id" {
				f.agentID = fl.Val.Str
			}
		case 9:
			if k == "host.name" {
				f.host = fl.Val.Str
			}
		case 10:
			switch k {
			case "event.code":
				f.code = &fl.Val // its text only for a Windows event (codeText)
			case "event.kind":
				f.kind = fl.Val.Str
			}
		case 12:
			if k == "event.action" {
				f.action = fl.Val.Str
			}
		case 13:
			if k == "event.dataset" {
				f.dataset = fl.Val.Str
			}
		case 14:
			switch k {
			case "winlog.channel":
				f.channel = fl.Val.Str
				f.winlog = true
			case "event.sequence":
				f.seq, f.hasSeq = number(fl.Val)
			}
		case 15:
			if k == "winlog.event_id" {
				f.winlog = true
			}
		case 16:
			if k == "winlog.record_id" {
				f.record, f.hasRecord = number(fl.Val)
			}
		case 17:
			if k == "nomen.agent.epoch" {
				f.epoch, f.hasEpoch = number(fl.Val)
			}
		}
	}
	if f.host == "" {
		f.host = e.Hostname
	}
	return f
}

func number(v event.Value) (int64, bool) {
	switch v.Type {
	case event.TypeInt:
		return v.Num, true
	case event.TypeString:
		n, err := strconv.ParseInt(v.Str, 10, 64)
		return n, err == nil
	}
	return 0, false
}

// Event codes that explain a gap.
func lossReason(code string) string {
	switch code {
	case "1102", "517":
		return actionLogCleared
	case "1100", "1101", "1104", "4612", "516":
		return actionAuditLoss
	}
	return ""
}

// codeText is event.code as text, "" if there is none.
func (f *fields) codeText() string {
	if f.code == nil {
		return ""
	}
	return f.code.String()
}

// origin names the source an explanation applies to.
func (f *fields) origin() string {
	if f.agentID != "" {
		return "agent:" + f.agentID
	}
	return "host:" + f.host
}

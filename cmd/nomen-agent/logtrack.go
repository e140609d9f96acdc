package main

import (
	"fmt"
	"strings"
	"time"

	"github.com/nomenhq/nomen/relay/wire"
)

// recordTracker follows the record ids one event log channel hands out.
// They increase by one; a jump means records were lost before the agent
// read them (overwritten when the log wrapped, or cleared: then the
// record after the hole is the "log cleared" event); an id at or below
// the last one means the numbering started over (the log was recreated).
type recordTracker struct {
	last uint64 // the last id seen; 0: none yet (reading from the oldest)
}

// observe checks the next record's id. It returns the loss before it, if
// any, and whether a new epoch begins with it.
func (t *recordTracker) observe(id uint64, rec string) (gap *wire.Gap, restarted bool) {
	defer func() { t.last = id }()
	switch {
	case t.last == 0:
		return nil, false
	case id <= t.last:
		return nil, true
	case id > t.last+1:
		g := &wire.Gap{Reason: wire.GapOverwritten, First: t.last + 1, Last: id - 1, UnixNano: time.Now().UnixNano(),
			Detail: fmt.Sprintf("records %d-%d were overwritten before the agent read them (the oldest record left is %d)", t.last+1, id-1, id)}
		if isClearEvent(rec) {
			g.Reason, g.ClearRecord = wire.GapCleared, id
			g.Detail = fmt.Sprintf("the log was cleared (record %d) before records %d-%d were sent", id, t.last+1, id-1)
		}
		return g, false
	}
	return nil, false
}

// providerName returns <Provider Name='...'> of a rendered event.
func providerName(xml string) string {
	i := strings.Index(xml, "<Provider")
	if i < 0 {
		return ""
	}
	rest := xml[i:]
	if j := strings.IndexByte(rest, '>'); j >= 0 {
		rest = rest[:j]
	}
	k := strings.Index(rest, "Name=")
	if k < 0 || k+6 > len(rest) {
		return ""
	}
	q := rest[k+5]
	v := rest[k+6:]
	if e := strings.IndexByte(v, q); e >= 0 {
		return v[:e]
	}
	return ""
}

// isClearEvent reports whether a record says its log was cleared:
// Security 1102 and System 104 from the Eventlog service, legacy 517.
func isClearEvent(xml string) bool {
	id, _ := wire.ElementText(xml, "EventID")
	switch strings.TrimSpace(id) {
	case "1102", "104":
		return strings.Contains(providerName(xml), "Eventlog")
	case "517":
		return true
	}
	return false
}

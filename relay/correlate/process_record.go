package correlate

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/nomenhq/nomen/relay/event"
	"github.com/nomenhq/nomen/relay/stage/findingid"
)

// The records the process tracker emits: a process's lifetime and the
// alerts for a start or an end that never came.

// appendAccount appends the account as Windows writes it: DOMAIN\name,
// or the name alone without a domain.
func appendAccount(b []byte, domain, name string) []byte {
	if domain != "" && domain != "-" {
		b = append(append(b, domain...), '\\')
	}
	return append(b, name...)
}

// describe appends "C:\WINNT\system32\cmd.exe (pid 1536) on WEB1".
func (p *proc) describe(b []byte) []byte {
	if p.Exe == "" {
		b = append(b, "process"...)
	}
	b = append(b, p.Exe...)
	b = append(b, " (pid "...)
	b = strconv.AppendInt(b, p.PID, 10)
	b = append(b, ") on "...)
	return append(b, p.Host...)
}

// fill sets the process fields of a record about p (a new event: each key
// once); start is p.Start as text (formatTime). end adds a lifetime
// record's own fields (nil: an alert about p).
//
// The fields are set in key order (an alert's event.* and rule.* come
// before them, out of order: alerts are few): the JSON encoder sorts an
// event's fields, and a record whose fields come in order is the cheapest
// to sort (records are one event in ten where processes are audited).
func (p *proc) fill(e *event.Event, start string, end *procEnd) {
	e.SetStr("event.start", start)
	if end != nil {
		e.Set("event.type", typeInfo)
	}
	var ids []string
	var lists [numRelated][]string
	if end != nil {
		ids, lists = p.Evidence.strings()
	}
	host := p.Host
	if hosts := lists[relHosts]; host == "" && len(hosts) == 1 {
		host = hosts[0] // as setEvidence does
	}
	e.SetStr("host.name", host)
	if end != nil {
		setFindingEvents(e, ids)
		e.SetStr("nomen.process.end_reason", end.reason)
		e.SetStr("nomen.process.end_user", end.user)
	}
	if len(p.Tokens) > 0 {
		e.Set("nomen.process.token_changes", event.Strings(p.Tokens...))
	}
	e.SetStr("process.command_line", p.Cmd)
	if end != nil {
		e.SetStr("process.end", end.at)
	}
	e.SetStr("process.entity_id", p.GUID)
	e.SetStr("process.executable", p.Exe)
	if end != nil && end.hasExit {
		e.SetInt("process.exit_code", end.exit)
	}
	e.SetStr("process.name", baseName(p.Exe))
	e.SetStr("process.parent.entity_id", p.PGUID)
	e.SetStr("process.parent.executable", p.PExe)
	e.SetStr("process.parent.name", baseName(p.PExe))
	if p.PPID != 0 {
		e.SetInt("process.parent.pid", p.PPID)
	}
	e.SetInt("process.pid", p.PID)
	e.SetStr("process.start", start)
	setRelated(e, &lists)
	e.SetStr("user.domain", p.Domain)
	e.SetStr("user.name", p.User)
	e.SetStr("winlog.logon.id", p.LogonID)
}

// lifetimePlan is every key a lifetime record may have, in the order
// lifetime and fill set them: its JSON is written from texts made ahead
// (event.KeyPlan), where the keys' bytes were looked at for each record
// (~280 instructions a key, ~30 keys; a record in ten messages where
// processes are audited). TestLifetimeFollowsPlan checks that records
// follow it.
var lifetimePlan = event.NewKeyPlan(
	"event.action", "event.category", "event.dataset", "event.duration", "event.end",
	findingid.Field, "event.kind", "event.module", "event.start", "event.type",
	"host.name",
	FieldFindingEvents, "nomen.process.end_reason", "nomen.process.end_user", "nomen.process.token_changes",
	"process.command_line", "process.end", "process.entity_id", "process.executable", "process.exit_code",
	"process.name", "process.parent.entity_id", "process.parent.executable", "process.parent.name",
	"process.parent.pid", "process.pid", "process.start",
	"related.hash", "related.hosts", "related.ip", "related.user",
	"user.domain", "user.name", "winlog.logon.id",
)

// procEnd is what a lifetime record says beyond fill's process fields.
type procEnd struct {
	at      string // process.end (and event.end)
	reason  string // nomen.process.end_reason
	user    string // nomen.process.end_user: who ended it
	exit    int64  // process.exit_code, if hasExit
	hasExit bool
}

// appendIDKey appends the group key of p's record and alerts in their ids
// (findingid): a process is its host, pid and start (and Sysmon's GUID,
// the anchor, where there is one).
func (p *proc) appendIDKey(dst []byte) []byte {
	dst = append(dst, p.Host...)
	dst = append(dst, 0)
	return strconv.AppendInt(dst, p.PID, 10)
}

// idKey is appendIDKey as a string, for the alerts.
func (p *proc) idKey() string { return string(p.appendIDKey(nil)) }

func baseName(path string) string {
	if i := strings.LastIndexAny(path, `\/`); i >= 0 {
		return path[i+1:]
	}
	return path
}

// formatTime formats t as the JSON output writes @timestamp, so that a
// lifetime's process.start equals its start event's @timestamp.
func formatTime(t time.Time) string {
	var b [40]byte
	return string(event.AppendTime(b[:0], t))
}

// lifetime emits the process-lifetime record of p, which ended at at:
// by the end event whose fields are end, or (end nil) by a shutdown.
func (r *processTracker) lifetime(en *Engine, p *proc, end *procFields, reason string, at, received time.Time) {
	e := event.New(received)
	e.Time = at
	e.Fields = r.fields.Make(32)
	d := at.UnixNano() - p.Start // the duration, if not negative
	took := time.Duration(max(d, 0))
	// Both times, the id and the message in one string: one allocation.
	r.buf = r.starts.AppendTime(r.buf[:0], time.Unix(0, p.Start))
	n := len(r.buf)
	r.buf = r.ends.AppendTime(r.buf, at)
	m := len(r.buf)
	r.idKey = p.appendIDKey(r.idKey[:0])
	r.buf = findingid.Append(r.buf, r.b.name, r.idKey, p.Start, p.GUID)
	id := len(r.buf)
	r.buf = p.appendLifetimeMessage(r.buf, took, reason)
	texts := string(r.buf)
	start, ended := texts[:n], texts[n:m]
	// In key order (see fill): event.start and event.type come from fill.
	e.SetStr("event.action", "process-lifetime")
	e.Set("event.category", categoryProcess)
	e.SetStr("event.dataset", DatasetProcess)
	if d >= 0 {
		e.SetInt("event.duration", d)
	}
	e.SetStr("event.end", ended)
	e.SetStr(findingid.Field, texts[m:id])
	e.SetStr("event.kind", "event")
	e.SetStr("event.module", "nomen")
	pe := procEnd{at: ended, reason: reason}
	if end != nil {
		if end.user != "" {
			r.buf = appendAccount(r.buf[:0], end.domain, end.user)
			pe.user = en.strs.getBytes(r.buf)
		}
		pe.exit, pe.hasExit = end.exit, end.hasExit
	}
	p.fill(e, start, &pe)
	e.SetPlan(lifetimePlan)
	e.Message = texts[id:]
	e.Fields = r.fields.Trim(e.Fields) // the next record's fields follow at once
	en.emitRecord(e)
}

// appendLifetimeMessage appends the message of p's lifetime record: what
// ran, for how long, started by whom, its token changes, a shutdown's end.
func (p *proc) appendLifetimeMessage(msg []byte, took time.Duration, reason string) []byte {
	msg = p.describe(msg)
	msg = append(msg, " ran for "...)
	msg = append(msg, fmtDuration(took.Round(time.Millisecond))...)
	if p.User != "" {
		msg = appendAccount(append(msg, ", started by "...), p.Domain, p.User)
	}
	for i, t := range p.Tokens {
		if i == 0 {
			msg = append(msg, ", token changed to "...)
		} else {
			msg = append(msg, ", "...)
		}
		msg = append(msg, t...)
	}
	if reason == "shutdown" {
		msg = append(msg, ", ended by the host's shutdown"...)
	}
	return msg
}

// endNotSeen raises the alert for a process whose end never came.
func (r *processTracker) endNotSeen(en *Engine, p *proc, why string, at, received time.Time) {
	f := newFinding(&r.endMissing, DatasetProcess, "process-end-missing", at, received)
	f.id(&r.endMissing, p.idKey(), p.Start, p.GUID)
	start := formatTime(time.Unix(0, p.Start))
	p.fill(f.e, start, nil)
	f.evidence(&p.Evidence)
	f.e.SetStr("nomen.process.closed_by", why)
	f.e.SetStr(FieldFindingKey, fmt.Sprintf("host.name=%s process.pid=%d", p.Host, p.PID))
	var reason string
	switch why {
	case "pid-reused":
		reason = "its process id was used by a new process"
	case "boot":
		reason = "the host started again without a clean shutdown"
	case "max_lifetime":
		reason = "still running after " + fmtDuration(r.maxLifetime)
	}
	f.e.Message = "no end seen for " + string(p.describe(nil)) + ", started " + start + ": " + reason
	en.emit(&r.endMissing, f.e)
}

// startNotSeen raises the alert for an end whose start was never seen.
func (r *processTracker) startNotSeen(en *Engine, e *event.Event, id uint64) {
	f := newFinding(&r.startMiss, DatasetProcess, "process-start-missing", e.Time, e.Received)
	var ev evidence
	ev.add(en.memo, e, id) // a finding made now
	f.evidence(&ev)
	copyFields(f.e, e, "process.pid", "process.entity_id", "process.executable", "process.name", "user.name", "user.domain", "winlog.logon.id", "host.name")
	f.e.SetStr("process.end", formatTime(e.Time))
	p := proc{Host: e.Str("host.name"), Exe: e.Str("process.executable")}
	if v, ok := e.Get("process.pid"); ok {
		p.PID = v.Num
	}
	f.e.SetStr(FieldFindingKey, fmt.Sprintf("host.name=%s process.pid=%d", p.Host, p.PID))
	f.id(&r.startMiss, p.idKey(), e.Time.UnixNano(), findingid.Anchor(e, id))
	f.e.Message = string(p.describe(nil)) + " ended but its start was never seen"
	en.emit(&r.startMiss, f.e)
}

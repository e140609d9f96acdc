package windows

import (
	"strings"

	"github.com/nomenhq/nomen/normalize/ecs"
	"github.com/nomenhq/nomen/normalize/wincatalog"
	"github.com/nomenhq/nomen/relay/event"
)

// What an event id means, in ECS, is the catalog's (normalize/wincatalog):
// its row gives event.category, event.type, event.action, where
// event.outcome comes from, and how its EventData names map to ECS fields
// (fieldmap.go). This file finds the row and adds the little a table
// cannot say (4776's outcome is its Status; legacy logon failures carry
// their reason in their id).

// entry returns the catalog row of w and the id it was read as (the
// modern id of a legacy Security event), nil if the catalog has none.
// The channel decides; a record that names none is read by its provider
// when the catalog knows it (a Sysmon record from a road that drops the
// channel), else as a Security event.
func (w *winEvent) entry() (*wincatalog.Entry, int) {
	ch := w.channel
	if ch == "" && w.provider != "" {
		if ent, ok := wincatalog.Lookup(w.provider, w.id); ok && ent.Channel != wincatalog.ChannelSecurity {
			return ent, w.id
		}
	}
	if ch == "" || ch == wincatalog.ChannelSecurity || strings.EqualFold(ch, wincatalog.ChannelSecurity) { // == first: EqualFold costs ~100 instructions
		modern, _ := modernID(w.id)
		ent, _ := wincatalog.Security(modern)
		return ent, modern
	}
	ent, _ := wincatalog.Lookup(ch, w.id)
	return ent, w.id
}

// isSecurity reports whether w came from the Security log (or names no log).
func (w *winEvent) isSecurity() bool {
	return w.channel == "" || strings.EqualFold(w.channel, wincatalog.ChannelSecurity)
}

// applyMeaning classifies the event and sets the ECS fields its id carries.
func (w *winEvent) applyMeaning(e *event.Event) {
	ent, modern := w.entry()
	e.SetStr("event.module", w.module(ent))
	if ent == nil {
		if w.isSecurity() {
			e.SetStr("event.outcome", w.audit)
		}
		return // same ids, other logs (Application...) mean other things
	}
	if reason, ok := winLegacyReason(w.id); ok && w.val("FailureReason") == "" {
		w.add("FailureReason", reason) // read by the 4625 row's map (winlog.event_data is written already)
	}
	cls := ecs.Class{Category: ent.ECSCategory, Type: ent.ECSType}
	cls.Set(e, ent.Action, w.outcome(ent))
	w.mapFields(e, ent)
	if (w.recordUserActs(ent) || w.recordUserIsUser(e, ent)) && !e.Has("user.id") && strings.HasPrefix(w.userSID, "S-1-") {
		e.SetStr("user.id", w.userSID) // the record's account did it (Winlogbeat's user.id too)
	}
	if ent.Channel == wincatalog.ChannelPowerShell {
		w.setPowerShellHost(e)
	}
	if w.userName != "" && w.userSID != "" && ent.Channel != wincatalog.ChannelSecurity && // Security records name no account of their own
		!e.Has("user.name") && e.Str("user.id") == w.userSID {
		// the event's user is the record's account (AppLocker's TargetUser, the
		// user it ran for): the name the collector resolved is the user's
		ecs.SetUser(e, "user.name", w.userName)
		e.SetStr("user.domain", w.userDom)
	}
	if ent.Channel == wincatalog.ChannelSysmon {
		// UtcTime is when the activity happened (a connection, a process's
		// start), the record's time when Sysmon wrote it, up to seconds later
		// (its network events are batched): ECS's @timestamp is the former,
		// as Winlogbeat's and Elastic's Sysmon pipelines take it.
		if t, ok := sysmonTime(ecs.TrimSpace(w.val("UtcTime"))); ok {
			e.Time = t
		}
	}
	if w.id == 1117 && ent.Channel == wincatalog.ChannelDefender && w.defenderAction() == "Quarantine" {
		e.SetStr("event.action", "malware-quarantined") // Elastic's windows integration's action for it
	}
	if modern == 4625 && ent.Channel == wincatalog.ChannelSecurity {
		if v, ok := e.Field("event.reason"); ok {
			e.Set("winlog.logon.failure.reason", v)
		}
	}
	if modern == 4776 && ent.Channel == wincatalog.ChannelSecurity {
		if status := logonFailure(w.tok("Status")); status != "" {
			e.SetStr("winlog.logon.failure.status", status)
		}
	}
}

// recordUserActs reports whether the record's own account (System's
// Security UserID) is the one that acted: PowerShell logs as the user who
// runs it, the Service Control Manager a 7045 as the one who installed the
// service and a 7040 as the one who changed its start type, the event log
// service a 104 as the one who cleared the log; Sysmon 4 (its service's
// state) is written by the Sysmon service, 16 (its configuration changed) by the account that ran
// "sysmon -c", and neither has a User. Sysmon's other events are all
// written by its service (SYSTEM) whoever acted, the actor in their User
// (absent from older schemas): their record's account is no user.
func (w *winEvent) recordUserActs(ent *wincatalog.Entry) bool {
	switch ent.Channel {
	case wincatalog.ChannelPowerShell:
		return true
	case wincatalog.ChannelSystem:
		return w.id == 7045 || w.id == 7040 || w.id == 104
	case wincatalog.ChannelSysmon:
		return w.id == 4 || w.id == 16
	}
	return false
}

// setPowerShellHost sets what the PowerShell/Operational record says of
// the PowerShell host that wrote it: its process id (the record's System
// Execution ProcessID: the host process logs its own pipelines and script
// blocks). Its account (user.id; by name when ContextInfo named no User)
// is the one the session runs as.
func (w *winEvent) setPowerShellHost(e *event.Event) {
	if !e.Has("process.pid") {
		ecs.SetUint(e, "process.pid", w.execPID)
	}
}

// recordUserIsUser reports whether the event's user (a Sysmon User, a
// Defender Detection User) is the record's own account (its name and
// domain as the record gives them, NT AUTHORITY\SYSTEM for Sysmon's or
// Defender's service): then the record's SID is the user's.
func (w *winEvent) recordUserIsUser(e *event.Event, ent *wincatalog.Entry) bool {
	return (ent.Channel == wincatalog.ChannelSysmon || ent.Channel == wincatalog.ChannelDefender) && w.userName != "" &&
		strings.EqualFold(e.Str("user.name"), w.userName) && strings.EqualFold(e.Str("user.domain"), w.userDom)
}

// defenderAction is Defender's Action Name (Winlogbeat writes it
// Action_Name): what it did about a detection (Quarantine, Remove, Clean,
// Allow...).
func (w *winEvent) defenderAction() string {
	if v := w.val("Action Name"); v != "" {
		return v
	}
	return w.val("Action_Name")
}

// module is event.module: the name of Winlogbeat's module for the log
// (security, sysmon, powershell: both PowerShell logs), so that searches written for its events
// find these; "" for other logs. A record that names no log is of the
// log its row is of (a Sysmon record by its provider), else Security's.
func (w *winEvent) module(ent *wincatalog.Entry) string {
	ch := w.channel
	if ch == "" && ent != nil {
		ch = ent.Channel
	}
	switch {
	case ch == "" || ch == wincatalog.ChannelSecurity || strings.EqualFold(ch, wincatalog.ChannelSecurity): // == first, as in entry
		return "security"
	case strings.EqualFold(ch, wincatalog.ChannelSysmon):
		return "sysmon"
	case strings.EqualFold(ch, wincatalog.ChannelPowerShell) || strings.EqualFold(ch, wincatalog.ChannelPowerShellClassic):
		return "powershell"
	}
	return ""
}

// outcome is event.outcome: the row's fixed one, else its code's (a 4776
// succeeded when its Status is 0x0, whatever its keyword; a program's exit
// code other than 0 is unknown), else the audit keyword's (success if none).
func (w *winEvent) outcome(ent *wincatalog.Entry) string {
	switch ent.Outcome {
	case wincatalog.OutcomeSuccess:
		return ecs.OutcomeSuccess
	case wincatalog.OutcomeFailure:
		return ecs.OutcomeFailure
	case wincatalog.OutcomeCode, wincatalog.OutcomeExitCode:
		if zero, ok := resultCode(w.tok(ent.OutcomeFrom)); ok {
			switch {
			case zero:
				return ecs.OutcomeSuccess
			case ent.Outcome == wincatalog.OutcomeExitCode:
				return ecs.OutcomeUnknown
			}
			return ecs.OutcomeFailure
		}
	}
	if w.audit != "" {
		return w.audit
	}
	return ecs.OutcomeSuccess
}

// resultCode reads a result or status code (4776's Status "0xc000006a",
// Task Scheduler's ResultCode "2147942402" or "0x0", BITS' hr as a signed
// decimal, "-2145844844" for 0x80190194): whether it is zero, and whether
// it is a number at all.
func resultCode(v string) (zero, ok bool) {
	digits := v
	hex := false
	if len(v) > 2 && v[0] == '0' && (v[1] == 'x' || v[1] == 'X') {
		digits, hex = v[2:], true
	} else if len(v) > 1 && v[0] == '-' {
		digits = v[1:]
	}
	if digits == "" {
		return false, false
	}
	zero = true
	for i := 0; i < len(digits); i++ {
		c := digits[i]
		if !('0' <= c && c <= '9' || hex && 'a' <= c|0x20 && c|0x20 <= 'f') {
			return false, false
		}
		zero = zero && c == '0'
	}
	return zero, true
}

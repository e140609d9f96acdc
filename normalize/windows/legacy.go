package windows

import "github.com/nomenhq/nomen/normalize/wincatalog"

// Legacy (2000/2003) Security events mean what their modern id means
// (wincatalog.Modern); the event.code stays the id the event carried.

// modernID returns the modern id with the meaning of a legacy id (or id
// itself), and whether id is a legacy one.
func modernID(id int) (int, bool) {
	if m, ok := wincatalog.Modern(id); ok {
		return m, true
	}
	return id, false
}

// winLegacyParams names the insertion strings (%1, %2, ...) of legacy
// events, in msaudite.dll's order, for records that carry them unnamed
// (a 2000/2003 log exported as XML: <Data>1536</Data>...). The names are
// those of the modern event with the same meaning.
func winLegacyParams(id int) []string {
	if id < winLegacyFirst || id >= winLegacyEnd {
		return nil // a modern id: asked for every record, answered without a map
	}
	return winLegacyParamNames[id]
}

// The legacy Security ids are within [winLegacyFirst, winLegacyEnd).
const winLegacyFirst, winLegacyEnd = 512, 700

// winLegacyParamNames holds legacyParams' lists, built once: a list
// literal returned from a function is allocated at every call.
var winLegacyParamNames = func() map[int][]string {
	m := map[int][]string{}
	for id := winLegacyFirst; id < winLegacyEnd; id++ {
		if names := legacyParams(id); names != nil {
			m[id] = names
		}
	}
	return m
}()

// legacyParams is the table of winLegacyParams, by id.
func legacyParams(id int) []string {
	switch {
	case id == 528 || id == 540:
		return []string{"TargetUserName", "TargetDomainName", "TargetLogonId", "LogonType", "LogonProcessName",
			"AuthenticationPackageName", "WorkstationName", "LogonGuid", "SubjectUserName", "SubjectDomainName",
			"SubjectLogonId", "ProcessId", "TransmittedServices", "IpAddress", "IpPort"}
	case id == 537:
		return []string{"TargetUserName", "TargetDomainName", "LogonType", "LogonProcessName", "AuthenticationPackageName",
			"WorkstationName", "Status", "SubStatus", "SubjectUserName", "SubjectDomainName", "SubjectLogonId",
			"ProcessId", "TransmittedServices", "IpAddress", "IpPort"}
	case id >= 529 && id <= 539 && id != 538:
		return []string{"TargetUserName", "TargetDomainName", "LogonType", "LogonProcessName", "AuthenticationPackageName",
			"WorkstationName", "SubjectUserName", "SubjectDomainName", "SubjectLogonId", "ProcessId",
			"TransmittedServices", "IpAddress", "IpPort"}
	case id == 538:
		return []string{"TargetUserName", "TargetDomainName", "TargetLogonId", "LogonType"}
	case id == 551:
		return []string{"TargetUserName", "TargetDomainName", "TargetLogonId"}
	case id == 552:
		return []string{"SubjectUserName", "SubjectDomainName", "SubjectLogonId", "LogonGuid", "TargetUserName",
			"TargetDomainName", "TargetLogonGuid", "TargetServerName", "TargetInfo", "ProcessId", "IpAddress", "IpPort"}
	case id == 576:
		return []string{"SubjectUserName", "SubjectDomainName", "SubjectLogonId", "PrivilegeList"}
	case id == 592:
		return []string{"NewProcessId", "NewProcessName", "ProcessId", "SubjectUserName", "SubjectDomainName", "SubjectLogonId"}
	case id == 593:
		return []string{"ProcessId", "ProcessName", "SubjectUserName", "SubjectDomainName", "SubjectLogonId"}
	case id == 600:
		return []string{"ProcessId", "ProcessName", "SubjectUserName", "SubjectDomainName", "SubjectLogonId",
			"TargetProcessId", "TargetProcessName", "TargetUserName", "TargetDomainName", "TargetLogonId"}
	case id == 624 || (id >= 626 && id <= 630):
		return []string{"TargetUserName", "TargetDomainName", "TargetSid", "SubjectUserName", "SubjectDomainName",
			"SubjectLogonId", "PrivilegeList"}
	case id == 632 || id == 636:
		return []string{"MemberName", "MemberSid", "TargetUserName", "TargetDomainName", "TargetSid",
			"SubjectUserName", "SubjectDomainName", "SubjectLogonId", "PrivilegeList"}
	case id == 644:
		return []string{"TargetUserName", "TargetSid", "TargetDomainName", "SubjectUserName", "SubjectDomainName", "SubjectLogonId"}
	case id == 680:
		return []string{"PackageName", "TargetUserName", "Workstation", "Status"}
	case id == 517:
		return []string{"PrimaryUserName", "PrimaryDomainName", "PrimaryLogonId", "SubjectUserName", "SubjectDomainName", "SubjectLogonId"}
	}
	return nil
}

// nameLegacyParams renames param1, param2, ... of a legacy event to the
// names its meaning reads (after winlog.event_data kept them as given).
// It reports whether it renamed any. Only Security's ids are legacy
// ones: other logs use the same numbers (Windows PowerShell's 600).
func (w *winEvent) nameLegacyParams() bool {
	names := winLegacyParams(w.id)
	if len(names) == 0 || !w.isSecurity() { // the id test first: isSecurity's EqualFold costs ~100 instructions
		return false
	}
	renamed := false
	for i := 0; i < w.n && i < len(names); i++ {
		if w.data[i].name != winParamName(i+1) {
			break // named data: nothing to do
		}
		w.data[i].name = names[i]
		renamed = true
	}
	return renamed
}

// winLegacyReasons are the failure reasons legacy logon failures carry in
// their id, as the "%%NNNN" messages of the modern 4625's FailureReason
// (msaudite.dll's texts).
var winLegacyReasons = map[int]string{
	529: "%%2313", 530: "%%2311", 531: "%%2310", 532: "%%2305", 533: "%%2312",
	534: "%%2308", 535: "%%2309", 536: "%%2306", 537: "%%2304", 539: "%%2307",
}

// winLegacyReason is winLegacyReasons[id], asked for every record:
// answered without a map for the ids outside 529-539.
func winLegacyReason(id int) (string, bool) {
	if id < 529 || id > 539 {
		return "", false
	}
	r, ok := winLegacyReasons[id]
	return r, ok
}

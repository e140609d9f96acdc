package windows

import (
	"slices"

	"github.com/nomenhq/nomen/normalize/ecs"
)

// Which labels of a flattened Sysmon message are its own (textLabels,
// text_order.go). A message rendered on one line (Snare, a syslog agent
// that joins lines) labels its values by their EventData names,
// "CommandLine: x CurrentDirectory: y User: CORP\bob", and a command line
// "x User: CORP\admin" must not set the user. Sysmon writes an event's
// names in one order (its manifest's, kept by every schema version: new
// names were added between the old ones), each once.

// sysmonOrder is each Sysmon event's EventData names in the order its
// message gives them (Sysmon's manifest, schema 4.90).
var sysmonOrder = map[int][]string{
	1: {"RuleName", "UtcTime", "ProcessGuid", "ProcessId", "Image", "FileVersion", "Description", "Product", "Company",
		"OriginalFileName", "CommandLine", "CurrentDirectory", "User", "LogonGuid", "LogonId", "TerminalSessionId",
		"IntegrityLevel", "Hashes", "ParentProcessGuid", "ParentProcessId", "ParentImage", "ParentCommandLine", "ParentUser"},
	2: {"RuleName", "UtcTime", "ProcessGuid", "ProcessId", "Image", "TargetFilename", "CreationUtcTime",
		"PreviousCreationUtcTime", "User"},
	3: {"RuleName", "UtcTime", "ProcessGuid", "ProcessId", "Image", "User", "Protocol", "Initiated", "SourceIsIpv6",
		"SourceIp", "SourceHostname", "SourcePort", "SourcePortName", "DestinationIsIpv6", "DestinationIp",
		"DestinationHostname", "DestinationPort", "DestinationPortName"},
	4: {"UtcTime", "State", "Version", "SchemaVersion"},
	5: {"RuleName", "UtcTime", "ProcessGuid", "ProcessId", "Image", "User"},
	6: {"RuleName", "UtcTime", "ImageLoaded", "Hashes", "Signed", "Signature", "SignatureStatus"},
	7: {"RuleName", "UtcTime", "ProcessGuid", "ProcessId", "Image", "ImageLoaded", "FileVersion", "Description", "Product",
		"Company", "OriginalFileName", "Hashes", "Signed", "Signature", "SignatureStatus", "User"},
	8: {"RuleName", "UtcTime", "SourceProcessGuid", "SourceProcessId", "SourceImage", "TargetProcessGuid", "TargetProcessId",
		"TargetImage", "NewThreadId", "StartAddress", "StartModule", "StartFunction", "SourceUser", "TargetUser"},
	9: {"RuleName", "UtcTime", "ProcessGuid", "ProcessId", "Image", "Device", "User"},
	10: {"RuleName", "UtcTime", "SourceProcessGUID", "SourceProcessId", "SourceThreadId", "SourceImage", "TargetProcessGUID",
		"TargetProcessId", "TargetImage", "GrantedAccess", "CallTrace", "SourceUser", "TargetUser"},
	11: {"RuleName", "UtcTime", "ProcessGuid", "ProcessId", "Image", "TargetFilename", "CreationUtcTime", "User"},
	12: {"RuleName", "EventType", "UtcTime", "ProcessGuid", "ProcessId", "Image", "TargetObject", "User"},
	13: {"RuleName", "EventType", "UtcTime", "ProcessGuid", "ProcessId", "Image", "TargetObject", "Details", "User"},
	14: {"RuleName", "EventType", "UtcTime", "ProcessGuid", "ProcessId", "Image", "TargetObject", "NewName", "User"},
	15: {"RuleName", "UtcTime", "ProcessGuid", "ProcessId", "Image", "TargetFilename", "CreationUtcTime", "Hash",
		"Contents", "User"},
	16: {"UtcTime", "Configuration", "ConfigurationFileHash"},
	17: {"RuleName", "EventType", "UtcTime", "ProcessGuid", "ProcessId", "PipeName", "Image", "User"},
	18: {"RuleName", "EventType", "UtcTime", "ProcessGuid", "ProcessId", "PipeName", "Image", "User"},
	19: {"RuleName", "EventType", "UtcTime", "Operation", "User", "EventNamespace", "Name", "Query"},
	20: {"RuleName", "EventType", "UtcTime", "Operation", "User", "Name", "Type", "Destination"},
	21: {"RuleName", "EventType", "UtcTime", "Operation", "User", "Consumer", "Filter"},
	22: {"RuleName", "UtcTime", "ProcessGuid", "ProcessId", "QueryName", "QueryStatus", "QueryResults", "Image", "User"},
	23: {"RuleName", "UtcTime", "ProcessGuid", "ProcessId", "User", "Image", "TargetFilename", "Hashes", "IsExecutable",
		"Archived"},
	24:  {"RuleName", "UtcTime", "ProcessGuid", "ProcessId", "Image", "Session", "ClientInfo", "Hashes", "Archived", "User"},
	25:  {"RuleName", "UtcTime", "ProcessGuid", "ProcessId", "Image", "Type", "User"},
	26:  {"RuleName", "UtcTime", "ProcessGuid", "ProcessId", "User", "Image", "TargetFilename", "Hashes", "IsExecutable"},
	27:  {"RuleName", "UtcTime", "ProcessGuid", "ProcessId", "User", "Image", "TargetFilename", "Hashes"},
	28:  {"RuleName", "UtcTime", "ProcessGuid", "ProcessId", "User", "Image", "TargetFilename", "Hashes", "IsExecutable"},
	29:  {"RuleName", "UtcTime", "ProcessGuid", "ProcessId", "User", "Image", "TargetFilename", "Hashes"},
	255: {"UtcTime", "ID", "Description"},
}

// sysmonFreeText are the names whose values can hold ": " after white
// space: text a program, a user or a file's author chose (a command line,
// a registry value, a WMI query, a PE's version strings, a signer's name,
// a pipe's name), and Sysmon's own words (an error's description). Not
// RuleName: the administrator's configuration names the rules.
var sysmonFreeText = map[string]bool{
	"CommandLine": true, "ParentCommandLine": true, "FileVersion": true, "Description": true,
	"Product": true, "Company": true, "OriginalFileName": true, "Signature": true, "StartFunction": true,
	"TargetObject": true, "Details": true, "NewName": true, "Contents": true, "PipeName": true, "Name": true,
	"Query": true, "Destination": true, "Consumer": true, "Filter": true, "EventNamespace": true, "QueryName": true,
	"QueryResults": true, "ClientInfo": true, "Configuration": true,
}

// parseSysmonText reads a Sysmon message ("Process Create: RuleName: -
// UtcTime: ... ProcessGuid: {...} Image: C:\...") whose labels are its
// EventData names, one per line or, from agents that flatten lines, one
// after another: a label is a known name before ": " after white space,
// and of the event's names those in its order that textLabels picks (a
// command line's "User: x" is no label).
func (w *winEvent) parseSysmonText(msg string) {
	order, ordered := sysmonOrder[w.id]
	var wordBuf [32]textWord // a message has 23 at most
	words := wordBuf[:0]
	for i := 0; i < len(msg); {
		p := nextLabelColon(msg, i)
		if p < 0 {
			break
		}
		i = p + 1
		ws := p
		for ws > 0 && !winSpace(msg[ws-1]) {
			ws--
		}
		label := msg[ws:p]
		if ws > 0 && !winSpace(msg[ws-1]) {
			continue
		}
		place := -1
		if ordered {
			place = slices.Index(order, label)
		} else if sysmonNames()[label] {
			place = len(words) // an event whose order is not known: every name in turn
		}
		if place >= 0 {
			words = append(words, textWord{start: int32(ws), value: int32(p + 1), word: int16(len(words)), order: int16(place),
				free: sysmonFreeText[label]})
		}
	}
	var pickedBuf [32]int
	picked, ambiguous := pickedBuf[:0], true
	if len(words) > 0 {
		picked, ambiguous = textLabels(msg, words, int16(len(words)-1), picked)
	}
	if len(picked) == 0 { // a value full of labels, or no choice valid: every word ends a value
		picked, ambiguous = textEveryWord(words, picked[:0]), true
	}
	var repeats map[string]bool // when ambiguous: the names of more than one word
	if ambiguous {
		repeats = textRepeats(msg, words, func(string) int { return 1 })
	}
	for n, k := range picked {
		label := words[k].label(msg)
		if repeats[label] || ambiguous && textEndUnsure(msg, words, picked, n, repeats) {
			continue // a forged copy, or Sysmon's: not known which
		}
		end := len(msg)
		if n+1 < len(picked) {
			end = int(words[picked[n+1]].start)
		}
		w.add(label, ecs.TrimSpace(msg[words[k].value:end]))
	}
}

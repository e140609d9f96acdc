package windows

import "slices"

// Which labels of a flattened Sysmon message are its own. A message
// rendered on one line (Snare, a syslog agent that joins lines) labels its
// values by their EventData names, "CommandLine: x CurrentDirectory: y
// User: CORP\bob", and a value a user chose can hold such a label: a
// command line "x User: CORP\admin" must not set the user. Sysmon writes
// an event's names in one order (its manifest's, kept by every schema
// version: new names were added between the old ones), each once; only
// free-text values can hold ": " after white space. So the labels are the
// longest run of label-like words in that order such that every word left
// out lies inside the value of a free-text name. When another run is as
// long (a value that copies the labels around it), no word says which
// copy is Sysmon's: the names that occur more than once are left out. A
// message no choice fits (another version's order) or with more words
// than maxSysmonWords is read word by word, its repeated names left out.

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

// sysmonLabel is a label-like word of a message: the name, where the word
// starts, where its value starts, the name's place in the event's order,
// and whether its value is free text.
type sysmonLabel struct {
	name         string
	start, value int
	order        int
	free         bool
}

// sysmonLabels picks the labels of a message among its label-like words
// (in message order, at most maxSysmonWords): it appends the indexes of
// the words that are labels to picked (none when no choice is valid) and
// reports whether another choice is as good (a value that copies the
// labels around it: then no word says which copy is Sysmon's).
func sysmonLabels(words []sysmonLabel, picked []int) ([]int, bool) {
	n := len(words)
	if n == 0 || n > maxSysmonWords {
		return picked, false
	}
	// best[k]: the most labels a valid choice that starts with the first
	// word and ends with word k has (0: none); prev[k] the label before k
	// in the latest such choice, ways[k] how many there are (2: several).
	var best, prev [maxSysmonWords]int
	var ways [maxSysmonWords]uint8
	best[0], prev[0], ways[0] = 1, -1, 1
	for k := 1; k < n; k++ {
		if best[k-1] == k && words[k-1].order < words[k].order {
			// every word so far a label, and this one next in order (a
			// message without copies): no other choice comes near
			best[k], prev[k], ways[k] = k+1, k-1, ways[k-1]
			continue
		}
		for j := k - 1; j >= 0; j-- { // latest first: it wins ties
			if best[j] == 0 || words[j].order >= words[k].order {
				continue
			}
			if j < k-1 && !words[j].free {
				continue // the words between would lie in a value that cannot hold them
			}
			switch {
			case best[j]+1 > best[k]:
				best[k], prev[k], ways[k] = best[j]+1, j, ways[j]
			case best[j]+1 == best[k]:
				ways[k] = min(2, ways[k]+ways[j])
			}
		}
	}
	end, endWays := -1, uint8(0)
	for k := n - 1; k >= 0; k-- { // latest first
		if best[k] == 0 || k < n-1 && !words[k].free {
			continue // the words after it would lie in a value that cannot hold them
		}
		switch {
		case end < 0 || best[k] > best[end]:
			end, endWays = k, ways[k]
		case best[k] == best[end]:
			endWays = min(2, endWays+ways[k])
		}
	}
	if end < 0 {
		return picked, false
	}
	from := len(picked)
	for k := end; k >= 0; k = prev[k] {
		picked = append(picked, k)
	}
	slices.Reverse(picked[from:])
	return picked, endWays > 1
}

// sysmonRepeats is the set of names of more than one word.
func sysmonRepeats(words []sysmonLabel) map[string]bool {
	seen := make(map[string]bool, len(words))
	repeats := map[string]bool{}
	for _, w := range words {
		if seen[w.name] {
			repeats[w.name] = true
		}
		seen[w.name] = true
	}
	return repeats
}

// maxSysmonWords bounds the label-like words sysmonLabels weighs (its cost
// grows with their square): a message has one per name, 23 at most; one
// with more than this (a value full of copies) is read word by word, its
// names that occur more than once unset.
const maxSysmonWords = 96

package ciscoftd

import "github.com/nomenhq/nomen/normalize/vendor"

// The classes of the security events. A connection blocked by access
// control is a connection-denied like any firewall's; an intrusion or a
// file the sensor dropped adds event.type denied to its detection.
var (
	classFile        = vendor.FileDetected
	classFileBlocked = vendor.FileBlocked
)

// classify: 430001 intrusion (blocked when InlineResult says the packet
// was dropped), 430002/430003 connection start and end (denied when the
// access control action blocked it), 430004 file, 430005 malware
// (blocked when FileAction blocked it).
func classify(id string, f *facts) vendor.Class {
	switch id {
	case "430001":
		if vendor.EqualFold(f.inlineResult, "Blocked") || vendor.EqualFold(f.inlineResult, "Dropped") {
			return vendor.IntrusionBlocked
		}
		return vendor.IntrusionDetected
	case "430002", "430003":
		switch {
		case blocked(f.ruleAction):
			return vendor.ConnectionDenied
		case id == "430002" && allowed(f.ruleAction):
			return vendor.ConnectionAllowed
		case id == "430002":
			return vendor.ConnectionBuilt
		}
		return vendor.ConnectionTeardown
	case "430004":
		if blocked(f.fileAction) {
			return classFileBlocked
		}
		return classFile
	case "430005":
		if blocked(f.fileAction) {
			return vendor.MalwareBlocked
		}
		return vendor.MalwareDetected
	}
	return vendor.Class{}
}

// blocked: "Block", "Block with reset", "Interactive Block", "Interactive
// Block with reset" (access control), "Block", "Block with Reset" (file
// policy).
func blocked(action string) bool {
	switch {
	case vendor.EqualFold(action, "Block"), vendor.EqualFold(action, "Block with reset"),
		vendor.EqualFold(action, "Interactive Block"), vendor.EqualFold(action, "Interactive Block with reset"):
		return true
	}
	return false
}

// allowed: the access control actions that let the connection through.
func allowed(action string) bool {
	return vendor.EqualFold(action, "Allow") || vendor.EqualFold(action, "Trust") || vendor.EqualFold(action, "Fastpath")
}

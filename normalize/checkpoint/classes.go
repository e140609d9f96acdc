package checkpoint

import (
	"strings"

	"github.com/nomenhq/nomen/normalize/vendor"
)

func cls(action, outcome string, categories []string, types ...string) vendor.Class {
	return vendor.Class{Category: categories, Type: types, Action: action, Outcome: outcome}
}

func cats(c ...string) []string { return c }

// The classes; actions are ciscocatalog's where the meaning is the same.
var (
	classAllowed   = cls("connection-allowed", "success", cats("network"), "connection", "allowed")
	classDenied    = cls("connection-denied", "failure", cats("network"), "connection", "denied")
	classIDS       = cls("intrusion-detected", "", cats("intrusion_detection", "network"), "info")
	classIDSBlock  = cls("intrusion-detected", "", cats("intrusion_detection", "network"), "info", "denied")
	classMalware   = cls("malware-detected", "", cats("malware"), "info")
	classMalBlock  = cls("malware-detected", "", cats("malware"), "info", "denied")
	classLogin     = cls("logged-in", "success", cats("authentication"), "start")
	classLoginFail = cls("logon-failed", "failure", cats("authentication"), "start")
	classLogout    = cls("logged-out", "success", cats("session"), "end")
)

// classify: the action (and for threat blades the product), or the
// auth_status of Identity Awareness, VPN and SmartConsole logs.
func classify(f *facts) vendor.Class {
	switch f.authStatus {
	case "Successful Login":
		return classLogin
	case "Failed Login":
		return classLoginFail
	}
	switch f.action {
	case "Accept", "Allow":
		return classAllowed
	case "Drop", "Reject", "Block":
		return classDenied
	case "Prevent", "Detect":
		malware := strings.Contains(f.product, "Anti-Virus") || strings.Contains(f.product, "Anti-Bot") ||
			strings.Contains(f.product, "Threat Emulation")
		switch {
		case malware && f.action == "Prevent":
			return classMalBlock
		case malware:
			return classMalware
		case f.action == "Prevent":
			return classIDSBlock
		}
		return classIDS
	case "Log In":
		return classLogin
	case "Failed Log In":
		return classLoginFail
	case "Log Out":
		return classLogout
	}
	return vendor.Class{}
}

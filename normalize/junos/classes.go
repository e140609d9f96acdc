package junos

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
	classBuilt     = cls("connection-built", "success", cats("network"), "connection", "start")
	classTeardown  = cls("connection-teardown", "", cats("network"), "connection", "end")
	classDenied    = cls("connection-denied", "failure", cats("network"), "connection", "denied")
	classIDS       = cls("intrusion-detected", "", cats("intrusion_detection", "network"), "info")
	classIDSBlock  = cls("intrusion-detected", "", cats("intrusion_detection", "network"), "info", "denied")
	classLogin     = cls("logged-in", "success", cats("authentication"), "start")
	classAuth      = cls("user-authenticated", "success", cats("authentication"), "info")
	classLoginFail = cls("logon-failed", "failure", cats("authentication"), "start")
	classLogout    = cls("logged-out", "success", cats("session"), "end")
	classCommand   = cls("command-executed", "success", cats("configuration"), "change")
	classCommitted = cls("configured", "success", cats("configuration"), "change")
)

// classOf: the class of a tag; action is the IDP or screen action.
func classOf(tag, action string) vendor.Class {
	switch tag {
	case "RT_FLOW_SESSION_CREATE":
		return classBuilt
	case "RT_FLOW_SESSION_CLOSE":
		return classTeardown
	case "RT_FLOW_SESSION_DENY":
		return classDenied
	case "RT_IDP_ATTACK_LOG_EVENT", "RT_SCREEN_TCP", "RT_SCREEN_UDP", "RT_SCREEN_ICMP", "RT_SCREEN_IP":
		if stops(action) {
			return classIDSBlock
		}
		return classIDS
	case "UI_LOGIN_EVENT":
		return classLogin
	case "UI_AUTH_EVENT":
		return classAuth
	case "UI_LOGOUT_EVENT":
		return classLogout
	case "UI_COMMIT":
		return classCommand
	case "UI_COMMIT_COMPLETED":
		return classCommitted
	case "SSHD_LOGIN_FAILED":
		return classLoginFail
	}
	return vendor.Class{}
}

// stops: the IDP and screen actions that stop the traffic.
func stops(action string) bool {
	a := strings.TrimSuffix(action, ".")
	for _, w := range [...]string{"drop", "drop-packet", "drop-connection", "close", "close-client",
		"close-server", "close-client-and-server", "block", "reject"} {
		if vendor.EqualFold(a, w) {
			return true
		}
	}
	return false
}

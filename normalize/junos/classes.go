package junos

import (
	"strings"

	"github.com/nomenhq/nomen/normalize/vendor"
)

// The classes: normalize/vendor's where the meaning is the same as
// another vendor's.
var (
	classBuilt     = vendor.ConnectionBuilt
	classTeardown  = vendor.ConnectionTeardown
	classDenied    = vendor.ConnectionDenied
	classIDS       = vendor.IntrusionDetected
	classIDSBlock  = vendor.IntrusionBlocked
	classLogin     = vendor.LoggedIn
	classAuth      = vendor.NewClass("user-authenticated", "success", vendor.Cats("authentication"), "info")
	classLoginFail = vendor.LogonFailed
	classLogout    = vendor.LoggedOut
	classCommand   = vendor.CommandExecuted
	classCommitted = vendor.ConfigChanged
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
	case "IDP_ATTACK_LOG_EVENT", "RT_SCREEN_TCP", "RT_SCREEN_UDP", "RT_SCREEN_ICMP", "RT_SCREEN_IP":
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
	case "WEBFILTER_URL_BLOCKED":
		return vendor.WebRequestBlocked
	case "WEBFILTER_URL_PERMITTED":
		return vendor.WebRequestAllowed
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

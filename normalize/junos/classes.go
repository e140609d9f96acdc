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
	// A command line the CLI read: "show ..." as well as "set ..." (which
	// changes only the candidate configuration until a commit), so no
	// change, as ASA's 111009.
	classCommandLine = vendor.NewClass("command-executed", "success", vendor.Cats("configuration"), "info")
	classCommitted   = vendor.ConfigChanged
	// A user entering or leaving configuration mode (the candidate
	// configuration, not yet committed).
	classCfgModeIn  = vendor.NewClass("configuration-mode-entered", "success", vendor.Cats("configuration"), "access")
	classCfgModeOut = vendor.NewClass("configuration-mode-exited", "success", vendor.Cats("configuration"), "access")
	classUpdated    = vendor.NewClass("connection-updated", "success", vendor.Cats("network"), "connection", "info")
	classFile       = vendor.FileBlocked
	classSpam       = vendor.NewClass("spam-detected", "", vendor.Cats("email"), "info")
	// An SNMP request with an unknown community or from a host not
	// allowed: Cisco IOS's SNMP-AUTHFAIL's action, not a logon.
	classSNMPAuthFail = vendor.NewClass("snmp-authentication-failed", "failure", vendor.Cats("authentication"), "start")
	// mib2d's link traps: Cisco IOS's LINK-UPDOWN's actions.
	classLinkUp   = vendor.NewClass("interface-up", "", vendor.Cats("host", "network"), "info")
	classLinkDown = vendor.NewClass("interface-down", "", vendor.Cats("host", "network"), "info")
	// An ARP packet gave a known address another hardware address (a
	// replaced host, a failover, or spoofing).
	classARPChanged = vendor.NewClass("arp-address-changed", "", vendor.Cats("network"), "info")
	// The words of FortiGate's and Cisco ASA's failed IKE negotiations.
	classIKEFailed = vendor.NewClass("vpn-negotiation-failed", "failure", vendor.Cats("network"), "connection")
)

// classOf: the class of a tag; action is the IDP or screen action.
func classOf(tag, action string) vendor.Class {
	switch tag {
	case filterTag:
		switch action {
		case "accept":
			return vendor.ConnectionAllowed
		case "discard", "reject":
			return classDenied
		}
	case "RT_FLOW_SESSION_CREATE", "APPTRACK_SESSION_CREATE":
		return classBuilt
	case "RT_FLOW_SESSION_CLOSE", "APPTRACK_SESSION_CLOSE":
		return classTeardown
	case "APPTRACK_SESSION_VOL_UPDATE", "APPTRACK_SESSION_ROUTE_UPDATE":
		return classUpdated
	case "AV_VIRUS_DETECTED_MT", "AAMW_MALWARE_EVENT_LOG", "AAMW_HOST_INFECTED_EVENT_LOG":
		return vendor.MalwareDetected
	case "AAMW_ACTION_LOG", "SRX_AAMW_ACTION_LOG":
		// Logged for a permitted file too, whose verdict may be clean
		// (below the policy's threshold): only a block says malware.
		if stops(action) {
			return vendor.MalwareBlocked
		}
		return vendor.Class{}
	case "AV_SCANNER_DROP_FILE_MT", "AV_HUGE_FILE_DROPPED_MT", "AV_FILE_NOT_SCANNED_DROPPED_MT",
		"AV_DECOMPRESS_LAYER_DROPPED_MT", "CONTENT_FILTERING_BLOCKED_MT":
		return classFile // dropped: not scanned (engine not ready, too large) or a blocked type
	case "ANTISPAM_SPAM_DETECTED_MT":
		return classSpam
	case "SECINTEL_ACTION_LOG":
		// PERMIT is also an allow-list hit (sub-category Whitelist) or a
		// feed hit under the profile's threshold: only a block says threat.
		if stops(action) {
			return classIDSBlock
		}
		return vendor.Class{}
	case "RT_FLOW_SESSION_DENY":
		return classDenied
	case "IDP_ATTACK_LOG_EVENT", "RT_SCREEN_TCP", "RT_SCREEN_UDP", "RT_SCREEN_ICMP", "RT_SCREEN_IP",
		"RT_SCREEN_TCP_SRC_IP", "RT_SCREEN_TCP_DST_IP", "RT_SCREEN_SESSION_LIMIT":
		if stops(action) {
			return classIDSBlock
		}
		return classIDS
	case "UI_LOGIN_EVENT":
		return classLogin
	case "UI_AUTH_EVENT", "DOT1XD_USR_AUTHENTICATED":
		return classAuth
	case "UI_LOGOUT_EVENT":
		return classLogout
	case "UI_COMMIT":
		return classCommand
	case "UI_CMDLINE_READ_LINE", "UI_JUNOSCRIPT_CMD":
		return classCommandLine
	case "UI_DBASE_LOGIN_EVENT":
		return classCfgModeIn
	case "UI_DBASE_LOGOUT_EVENT":
		return classCfgModeOut
	case "UI_COMMIT_COMPLETED":
		return classCommitted
	case "SSHD_LOGIN_FAILED":
		return classLoginFail
	case "SNMPD_AUTH_FAILURE":
		return classSNMPAuthFail
	case "KMD_PM_SA_ESTABLISHED":
		return vendor.TunnelEstablished
	case "KERN_ARP_ADDR_CHANGE":
		return classARPChanged
	case "SNMP_TRAP_LINK_UP":
		return classLinkUp
	case "SNMP_TRAP_LINK_DOWN":
		return classLinkDown
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

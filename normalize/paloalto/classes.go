package paloalto

import (
	"strings"

	"github.com/nomenhq/nomen/normalize/vendor"
)

// The classes: normalize/vendor's where the meaning is the same as
// another vendor's.
var (
	classAllowed   = vendor.ConnectionAllowed
	classDenied    = vendor.ConnectionDenied
	classStarted   = vendor.ConnectionBuilt
	classEnded     = vendor.ConnectionTeardown
	classWebAllow  = vendor.WebRequestAllowed
	classWebBlock  = vendor.WebRequestBlocked
	classMalware   = vendor.MalwareDetected
	classMalBlock  = vendor.MalwareBlocked
	classFile      = vendor.FileDetected
	classFileBlock = vendor.FileBlocked
	classIDS       = vendor.IntrusionDetected
	classIDSBlock  = vendor.IntrusionBlocked
	classLogin     = vendor.LoggedIn
	classLoginFail = vendor.LogonFailed
	classLogout    = vendor.LoggedOut
	classTunUp     = vendor.TunnelEstablished
	classTunFail   = vendor.NewClass("tunnel-established", "failure", vendor.Cats("network"), "connection", "start")
	classCfgAdd    = vendor.ConfigAdded
	classCfgEdit   = vendor.ConfigChanged
	classCfgDel    = vendor.ConfigDeleted
	classCfgFail   = vendor.ConfigFailed
	// User-ID learned (login) or dropped (logout) which user has an
	// address: a mapping from a source (a directory, GlobalProtect), not
	// an authentication the firewall saw.
	classUserMapped   = vendor.UserMapped
	classUserUnmapped = vendor.UserUnmapped
	// A host's HIP report matched a HIP object or profile.
	classHIPMatch = vendor.NewClass("hip-matched", "", vendor.Cats("host"), "info")
	// A session under a decryption policy: its TLS handshake, failed when
	// the log has an Error.
	classTLS     = vendor.NewClass("tls-handshake", "success", vendor.Cats("network"), "connection", "protocol")
	classTLSFail = vendor.NewClass("tls-handshake", "failure", vendor.Cats("network"), "connection", "protocol")
)

// classify dispatches on the type (a switch, not a function value, so
// that the columns stay on the caller's stack).
func classify(typ string, cols []string) vendor.Class {
	switch typ {
	case "TRAFFIC", "START", "END": // Tunnel Inspection logs read as Traffic's
		return trafficClass(cols)
	case "THREAT":
		return threatClass(cols)
	case "SYSTEM":
		return systemClass(cols)
	case "CONFIG":
		return configClass(cols)
	case "GLOBALPROTECT":
		return globalProtectClass(cols)
	case "AUTHENTICATION", "AUTH":
		return authClass(cols)
	case "USERID":
		switch col(cols, 4) {
		case "login":
			return classUserMapped
		case "logout":
			return classUserUnmapped
		}
	case "HIPMATCH":
		return classHIPMatch
	case "DECRYPTION":
		if col(cols, 64) != "" {
			return classTLSFail
		}
		return classTLS
	}
	return vendor.Class{}
}

func col(cols []string, i int) string {
	if i < len(cols) {
		return unquote(cols[i])
	}
	return ""
}

// blocking: the PAN-OS actions that stop traffic (Traffic and Threat log
// "Action" values).
func blocking(action string) bool {
	switch action {
	case "deny", "drop", "drop-icmp", "drop-all-packets", "reset-client", "reset-server", "reset-both",
		"block-url", "block-continue", "block-override", "block-ip", "sinkhole", "blocked":
		return true
	}
	return false
}

// trafficClass: subtype start/end/drop/deny and the action.
func trafficClass(cols []string) vendor.Class {
	sub, action := col(cols, 4), col(cols, 30)
	switch {
	case sub == "drop" || sub == "deny" || blocking(action):
		return classDenied
	case action != "allow":
		return vendor.Class{}
	case sub == "start":
		return classStarted
	case sub == "end":
		return classEnded
	}
	return classAllowed
}

// threatClass: url filtering, viruses, WildFire's malicious verdicts, file
// blocking and the intrusion subtypes; data filtering is left
// unclassified.
func threatClass(cols []string) vendor.Class {
	sub, action := col(cols, 4), col(cols, 30)
	block := blocking(action)
	switch sub {
	case "url":
		if block {
			return classWebBlock
		}
		return classWebAllow
	case "virus", "wildfire-virus":
		if block {
			return classMalBlock
		}
		return classMalware
	case "wildfire":
		// A file WildFire judged: its verdict is the Category column
		// (benign, grayware, malicious, phishing); only malicious is
		// malware.
		if col(cols, 33) != "malicious" {
			return vendor.Class{}
		}
		if block {
			return classMalBlock
		}
		return classMalware
	case "file":
		// A File Blocking profile matched: blocked (block,
		// block-continue) or passed and logged (alert, continue).
		if block || action == "block" {
			return classFileBlock
		}
		if action == "alert" || action == "continue" {
			return classFile
		}
	case "spyware", "vulnerability", "scan", "flood", "packet":
		if block {
			return classIDSBlock
		}
		return classIDS
	}
	return vendor.Class{}
}

// systemClass: administrator authentication events (event id auth-success,
// auth-fail), and the GlobalProtect events a System log carries (the
// GlobalProtect guide has portal-prelogin there): their class without
// an outcome, as the System log has no Status.
func systemClass(cols []string) vendor.Class {
	id := col(cols, 8)
	switch id {
	case "auth-success":
		return classLogin
	case "auth-fail":
		return classLoginFail
	}
	if e, ok := gpEvents[id]; ok {
		return e[2]
	}
	return vendor.Class{}
}

// configClass: the command and its result (Submitted, Succeeded, Failed).
func configClass(cols []string) vendor.Class {
	if col(cols, 12) == "Failed" {
		return classCfgFail
	}
	switch col(cols, 9) {
	case "add", "clone":
		return classCfgAdd
	case "delete":
		return classCfgDel
	case "edit", "set", "rename", "move", "multi-clone", "override", "upload":
		return classCfgEdit
	case "commit":
		return vendor.CommandExecuted // the candidate configuration made running, as Junos's UI_COMMIT
	}
	return vendor.Class{}
}

// globalProtectClass: portal/gateway authentication, connection and
// logout events with their status, then the other events "Event
// Descriptions for the GlobalProtect Logs in PAN-OS" documents (gpEvents).
func globalProtectClass(cols []string) vendor.Class {
	id, status := col(cols, 8), col(cols, 28)
	switch {
	case strings.HasSuffix(id, "-auth"):
		switch status {
		case "success":
			return classLogin
		case "failure":
			return classLoginFail
		}
		return vendor.Class{}
	case id == "gateway-connected" && status == "success":
		return classTunUp
	case id == "gateway-connected" && status == "failure":
		return classTunFail
	case strings.HasSuffix(id, "-logout") && status == "success":
		return classLogout
	}
	if e, ok := gpEvents[id]; ok {
		switch status {
		case "success":
			return e[0]
		case "failure":
			return e[1]
		}
		return e[2] // no status (an older log, a latency sample): what happened, not how it ended
	}
	return vendor.Class{}
}

// gpClass: one GlobalProtect event's class for status success, failure
// and none.
func gpClass(action string, cats []string, types ...string) [3]vendor.Class {
	return [3]vendor.Class{
		vendor.NewClass(action, "success", cats, types...),
		vendor.NewClass(action, "failure", cats, types...),
		vendor.NewClass(action, "", cats, types...),
	}
}

// gpEvents: GlobalProtect events by Event ID, from "Event Descriptions
// for the GlobalProtect Logs in PAN-OS" (PAN-OS 9.1-11.x). Left out:
// portal-gen-cookie, gateway-agent-msg, gateway-framed-ip,
// gateway-register and gateway-switch-to-ssl, whose descriptions say no
// more than a step, and the clientless VPN events.
var gpEvents = map[string][3]vendor.Class{
	// Pre-login: the portal validates the client's certificate, or
	// starts SAML or Kerberos authentication; the login itself is
	// portal-auth.
	"portal-prelogin": gpClass("vpn-prelogin", vendor.Cats("authentication"), "info"),
	// The portal or gateway generated the app's configuration (the
	// portal's gateway list, the gateway's split tunnel and virtual IP).
	"portal-getconfig":  gpClass("vpn-config-requested", vendor.Cats("configuration"), "access"),
	"gateway-getconfig": gpClass("vpn-config-requested", vendor.Cats("configuration"), "access"),
	// Configuration release: the IP-user mapping or the tunnel removed
	// (the session's end on the gateway).
	"gateway-config-release": gpClass("vpn-config-released", vendor.Cats("session"), "end"),
	// The gateway checked the host's HIP report (hip-check) or received
	// one (hip-report); what it matched is the HIP Match log.
	"gateway-hip-check":  gpClass("hip-checked", vendor.Cats("host"), "info"),
	"gateway-hip-report": gpClass("hip-reported", vendor.Cats("host"), "info"),
	// The tunnel's latency measured before and after it was set up.
	"gateway-tunnel-latency": gpClass("vpn-tunnel-latency", vendor.Cats("network"), "info"),
	// The IPsec tunnel set up for the app (an SSL tunnel otherwise).
	"gateway-setup-ipsec": gpClass("vpn-tunnel-setup", vendor.Cats("network"), "connection", "start"),
}

// authClass: the Event Type of an Authentication log.
func authClass(cols []string) vendor.Class {
	switch col(cols, 20) {
	case "auth-success":
		return classLogin
	case "auth-fail":
		return classLoginFail
	}
	return vendor.Class{}
}

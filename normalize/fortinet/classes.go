package fortinet

import "github.com/nomenhq/nomen/normalize/vendor"

func cls(action, outcome string, categories []string, types ...string) vendor.Class {
	return vendor.Class{Category: categories, Type: types, Action: action, Outcome: outcome}
}

func cats(c ...string) []string { return c }

// The classes; actions are ciscocatalog's where the meaning is the same.
var (
	classAllowed  = cls("connection-allowed", "success", cats("network"), "connection", "allowed")
	classDenied   = cls("connection-denied", "failure", cats("network"), "connection", "denied")
	classStarted  = cls("connection-built", "success", cats("network"), "connection", "start")
	classEnded    = cls("connection-teardown", "", cats("network"), "connection", "end")
	classMalware  = cls("malware-detected", "", cats("malware"), "info")
	classMalBlock = cls("malware-detected", "", cats("malware"), "info", "denied")
	classWebAllow = cls("web-request-allowed", "success", cats("web", "network"), "access", "allowed")
	classWebBlock = cls("web-request-blocked", "failure", cats("web", "network"), "access", "denied")
	classIDS      = cls("intrusion-detected", "", cats("intrusion_detection", "network"), "info")
	classIDSBlock = cls("intrusion-detected", "", cats("intrusion_detection", "network"), "info", "denied")
	classAppAllow = cls("application-allowed", "success", cats("network"), "connection", "allowed")
	classAppBlock = cls("application-blocked", "failure", cats("network"), "connection", "denied")
	classDNSAllow = cls("dns-query-allowed", "success", cats("network"), "protocol", "allowed")
	classDNSBlock = cls("dns-query-blocked", "failure", cats("network"), "protocol", "denied")
	classSSLBlock = cls("connection-denied", "failure", cats("network"), "connection", "denied")
	classLogin    = cls("logged-in", "success", cats("authentication"), "start")
	classLoginBad = cls("logon-failed", "failure", cats("authentication"), "start")
	classLogout   = cls("logged-out", "success", cats("session"), "end")
	classCfgAdd   = cls("configured", "success", cats("configuration"), "creation")
	classCfgEdit  = cls("configured", "success", cats("configuration"), "change")
	classCfgDel   = cls("configured", "success", cats("configuration"), "deletion")
	classTunUp    = cls("tunnel-established", "success", cats("network"), "connection", "start")
	classTunDown  = cls("tunnel-terminated", "", cats("network"), "connection", "end")
	classVPNFail  = cls("vpn-negotiation-failed", "failure", cats("network"), "connection", "error")
)

// classify maps type/subtype/action/status to a class; unknown
// combinations get none (fields only).
func classify(f *facts) vendor.Class {
	switch f.typ {
	case "traffic":
		return trafficClass(f.action)
	case "utm":
		return utmClass(f.subtype, f.action)
	case "event":
		switch f.subtype {
		case "system":
			return systemClass(f)
		case "vpn":
			return vpnClass(f)
		case "user":
			return userClass(f)
		}
	}
	return vendor.Class{}
}

// trafficClass: the action of a traffic log (FortiOS Log Reference,
// "action" of traffic logs). Session-end actions (close, timeout,
// server-rst, client-rst) end an allowed session.
func trafficClass(action string) vendor.Class {
	switch action {
	case "accept":
		return classAllowed
	case "start":
		return classStarted
	case "close", "timeout", "server-rst", "client-rst":
		return classEnded
	case "deny", "blocked", "ip-conn":
		return classDenied
	}
	return vendor.Class{}
}

func utmClass(subtype, action string) vendor.Class {
	blocked := action == "blocked" || action == "block" || action == "dropped" || action == "reset" ||
		action == "reset-client" || action == "reset-server" || action == "drop-session" || action == "clear_session"
	switch subtype {
	case "virus":
		if blocked {
			return classMalBlock
		}
		return classMalware
	case "webfilter":
		if blocked {
			return classWebBlock
		}
		if action == "passthrough" || action == "pass" {
			return classWebAllow
		}
	case "ips", "anomaly":
		if blocked {
			return classIDSBlock
		}
		return classIDS
	case "app-ctrl":
		if blocked {
			return classAppBlock
		}
		if action == "pass" {
			return classAppAllow
		}
	case "dns":
		if blocked || action == "redirect" {
			return classDNSBlock
		}
		if action == "pass" {
			return classDNSAllow
		}
	case "ssl":
		if blocked {
			return classSSLBlock
		}
	}
	return vendor.Class{}
}

// systemClass: admin logins (action login/logout, status success/failed)
// and configuration changes (action Add/Edit/Delete with a cfgpath).
func systemClass(f *facts) vendor.Class {
	switch f.action {
	case "login":
		return loginClass(f.status)
	case "logout":
		return classLogout
	case "Add", "add":
		return classCfgAdd
	case "Edit", "edit":
		return classCfgEdit
	case "Delete", "delete":
		return classCfgDel
	}
	return vendor.Class{}
}

func loginClass(status string) vendor.Class {
	switch status {
	case "success":
		return classLogin
	case "failed", "failure":
		return classLoginBad
	}
	return vendor.Class{}
}

// vpnClass: IPsec and SSL VPN events (action tunnel-up, tunnel-down,
// ssl-login-fail, negotiate with status negotiate_error).
func vpnClass(f *facts) vendor.Class {
	switch f.action {
	case "tunnel-up", "phase2-up":
		return classTunUp
	case "tunnel-down", "phase2-down":
		return classTunDown
	case "ssl-login-fail":
		return classLoginBad
	case "negotiate":
		if f.status == "negotiate_error" || f.status == "failure" {
			return classVPNFail
		}
	}
	return vendor.Class{}
}

// userClass: firewall user authentication (action authentication,
// status success/failure).
func userClass(f *facts) vendor.Class {
	if f.action == "authentication" || f.action == "auth-logon" {
		return loginClass(f.status)
	}
	if f.action == "auth-logout" {
		return classLogout
	}
	return vendor.Class{}
}

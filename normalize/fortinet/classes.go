package fortinet

import (
	"strings"

	"github.com/nomenhq/nomen/normalize/vendor"
)

// The classes: normalize/vendor's where the meaning is the same as
// another vendor's.
var (
	classAllowed  = vendor.ConnectionAllowed
	classDenied   = vendor.ConnectionDenied
	classStarted  = vendor.ConnectionBuilt
	classEnded    = vendor.ConnectionTeardown
	classMalware  = vendor.MalwareDetected
	classMalBlock = vendor.MalwareBlocked
	classWebAllow = vendor.WebRequestAllowed
	classWebBlock = vendor.WebRequestBlocked
	classIDS      = vendor.IntrusionDetected
	classIDSBlock = vendor.IntrusionBlocked
	classAppAllow = vendor.ApplicationAllowed
	classAppBlock = vendor.ApplicationBlocked
	classDNSAllow = vendor.NewClass("dns-query-allowed", "success", vendor.Cats("network"), "protocol", "allowed")
	classDNSBlock = vendor.NewClass("dns-query-blocked", "failure", vendor.Cats("network"), "protocol", "denied")
	classSSLBlock = vendor.ConnectionDenied
	classLogin    = vendor.LoggedIn
	classLoginBad = vendor.LogonFailed
	classLogout   = vendor.LoggedOut
	classCfgAdd   = vendor.ConfigAdded
	classCfgEdit  = vendor.ConfigChanged
	classCfgDel   = vendor.ConfigDeleted
	classTunUp    = vendor.TunnelEstablished
	classTunDown  = vendor.NewClass("tunnel-terminated", "", vendor.Cats("network"), "connection", "end")
	classVPNFail  = vendor.NewClass("vpn-negotiation-failed", "failure", vendor.Cats("network"), "connection")
	// "IPsec DPD failed": the peer stopped answering dead peer detection.
	classDPDFail = vendor.NewClass("vpn-dpd-failed", "failure", vendor.Cats("network"), "connection")
	// "Progress IPsec phase 1/2" with status success: a phase of the
	// IKE negotiation done (the tunnel is up only at tunnel-up).
	classVPNStep = vendor.NewClass("vpn-negotiation-progress", "success", vendor.Cats("network"), "connection", "info")
	// "SSL VPN new connection": a client reached the SSL VPN portal,
	// before any login.
	classSSLVPNCon = vendor.NewClass("vpn-connection-started", "", vendor.Cats("network"), "connection", "start")
	// A session that failed rather than being denied by a policy:
	// traffic action ip-conn ("Failed connection attempts") and dns
	// ("DNS query return error") in the log reference.
	classConnFailed = vendor.NewClass("connection-failed", "failure", vendor.Cats("network"), "connection")
	classFile       = vendor.FileDetected
	classFileDeny   = vendor.FileBlocked
	// FSSO: a collector agent told the firewall which user has an
	// address (or no longer); not an authentication the firewall saw.
	classUserMapped   = vendor.UserMapped
	classUserUnmapped = vendor.UserUnmapped
)

// classify maps type/subtype/action/status to a class; unknown
// combinations get none (fields only).
func classify(f *facts) vendor.Class {
	switch f.typ {
	case "traffic":
		if f.action == "" && f.v4 { // FortiOS 4.x: status=accept|deny
			return trafficClass(f.status)
		}
		return trafficClass(f.action)
	case "utm":
		switch f.subtype {
		case "virus":
			return virusClass(f.eventtype, f.action)
		case "dlp":
			return dlpClass(f.filtercat, f.action)
		}
		return utmClass(f.subtype, f.action)
	case "anomaly": // FortiOS 5.x: DoS policy anomalies had their own type (utm/anomaly since 5.6)
		return utmClass("anomaly", f.action)
	case "event":
		var c vendor.Class
		switch f.subtype {
		case "system":
			c = systemClass(f)
		case "vpn":
			c = vpnClass(f)
		case "user":
			c = userClass(f)
		}
		if c.Empty() {
			c = eventIDClass(f.logid)
		}
		return c
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
	case "deny", "blocked":
		return classDenied
	case "ip-conn", "dns":
		return classConnFailed
	}
	return vendor.Class{}
}

// dlpClass: a Data Leak Prevention log whose filter matched a file
// (filtercat "file": its type, size or name): the file blocked or passed
// and logged. A filter on a message's content names no file: no class.
func dlpClass(filtercat, action string) vendor.Class {
	if filtercat != "file" {
		return vendor.Class{}
	}
	if blocks(action) {
		return classFileDeny
	}
	if action == "log-only" || action == "passthrough" || action == "allow" {
		return classFile
	}
	return vendor.Class{}
}

// blocks: the UTM actions that stop the file, request or session.
func blocks(action string) bool {
	return action == "blocked" || action == "block" || action == "dropped" || action == "reset" ||
		action == "reset-client" || action == "reset-server" || action == "drop-session" || action == "clear_session"
}

// virusClass: an antivirus log is a detection unless its eventtype says
// the file was not judged (scanerror: a corrupt or encrypted archive;
// oversize; switchproto; analytics: a sample sent to FortiSandbox) or was
// stopped by its name or type (filename, filetype: file-detected).
func virusClass(eventtype, action string) vendor.Class {
	switch eventtype {
	case "scanerror", "oversize", "switchproto", "analytics":
		return vendor.Class{}
	case "filename", "filetype":
		if blocks(action) {
			return classFileDeny
		}
		return classFile
	}
	if blocks(action) {
		return classMalBlock
	}
	return classMalware
}

func utmClass(subtype, action string) vendor.Class {
	blocked := blocks(action)
	switch subtype {
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
	case "ssh":
		// SSH inspection blocked a channel (shell, exec, port-forward,
		// x11) or the session.
		if blocked {
			return classDenied
		}
	case "file-filter", "cifs":
		// A file filter matched (cifs: on an SMB share): blocked, or
		// passed and logged.
		if blocked {
			return classFileDeny
		}
		if action == "passthrough" || action == "log-only" {
			return classFile
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
// ssl-login-fail, negotiate with status negotiate_error, dpd with status
// dpd_failure).
func vpnClass(f *facts) vendor.Class {
	switch f.action {
	case "tunnel-up", "phase2-up":
		return classTunUp
	case "tunnel-down", "phase2-down":
		return classTunDown
	case "ssl-login-fail":
		return classLoginBad
	case "ssl-new-con":
		return classSSLVPNCon
	case "dpd":
		if f.status == "dpd_failure" {
			return classDPDFail
		}
	case "negotiate":
		if f.status == "negotiate_error" || f.status == "failure" {
			return classVPNFail
		}
		if f.status == "success" {
			return classVPNStep
		}
	}
	return vendor.Class{}
}

// userClass: firewall and explicit proxy user authentication (action
// authentication or <method>-auth, status success/failure) and FSSO
// logon/logoff notices.
func userClass(f *facts) vendor.Class {
	switch f.action {
	case "FSSO-logon":
		return classUserMapped
	case "FSSO-logoff":
		return classUserUnmapped
	}
	// "NTLM-auth", "Kerberos-auth", ...: explicit web proxy authentication.
	if f.action == "authentication" || f.action == "auth-logon" || strings.HasSuffix(f.action, "-auth") {
		if f.action == "auth-logon" && f.status == "logon" {
			// "Authentication logon: User X added to auth logon".
			return classLogin
		}
		return loginClass(f.status)
	}
	if f.action == "auth-logout" {
		return classLogout
	}
	return vendor.Class{}
}

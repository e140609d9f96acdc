package screenos

import (
	"strings"

	"github.com/nomenhq/nomen/normalize/vendor"
)

// admin reads the administrators' messages (ScreenOS Message Log
// Reference, 00515, 00518, 00519 and 00767, 00018): logins to the device's
// management, and configuration saved or policies changed by an admin.
//
//	Admin user "netscreen" logged in for Web(http) management (port 80) from 192.0.2.10:1503
//	Admin user "netscreen" login attempt for Web(http) management (port 80) from 192.0.2.10:1503 failed.
//	Management session via SSH from 192.0.2.10:0 for admin netscreen has timed out
//	System configuration saved by netscreen via web from host 192.0.2.10 to 192.0.2.1:443 by netscreen.
//	Policy (5, Trust->Untrust, 10.10.10.0/24->172.16.19.0/24,ANY, Permit) was modified by netscreen via web from host 192.0.2.10 to 192.0.2.1:443.
//
// The admin's address is the source, the device's the destination.
func admin(body string, emit vendor.Emit) (vendor.Class, bool) {
	body = strings.TrimSuffix(strings.TrimSpace(body), ".")
	if p, ok := cutAll(body, `Admin user "`, `" logged in for `, ` management (port `, `) from `); ok && p[0] == "" {
		adminLogin(emit, p[1], p[2], p[3], p[4])
		return vendor.LoggedIn, true
	}
	if p, ok := cutAll(body, `Admin user "`, `" logged out for `, ` management (port `, `) from `); ok && p[0] == "" {
		adminLogin(emit, p[1], p[2], p[3], p[4])
		return vendor.LoggedOut, true
	}
	if p, ok := cutAll(body, `Admin user "`, `" login attempt for `, ` management (port `, `) from `); ok && p[0] == "" {
		if from, ok := strings.CutSuffix(p[4], " failed"); ok {
			adminLogin(emit, p[1], p[2], p[3], from)
			return vendor.LogonFailed, true
		}
	}
	if p, ok := cutAll(body, "Management session via ", " from ", " for admin ", " has timed out"); ok && p[0] == "" && p[4] == "" {
		emit("management.method", p[1], vendor.Extra)
		// SSH sessions print port 0: no port, not port 0.
		hostPort(emit, "source", strings.TrimSuffix(p[2], ":0"))
		vendor.Put(emit, "user.name", "admin", p[3], vendor.User)
		emit("event.reason", "timed out", vendor.Text)
		return vendor.LoggedOut, true
	}
	if p, ok := cutAll(body, "System configuration saved by ", " via ", " from host ", " to "); ok && p[0] == "" {
		vendor.Put(emit, "user.name", "admin", p[1], vendor.User)
		emit("management.method", p[2], vendor.Extra)
		vendor.Put(emit, "source.ip", "source_ip", p[3], vendor.IP)
		dst, _, _ := strings.Cut(p[4], " by ")
		hostPort(emit, "destination", dst)
		return vendor.ConfigChanged, true
	}
	if rest, ok := strings.CutPrefix(body, "Policy ("); ok {
		return policyChange(rest, emit)
	}
	return vendor.Class{}, false
}

// adminLogin emits a management login's user, method ("Web(http)",
// "Telnet", "SSH"), the device's port and the admin's address.
func adminLogin(emit vendor.Emit, user, method, port, from string) {
	vendor.Put(emit, "user.name", "admin", user, vendor.User)
	emit("management.method", method, vendor.Extra)
	vendor.Put(emit, "destination.port", "destination_port", port, vendor.Port)
	hostPort(emit, "source", from)
}

// policyChange reads "ID, FROM->TO, SRC->DST,SERVICE, ACTION) was
// modified|added|deleted by ADMIN via METHOD from host IP to IP:PORT".
func policyChange(rest string, emit vendor.Emit) (vendor.Class, bool) {
	policy, rest, ok := strings.Cut(rest, ") was ")
	if !ok {
		return vendor.Class{}, false
	}
	verb, rest, ok := strings.Cut(rest, " by ")
	if !ok {
		return vendor.Class{}, false
	}
	var class vendor.Class
	switch verb {
	case "modified":
		class = vendor.ConfigChanged
	case "added":
		class = vendor.ConfigAdded
	case "deleted":
		class = vendor.ConfigDeleted
	default:
		return vendor.Class{}, false
	}
	id, _, _ := strings.Cut(policy, ",")
	vendor.Put(emit, "rule.id", "policy_id", strings.TrimSpace(id), vendor.Word)
	emit("policy", policy, vendor.Extra)
	if p, ok := cutAll(rest, " via ", " from host ", " to "); ok {
		vendor.Put(emit, "user.name", "admin", p[0], vendor.User)
		emit("management.method", p[1], vendor.Extra)
		vendor.Put(emit, "source.ip", "source_ip", p[2], vendor.IP)
		hostPort(emit, "destination", p[3])
	}
	return class, true
}

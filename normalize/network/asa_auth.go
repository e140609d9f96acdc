package network

import (
	"strings"

	"github.com/nomenhq/nomen/normalize/ecs"
	"github.com/nomenhq/nomen/relay/event"
)

// Cisco ASA authentication messages: AAA (113004/113005/113012/113015),
// account lockout (113006), management logins (605004/605005) and user
// sessions (611101-611103). A logon is authentication/start with outcome
// success or failure, whatever the ASA calls it; the ASA masks unknown
// user names as "*****", which are not user names.

// asaKV returns the value after "key = " in an AAA message, up to the next
// " : ", ", " or end; spaces trimmed.
func asaKV(t, key string) string {
	i := strings.Index(t, key)
	if i < 0 {
		return ""
	}
	v := t[i+len(key):]
	for j := 0; j < len(v); j++ {
		if (v[j] == ':' || v[j] == ',') && (j+1 == len(v) || v[j+1] == ' ') {
			v = v[:j]
			break
		}
	}
	return strings.TrimSpace(v)
}

// asaAAA decodes 113004/113005/113012/113015: "AAA user authentication
// Successful|Rejected : [reason = R : ][server = IP|local database] : user = U[ : user IP = IP]".
func asaAAA(e *event.Event, t string) bool {
	var ok bool
	switch {
	case strings.Contains(t, " Successful"):
		ok = true
	case strings.Contains(t, " Rejected"):
	default:
		return false
	}
	if ok {
		netClassAuth.Set(e, "logged-in", ecs.OutcomeSuccess)
	} else {
		netClassAuth.Set(e, "logon-failed", ecs.OutcomeFailure)
	}
	user := asaKV(t, "user = ")
	if user == "" {
		user = asaKV(t, "User = ")
	}
	asaSetUser(e, user)
	if ip := asaKV(t, "user IP = "); ip != "" {
		netIP(e, "source.ip", ip)
	}
	if srv := asaKV(t, "server = "); srv != "" {
		e.SetStr("cisco.asa.aaa_server", srv)
		if ecs.IsIP(srv) {
			e.AddToList("related.ip", srv)
		}
	}
	e.SetStr("event.reason", asaKV(t, "reason = "))
	return true
}

// asaSetUser sets user.name unless the ASA masked it ("*****").
func asaSetUser(e *event.Event, u string) {
	u = strings.Trim(u, "'\"")
	if strings.Trim(u, "*") == "" {
		return
	}
	ecs.SetUser(e, "user.name", u)
}

// asaLockedOut decodes 113006: "User U locked out on exceeding N successive failed authentication attempts".
func asaLockedOut(e *event.Event, t string) bool {
	rest, ok := strings.CutPrefix(t, "User ")
	if !ok {
		return false
	}
	user, _, ok := strings.Cut(rest, " locked out")
	if !ok {
		return false
	}
	netClassAuthInf.Set(e, "locked-out-user-account", ecs.OutcomeFailure)
	asaSetUser(e, user)
	return true
}

// asaLogin decodes 605004/605005:
// "Login denied|permitted from IP/port to IF:IP/service for user "U"".
func asaLogin(e *event.Event, permitted bool, t string) bool {
	_, rest, ok := strings.Cut(t, " from ")
	if !ok {
		return false
	}
	srcS, rest, ok := strings.Cut(rest, " to ")
	if !ok {
		return false
	}
	dstS, user, _ := strings.Cut(rest, " for user ")
	var src, dst asaEndpoint
	if !src.parse(srcS) || !dst.parse(dstS) {
		return false
	}
	if permitted {
		netClassAuth.Set(e, "logged-in", ecs.OutcomeSuccess)
	} else {
		netClassAuth.Set(e, "logon-failed", ecs.OutcomeFailure)
	}
	src.set(e, netSource, "")
	dst.set(e, netDest, "observer.ingress.interface.name")
	if q, _, ok := cutQuotedASA(user); ok {
		asaSetUser(e, q)
	}
	return true
}

// asaUserAuth decodes 611101/611102/611103: "User authentication
// succeeded|failed: IP address: IP, Uname: U" and "User logged out: Uname: U".
func asaUserAuth(e *event.Event, id, t string) bool {
	_, user, ok := strings.Cut(t, "Uname: ")
	if !ok {
		return false
	}
	user, _ = ecs.CutWord(user)
	switch id {
	case "611101":
		netClassAuth.Set(e, "logged-in", ecs.OutcomeSuccess)
	case "611102":
		netClassAuth.Set(e, "logon-failed", ecs.OutcomeFailure)
	default:
		netClassSessEnd.Set(e, "logged-out", ecs.OutcomeSuccess)
	}
	asaSetUser(e, strings.TrimRight(user, ","))
	for _, k := range [...]string{"IP address: ", "IP = ", "IP: "} {
		if _, r, ok := strings.Cut(t, k); ok {
			ip, _ := ecs.CutWord(r)
			netIP(e, "source.ip", strings.TrimRight(ip, ","))
			break
		}
	}
	return true
}

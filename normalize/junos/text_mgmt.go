package junos

import (
	"strings"

	"github.com/nomenhq/nomen/normalize/vendor"
)

// idp reads "IDP: at TIME, TYPE Attack log <A/P->B/Q> for PROTO protocol
// and service SERVICE application APP by rule RULE of rulebase BASE in
// policy POLICY. attack: id=N, repeat=N, action=ACTION,
// threat-severity=SEV, name=NAME, NAT <...>, ...".
func (p *parsed) idp(text string) bool {
	_, rest, ok := strings.Cut(text, "Attack log <")
	if !ok {
		return false
	}
	tuple, rest, ok := strings.Cut(rest, "> ")
	if !ok || !p.tuple(tuple, "") {
		return false
	}
	p.add("protocol-name", between(rest, "for ", " protocol"))
	p.add("rule-name", between(rest, " by rule ", " of rulebase"))
	p.add("rulebase-name", between(rest, " of rulebase ", " in policy"))
	_, attack, _ := strings.Cut(rest, "attack: ")
	p.action = attrOf(attack, "action=")
	p.add("action", p.action)
	p.add("threat-severity", attrOf(attack, "threat-severity="))
	p.add("attack-name", attrOf(attack, " name="))
	return true
}

// between returns the text of s between a and the next b, or "".
func between(s, a, b string) string {
	_, r, ok := strings.Cut(s, a)
	if !ok {
		return ""
	}
	v, _, ok := strings.Cut(r, b)
	if !ok || strings.IndexByte(v, ' ') >= 0 {
		return ""
	}
	return v
}

// attrOf returns the value of "key=value," in s.
func attrOf(s, key string) string {
	_, r, ok := strings.Cut(s, key)
	if !ok {
		return ""
	}
	if end := strings.IndexByte(r, ','); end >= 0 {
		r = r[:end]
	}
	return r
}

// screen reads "ATTACK source: A[:P], destination: B[:Q], zone name: Z,
// interface name: I, action: ACTION.".
func (p *parsed) screen(text string, ports bool) bool {
	attack, rest, ok := strings.Cut(text, " source: ")
	if !ok {
		return false
	}
	src, rest, ok1 := strings.Cut(rest, ", destination: ")
	dst, rest, ok2 := strings.Cut(rest, ", zone name: ")
	if !ok1 || !ok2 {
		return false
	}
	if !p.endpoint(src, "source-address", "source-port", ports) || !p.endpoint(dst, "destination-address", "destination-port", ports) {
		return false
	}
	p.add("attack-name", attack)
	zone, rest, _ := strings.Cut(rest, ", interface name: ")
	p.add("source-zone-name", zone)
	iface, action, _ := strings.Cut(rest, ", action: ")
	p.add("interface-name", iface)
	p.action = strings.TrimSuffix(action, ".")
	p.add("action", p.action)
	return true
}

// endpoint reads "A:P" (TCP, UDP; the last ':' for IPv6) or "A".
func (p *parsed) endpoint(s, addr, port string, ports bool) bool {
	if ports {
		a, pt, ok := cutLast(s, ':')
		if !ok || !vendor.IsIP(a) || !vendor.IsPort(pt) {
			return false
		}
		p.add(addr, a)
		p.add(port, pt)
		return true
	}
	if !vendor.IsIP(s) {
		return false
	}
	p.add(addr, s)
	return true
}

// ui reads the management messages:
//
//	UI_LOGIN_EVENT      User 'U' login, class 'C' [PID], ssh-connection 'A P B Q', client-mode 'M'
//	UI_AUTH_EVENT       Authenticated user 'U' at permission level 'C' | assigned to class 'C'
//	UI_LOGOUT_EVENT     User 'U' logout
//	UI_COMMIT           User 'U' requested 'COMMAND' operation (comment: TEXT)
//	UI_COMMIT_COMPLETED commit complete
//	UI_DBASE_LOGIN_EVENT  User 'U' entering configuration mode
//	UI_DBASE_LOGOUT_EVENT User 'U' exiting configuration mode
//	UI_CMDLINE_READ_LINE  User 'U', command 'COMMAND'
//	UI_JUNOSCRIPT_CMD   User 'U' used JUNOScript|Junos XML protocol client to run command 'COMMAND'
//	SSHD_LOGIN_FAILED   Login failed for user 'U' from host 'A'
func (p *parsed) ui(tag, text string) bool {
	switch tag {
	case "UI_LOGIN_EVENT":
		if !p.user(text, "User ") {
			return false
		}
		class, _ := quoted(text, " class ")
		p.add("class-name", class)
		if conn, ok := quoted(text, "ssh-connection "); ok {
			// "A P B Q": the client's address and port, the device's.
			f := strings.Fields(conn)
			if len(f) > 0 && vendor.IsIP(f[0]) {
				p.add("source-address", f[0])
			}
			if len(f) == 4 && vendor.IsPort(f[1]) && vendor.IsIP(f[2]) && vendor.IsPort(f[3]) {
				p.add("source-port", f[1])
				p.add("destination-address", f[2])
				p.add("destination-port", f[3])
			}
		}
		mode, _ := quoted(text, "client-mode ")
		p.add("client-mode", mode)
	case "UI_AUTH_EVENT":
		return p.user(text, "Authenticated user ")
	case "UI_LOGOUT_EVENT":
		return p.user(text, "User ")
	case "UI_COMMIT":
		if !p.user(text, "User ") {
			return false
		}
		cmd, _ := quoted(text, " requested ")
		p.add("command", cmd)
	case "UI_COMMIT_COMPLETED":
		return strings.Contains(text, "commit complete")
	case "UI_DBASE_LOGIN_EVENT", "UI_DBASE_LOGOUT_EVENT":
		return strings.Contains(text, " configuration mode") && p.user(text, "User ")
	case "UI_CMDLINE_READ_LINE":
		if !p.user(text, "User ") {
			return false
		}
		p.command(text, ", command '")
	case "UI_JUNOSCRIPT_CMD":
		if !p.user(text, "User ") || !strings.Contains(text, " client to run command '") {
			return false
		}
		p.command(text, " to run command '")
	case "SSHD_LOGIN_FAILED":
		user, ok := quoted(text, "Login failed for user ")
		host, ok2 := quoted(text, " from host ")
		if !ok || !ok2 {
			return false
		}
		p.add("username", user)
		p.add("source-address", host)
	default:
		return false
	}
	return true
}

// command adds the command quoted after lead: it runs to the last quote
// (it may hold quotes itself).
func (p *parsed) command(text, lead string) {
	if _, r, ok := strings.Cut(text, lead); ok {
		if i := strings.LastIndexByte(r, '\''); i > 0 {
			p.add("command", strings.TrimSpace(r[:i]))
		}
	}
}

// user adds the user name text quotes right after lead; false when it
// quotes none there.
func (p *parsed) user(text, lead string) bool {
	u, ok := quoted(text, lead)
	if ok {
		p.add("username", u)
	}
	return ok
}

// quoted returns the '...' value right after lead in s.
func quoted(s, lead string) (string, bool) {
	_, r, ok := strings.Cut(s, lead+"'")
	if !ok {
		return "", false
	}
	v, _, ok := strings.Cut(r, "'")
	return v, ok && v != ""
}

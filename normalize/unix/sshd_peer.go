package unix

import (
	"strings"

	"github.com/nomenhq/nomen/normalize/ecs"
	"github.com/nomenhq/nomen/relay/event"
)

// The peer and user parts of sshd's lines. A failed attempt's user name
// and some trailing texts are the client's, so these parsers decide where
// the real peer is and give none rather than a forged one.

// sshdAuthPeer splits "[invalid user ]USER from ADDR[ port N][ ssh2][: INFO]"
// of a failed attempt (auth.c). USER is what the client sent and INFO may
// hold client text too, so either can carry a forged " from ADDR port N
// ssh2": every " from " whose tail has that shape and then ends or goes on
// with ": " is a candidate, and only a single candidate is believed. Two
// (a forgery) give no user and no address: ok is false.
func sshdAuthPeer(s string) (user, addr, port string, ok bool) {
	n := 0
	for off := 0; ; {
		i := strings.Index(s[off:], " from ")
		if i < 0 {
			break
		}
		i += off
		off = i + 1
		a, p, tailOK := sshdPeerTail(s[i+len(" from "):])
		if !tailOK {
			continue
		}
		if n++; n > 1 {
			return "", "", "", false
		}
		user, addr, port = s[:i], a, p
	}
	return user, addr, port, n == 1
}

// sshdPeerTail reads "ADDR[ port N][ ssh1|ssh2][ on LADDR[ port N]]" that
// ends s or is followed by ": ".
func sshdPeerTail(s string) (addr, port string, ok bool) {
	addr, s = ecs.CutWord(s)
	if addr == "" {
		return "", "", false
	}
	if r, found := strings.CutPrefix(s, "port "); found {
		port, s = ecs.CutWord(r)
		if !ecs.IsDigits(port) {
			return "", "", false
		}
	}
	if w, r := ecs.CutWord(s); w == "ssh" || w == "ssh1" || w == "ssh2" || w == "ssh1:" || w == "ssh2:" {
		if strings.HasSuffix(w, ":") {
			return addr, port, true
		}
		s = r
	}
	return addr, port, s == "" || strings.HasPrefix(s, ": ") || strings.HasPrefix(s, "on ")
}

// sshdUserFrom splits "[invalid user ]USER from ADDR[ port N][ ...]".
// With last set the address is taken after the last " from ", so a user
// name that contains " from 1.2.3.4" (log injection) cannot forge it.
func sshdUserFrom(s string, last bool) (user, addr, port string, ok bool) {
	var i int
	if last {
		i = strings.LastIndex(s, " from ")
	} else {
		i = strings.Index(s, " from ")
	}
	if i < 0 {
		return "", "", "", false
	}
	user, tail := s[:i], s[i+len(" from "):]
	addr, tail = ecs.CutWord(tail)
	if p, ok := strings.CutPrefix(tail, "port "); ok {
		port, _ = ecs.CutWord(p)
	}
	return user, addr, port, addr != ""
}

// sshdSetUser sets user.name, recognising the "invalid user X" and
// "illegal user X" forms (and the empty user name of "invalid user  from").
func sshdSetUser(e *event.Event, user string) {
	for _, p := range [...]string{"invalid user ", "illegal user "} {
		if u, ok := strings.CutPrefix(user, p); ok {
			e.Set("sshd.invalid_user", event.Bool(true))
			user = u
			break
		}
	}
	ecs.SetUser(e, "user.name", user)
}

// sshdAddrPort sets source.ip and source.port from "ADDR[ port N][...]".
func sshdAddrPort(e *event.Event, s string) {
	addr, rest := ecs.CutWord(s)
	ecs.SetAddress(e, "source", addr)
	if p, ok := strings.CutPrefix(rest, "port "); ok {
		p, _ = ecs.CutWord(p)
		ecs.SetPort(e, "source.port", p)
	}
}

// sshdWrapRefused decodes "[USER@]HOST[ (ADDR)]" of libwrap's refusal; the
// USER is what the client's identd said, not an account, and is not kept.
func sshdWrapRefused(e *event.Event, r string) bool {
	client, paren := ecs.CutWord(r)
	if at := strings.LastIndexByte(client, '@'); at >= 0 {
		client = client[at+1:]
	}
	addr := client
	if strings.HasPrefix(paren, "(") && strings.HasSuffix(paren, ")") {
		addr = paren[1 : len(paren)-1]
	}
	if addr == "" {
		return false
	}
	ecs.Begin(e, "sshd", "sshd.tcpwrap_refused")
	classConnDenied.Set(e, "connection-denied", ecs.OutcomeFailure)
	ecs.SetAddress(e, "source", addr)
	return true
}

// sshdDisconnectingPeer decodes packet.c's other "Disconnecting PEER:
// REASON" lines, PEER being "[authenticating user U |invalid user U |user
// U ]ADDR port N" ("Change of username or service not allowed", "Packet
// corrupt"). U and the reason may hold client text, so the peer is the one
// " ADDR port N: " in the line; with more than one nothing is read.
func sshdDisconnectingPeer(e *event.Event, rest string) bool {
	end, n := -1, 0
	for off := 0; ; {
		i := strings.Index(rest[off:], " port ")
		if i < 0 {
			break
		}
		i += off
		off = i + 1
		port, tail := ecs.CutWord(rest[i+len(" port "):])
		port, colon := strings.CutSuffix(port, ":")
		if !colon || !ecs.IsDigits(port) {
			continue
		}
		if w := strings.LastIndexByte(rest[:i], ' '); !ecs.IsIP(rest[w+1 : i]) {
			continue
		}
		end, n = i+len(" port ")+len(port), n+1
		e.SetStr("sshd.reason", tail)
	}
	if n == 0 {
		return false
	}
	ecs.Begin(e, "sshd", "sshd.disconnecting")
	ecs.ClassConnEnd.Set(e, "ssh-disconnect", ecs.OutcomeFailure)
	if n == 1 {
		sshdPeer(e, rest[:end])
	} else {
		e.Delete("sshd.reason")
	}
	return true
}

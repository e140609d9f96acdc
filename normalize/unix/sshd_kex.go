package unix

import (
	"strings"

	"github.com/nomenhq/nomen/normalize/ecs"
	"github.com/nomenhq/nomen/relay/event"
)

// sshd's lines about the key exchange and the identification strings
// (kex.c, packet.c's sshpkt_fatal(), sshd.c before 8.0).

// sshdCutReason splits "ADDR port N: REASON" (or "ADDR: REASON") at the
// colon after the port, not at one inside an IPv6 address.
func sshdCutReason(s string) (peer, reason string) {
	if i := strings.Index(s, " port "); i >= 0 {
		if j := strings.Index(s[i:], ": "); j >= 0 {
			return s[:i+j], strings.TrimSpace(s[i+j+2:])
		}
		return s, ""
	}
	// The first ": ": an address holds none (an IPv6 one has no space
	// after its colons), a reason may ("... found. Their offer: ...").
	if i := strings.Index(s, ": "); i >= 0 {
		return s[:i], strings.TrimSpace(s[i+2:])
	}
	return s, ""
}

// sshdTaggedFatals are the sshpkt_fatal() lines of packet.c that name the
// peer: "TAG: Connection from [authenticating user U ]ADDR port N: REASON".
// The connection ends with them.
var sshdTaggedFatals = map[string]struct{ rule, action string }{
	"banner exchange":        {"sshd.banner_exchange_failed", "ssh-banner-exchange-failed"},
	"ssh_dispatch_run_fatal": {"sshd.dispatch_failed", "ssh-dispatch-failed"},
}

// Any other TAG (the failing call: "process_output: ssh_packet_write_poll")
// is sshd.connection_fatal, the tag kept as sshd.function.
func sshdTaggedFatal(e *event.Event, tag, rest string) bool {
	peer, reason := sshdCutReason(rest)
	if p, ok := strings.CutSuffix(peer, " timed out"); ok {
		peer, reason = p, "timed out"
	}
	f, known := sshdTaggedFatals[tag]
	if !known {
		// Only sshpkt_fatal()'s shape: the tag is the failing calls'
		// names, the peer ends "port N". A tag of other words is another
		// line's text (a PAM module's "... user=NAME", NAME the client's
		// choice) that happens to hold ": Connection from ": its address
		// would be forged.
		if _, port, ok := strings.Cut(peer, " port "); !sshdFuncChain(tag) || reason == "" || !ok || !ecs.IsDigits(port) {
			return false
		}
		f.rule, f.action = "sshd.connection_fatal", "ssh-connection-error"
	}
	ecs.Begin(e, "sshd", f.rule)
	ecs.ClassConnEnd.Set(e, f.action, ecs.OutcomeFailure)
	e.SetStr("sshd.reason", reason)
	if !known {
		e.SetStr("sshd.function", tag)
	}
	sshdPeer(e, peer)
	return true
}

// sshdFuncChain reports whether tag is "FUNC" or "FUNC: FUNC..." (C
// identifiers), as sshpkt_fatal()'s callers name themselves.
func sshdFuncChain(tag string) bool {
	if tag == "" {
		return false
	}
	for part := range strings.SplitSeq(tag, ": ") {
		if part == "" {
			return false
		}
		for i := 0; i < len(part); i++ {
			if c := part[i]; !(c == '_' || c >= '0' && c <= '9' || c|0x20 >= 'a' && c|0x20 <= 'z') {
				return false
			}
		}
	}
	return true
}

// sshdIdentification decodes kex.c's failures to read the client's
// identification string; the address is on the next line (banner exchange).
//
//	kex_exchange_identification: Connection closed by remote host
//	kex_exchange_identification: read: Connection reset by peer
//	kex_exchange_identification: client sent invalid protocol identifier "GET / HTTP/1.1"
//	kex_exchange_identification: banner line contains invalid characters
func sshdIdentification(e *event.Event, rest string) bool {
	if rest == "" {
		return false
	}
	ecs.Begin(e, "sshd", "sshd.identification_failed")
	ecs.ClassNetInfo.Set(e, "ssh-identification-failed", ecs.OutcomeFailure)
	if id, ok := strings.CutPrefix(rest, "client sent invalid protocol identifier "); ok {
		e.SetStr("sshd.identification", trimQuotes(id))
		rest = "client sent invalid protocol identifier"
	}
	e.SetStr("sshd.reason", rest)
	return true
}

// sshdBadIdentification decodes a client identification string that is not
// "SSH-x.y-...":
//
//	Bad protocol version identification 'GET / HTTP/1.0' from ADDR port N   (sshd.c, OpenSSH < 8.0)
//	Bad remote protocol version identification: 'SSH-9.9'                  (kex.c)
func sshdBadIdentification(e *event.Event, rest string) bool {
	var id, peer string
	if r, ok := strings.CutPrefix(rest, "protocol version identification '"); ok {
		i := strings.LastIndex(r, "' from ")
		if i < 0 {
			return false
		}
		id, peer = r[:i], r[i+len("' from "):]
	} else if r, ok := strings.CutPrefix(rest, "remote protocol version identification: "); ok {
		id = trimQuotes(r)
	} else {
		return false
	}
	ecs.Begin(e, "sshd", "sshd.bad_identification")
	ecs.ClassNetInfo.Set(e, "ssh-bad-identification", ecs.OutcomeFailure)
	e.SetStr("sshd.identification", id)
	if peer != "" {
		sshdAddrPort(e, peer)
	}
	return true
}

// sshdKexNote decodes the identification and protocol notes of sshd.c
// (before 8.0) and kex.c/dispatch.c:
//
//	probed from ADDR port N with ID.  Don't panic.     (a known probing client: SSH_BUG_PROBE)
//	scanned from ADDR port N with ID.  Don't panic.    (a known scanner: SSH_BUG_SCANNER)
//	Could not write ident string to ADDR port N         (the client left before sshd's banner)
//	Nasty PTR record "NAME" is set up for ADDR, ignoring (canohost.c/auth.c: a PTR that looks like an address)
//	error: kex_protocol_error: type N seq N             (an unexpected message during key exchange)
//	dispatch_protocol_error: type N seq N               (an unexpected message)
//	dispatch_protocol_ignore: type N seq N              (an ignored message)
func sshdKexNote(e *event.Event, m string) bool {
	for _, p := range [...]string{"probed from ", "scanned from "} {
		r, ok := strings.CutPrefix(m, p)
		if !ok {
			continue
		}
		peer, id, ok := strings.Cut(r, " with ")
		id, ok2 := strings.CutSuffix(id, ".  Don't panic.")
		if !ok || !ok2 || !strings.Contains(peer, " port ") {
			return false
		}
		ecs.Begin(e, "sshd", "sshd.scanner")
		ecs.ClassNetInfo.Set(e, "ssh-"+p[:len(p)-len(" from ")], ecs.OutcomeFailure)
		e.SetStr("sshd.identification", id)
		sshdAddrPort(e, peer)
		return true
	}
	if r, ok := strings.CutPrefix(m, "Nasty PTR record \""); ok {
		// The peer's reverse DNS name is itself an address: sshd
		// ignores it (the name is the DNS zone's, never the source's).
		name, addr, ok := strings.Cut(r, "\" is set up for ")
		addr, ok2 := strings.CutSuffix(addr, ", ignoring")
		if !ok || !ok2 || !ecs.IsIP(addr) {
			return false
		}
		ecs.Begin(e, "sshd", "sshd.reverse_mapping_failed")
		ecs.ClassNetInfo.Set(e, "ssh-reverse-mapping-failed", ecs.OutcomeFailure)
		ecs.SetIP(e, "source.ip", addr)
		e.SetStr("sshd.ptr_record", name)
		return true
	}
	if r, ok := strings.CutPrefix(m, "Could not write ident string to "); ok {
		if !strings.Contains(r, " port ") {
			return false
		}
		ecs.Begin(e, "sshd", "sshd.identification_failed")
		ecs.ClassNetInfo.Set(e, "ssh-identification-failed", ecs.OutcomeFailure)
		e.SetStr("sshd.reason", "Could not write ident string")
		sshdAddrPort(e, r)
		return true
	}
	for _, p := range [...]string{"kex_protocol_error: ", "dispatch_protocol_error: ", "dispatch_protocol_ignore: "} {
		r, ok := strings.CutPrefix(m, p)
		if !ok {
			continue
		}
		typ, seq, ok := strings.Cut(strings.TrimPrefix(r, "type "), " seq ")
		if !ok || !strings.HasPrefix(r, "type ") || !ecs.IsDigits(typ) || !ecs.IsDigits(seq) {
			return false
		}
		outcome := ecs.OutcomeFailure
		if p == "dispatch_protocol_ignore: " {
			outcome = ""
		}
		ecs.Begin(e, "sshd", "sshd.protocol_error")
		ecs.ClassNetInfo.Set(e, "ssh-unexpected-message", outcome)
		ecs.SetUint(e, "sshd.message_type", typ)
		return true
	}
	return false
}

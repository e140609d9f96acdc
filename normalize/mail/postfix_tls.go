package mail

import (
	"strings"

	"github.com/nomenhq/nomen/normalize/ecs"
	"github.com/nomenhq/nomen/relay/event"
)

// Postfix's TLS and outbound connection lines (smtpd, smtp, lmtp, tlsproxy;
// TLS_README's "Server-side/Client-side TLS activity logging") and the
// master daemon's life (postfix_master.go):
//
//	TRUST TLS connection established from HOST[IP]: PROTO with cipher CIPHER (N/M bits)[ key-exchange ...]
//	TRUST TLS connection established to HOST[IP]:PORT: PROTO with cipher CIPHER (N/M bits)[ ...]
//	SSL_accept error from HOST[IP]: REASON                  (smtpd: the client's handshake failed)
//	SSL_connect error to HOST[IP]:PORT: REASON              (smtp: the server's)
//	connect to HOST[IP]:PORT: REASON                        (the SMTP client could not connect)
//	connect to HOST[private/dovecot-lmtp]: REASON           (... to a local socket: postfix.relay)
//	server certificate verification failed for HOST[IP]:PORT: num=N:TEXT   (smtp, tls_verify)
//	client certificate verification failed for HOST[IP]: num=N:TEXT        (smtpd)
//	certificate verification failed for HOST[IP]:PORT: untrusted issuer DN (smtp, 2.x)
//	daemon started -- version V, configuration DIR          (master: process/start)
//	reload -- version V, configuration DIR                  (master: process/change)
//	terminating on signal N                                 (master: process/end)
//
// tlsproxy(8) logs the same for postscreen's clients, as "[IP]:PORT".
//
// TRUST is Anonymous, Untrusted, Trusted or Verified (how the peer's
// certificate checked out).

// postfixTLS decodes the lines above; false for any other.
func postfixTLS(e *event.Event, prog, m string) bool {
	trust, rest := ecs.CutWord(m)
	switch trust {
	case "Anonymous", "Untrusted", "Trusted", "Verified":
		return postfixTLSEstablished(e, prog, strings.ToLower(trust), rest)
	case "SSL_accept":
		return postfixPeerFailure(e, prog, rest, "error from ", "source", "postfix.tls.failure", ecs.ClassNetInfo, "tls-handshake")
	case "SSL_connect":
		return postfixPeerFailure(e, prog, rest, "error to ", "destination", "postfix.tls.failure", ecs.ClassNetInfo, "tls-handshake")
	case "daemon", "reload", "terminating":
		return postfixMaster(e, prog, m)
	case "server", "client", "certificate":
		return postfixCertFailure(e, prog, trust, rest)
	case "connect":
		return postfixPeerFailure(e, prog, rest, "to ", "destination", "postfix.smtp.connect_failed", ecs.ClassConnStart, "smtp-connect")
	}
	return false
}

// postfixPeerFailure decodes rest, "<lead>HOST[IP]: REASON", as a failure
// with the peer HOST[IP] on side (source or destination) of an SMTP
// connection; false for any other shape.
func postfixPeerFailure(e *event.Event, prog, rest, lead, side, rule string, class ecs.Class, action string) bool {
	r, ok := strings.CutPrefix(rest, lead)
	if !ok {
		return false
	}
	peer, reason, ok := strings.Cut(r, ": ")
	if !ok {
		return false
	}
	// lmtp(8) and smtp(8) also reach a local socket: "connect to
	// HOST[private/dovecot-lmtp]: No such file or directory".
	socket := false
	if !postfixPeer(peer) {
		host, path, _, ok := postfixHostIP(peer)
		if !ok || side != "destination" || host == "" || strings.IndexByte(path, '/') < 0 || strings.IndexByte(peer, ' ') >= 0 {
			return false
		}
		socket = true
	}
	postfixBegin(e, prog, "", rule)
	class.Set(e, action, ecs.OutcomeFailure)
	if socket {
		e.SetStr("postfix.relay", peer)
	} else {
		postfixClient(e, side, peer)
	}
	e.SetStr("event.reason", reason)
	e.SetStr("network.protocol", postfixSideProtocol(prog, side))
	return true
}

// postfixTLSEstablished decodes "TLS connection established from|to
// HOST[IP][:PORT]: PROTO with cipher CIPHER (N/M bits)...".
func postfixTLSEstablished(e *event.Event, prog, trust, rest string) bool {
	r, ok := strings.CutPrefix(rest, "TLS connection established ")
	if !ok {
		return false
	}
	dir, r := ecs.CutWord(r)
	side := "source"
	switch dir {
	case "from":
	case "to":
		side = "destination"
	default:
		return false
	}
	peer, r, ok := strings.Cut(r, ": ")
	if !ok || !postfixPeer(peer) {
		return false
	}
	proto, r := ecs.CutWord(r)
	cipher, ok := strings.CutPrefix(r, "with cipher ")
	if !ok {
		return false
	}
	cipher, _ = ecs.CutWord(cipher)
	postfixBegin(e, prog, "", "postfix.tls.established")
	ecs.ClassNetInfo.Set(e, "tls-handshake", ecs.OutcomeSuccess)
	postfixClient(e, side, peer)
	e.Set("tls.established", event.Bool(true))
	ecs.SetTLSVersion(e, proto)
	e.SetStr("tls.cipher", cipher)
	e.SetStr("postfix.tls_trust", trust)
	e.SetStr("network.protocol", postfixSideProtocol(prog, side))
	return true
}

// postfixCertFailure decodes "[server |client ]certificate verification
// failed for HOST[IP][:PORT]: REASON": the peer's certificate did not
// verify. A server's is the destination's, a client's the source's; a
// line that does not say is the SMTP/LMTP client's (smtp, lmtp) about its
// server, or smtpd's about its client.
func postfixCertFailure(e *event.Event, prog, first, rest string) bool {
	r := rest
	if first != "certificate" {
		var ok bool
		if r, ok = strings.CutPrefix(rest, "certificate "); !ok {
			return false
		}
	}
	r, ok := strings.CutPrefix(r, "verification failed for ")
	if !ok {
		return false
	}
	peer, reason, ok := strings.Cut(r, ": ")
	if !ok || !postfixPeer(peer) {
		return false
	}
	side := ""
	switch {
	case first == "server" || first == "certificate" && postfixProtocol(prog) != "":
		side = "destination"
	case first == "client" || strings.HasSuffix(prog, "/smtpd"):
		side = "source"
	default:
		return false
	}
	postfixBegin(e, prog, "", "postfix.tls.verify_failed")
	ecs.ClassNetInfo.Set(e, "tls-certificate-verify", ecs.OutcomeFailure)
	postfixClient(e, side, peer)
	e.SetStr("event.reason", reason)
	e.SetStr("network.protocol", postfixSideProtocol(prog, side))
	return true
}

// postfixPeer reports whether s is a peer as Postfix's TLS and connection
// lines name it: "HOST[IP]" or "HOST[IP]:PORT", or tlsproxy's and
// postscreen's "[IP]:PORT" without a name.
func postfixPeer(s string) bool {
	if postfixBracketed(s) {
		return true
	}
	host, ip, _, ok := postfixHostIP(s)
	return ok && host == "" && strings.IndexByte(s, ' ') < 0 && ecs.IsIP(ip)
}

// postfixSideProtocol is the protocol of a connection with a peer on
// side: a client (source) talks to smtpd, or tlsproxy for it, so smtp; a
// server (destination) is smtp(8)'s or lmtp(8)'s, known from the program,
// unknown ("") when a relay cut "postfix/lmtp" at the slash.
func postfixSideProtocol(prog, side string) string {
	if side == "destination" {
		return postfixProtocol(prog)
	}
	return "smtp"
}

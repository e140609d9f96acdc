package unix

import (
	"strings"

	"github.com/nomenhq/nomen/normalize/ecs"
	"github.com/nomenhq/nomen/relay/event"
)

// Lines about one connection's traffic after it was set up (serverloop.c,
// channels.c, packet.c, session.c; sshd.c of OpenSSH before 7.4):
//
//	Received request to connect to host HOST port N, but the request was denied.   (a -L forward AllowTcpForwarding refused)
//	error: connect_to HOST port N: failed.                                           (a forward sshd could not open)
//	Transferred: sent N, received M bytes                                            (LogLevel VERBOSE: a session's totals)
//	Timeout, client not responding from [user U ]ADDR port N                         (ClientAlive probes unanswered)
//	Protocol major versions differ for ADDR port N: OURS vs. THEIRS      (kex.c 8.0+: "Protocol major versions differ: 2 vs. N")
//	refused local port forward: originator ADDR port N, target HOST port N           (serverloop.c: AllowTcpForwarding, DisableForwarding)
//	refused streamlocal port forward: originator ADDR port N, target PATH
//	terminating inactive connection from [user U ]ADDR port N                       (UnusedConnectionTimeout, 9.2+)
//	Timeout, client not responding.                                                   (before 7.x)
//	Exiting on signal N                                                              (a session process killed)
//
// A forward's HOST and port are where the client asked sshd to connect:
// the destination. "sent" is what sshd sent the client, so the client's
// (the source's) bytes are the "received" ones.

// sshdConnectionNote decodes the lines above (m without "error: " and
// "[preauth]").
func sshdConnectionNote(e *event.Event, m string) bool {
	switch {
	case strings.HasPrefix(m, "Received request to connect to host "):
		r, ok := strings.CutSuffix(m[len("Received request to connect to host "):], ", but the request was denied.")
		host, port, ok2 := strings.Cut(r, " port ")
		if !ok || !ok2 || !ecs.IsDigits(port) || strings.IndexByte(host, ' ') >= 0 {
			return false
		}
		ecs.Begin(e, "sshd", "sshd.forward_denied")
		classConnDenied.Set(e, "ssh-port-forwarding-denied", ecs.OutcomeFailure)
		ecs.SetAddress(e, "destination", host)
		ecs.SetPort(e, "destination.port", port)
		return true
	case strings.HasPrefix(m, "connect_to "):
		r, ok := strings.CutSuffix(m[len("connect_to "):], ": failed.")
		host, port, ok2 := strings.Cut(r, " port ")
		if !ok || !ok2 || !ecs.IsDigits(port) || strings.IndexByte(host, ' ') >= 0 {
			return false
		}
		ecs.Begin(e, "sshd", "sshd.forward_connect_failed")
		ecs.ClassConnStart.Set(e, "ssh-forward-connect", ecs.OutcomeFailure)
		ecs.SetAddress(e, "destination", host)
		ecs.SetPort(e, "destination.port", port)
		return true
	case strings.HasPrefix(m, "Transferred: sent "):
		sent, r, _ := strings.Cut(m[len("Transferred: sent "):], ", received ")
		received, ok := strings.CutSuffix(r, " bytes")
		if !ok || !ecs.IsDigits(sent) || !ecs.IsDigits(received) {
			return false
		}
		ecs.Begin(e, "sshd", "sshd.transferred")
		classSessionInfo.Set(e, "ssh-session-transferred", "")
		ecs.SetUint(e, "destination.bytes", sent)
		ecs.SetUint(e, "source.bytes", received)
		return true
	case strings.HasPrefix(m, "Timeout, client not responding from "):
		ecs.Begin(e, "sshd", "sshd.client_timeout")
		ecs.ClassConnEnd.Set(e, "ssh-client-timeout", ecs.OutcomeFailure)
		sshdPeer(e, m[len("Timeout, client not responding from "):])
		return true
	case strings.HasPrefix(m, "Protocol major versions differ"):
		// "for ADDR port N: OURS vs. THEIRS" (sshd.c before 8.0); ": 2 vs. N" (kex.c)
		r := m[len("Protocol major versions differ"):]
		peer, versions := "", strings.TrimPrefix(r, ": ")
		if p, ok := strings.CutPrefix(r, " for "); ok {
			peer, versions = sshdCutReason(p)
		}
		_, theirs, ok := strings.Cut(versions, " vs. ")
		if !ok || len(versions) == len(r) {
			return false
		}
		ecs.Begin(e, "sshd", "sshd.protocol_mismatch")
		ecs.ClassNetInfo.Set(e, "ssh-negotiation-failed", ecs.OutcomeFailure)
		e.SetStr("sshd.reason", "Protocol major versions differ")
		if peer != "" {
			// the client's identification string (kex.c names only
			// the major numbers)
			e.SetStr("sshd.identification", theirs)
			sshdAddrPort(e, peer)
		}
		return true
	case strings.HasPrefix(m, "refused local port forward: originator "), strings.HasPrefix(m, "refused streamlocal port forward: originator "):
		return sshdForwardRefused(e, m)
	case strings.HasPrefix(m, "terminating inactive connection from "):
		// UnusedConnectionTimeout (9.2+): no channel was open for its time
		ecs.Begin(e, "sshd", "sshd.inactive_timeout")
		ecs.ClassConnEnd.Set(e, "ssh-inactive-connection-timeout", "")
		sshdPeer(e, m[len("terminating inactive connection from "):])
		return true
	case m == "Timeout, client not responding.":
		// before 7.x, without the peer
		ecs.Begin(e, "sshd", "sshd.client_timeout")
		ecs.ClassConnEnd.Set(e, "ssh-client-timeout", ecs.OutcomeFailure)
		return true
	case strings.HasPrefix(m, "Exiting on signal "):
		// serverloop.c: a session's process killed (the listener's
		// shutdown, an administrator); its connection ends with it
		n := m[len("Exiting on signal "):]
		if !ecs.IsDigits(n) {
			return false
		}
		ecs.Begin(e, "sshd", "sshd.session_signal")
		ecs.ClassSessionEnd.Set(e, "ssh-session-exit-signal", "")
		ecs.SetUint(e, "sshd.signal", n)
		return true
	}
	return sshdKexNote(e, m) || sshdSSHCom(e, m)
}

var classSessionInfo = ecs.NewClass(ecs.Cats(ecs.CatSession), ecs.TypeInfo)

// sshdForwardRefused decodes serverloop.c's refusal of a -L forward. The
// originator is what the client says the forwarded connection came from
// (its side of the tunnel), not the peer: it is kept as sshd.originator.
func sshdForwardRefused(e *event.Event, m string) bool {
	_, r, _ := strings.Cut(m, ": originator ")
	orig, target, ok := strings.Cut(r, ", target ")
	if !ok || target == "" {
		return false
	}
	ecs.Begin(e, "sshd", "sshd.forward_denied")
	classConnDenied.Set(e, "ssh-port-forwarding-denied", ecs.OutcomeFailure)
	origAddr, _, _ := strings.Cut(orig, " port ")
	e.SetStr("sshd.originator", origAddr) // empty for a streamlocal forward's
	if strings.HasPrefix(m, "refused streamlocal") {
		e.SetStr("file.path", target)
		return true
	}
	host, port, ok := strings.Cut(target, " port ")
	if !ok || !ecs.IsDigits(port) || strings.IndexByte(host, ' ') >= 0 {
		return true
	}
	ecs.SetAddress(e, "destination", host)
	ecs.SetPort(e, "destination.port", port)
	return true
}

package unix

import (
	"strings"

	"github.com/nomenhq/nomen/normalize/ecs"
	"github.com/nomenhq/nomen/relay/event"
)

// sshd's packet-layer failures that end a connection (packet.c of OpenSSH
// 3.x to 6.x, whose packet_disconnect() logs "Disconnecting: REASON"
// after the line that says what went wrong):
//
//	Read error from remote host ADDR[ port N]: STRERROR
//	Corrupted MAC on input.
//	Corrupted padlen N on input.
//	padding error: need N block N mod N
//	Bad packet length N.
//	Disconnecting: REASON                           (no peer: "Packet corrupt", "bad client public DH value")
//
// The first names the peer; the others are about the connection of the
// process that logs them (its pid), whose peer an earlier line named.

// sshdPacketError decodes the lines above (m without "error: " and
// "[preauth]"); word is m's first word.
func sshdPacketError(e *event.Event, word, m string) bool {
	switch word {
	case "Read":
		r, ok := strings.CutPrefix(m, "Read error from remote host ")
		if !ok {
			return false
		}
		peer, reason := sshdCutReason(r)
		if peer == "" || reason == "" {
			return false
		}
		ecs.Begin(e, "sshd", "sshd.read_error")
		ecs.ClassConnEnd.Set(e, "ssh-read-error", ecs.OutcomeFailure)
		e.SetStr("sshd.reason", reason)
		sshdAddrPort(e, peer)
		return true
	case "Corrupted":
		if n, ok := strings.CutPrefix(m, "Corrupted padlen "); ok {
			if n, ok = strings.CutSuffix(n, " on input."); !ok || !ecs.IsDigits(n) {
				return false
			}
			m = "Corrupted padlen on input"
		} else if strings.TrimSuffix(m, ".") != "Corrupted MAC on input" {
			return false
		}
	case "padding":
		// "padding error: need N block N mod N"
		if !strings.HasPrefix(m, "padding error: need ") || !strings.Contains(m, " block ") {
			return false
		}
	case "Bad":
		n, ok := strings.CutPrefix(strings.TrimSuffix(m, "."), "Bad packet length ")
		if !ok || !ecs.IsDigits(n) {
			return false
		}
		m = "Bad packet length"
	case "Disconnecting:":
		m = strings.TrimSpace(m[len("Disconnecting:"):])
		if m == "" {
			return false
		}
		ecs.Begin(e, "sshd", "sshd.disconnecting")
		ecs.ClassConnEnd.Set(e, "ssh-disconnect", ecs.OutcomeFailure)
		e.SetStr("sshd.reason", m)
		return true
	default:
		return false
	}
	ecs.Begin(e, "sshd", "sshd.packet_error")
	ecs.ClassConnEnd.Set(e, "ssh-packet-error", ecs.OutcomeFailure)
	e.SetStr("sshd.reason", strings.TrimSuffix(m, "."))
	return true
}

// sshdPeerGone reports whether a fatal error's text ends with the
// strerror of a connection the peer closed or lost.
func sshdPeerGone(m string) bool {
	for _, e := range [...]string{": Broken pipe", ": Connection reset by peer", ": Connection timed out", ": No route to host"} {
		if strings.HasSuffix(m, e) {
			return true
		}
	}
	return false
}

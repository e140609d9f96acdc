package parse

import (
	"strings"

	"github.com/nomenhq/nomen/relay/event"
)

// AIX's syslogd, forwarding a message it received, writes its own text
// where the HOSTNAME belongs: "<38>Sep 22 10:11:56 Message forwarded from
// aix1: sshd[4242]: Accepted ...". The host is the one named, and the rest
// is an ordinary "TAG: MSG" (rsyslog's pmaixforwardedfrom and syslog-ng
// read it so). A relay that does not (rsyslog's default parser chain)
// takes "Message" for the HOSTNAME and "forwarded" for the tag: its RFC
// 3164 forms keep the text as it was, its RFC 5424 forms write HOSTNAME
// "Message", APP-NAME "forwarded" and MSG "from aix1: sshd[4242]: ...",
// which relayedAIX reads back.

const aixForwardedPrefix = "Message forwarded from "

// aixForwarded reads "Message forwarded from HOST: " at s[i:] and returns
// the host and the index after it.
func aixForwarded(s string, i int) (host string, next int, ok bool) {
	if !strings.HasPrefix(s[i:], aixForwardedPrefix) {
		return "", i, false
	}
	return aixHost(s, i+len(aixForwardedPrefix))
}

// aixHost reads "HOST: " (or "HOST:" ending s) at s[i:].
func aixHost(s string, i int) (host string, next int, ok bool) {
	k := hostTokenEnd(s, i)
	if k-i < 2 || s[k-1] != ':' || !isHostname(s[i:k-1]) {
		return "", i, false
	}
	return s[i : k-1], skipSpaces(s, k), true
}

// relayedAIX reads back the RFC 5424 form a relay made of an AIX
// forwarded message (see above): HOSTNAME "Message", APP-NAME "forwarded",
// MSG "from HOST: TAG: text". It reports whether it did.
func (p *Parser) relayedAIX(e *event.Event) bool {
	if e.Hostname != "Message" || e.AppName != "forwarded" || e.ProcID != "" || !strings.HasPrefix(e.Message, "from ") {
		return false
	}
	m := e.Message
	host, i, ok := aixHost(m, len("from "))
	if !ok {
		return false
	}
	e.Hostname, e.AppName = host, ""
	if name, pid, end, ok := tagAt(m, i); ok {
		e.AppName, e.ProcID = name, pid
		setAppModule(e)
		i = skipSpaces(m, end)
	}
	e.Message = m[i:]
	return true
}

package parse

import (
	"strings"

	"github.com/nomenhq/nomen/relay/event"
)

// parse3164 parses s from index i (after the PRI, if any) as RFC 3164 the
// way real senders write it. The shape is
//
//	[SP] [SEQ ": " [HOST ": "]] [*|.] [TIMESTAMP [:] [ZONE[:]] [YEAR]] [HOST] [TAG] MSG
//
// where every part may be missing:
//
//   - SEQ is a Cisco IOS sequence number (event.sequence), or empty as NX-OS
//     sends it ("<190>: 2017 Mar 06 ...") and Firepower without the space
//     ("<166>:Feb 26 11:26:52 UTC: %FTD-..."); a Cisco header carries its host
//     (if any) before the timestamp, so none is looked for after it.
//   - TIMESTAMP is one of: "Mmm dd hh:mm:ss[.frac]" (any case, day padded
//     or not), the same with the year before the time (Cisco ASA), "YYYY
//     Mmm dd hh:mm:ss" (NX-OS), RFC 3339 (with or without offset), or
//     "MM/DD/YYYY:hh:mm:ss" (NetScaler). A "*" or "." before it is Cisco's
//     unsynchronised-clock marker.
//   - HOST is only looked for after a timestamp, and a token that has the
//     shape of a tag ("filterlog[72237]:", "su:", "%ASA-4-106023:",
//     "sshd[392]") is a tag, not a host: that is how a missing hostname
//     shows.
//   - TAG is "name:", "name[pid]:", "name[pid]" (no colon), "[name]:"
//     (old BSD syslogds without host and pid) or, right after the
//     timestamp, "[name]" (metalog's files; see metalogTag), where name
//     may hold "(", "/", "<", "-", "." ("su(pam_unix)", "postfix/smtpd",
//     "ansible-<stdin>"); "prog(module)" is split (setAppModule). A bare word without ":" is never taken for a tag
//     ("10.0.0.99 Use the BFG!" has no tag), but a name padded to a column
//     before its "[pid]:" is one ("sshd     [812]:", padded_tag.go). A " : " after the host is an
//     empty tag; a Cisco "%FAC-SEV-MNEMONIC:" may follow it, as it may
//     follow the "::" of an ASA with empty timestamp and device id.
//   - An RFC 5424 VERSION "1 " between the PRI and an RFC 3164 timestamp
//     ("<14>1 Dec  7 12:00:00 host ...", a sender mixing the two formats)
//     is skipped.
//   - Without PRI and without a timestamp the whole text is the message.
//   - A Solaris "[ID 123456 facility.level]" after the tag becomes MsgID.
func (p *Parser) parse3164(s string, i int, e *event.Event) {
	e.Format = FormatRFC3164
	hasPri := e.Pri != event.NoPri
	i = skipSpaces(s, i)
	i = skipVersionBeforeBSD(s, i, hasPri)

	var h header
	if j, ok := h.ciscoPrefix(s, i); ok {
		i = j
		if h.hasSeq {
			e.SetInt(FieldSequence, h.seq)
		}
		e.Hostname = h.host
	}
	if j, ok := h.stampAt(s, i); ok {
		i = j
		p.setTime(e, &h)
	} else if h.cisco {
		i, _ = uptimeAt(s, i)
	}
	i = skipSpaces(s, i)

	if !h.hasTS && !hasPri && !h.cisco {
		e.Message = s[i:]
		return
	}

	// HOST, unless a Cisco header already placed it before the timestamp.
	// An ASA or FTD behind an empty counter (": 2024 Aug 07 10:29:42 UTC
	// HOST : %FTD-...") names its host after the timestamp, before its
	// " : %" envelope; an IOS device may name it there before the
	// mnemonic ("91: *Oct  7 03:10:04: HOST %CRYPTO-..."). AIX's
	// "Message forwarded from HOST: " stands where the host does
	// (aix_forwarded.go).
	if h.hasTS && !h.cisco && i < len(s) && s[i] == 'M' {
		if host, j, ok := aixForwarded(s, i); ok {
			e.Hostname, i = host, j
		}
	}
	if e.Hostname == "" && h.hasTS && (!h.cisco || hostAfterCiscoStamp(s, i)) {
		j := tokenEnd(s, i)
		// isHostname refuses every token of a tag's shape (a final ":" or
		// "]", any "["), so a tag is never taken for the host.
		if tok := s[i:j]; tok != ":" && (isHostname(tok) || s[j-1] == ':' && isIPv6Prefix(tok)) {
			if paddedTag(s, j, tok, e) { // "NAME      [PID]: " (padded_tag.go)
				return
			}
			e.Hostname = tok
			i = skipSpaces(s, j)
			// A relay's header in front of a Cisco line: "host
			// 1234: *Mar  1 00:00:42.123: %SYS-5-..." (see
			// cisco_relayed.go).
			i = p.ciscoAfterRelay(s, i, e)
		}
	}

	// TAG
	if i < len(s) && s[i] == ':' && (i+1 == len(s) || s[i+1] == ' ' || strings.HasPrefix(s[i:], ":: %")) {
		// " : " is an empty tag (syslog-ng, squid, ASA through a relay),
		// "::" an ASA's empty timestamp and device id ("<166>:: %ASA-...");
		// only a Cisco mnemonic may follow as the real tag.
		if i+1 < len(s) && s[i+1] == ':' { // a lone ':' ends the line
			i++
		}
		i = skipSpaces(s, i+1)
		if i < len(s) && s[i] == '%' {
			i = p.tag(s, i, e)
		}
	} else if i < len(s) && s[i] == '[' && h.hasTS && !h.cisco && e.Hostname == "" && metalogTag(s, i) > i {
		j := metalogTag(s, i)
		e.AppName, i = s[i+1:j-1], j
	} else if j := p.tag(s, i, e); j > i || e.Hostname == "" {
		i = j
	} else if k := tokenEnd(s, i); paddedTag(s, k, s[i:k], e) {
		return // "HOST NAME   [PID]: " (padded_tag.go)
	}
	if e.AppName != "" {
		i = solaris(s, i, e)
	}
	e.Message = s[skipSpaces(s, i):]
}

// header holds what the RFC 3164 prefix parsers found.
type header struct {
	st       stamp
	hasTS    bool
	unsynced byte // '*' or '.' (Cisco), 0
	cisco    bool // a Cisco "SEQ: " or ": " prefix
	hasSeq   bool
	seq      int64
	host     string
}

func (p *Parser) setTime(e *event.Event, h *header) {
	if h.unsynced != 0 {
		e.Set(FieldClockUnsynced, event.Bool(true))
		if h.unsynced == '*' {
			return // the device says its time is not authoritative
		}
	}
	if t, ok := h.st.resolve(p.loc, e.Received); ok {
		e.Time = t
	} else {
		setError(e, "rfc3164: invalid timestamp")
	}
}

// stampAt reads an optional "*"/"." marker, a timestamp and its suffix at
// s[i:] and returns the index after them.
func (h *header) stampAt(s string, i int) (int, bool) {
	var marker byte
	j := i
	if j < len(s) && (s[j] == '*' || s[j] == '.') {
		marker = s[j]
		j++
	}
	h.st = stamp{}
	end, ok := anyStamp(s, j, &h.st)
	if !ok || !stampEnds(s, end) {
		return i, false
	}
	if iso := isDigit(s[j]) && s[j+4] == '-'; !iso {
		end = stampSuffix(s, end, &h.st)
	} else if end < len(s) && s[end] == ':' {
		end++
	}
	h.hasTS, h.unsynced = true, marker
	return end, true
}

// skipVersionBeforeBSD returns the index after the "1 " of "<PRI>1 Mmm dd
// hh:mm:ss": an RFC 5424 VERSION in front of an RFC 3164 timestamp. Only
// right after a PRI, and only when a timestamp follows, so a message
// that starts with "1 " keeps it.
func skipVersionBeforeBSD(s string, i int, hasPri bool) int {
	if !hasPri || i+2 >= len(s) || s[i] != '1' || s[i+1] != ' ' {
		return i
	}
	var probe header
	if _, ok := probe.stampAt(s, i+2); ok && probe.hasTS && !isDigit(s[i+2]) {
		return i + 2
	}
	return i
}

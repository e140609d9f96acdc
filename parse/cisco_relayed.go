package parse

import (
	"strings"

	"github.com/nomenhq/nomen/relay/event"
)

// Cisco IOS, IOS-XE and NX-OS headers behind a relay.
//
// A Cisco device writes its own header between the PRI and the mnemonic:
//
//	<190>4321: Jun 30 12:00:01.123: %SEC-6-...          IOS: SEQ: STAMP:
//	<190>4323: core-rtr1: Jun 30 12:00:03.789: %SEC-...  IOS: SEQ: HOST: STAMP:
//	<189>: 2026 Jun 30 12:20:04 UTC: %VSHD-...           NX-OS: ": " STAMP:
//
// Relays do not read it: they take the first word for a tag or an
// APP-NAME and put their own timestamp and host in front. What they
// write, and what is read back here, so that the line gives the event it
// gives sent directly (the device's time, sequence number and name):
//
//	rsyslog, RFC 3164:  relay 4321: Jun 30 ...: %SEC-...      (after the relay's HOSTNAME)
//	                    relay : 2026 Jun 30 ... UTC: %VSHD-...
//	syslog-ng, 3164:    relay core-rtr1: Jun 30 ...: %SEC-...  (the sequence number is gone)
//	                    relay 2026 Jun 30 ... UTC: %VSHD-...
//	rsyslog, RFC 5424:  relay 4321 - - -  Jun 30 ...: %SEC-...  (APP-NAME: the sequence number)
//	                    relay 4323 - - -  core-rtr1: Jun 30 ...: %SEC-...
//	                    relay - - - -  2026 Jun 30 ... UTC: %VSHD-...
//	syslog-ng, 5424:    relay core-rtr1 - - [meta sequenceId="4323"] Jun 30 ...: %SEC-...
//	                    relay 2026 - - [meta sequenceId=""] Jun 30 ... UTC: %VSHD-...
//
// and the same for the longer headers ("SEQ: HOST: SEQ: UPTIME:" of a
// device without a clock, ": HOST: SEQ: STAMP:" of IOS-XE with
// origin-id, "SEQ: SEQ: STAMP:" of IOS-XE's service sequence numbers, a
// WLC's "HOST: *task: STAMP:"): syslog-ng writes the second number as
// APP-NAME ("5520 - - [meta sequenceId="5512"]"), either relay the
// device's name ("asr-3 - - [meta sequenceId="8120"] 008126: 3w2d: %..."),
// rsyslog keeps "HOST: SEQ:" in MSG.
//
// Every shape is taken only when a Cisco timestamp ending in ":" (as
// Cisco's do) is followed by a "%" mnemonic: that is the device's header
// and nothing else. A "*" before the device's time (not authoritative)
// sets nomen.clock_unsynced and keeps the relay's time, as sent directly
// the receive time stands in.

// ciscoAfterRelay reads a Cisco device header at s[i:], after a relay's
// RFC 3164 HOSTNAME, sets what it holds and returns the index after it
// (i when there is none).
func (p *Parser) ciscoAfterRelay(s string, i int, e *event.Event) int {
	// Cheap exit for the usual "host prog[pid]: text": every shape but
	// "SEQ: " (a digit first) and NX-OS's ": " needs a "%" mnemonic, so
	// a line without either is no device header; the full check below
	// reads timestamps and costs more than the rest of the parse.
	if i < len(s) && !isDigit(s[i]) && s[i] != ':' && strings.IndexByte(s[i:], '%') < 0 {
		return i
	}
	var h header
	k, ok := h.ciscoPrefix(s, i)
	if !ok {
		// syslog-ng's rewrite of the NX-OS ": STAMP:" header: the stamp alone.
		return p.deviceStamp(s, i, e)
	}
	end, stamped := h.stampAt(s, k)
	if !stamped {
		if end, ok = uptimeAt(s, k); !ok && !h.hasSeq {
			return i
		}
	}
	end = skipSpaces(s, end)
	if stamped && h.host == "" {
		h.host, end = hostBeforeMnemonic(s, end)
	}
	// "relay 1234: *Mar  1 00:00:42.123: text" was read before the device's
	// name and mnemonic were required; it still is.
	if !mnemonicAt(s, end) && !(h.hasSeq && h.host == "") {
		return i
	}
	if h.hasSeq {
		e.SetInt(FieldSequence, h.seq)
	}
	if h.host != "" {
		e.Hostname = h.host
	}
	if stamped {
		p.setTime(e, &h)
	}
	return end
}

// deviceStamp reads "[*|.]STAMP: %" at s[i:] (a Cisco timestamp ending in
// ":" and a mnemonic), sets the time and returns the index of the "%", or
// i.
func (p *Parser) deviceStamp(s string, i int, e *event.Event) int {
	var h header
	end, ok := h.stampAt(s, i)
	if !ok || s[end-1] != ':' {
		return i
	}
	end = skipSpaces(s, end)
	if !mnemonicAt(s, end) {
		return i
	}
	p.setTime(e, &h)
	return end
}

// relayedCisco reads a Cisco device header at the start of an RFC 5424
// MSG whose header a relay made from it (see the shapes above): the
// sequence number or the device's name in APP-NAME, or the year of an
// NX-OS timestamp there. It reports whether it took one; Message then
// starts at the "%" mnemonic.
func (p *Parser) relayedCisco(e *event.Event) bool {
	if e.ProcID != "" || e.MsgID != "" {
		return false
	}
	m := e.Message
	sid, relayReadCisco := e.SDParam("meta", "sequenceId") // syslog-ng's sign
	app := e.AppName
	var h header
	k := 0                // where the device's time starts in m
	year := false         // APP-NAME is the year of an NX-OS stamp
	numbered := sid != "" // the device numbers its messages: an uptime may stand for the time
	switch {
	case app == "" || isDigitsOnly(app) && !relayReadCisco:
		// rsyslog: "4321 - - -  [HOST: ][SEQ: ]STAMP: %...", "4321 - - -
		// HOST: SEQ: UPTIME: %..." or "- - - -  [HOST: [SEQ: ]]STAMP: %...".
		if app != "" {
			k = skipServiceSeq(m, 0)
			h.seq, h.hasSeq = atoi(app)
			numbered = true
		}
		if host, next, found := hostBeforeSeqStamp(m, k); found {
			h.host, k = host, next
		} else if host, next, found := hostBeforeSeqUptime(m, k); found && numbered {
			h.host, k = host, next
		}
	case relayReadCisco && len(app) == 4 && sid == "" && yearAt(app, 0):
		// syslog-ng: "2026 - - [meta sequenceId=""] Jun 30 12:20:04 UTC: %..."
		// (the year of an NX-OS stamp taken for APP-NAME).
		year = true
	case relayReadCisco && isDigitsOnly(app):
		// syslog-ng: "5520 - - [meta sequenceId="5512"] Jun 30 ...: %..."
		// (IOS-XE's service sequence number taken for APP-NAME).
	case app[0] != '%' && isHostname(app):
		// "core-rtr1 - - [meta ...] [SEQ: ]STAMP: %..." (syslog-ng) or
		// "wlc-2 - - - *task: STAMP: %..." (rsyslog): the device's name
		// taken for APP-NAME.
		h.host = app
		k = skipWLCTask(m, skipServiceSeq(m, 0))
	default:
		return false
	}
	end, stamped := h.stampAt(m, k)
	switch {
	case stamped && year:
		if h.st.hasYear {
			return false
		}
		h.st.year, _ = num(app, 0, 4)
		h.st.hasYear = true
	case !stamped && numbered && !year:
		// A device without a clock: its uptime ("3w2d:"), no time, after
		// the service sequence number if the relay left it there.
		var ok bool
		if end, ok = seqUptimeAt(m, k); !ok {
			return false
		}
	case !stamped:
		return false
	}
	if m[end-1] != ':' {
		return false
	}
	end = skipSpaces(m, end)
	if stamped && h.host == "" {
		h.host, end = hostBeforeMnemonic(m, end)
	}
	if !mnemonicAt(m, end) {
		return false
	}
	if h.hasSeq {
		e.SetInt(FieldSequence, h.seq)
	}
	if h.host != "" {
		e.Hostname = h.host
	}
	if stamped {
		p.setTime(e, &h)
	}
	e.AppName = ""
	e.Message = m[end:]
	return true
}

// hostAfterCiscoStamp reports whether the token at s[i:], after a Cisco
// header's timestamp, is followed by " : %" (an ASA's or FTD's envelope)
// or " %" (IOS naming its host before the mnemonic): the device's name.
func hostAfterCiscoStamp(s string, i int) bool {
	if i >= len(s) || s[i] == '%' {
		return false // the mnemonic itself: no name before it
	}
	rest := s[tokenEnd(s, i):]
	return strings.HasPrefix(rest, " : %") || strings.HasPrefix(rest, " %")
}

// hostBeforeMnemonic reads "HOST %" at s[i:], the device's name between
// its timestamp and mnemonic ("*Oct  7 03:10:04: rtr1 %CRYPTO-..."), and
// returns it and the index of the "%"; "" and i when there is none.
func hostBeforeMnemonic(s string, i int) (string, int) {
	k := tokenEnd(s, i)
	if k+1 >= len(s) || s[k+1] != '%' || !isHostname(s[i:k]) || isDigitsOnly(s[i:k]) {
		return "", i
	}
	return s[i:k], k + 1
}

// seqUptimeAt reads an uptime at s[i:], or a "SEQ: " then an uptime
// ("008126: 3w2d:"), and returns the index after it.
func seqUptimeAt(s string, i int) (int, bool) {
	n := i
	for n < len(s) && isDigit(s[n]) {
		n++
	}
	if n > i && n+1 < len(s) && s[n] == ':' && s[n+1] == ' ' {
		if end, ok := uptimeAt(s, skipSpaces(s, n+1)); ok {
			return end, true
		}
	}
	return uptimeAt(s, i)
}

func isDigitsOnly(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !isDigit(s[i]) {
			return false
		}
	}
	return true
}

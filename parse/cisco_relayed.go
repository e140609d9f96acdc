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
	// "relay 1234: *Mar  1 00:00:42.123: text" was read before the device's
	// name and mnemonic were required; it still is.
	if (end >= len(s) || s[end] != '%') && !(h.hasSeq && h.host == "") {
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
	if end >= len(s) || s[end] != '%' {
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
	_, relayReadCisco := e.SDParam("meta", "sequenceId") // syslog-ng's sign
	app := e.AppName
	var h header
	var end int
	switch {
	case app == "" || isDigitsOnly(app) && !relayReadCisco:
		// rsyslog: "4321 - - -  [HOST: ]STAMP: %..." or "- - - -  STAMP: %...".
		k, ok := 0, false
		if app != "" {
			k = skipServiceSeq(m, 0)
		}
		if host, next, found := hostBeforeStamp(m, k, true); found {
			h.host, k = host, next
		}
		if end, ok = h.stampAt(m, k); !ok {
			return false
		}
		if app != "" {
			h.seq, h.hasSeq = atoi(app)
		}
	case relayReadCisco && len(app) == 4 && isDigitsOnly(app):
		// syslog-ng: "2026 - - [meta sequenceId=""] Jun 30 12:20:04 UTC: %..."
		// (the year of an NX-OS stamp taken for APP-NAME).
		var ok bool
		if end, ok = h.stampAt(m, 0); !ok || h.st.hasYear || !yearAt(app, 0) {
			return false
		}
		h.st.year, _ = num(app, 0, 4)
		h.st.hasYear = true
	case app[0] != '%' && isHostname(app):
		// syslog-ng: "core-rtr1 - - [meta ...] STAMP: %..." (the device's name
		// taken for APP-NAME).
		var ok bool
		if end, ok = h.stampAt(m, 0); !ok {
			return false
		}
		h.host = app
	default:
		return false
	}
	if m[end-1] != ':' {
		return false
	}
	end = skipSpaces(m, end)
	if end >= len(m) || m[end] != '%' {
		return false
	}
	if h.hasSeq {
		e.SetInt(FieldSequence, h.seq)
	}
	if h.host != "" {
		e.Hostname = h.host
	}
	p.setTime(e, &h)
	e.AppName = ""
	e.Message = m[end:]
	return true
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

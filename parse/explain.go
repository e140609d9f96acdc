package parse

import (
	"fmt"
	"strings"

	"github.com/nomenhq/nomen/relay/event"
)

// Explain describes, for a rule author (`nomen parse -trace`), how Parse
// read raw into e: the PRI, the format, and each dialect quirk that
// fired (a Cisco header, a missing hostname, a Solaris [ID] block, spaces
// removed, a "prog(module)" tag split, a relay's rewrite of a Cisco
// header). It is computed afterwards, from raw and the parsed event, with
// the parser's own helpers: Parse itself carries no tracing and costs
// nothing more for it. The notes are short sentences, in reading order.
func Explain(raw []byte, e *event.Event) []string {
	s := strings.TrimRight(string(raw), "\r\n\x00")
	var notes []string
	note := func(format string, args ...any) { notes = append(notes, fmt.Sprintf(format, args...)) }

	if t := spacesBeforePri(s); len(t) < len(s) {
		note("%d space(s) before the PRI removed", len(s)-len(t))
		s = t
	}
	pri, i, st := parsePri(s)
	switch st {
	case priOK:
		note("PRI <%d>: facility %s, severity %s", pri, event.FacilityName(pri/8), event.SeverityName(pri%8))
	case priInvalid:
		note("invalid PRI (not 0-191, or not closed): not a priority")
	default:
		note("no PRI")
	}
	switch e.Format {
	case FormatRFC5424:
		if st == priNone {
			note("format rfc5424 without its PRI (\"1 YYYY-MM-DDThh:mm:ss\" or \"1 - HOST APP PROCID MSGID SD\" signature, as a relay or file writer leaves it)")
		} else {
			note("format rfc5424 (\"<PRI>VERSION TIMESTAMP\" signature)")
		}
		notes = append(notes, explain5424(s, e)...)
	case FormatRFC3164:
		note("format rfc3164 (lenient BSD syslog)")
		notes = append(notes, explain3164(s, i, st == priOK, e)...)
	default:
		note("format %q (built by the input, not parsed)", e.Format)
	}
	notes = append(notes, explainCommon(s, e)...)
	if v, ok := e.Field(FieldParseError); ok {
		note("parse error: %s (counted in nomen_parse_failures_total)", v.Str)
	}
	return notes
}

// explain3164 re-reads the RFC 3164 prefix the way parse3164 does.
func explain3164(s string, i int, hasPri bool, e *event.Event) []string {
	var notes []string
	note := func(format string, args ...any) { notes = append(notes, fmt.Sprintf(format, args...)) }
	if j := skipSpaces(s, i); j > i {
		note("%d leading space(s) after the PRI removed (Cisco ASA sends them)", j-i)
		i = j
	}
	if j := skipVersionBeforeBSD(s, i, hasPri); j > i {
		note("RFC 5424 VERSION \"1\" before an RFC 3164 timestamp skipped (a sender mixing the formats)")
		i = j
	}
	var h header
	if j, ok := h.ciscoPrefix(s, i); ok {
		_, uptime := uptimeAt(s, j)
		switch {
		case h.hasSeq && h.host != "":
			note("Cisco IOS header: sequence number %d and host %q before the timestamp", h.seq, h.host)
		case h.hasSeq:
			note("Cisco IOS sequence number prefix %d (event.sequence)", h.seq)
		case h.host != "" && uptime:
			note("Cisco IOS header: host %q before an uptime stamp", h.host)
		case h.host != "":
			note("Cisco header: host %q before the timestamp (IOS-XE, WLC)", h.host)
		case j == i:
			note("Cisco IOS uptime stamp before the %%FAC-SEV-MNEMONIC (no sequence number)")
		default:
			note("Cisco NX-OS header (\": \" before the timestamp)")
		}
		i = j
	}
	if end, ok := h.stampAt(s, i); ok {
		note("timestamp %q", strings.TrimSpace(s[i:end]))
		switch h.unsynced {
		case '*':
			note("Cisco \"*\" before the timestamp: clock not authoritative, the receive time is used")
		case '.':
			note("Cisco \".\" before the timestamp: clock not synchronised")
		}
	} else if !hasPri && !h.cisco {
		note("no PRI and no timestamp: the whole text is the message")
		return notes
	} else {
		note("no timestamp: the receive time is used")
	}
	if h.hasTS && !h.cisco {
		switch {
		case e.Hostname != "" && strings.Contains(s, aixForwardedPrefix+e.Hostname+":"):
			note("AIX \"Message forwarded from %s:\": hostname %q", e.Hostname, e.Hostname)
		case e.Hostname != "":
			note("hostname %q", e.Hostname)
		default:
			note("no hostname: the word after the timestamp has the shape of a tag")
		}
	}
	if _, ok := e.Field(FieldSequence); ok && !h.hasSeq {
		note("Cisco device header behind a relay's header (sequence number read back)")
	}
	if e.AppName != "" {
		note("tag: program %q%s", e.AppName, pidNote(e.ProcID))
		if e.Hostname == "" && strings.Contains(s, " ["+e.AppName+"] ") {
			note("metalog's \"[program]\" without host or colon")
		}
	} else {
		note("no tag")
	}
	if e.MsgID != "" && strings.Contains(s, "[ID "+e.MsgID+" ") {
		note("Solaris [ID %s ...] block removed from the message: msgid %s", e.MsgID, e.MsgID)
	}
	return notes
}

func explain5424(s string, e *event.Event) []string {
	var notes []string
	note := func(format string, args ...any) { notes = append(notes, fmt.Sprintf(format, args...)) }
	if _, i, _ := parsePri(s); i < len(s) && s[i] == '0' {
		note("VERSION 0 accepted (some senders emit it)")
	}
	if e.SD.Len() > 0 {
		var ids []string
		for el := range e.SD.Elements() {
			ids = append(ids, el.ID)
		}
		note("structured data: %s", strings.Join(ids, ", "))
	}
	if e.AppName != "" {
		note("APP-NAME %q%s", e.AppName, pidNote(e.ProcID))
	}
	if e.AppName != "" && e.MsgID != "" && strings.Contains(s, "[ID "+e.MsgID+" ") {
		note("Solaris [ID %s ...] block after the APP-NAME: msgid %s", e.MsgID, e.MsgID)
	}
	if _, ok := e.Field(FieldSequence); ok && e.SD.Len() == 0 {
		note("Cisco device header a relay took for APP-NAME and MSG, read back")
	}
	if e.Hostname != "Message" && strings.Contains(s, " Message forwarded ") && strings.Contains(s, " from "+e.Hostname+": ") {
		note("AIX \"Message forwarded from %s:\" a relay took for HOSTNAME and APP-NAME, read back", e.Hostname)
	}
	if k := strings.Index(s, e.Message); e.Message != "" && k > 1 && s[k-1] == ' ' && s[k-2] == ' ' {
		note("spaces before MSG removed (a relay's \"- -  text\")")
	}
	return notes
}

// explainCommon reports what both parsers do.
func explainCommon(s string, e *event.Event) []string {
	var notes []string
	if v, ok := e.Field(FieldAppModule); ok {
		notes = append(notes, fmt.Sprintf("tag %s(%s) split: program %q, module %q (nomen.app_module)", e.AppName, v.Str, e.AppName, v.Str))
	}
	if v, ok := e.Field(FieldSyslogHostname); ok {
		notes = append(notes, fmt.Sprintf("syslog-ng hostname chain %q: host %q, where it was logged (log.syslog.hostname keeps the chain)", v.Str, e.Hostname))
	}
	if e.Message == "" && s != "" {
		notes = append(notes, "empty message")
	}
	return notes
}

func pidNote(pid string) string {
	if pid == "" {
		return ""
	}
	return ", pid " + pid
}

package windows

import (
	"strings"

	"github.com/nomenhq/nomen/normalize/ecs"
)

// OSSEC's and Wazuh's logcollector on Windows writes an event as one line
// of text (read_win_el.c for the 2000/2003 event log, read_win_event_channel.c
// for the event channels), its message flattened (CR, LF and TAB as spaces):
//
//	TIME WinEvtLog: CHANNEL: TYPE(ID): SOURCE: USER: DOMAIN: COMPUTER: MESSAGE
//
// TYPE is AUDIT_SUCCESS, AUDIT_FAILURE or the level (INFORMATION,
// WARNING, ERROR, CRITICAL, VERBOSE, or the level's rendered name); USER
// and DOMAIN are the record's account ("(no user)", "no domain" when it
// has none, as Security events mostly do), COMPUTER "no computer" when
// unknown. The line reaches a relay inside an OSSEC alert (csyslogd's
// default format ends with it: "ossec: Alert Level: 3; Rule: ...;
// Location: ...; TIME WinEvtLog: ...") or as the manager's archives.log
// has it ("TIME (AGENT) ADDRESS->EventChannel TIME WinEvtLog: ..."). TIME
// is the agent's local time without its zone: not read (the relay's header
// or the time received stands).

// winEvtLogMarker opens the record; before it, the alert's or archive's text.
const winEvtLogMarker = "WinEvtLog: "

// winEvtLogWindow bounds where the record may start: an alert's rule
// text and location come first.
const winEvtLogWindow = 1024

// parseWinEvtLog reads an OSSEC WinEvtLog record in m.
func (w *winEvent) parseWinEvtLog(m string) bool {
	at := winEvtLogAt(m)
	return at >= 0 && w.parseWinEvtLogFields(m[at+len(winEvtLogMarker):])
}

// parseWinEvtLogFields reads the record after its marker:
// "CHANNEL: TYPE(ID): SOURCE: USER: DOMAIN: COMPUTER: MESSAGE".
func (w *winEvent) parseWinEvtLogFields(rest string) bool {
	var f [6]string
	for i := range f {
		j := strings.Index(rest, ": ")
		if j < 0 {
			return false
		}
		f[i], rest = rest[:j], rest[j+2:]
	}
	kind, idS, ok := ecs.CutByte(f[1], '(')
	if !ok || !strings.HasSuffix(idS, ")") || !w.setCode(idS[:len(idS)-1]) {
		return false
	}
	w.road = winRoadOSSEC
	w.channel = f[0]
	switch kind {
	case "AUDIT_SUCCESS", "AUDIT_FAILURE":
		w.setAuditKeyword(kind)
		w.level = "information"
	default:
		w.setOSSECLevel(kind)
	}
	if f[2] != "no source" {
		w.provider = f[2]
	}
	if f[3] != "(no user)" && f[3] != "no user" {
		w.userName = f[3]
		if f[4] != "no domain" {
			w.userDom = f[4]
		}
	}
	if f[5] != "no computer" {
		w.computer = f[5]
	}
	if rest != "(no message)" && rest != "no message" {
		w.message = ecs.TrimSpace(rest)
		w.parseText(w.message)
	}
	return true
}

// winEvtLogAt returns where the WinEvtLog record in m starts (its
// marker), -1 if none. The record is the whole line, or what OSSEC puts
// before it, and nothing else:
//
//	[TIME ][(AGENT) ][AGENT->LOCATION ][TIME ]WinEvtLog: ...          (logcollector, archives.log)
//	Alert Level: N; Rule: N - TEXT; Location: LOC;[ LABEL: VALUE;...] TIME WinEvtLog: ...   (csyslogd)
//
// A marker anywhere else is text: another program's, or the alert's log
// of another program (an SSH user name holding "WinEvtLog: ...").
func winEvtLogAt(m string) int {
	if len(m) > winEvtLogWindow {
		m = m[:winEvtLogWindow]
	}
	s := m
	if strings.HasPrefix(s, "Alert Level: ") {
		s = ossecAlertLog(s)
	} else {
		s = ossecSkipTime(s)
		if strings.HasPrefix(s, "(") { // archives.log: "(AGENT) ADDRESS->LOCATION"
			if _, after, ok := strings.Cut(s, ") "); ok {
				s = after
			}
		}
		if word, after, ok := strings.Cut(s, " "); ok && strings.Contains(word, "->") {
			s = after
		}
	}
	s = ossecSkipTime(s)
	if !strings.HasPrefix(s, winEvtLogMarker) {
		return -1
	}
	return len(m) - len(s)
}

// ossecAlertLabels are the fields csyslogd's default format writes
// between an alert's location and its log, each "LABEL: VALUE;".
var ossecAlertLabels = []string{"srcip: ", "srccity: ", "dstcity: ", "dstip: ", "user: ",
	"Previous MD5: ", "Current MD5: ", "Previous SHA1: ", "Current SHA1: "}

// ossecAlertLog returns the log an OSSEC alert ends with (csyslogd's
// default format), "" if a is no such alert.
func ossecAlertLog(a string) string {
	_, s, ok := strings.Cut(a, "; Location: ")
	if !ok {
		return ""
	}
	if _, s, ok = strings.Cut(s, "; "); !ok {
		return ""
	}
	for i := 0; i < len(ossecAlertLabels); i++ {
		if !strings.HasPrefix(s, ossecAlertLabels[i]) {
			continue
		}
		if _, s, ok = strings.Cut(s[len(ossecAlertLabels[i]):], "; "); !ok {
			return ""
		}
	}
	return s
}

// ossecSkipTime returns s after OSSEC's "2026 Mar 03 09:14:55 " at its
// start, s itself when it has none.
func ossecSkipTime(s string) string {
	const n = len("2026 Mar 03 09:14:55 ")
	if len(s) < n || !ecs.IsDigits(s[:4]) || s[4] != ' ' || s[8] != ' ' || s[11] != ' ' ||
		s[14] != ':' || s[17] != ':' || s[20] != ' ' || !ecs.IsDigits(s[12:14]) {
		return s
	}
	return s[n:]
}

// setOSSECLevel maps the type OSSEC writes for a non-audit event to log.level.
func (w *winEvent) setOSSECLevel(kind string) {
	switch strings.ToLower(kind) {
	case "information", "informational":
		w.level = "information"
	case "warning":
		w.level = "warning"
	case "error":
		w.level = "error"
	case "critical":
		w.level = "critical"
	case "verbose":
		w.level = "verbose"
	}
}

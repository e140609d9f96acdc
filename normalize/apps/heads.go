package apps

import (
	"math"
	"strings"
	"time"

	"github.com/nomenhq/nomen/normalize/ecs"
	"github.com/nomenhq/nomen/relay/event"
)

// The line heads the sentences of one program share.

// cutVsftpd cuts vsftpd's "[Www Mmm dd hh:mm:ss yyyy ][pid N] [[user]] "
// (its own log file, or the syslog form without the date).
func cutVsftpd(m string) (string, head, bool) {
	var h head
	if len(m) > 25 && m[3] == ' ' && m[7] == ' ' && m[24] == ' ' && m[13] == ':' {
		m = m[25:] // "Mon Jul  1 10:00:00 2026 ": the time zone is not in the line
	}
	if r, ok := strings.CutPrefix(m, "[pid "); ok {
		pid, r, ok := strings.Cut(r, "] ")
		if !ok || !ecs.IsDigits(pid) {
			return "", h, false
		}
		h.pid, m = pid, r
	}
	if len(m) > 2 && m[0] == '[' {
		user, r, ok := strings.Cut(m[1:], "] ")
		if !ok {
			return "", h, false
		}
		h.user, m = user, r
	}
	return m, h, true
}

// gateVsftpdLog: sniffVsftpdLog's lines hold "[pid ".
var gateVsftpdLog = ecs.SniffGate{Marker: '['}

// sniffVsftpdLog recognises a line of vsftpd's own log file, which has
// no syslog tag: "Fri Jan 19 12:20:33 2007 [pid 27202] ...".
func sniffVsftpdLog(e *event.Event) bool {
	m := e.Message
	return e.AppName == "" && len(m) > 31 && m[3] == ' ' && m[7] == ' ' && m[13] == ':' && m[24] == ' ' &&
		strings.HasPrefix(m[25:], "[pid ")
}

// cutPureFTPd cuts pure-ftpd's "(user@host) [LEVEL] "; user is "?" before login.
func cutPureFTPd(m string) (string, head, bool) {
	var h head
	if len(m) < 4 || m[0] != '(' {
		return "", h, false
	}
	peer, r, ok := strings.Cut(m[1:], ") [")
	if !ok {
		return "", h, false
	}
	level, r, ok := strings.Cut(r, "] ")
	if !ok {
		return "", h, false
	}
	i := strings.LastIndexByte(peer, '@')
	if i < 0 {
		return "", h, false
	}
	if u := peer[:i]; u != "?" {
		h.user = u
	}
	h.addr, h.level = peer[i+1:], strings.ToLower(level)
	return r, h, true
}

var bindCategories = map[string]bool{
	"queries:": true, "security:": true, "query-errors:": true, "client:": true, "resolver:": true,
	"lame-servers:": true, "general:": true, "default:": true, "xfer-in:": true, "xfer-out:": true,
	"notify:": true, "update:": true, "update-security:": true, "rpz:": true, "dnssec:": true,
	"network:": true, "config:": true, "database:": true, "edns-disabled:": true, "zoneload:": true,
	"rate-limit:": true, "rpz-passthru:": true, "serve-stale:": true, "trust-anchor-telemetry:": true,
	"spill:": true, "cname:": true, "dispatch:": true, "unmatched:": true, "nsid:": true, "dnstap:": true,
	"delegation-only:": true, "sslkeylog:": true,
	"responses:": true, "infoblox-responses:": true, // Infoblox NIOS's
}

var bindLevels = map[string]bool{"info:": true, "notice:": true, "warning:": true, "error:": true,
	"critical:": true, "debug:": true}

// cutBind cuts named's optional "DD-Mon-YYYY HH:MM:SS.mmm CATEGORY:
// LEVEL: " (print-time, print-category, print-severity: a file channel's
// line, forwarded by a file reader). The time is named's local clock with
// no zone, so the event keeps the syslog header's or arrival time.
// Infoblox NIOS writes its own category before the time
// ("infoblox-responses: 14-Apr-2022 16:17:20.046 client ...").
func cutBind(m string) (string, head, bool) {
	var h head
	m = cutBindDate(m)
	if w, r := ecs.CutWord(m); bindCategories[w] {
		m = cutBindDate(r)
	}
	if w, r := ecs.CutWord(m); bindLevels[w] {
		h.level, m = w[:len(w)-1], r
	}
	// ns_client_log's "client [@0x7f...] " before the client's address:
	// cut here once, not an optional part of each of the catalog's
	// sentences about a client (which doubled the sequences compiled).
	if r, ok := strings.CutPrefix(m, "client "); ok {
		if strings.HasPrefix(r, "@") {
			_, r = ecs.CutWord(r)
		}
		return r, h, true
	}
	// The validator indents its sentences by the validation's depth.
	return strings.TrimLeft(m, " "), h, true
}

// cutMySQL cuts the error log head of MySQL 5.7/8 and MariaDB:
// "[DATE[ TIME]] [THREAD] [Level] [[MY-NNNNNN] [Subsystem] ]".
func cutMySQL(m string) (string, head, bool) {
	var h head
	for n := 0; n < 3 && m != "" && '0' <= m[0] && m[0] <= '9'; n++ {
		_, m = ecs.CutWord(m) // date, time, thread id
	}
	if len(m) < 3 || m[0] != '[' {
		return "", h, false
	}
	level, r, ok := strings.Cut(m[1:], "] ")
	if !ok {
		return "", h, false
	}
	h.level, m = strings.ToLower(level), r
	if strings.Count(m, "' host: '") > 1 {
		// "Aborted connection N to db: 'DB' user: 'U' host: 'H' (why)":
		// a database or user name holding a second "' host: '" would
		// name another client.
		return "", h, false
	}
	for n := 0; n < 2 && strings.HasPrefix(m, "["); n++ {
		if tag, r, ok := strings.Cut(m[1:], "] "); ok {
			if n == 0 && len(tag) > 3 && tag[:3] == "MY-" && ecs.IsDigits(tag[3:]) {
				h.code = tag // 8.0's number of the message (event.code)
			}
			m = r // "[MY-010055] [Server] "
		}
	}
	return m, h, true
}

// ecsMAC rewrites client.mac in ECS's form (upper case, hyphens).
func ecsMAC(e *event.Event) {
	if mac := e.Str("client.mac"); mac != "" {
		e.SetStr("client.mac", ecs.MAC(mac))
	}
}

// cutHAProxy cuts the "[LEVEL] (PID) : " (HAProxy 2.x) or
// "[LEVEL] DDD/HHMMSS (PID) : " (1.x) head of HAProxy's stderr lines.
func cutHAProxy(m string) (string, head, bool) {
	var h head
	if len(m) < 4 || m[0] != '[' {
		return m, h, true
	}
	level, r, ok := strings.Cut(m[1:], "]")
	i := strings.Index(r, " : ")
	if !ok || i < 0 || i > 32 || strings.IndexByte(level, ' ') >= 0 {
		return m, h, true
	}
	if pid, ok := strings.CutSuffix(r[:i], ")"); ok {
		if j := strings.LastIndexByte(pid, '('); j >= 0 && ecs.IsDigits(pid[j+1:]) {
			h.pid = pid[j+1:]
		}
	}
	h.level = strings.ToLower(level)
	return r[i+3:], h, true
}

// haproxyAfterInfo are the fields a server's sentence reads after its
// check's info (check.c: `, info: "%s"`, the server's own answer, not
// escaped).
var haproxyAfterInfo = [...]string{"haproxy.check.info", "haproxy.check.duration_ms",
	"haproxy.backend.active_servers", "haproxy.backend.backup_servers"}

// postHAProxy drops what a sentence read from and after a check's info
// that holds a '"' itself: the info ends at its own quote, and a server
// answering `a", check duration: 1ms. 9 active and 9 backup servers
// left. x` would otherwise set the duration and the servers left. The
// words after a real info hold no '"'.
func postHAProxy(e *event.Event) {
	if _, info, ok := strings.Cut(e.Message, `, info: "`); ok && strings.Count(info, `"`) > 1 {
		for _, k := range haproxyAfterInfo {
			e.Delete(k)
		}
	}
}

// gateBindLog: sniffBindLog's lines start with the day of the month.
var gateBindLog = ecs.SniffGate{First: "0123"}

// sniffBindLog recognises a line of BIND's own log file (a logging
// channel with print-time, no syslog tag): "17-Feb-2018 23:06:56.326
// queries: info: client ...", "... zoneload: info: zone ...". Its time
// is local to the server and not in the line's zone, so the received
// time stays.
func sniffBindLog(e *event.Event) bool {
	if e.AppName != "" {
		return false
	}
	w, r := ecs.CutWord(e.Message)
	if !isBindDate(w) {
		return false
	}
	t, r := ecs.CutWord(r)
	if len(t) < 8 || t[2] != ':' || t[5] != ':' {
		return false
	}
	// A channel with print-category names one of named's categories;
	// without it, the client sentences are told by their "client ".
	c, _ := ecs.CutWord(r)
	return bindCategories[c] || strings.Contains(r, "client ")
}

// cutBindDate cuts print-time's "DD-Mon-YYYY HH:MM:SS.mmm " if m starts
// with it.
func cutBindDate(m string) string {
	if w, r := ecs.CutWord(m); isBindDate(w) {
		_, m = ecs.CutWord(r) // the time of day
	}
	return m
}

// isBindDate reports whether w is print-time's date, "17-Feb-2018".
func isBindDate(w string) bool {
	if len(w) != 11 || w[2] != '-' || w[6] != '-' {
		return false
	}
	_, err := time.Parse("02-Jan-2006", w)
	return err == nil
}

// cutFail2ban cuts fail2ban's head: the level ("NOTICE  [sshd] Ban ..."),
// after its logger name and pid when the syslog tag did not hold them
// (fail2ban pads the name: "fail2ban.actions        [812]: NOTICE ..."),
// and after the time its log file's format and logtarget = STDOUT or
// STDERR put first ("2026-06-30 08:00:05,320 fail2ban.actions ...", a
// container's or a service's output forwarded under its program's name).
// That time has no zone: the syslog header's stays.
func cutFail2ban(m string) (string, head, bool) {
	var h head
	if len(m) > 24 && m[4] == '-' && m[7] == '-' && m[10] == ' ' && m[13] == ':' && m[19] == ',' &&
		m[23] == ' ' && strings.HasPrefix(m[24:], "fail2ban.") {
		m = m[24:]
	}
	if strings.HasPrefix(m, "fail2ban.") {
		name, rest := ecs.CutWord(m)
		pid, rest, ok := strings.Cut(strings.TrimLeft(rest, " "), "]: ")
		if !ok || !strings.HasPrefix(pid, "[") || !ecs.IsDigits(pid[1:]) || strings.IndexByte(name, '[') >= 0 {
			return m, h, false
		}
		h.pid, m = pid[1:], rest
	}
	level, rest := ecs.CutWord(m)
	switch level {
	case "DEBUG", "INFO", "NOTICE", "WARNING", "ERROR", "CRITICAL":
		h.level = strings.ToLower(level)
		return strings.TrimLeft(rest, " "), h, true
	}
	return m, h, false
}

// gateFail2ban: sniffFail2ban's lines start with "fail2ban.".
var gateFail2ban = ecs.SniffGate{First: "f"}

// sniffFail2ban recognises fail2ban's line whose padded logger name the
// syslog parser could not take for a tag.
func sniffFail2ban(e *event.Event) bool {
	return strings.HasPrefix(e.Message, "fail2ban.") && strings.Contains(e.Message, "]: ")
}

// cutRsyslog cuts rsyslogd's head and tail: the life-cycle sentences'
// `[origin software="rsyslogd" swVersion="8.2112.0" x-pid="812"
// x-info="https://www.rsyslog.com"] ` and the others' ` [v8.2112.0 try
// https://www.rsyslog.com/e/2007 ]` (before v8: ` [try
// http://www.rsyslog.com/e/2007 ]`; or the version alone), whose number
// is the message's (0: none).
func cutRsyslog(m string) (string, head, bool) {
	var h head
	if r, ok := strings.CutPrefix(strings.TrimLeft(m, " "), "[origin "); ok {
		attrs, body, ok := strings.Cut(r, "] ")
		if !ok || !strings.Contains(attrs, `software="rsyslogd"`) {
			return "", h, false
		}
		h.version = originAttr(attrs, "swVersion")
		if pid := originAttr(attrs, "x-pid"); ecs.IsDigits(pid) {
			h.pid = pid
		}
		return body, h, true
	}
	if !strings.HasSuffix(m, " ]") {
		return m, h, true
	}
	i := strings.LastIndex(m, " [")
	if i < 0 {
		return m, h, true
	}
	ver, url, hasURL := strings.Cut(m[i+2:len(m)-2], "try ")
	ver = strings.TrimSpace(ver)
	if hasURL {
		j := strings.LastIndex(url, "/e/")
		if j < 0 || !strings.Contains(url, "rsyslog.com") || !ecs.IsDigits(url[j+3:]) {
			return m, h, true
		}
		if code := url[j+3:]; code != "0" {
			h.code = code
		}
	} else if len(ver) < 2 || ver[0] != 'v' || ver[1] < '0' || ver[1] > '9' || strings.IndexByte(ver, ' ') >= 0 {
		return m, h, true // " [v8.37.0-9.el8 ]": the version alone
	}
	h.version = strings.TrimPrefix(ver, "v")
	return strings.TrimRight(m[:i], " "), h, true
}

// originAttr returns the value of NAME="value" in an origin head.
func originAttr(attrs, name string) string {
	_, v, ok := strings.Cut(attrs, name+`="`)
	if !ok {
		return ""
	}
	v, _, _ = strings.Cut(v, `"`)
	return v
}

// postRsyslog takes the message number that rsyslogd before v8 put in
// its tag ("rsyslogd-2177:") when the line had none of its own; the
// process is rsyslogd. The counts a regex sentence captured are numbers,
// as a pattern's are.
func postRsyslog(e *event.Event) {
	if code, ok := strings.CutPrefix(e.AppName, "rsyslogd-"); ok && ecs.IsDigits(code) {
		e.SetStr("process.name", "rsyslogd")
		if !e.Has("event.code") {
			e.SetStr("event.code", code)
		}
	}
	for _, key := range [...]string{"rsyslog.retry", "rsyslog.lost_messages"} {
		if n, ok := ecs.ParseUint(e.Str(key)); ok {
			e.SetInt(key, n)
		}
	}
	// The messages a rate limiter dropped are this report's loss: the
	// field every source's count of lost messages has (kernel.toml).
	if n, ok := e.Field("rsyslog.lost_messages"); ok && n.Type == event.TypeInt {
		e.SetInt("nomen.lost_count", n.Num)
	}
}

// cutSyslogNG cuts syslog-ng's "Sentence; tag='value', ..." (or
// "Sentence;" without tags) to its sentence; postSyslogNG reads the tags.
func cutSyslogNG(m string) (string, head, bool) {
	var h head
	if s, ok := strings.CutSuffix(m, ";"); ok {
		return s, h, true
	}
	s, tags, ok := strings.Cut(m, "; ")
	if !ok || !strings.Contains(tags, "='") {
		return "", h, false
	}
	return s, h, true
}

// postSyslogNG sets the tags of a syslog-ng message (heads.go's doc of
// syslog-ng.toml). client= is a source's peer, server= a destination's;
// local= is the other side.
func postSyslogNG(e *event.Event) {
	_, tags, _ := strings.Cut(e.Message, "; ")
	peer, local := "source", "destination"
	if strings.Contains(tags, "server='") {
		peer, local = "destination", "source"
	}
	var dropped int64
	hasDropped, badDropped := false, false
	for tags != "" {
		key, rest, ok := strings.Cut(tags, "='")
		if !ok {
			return
		}
		val, next, _ := strings.Cut(rest, "', ")
		if next == "" {
			val = strings.TrimSuffix(val, "'")
		}
		tags = next
		switch key {
		case "version":
			e.SetStr("service.version", val)
		case "client", "server":
			setSyslogNGAddr(e, peer, val)
		case "local":
			setSyslogNGAddr(e, local, val)
		case "error":
			e.SetStr("error.message", val)
		case "filename":
			e.SetStr("file.path", val)
		case "max":
			ecs.SetUint(e, "syslog_ng.max_connections", val)
		case "time_reopen":
			ecs.SetUint(e, "syslog_ng.time_reopen", val)
		case "dropped": // "Log statistics": "COUNTER(NAME)=N"
			if n, ok := syslogNGCounter(val); ok && n <= math.MaxInt64-dropped {
				dropped, hasDropped = dropped+n, true
			} else {
				badDropped = true // no sum to tell
			}
		case "processed":
			if v, ok := strings.CutPrefix(val, "center(received)="); ok {
				ecs.SetUint(e, "syslog_ng.stats.received", v)
			}
		}
	}
	if hasDropped && !badDropped {
		e.SetInt("syslog_ng.stats.dropped", dropped)
	}
}

// syslogNGCounter reads the value of a statistics entry "NAME(...)=N".
func syslogNGCounter(v string) (int64, bool) {
	i := strings.LastIndexByte(v, '=')
	if i < 0 {
		return 0, false
	}
	return ecs.ParseUint(v[i+1:])
}

// setSyslogNGAddr sets side.ip and .port from "AF_INET(192.0.2.1:514)" or
// "AF_INET6([2001:db8::1]:514)"; an unbound one (0.0.0.0, ::, port 0)
// and a UNIX socket's are no address.
func setSyslogNGAddr(e *event.Event, side, v string) {
	v, ok := strings.CutSuffix(v, ")")
	if !ok {
		return
	}
	if a, ok := strings.CutPrefix(v, "AF_INET6("); ok {
		v = a
	} else if a, ok := strings.CutPrefix(v, "AF_INET("); ok {
		v = a
	} else {
		return // AF_UNIX(/dev/log)
	}
	i := strings.LastIndexByte(v, ':')
	if i < 0 {
		return
	}
	addr, port := strings.TrimSuffix(strings.TrimPrefix(v[:i], "["), "]"), v[i+1:]
	if addr == "0.0.0.0" || addr == "::" || !ecs.IsIP(addr) {
		return
	}
	ecs.SetAddress(e, side, addr)
	if port != "0" {
		ecs.SetPort(e, side+".port", port)
	}
}

// cutDropbear cuts the "[PID] Jul 10 23:53:52 " that dropbear writes
// before each sentence on stderr (-E), which journald then forwards
// under the program's name; its time has no year or zone, so the
// syslog header's stays.
func cutDropbear(m string) (string, head, bool) {
	var h head
	if len(m) < 3 || m[0] != '[' {
		return m, h, true
	}
	pid, r, ok := strings.Cut(m[1:], "] ")
	if !ok || !ecs.IsDigits(pid) || len(r) < 16 || r[3] != ' ' || r[6] != ' ' || r[9] != ':' || r[12] != ':' || r[15] != ' ' {
		return m, h, true
	}
	h.pid = pid
	return r[16:], h, true
}

// cutRshd refuses an rshd line that holds "cmd='" more than once: the
// client's user names before the command could then hold a whole head
// of their own ("a@192.0.2.1 as root: cmd='x"), naming another host.
func cutRshd(m string) (string, head, bool) {
	return m, head{}, strings.Count(m, "cmd='") <= 1
}

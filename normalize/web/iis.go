package web

import (
	"strings"
	"time"

	"github.com/nomenhq/nomen/normalize/ecs"
	"github.com/nomenhq/nomen/relay/event"
)

// IIS logs in the W3C extended format (the default since IIS 6), read from
// the files or forwarded by an agent: header lines, then one line per
// request, its fields separated by spaces in the order the "#Fields:"
// header names them (a value's own spaces are written "+", an absent
// value "-"; date and time are UTC).
//
//	#Software: Microsoft Internet Information Services 10.0
//	#Version: 1.0
//	#Date: 2026-06-30 08:00:00
//	#Fields: date time s-ip cs-method cs-uri-stem cs-uri-query s-port cs-username c-ip cs(User-Agent) cs(Referer) sc-status sc-substatus sc-win32-status time-taken
//	2026-06-30 08:00:01 10.0.0.5 GET /index.html - 443 - 192.0.2.7 Mozilla/5.0+(Windows+NT+10.0) - 200 0 0 15
//
// The header sets the columns of its source's lines (ecs.Layouts); a line
// from a source whose header nomen has not seen is read with the columns
// of iisLayouts that have its number of fields and whose shapes it has
// (IIS's defaults, the usual wider selections, HTTP.sys's error log). HTTP requests -> web/access like Apache's
// (http.*, url.*, source.* the client, destination.* the server,
// user_agent.original, event.duration from time-taken); the SMTP service's
// protocol log (cs-version SMTP: one line per command) -> email/info,
// action smtp-command, with the MAIL FROM and RCPT TO addresses. Other
// services' lines (FTP) are left unrecognised. Every W3C log writes
// "#Version: 1.0" and "#Date: ..." lines (CloudFront, Windows Firewall,
// Exchange too), so they are IIS header lines only after an IIS
// "#Software:" or "#Fields:" line from the same source (a source nomen
// has not heard a header from leaves them unrecognised).

const iisMaxSources = 4096

type iisDecoder struct {
	layouts *ecs.Layouts[[]string]
}

func newIISDecoder() *iisDecoder {
	return &iisDecoder{layouts: ecs.NewLayouts[[]string](iisMaxSources)}
}

// iisLayouts are the columns of header-less lines nomen reads, by their
// number: IIS's defaults (IIS 7-8: 14; 8.5 and later add cs(Referer)) and
// the usual wider selections. IIS writes the fields it logs in one fixed
// order (date time s-sitename s-computername s-ip cs-method cs-uri-stem
// cs-uri-query s-port cs-username c-ip cs-version cs(User-Agent)
// cs(Cookie) cs(Referer) cs-host sc-status sc-substatus sc-win32-status
// sc-bytes cs-bytes time-taken), then its custom fields, most often
// X-Forwarded-For; each layout also comes with that one field more. A
// line is read with the first layout of its width whose shapes it has.
var iisLayouts = func() map[int][][]string {
	m := map[int][][]string{}
	for _, l := range []string{
		"date time s-ip cs-method cs-uri-stem cs-uri-query s-port cs-username c-ip " +
			"cs(user-agent) sc-status sc-substatus sc-win32-status time-taken",
		"date time s-ip cs-method cs-uri-stem cs-uri-query s-port cs-username c-ip " +
			"cs(user-agent) cs(referer) sc-status sc-substatus sc-win32-status time-taken",
		"date time s-ip cs-method cs-uri-stem cs-uri-query s-port cs-username c-ip " +
			"cs(user-agent) cs(referer) cs-host sc-status sc-substatus sc-win32-status time-taken",
		"date time s-ip cs-method cs-uri-stem cs-uri-query s-port cs-username c-ip " +
			"cs(user-agent) cs(referer) sc-status sc-substatus sc-win32-status sc-bytes cs-bytes time-taken",
		"date time s-computername s-ip cs-method cs-uri-stem cs-uri-query s-port cs-username c-ip " +
			"cs(user-agent) cs(referer) sc-status sc-substatus sc-win32-status time-taken",
		"date time s-sitename cs-method cs-uri-stem cs-uri-query s-port cs-username c-ip " +
			"cs(user-agent) cs(cookie) cs(referer) cs-host sc-status sc-substatus sc-win32-status sc-bytes cs-bytes time-taken",
		"date time s-sitename s-ip cs-method cs-uri-stem cs-uri-query s-port cs-username c-ip cs-version " +
			"cs(user-agent) cs(referer) cs-host sc-status sc-substatus sc-win32-status sc-bytes cs-bytes time-taken",
		"date time s-sitename s-computername s-ip cs-method cs-uri-stem cs-uri-query s-port cs-username c-ip cs-version " +
			"cs(user-agent) cs(cookie) cs(referer) cs-host sc-status sc-substatus sc-win32-status sc-bytes cs-bytes time-taken",
	} {
		cols := strings.Fields(l)
		m[len(cols)] = append(m[len(cols)], cols)
		xff := append(cols[:len(cols):len(cols)], "x-forwarded-for")
		m[len(xff)] = append(m[len(xff)], xff)
	}
	// HTTP.sys's error log (httperr*.log), whose fields are fixed.
	httperr := strings.Fields("date time c-ip c-port s-ip s-port cs-version cs-method cs-uri sc-status s-siteid s-reason s-queuename")
	m[len(httperr)] = append(m[len(httperr)], httperr)
	return m
}()

// iisGuessLayout returns the columns of a header-less line, or nil.
func iisGuessLayout(vals []string) []string {
	for _, cols := range iisLayouts[len(vals)] {
		if iisDefaultShape(cols, vals) {
			return cols
		}
	}
	return nil
}

// iisLineStart reports whether m starts "YYYY-MM-DD hh:mm:ss ".
func iisLineStart(m string) bool {
	if len(m) < 21 || m[4] != '-' || m[7] != '-' || m[10] != ' ' || m[13] != ':' || m[16] != ':' || m[19] != ' ' {
		return false
	}
	for _, i := range [...]int{0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15, 17, 18} {
		if m[i] < '0' || m[i] > '9' {
			return false
		}
	}
	return true
}

// gateIIS: sniffIIS takes a header ('#') or a data line (its date first),
// or a line without PRI whose date and time the parser read as its
// timestamp (iisLine looks at the original then).
var gateIIS = ecs.SniffGate{First: "#0123456789", Also: func(e *event.Event) bool { return e.Pri == event.NoPri }}

// sniffIIS recognises an IIS header or data line cheaply.
func sniffIIS(e *event.Event) bool {
	m := e.Message
	return strings.HasPrefix(m, "#Software: Microsoft Internet Information Services") ||
		strings.HasPrefix(m, "#Fields: date time ") || iisLine(e) != "" || iisNCSASMTP(m)
}

// iisLine returns the data line of e, or "". A bare line's
// "YYYY-MM-DD hh:mm:ss c-ip" reads as an RFC 3164 timestamp and host to
// the parser, which leaves the rest as the message: the line is then the
// original (a line that came with a PRI has a syslog header of its own).
func iisLine(e *event.Event) string {
	if iisLineStart(e.Message) {
		return e.Message
	}
	if e.Pri == event.NoPri && iisLineStart(e.Original) {
		return strings.TrimRight(e.Original, " \r\n\x00")
	}
	return ""
}

func (d *iisDecoder) decode(e *event.Event) bool {
	if strings.HasPrefix(e.Message, "#") {
		return d.header(e, e.Message)
	}
	m := iisLine(e)
	if m == "" {
		return iisNCSASMTP(e.Message) && decodeNCSASMTP(e)
	}
	var buf [40]string
	vals := appendFields(buf[:0], m)
	host := e.Hostname
	if m != e.Message {
		e.Hostname = "" // the parser's host is the client: the source is the sender, as for the header
	}
	cols, ok := d.layouts.Get(e)
	e.Hostname = host
	if !ok || len(cols) != len(vals) {
		if cols = iisGuessLayout(vals); cols == nil {
			return false
		}
	}
	var r iisRecord
	for i, c := range cols {
		if v := vals[i]; v != "-" {
			r.set(c, v)
		}
	}
	if !r.emit(e) {
		return false
	}
	if m != e.Message { // the parser's header was the line's first fields
		e.Hostname, e.Message = "", m
		if t, err := time.Parse("2006-01-02 15:04:05", r.date+" "+r.clock); err == nil {
			e.Time = t // UTC, not the parser's zone
		}
	}
	return true
}

// header remembers an IIS "#Fields:" line and recognises the software,
// version and date lines.
func (d *iisDecoder) header(e *event.Event, m string) bool {
	if strings.HasPrefix(m, "#Software: Microsoft Internet Information Services") {
		// The source's lines are IIS's; their columns, unknown until
		// its "#Fields:" line, are the defaults (nil). A header line
		// that comes late keeps the columns already known.
		if _, known := d.layouts.Get(e); !known {
			d.layouts.Put(e, nil)
		}
		ecs.Begin(e, "iis", "iis.header")
		return true
	}
	if v, ok := strings.CutPrefix(m, "#Version: "); ok {
		return d.versionOrDate(e, isW3CVersion(v))
	}
	if v, ok := strings.CutPrefix(m, "#Date: "); ok {
		return d.versionOrDate(e, len(v) == 19 && iisLineStart(v+" -"))
	}
	f, ok := strings.CutPrefix(m, "#Fields: ")
	if !ok || !strings.HasPrefix(f, "date time ") || strings.IndexByte(f, ',') >= 0 {
		return false
	}
	cols := strings.Fields(strings.ToLower(f))
	known := 0
	for _, c := range cols {
		if iisColumns[c] {
			known++
		}
	}
	if known < 4 { // not IIS's fields
		return false
	}
	d.layouts.Put(e, cols)
	ecs.Begin(e, "iis", "iis.header")
	e.SetInt("iis.fields", int64(len(cols)))
	return true
}

// versionOrDate recognises a "#Version:" or "#Date:" line of the shape
// IIS writes (ok) from a source whose last header was IIS's.
func (d *iisDecoder) versionOrDate(e *event.Event, ok bool) bool {
	if !ok {
		return false
	}
	if _, known := d.layouts.Get(e); !known {
		return false
	}
	ecs.Begin(e, "iis", "iis.header")
	return true
}

// isW3CVersion reports whether v is the W3C extended format's version,
// "1.0" (Exchange writes its own build there: "15.00.1104.000").
func isW3CVersion(v string) bool {
	major, minor, ok := strings.Cut(v, ".")
	return ok && len(major) == 1 && ecs.IsDigits(major) && len(minor) == 1 && ecs.IsDigits(minor)
}

// iisColumns are the W3C fields IIS writes.
var iisColumns = func() map[string]bool {
	m := map[string]bool{}
	for _, c := range strings.Fields("date time c-ip cs-username s-sitename s-computername s-ip s-port cs-method " +
		"cs-uri-stem cs-uri-query sc-status sc-substatus sc-win32-status sc-bytes cs-bytes time-taken cs-version " +
		"cs-host cs(user-agent) cs(cookie) cs(referer)") {
		m[c] = true
	}
	return m
}()

// iisDefaultShape checks a header-less line against the default columns'
// shapes: addresses, a method token, a path, numbers.
func iisDefaultShape(cols, vals []string) bool {
	for i, c := range cols {
		v := vals[i]
		switch c {
		case "s-ip", "c-ip":
			if !ecs.IsIP(v) {
				return false
			}
		case "cs-method":
			if !isToken(v) {
				return false
			}
		case "cs-uri-stem":
			if !strings.HasPrefix(v, "/") {
				return false
			}
		case "s-port", "sc-status", "sc-substatus", "sc-win32-status", "time-taken", "sc-bytes", "cs-bytes":
			if _, ok := ecs.ParseUint(v); !ok && v != "-" {
				return false
			}
		case "cs-version":
			if v != "-" && !strings.HasPrefix(v, "HTTP/") {
				return false
			}
		case "c-port":
			if _, ok := ecs.ParseUint(v); !ok {
				return false
			}
		case "cs(referer)":
			// A referrer is a URL: what is not (a cookie, a host) is
			// another column.
			if v != "-" && !strings.Contains(v, "://") {
				return false
			}
		case "x-forwarded-for":
			if v != "-" && !ecs.IsIP(v) {
				return false
			}
		}
	}
	return true
}

// appendFields splits a line at single spaces.
func appendFields(dst []string, m string) []string {
	for {
		i := strings.IndexByte(m, ' ')
		if i < 0 {
			return append(dst, m)
		}
		dst = append(dst, m[:i])
		m = m[i+1:]
	}
}

// iisRecord holds one line's values by field.
type iisRecord struct {
	date, clock, cip, user, site, computer, sip, sport, method, stem, query     string
	status, substatus, win32, sbytes, cbytes, taken, version, host, ua, referer string
	xff, cport, uri, reason                                                     string
}

func (r *iisRecord) set(col, v string) {
	switch col {
	case "date":
		r.date = v
	case "time":
		r.clock = v
	case "c-ip":
		r.cip = v
	case "cs-username":
		r.user = v
	case "s-sitename":
		r.site = v
	case "s-computername":
		r.computer = v
	case "s-ip":
		r.sip = v
	case "s-port":
		r.sport = v
	case "cs-method":
		r.method = v
	case "cs-uri-stem":
		r.stem = v
	case "cs-uri-query":
		r.query = v
	case "sc-status":
		r.status = v
	case "sc-substatus":
		r.substatus = v
	case "sc-win32-status":
		r.win32 = v
	case "sc-bytes":
		r.sbytes = v
	case "cs-bytes":
		r.cbytes = v
	case "time-taken":
		r.taken = v
	case "cs-version":
		r.version = v
	case "cs-host":
		r.host = v
	case "cs(user-agent)":
		r.ua = v
	case "cs(referer)":
		r.referer = v
	case "x-forwarded-for":
		r.xff = v
	case "c-port":
		r.cport = v
	case "cs-uri":
		r.uri = v
	case "s-reason":
		r.reason = v
	}
}

// emit sets the event's fields; false for a line of another service.
func (r *iisRecord) emit(e *event.Event) bool {
	if r.reason != "" {
		return r.emitHTTPErr(e)
	}
	smtp := strings.EqualFold(r.version, "SMTP")
	http := strings.HasPrefix(r.version, "HTTP/") || r.version == "" && strings.HasPrefix(r.stem, "/") && isToken(r.method)
	// The reply the SMTP service got on its own session has no command.
	reply := smtp && r.method == "" && r.user == "OutboundConnectionResponse"
	if !smtp && !http || r.method == "" && !reply {
		return false
	}
	ecs.Begin(e, "iis", "iis.access")
	ecs.Reserve(e, 20)
	if t, err := time.Parse("2006-01-02 15:04:05", r.date+" "+r.clock); err == nil {
		ecs.SetTimeIfNone(e, t)
	}
	if smtp && strings.HasPrefix(r.user, "OutboundConnection") {
		// The SMTP service's own session to another server: c-ip is
		// that server, cs-username says whether the line is a command
		// sent (OutboundConnectionCommand) or the reply.
		ecs.SetIP(e, "source.ip", r.sip)
		ecs.SetIP(e, "destination.ip", r.cip)
	} else {
		ecs.SetIP(e, "source.ip", r.cip)
		ecs.SetIP(e, "destination.ip", r.sip)
		if r.sport != "0" {
			ecs.SetPort(e, "destination.port", r.sport)
		}
	}
	e.SetStr("iis.site_name", r.site)
	e.SetStr("iis.computer_name", r.computer)
	ecs.SetUint(e, "iis.sub_status", r.substatus)
	ecs.SetUint(e, "iis.win32_status", r.win32)
	if ms, ok := ecs.ParseUint(r.taken); ok {
		e.SetInt("event.duration", ms*int64(time.Millisecond))
	}
	if smtp {
		iisSMTP(e, r)
		return true
	}
	ecs.SetUser(e, "user.name", r.user)
	outcome := ""
	if code, ok := ecs.ParseUint(r.status); ok && code >= 100 {
		e.SetInt("http.response.status_code", code)
		outcome = pick(code >= 400, ecs.OutcomeFailure, ecs.OutcomeSuccess)
	}
	classWebAccess.Set(e, "http-request", outcome)
	target := r.stem
	if r.query != "" {
		target += "?" + r.query
	}
	webURL(e, r.method, target, strings.TrimPrefix(r.version, "HTTP/"))
	if r.host != "" {
		webHostPort(e, r.host)
	}
	ecs.SetUint(e, "http.response.bytes", r.sbytes)
	ecs.SetUint(e, "http.request.bytes", r.cbytes)
	e.SetStr("user_agent.original", strings.ReplaceAll(r.ua, "+", " "))
	e.SetStr("http.request.referrer", r.referer)
	ecs.SetIP(e, "network.forwarded_ip", r.xff)
	return true
}

// iisSMTP reads a line of the SMTP service's protocol log: cs-method is
// the command, cs-uri-query its argument ("+FROM:+<a@b>"), sc-status the
// reply code (0 on the lines of the service's own outbound session).
func iisSMTP(e *event.Event, r *iisRecord) {
	e.SetStr("network.protocol", "smtp")
	if r.method == "" {
		// OutboundConnectionResponse: the other server's reply, its
		// text in cs-uri-query ("250+2.1.0+Sender+OK"); sc-status is 0.
		classEmailCommand.Set(e, "smtp-reply", "")
		text := strings.ReplaceAll(r.query, "+", " ")
		e.SetStr("iis.smtp.reply", text)
		if len(text) >= 3 && ecs.IsDigits(text[:3]) && (len(text) == 3 || text[3] == ' ' || text[3] == '-') {
			ecs.SetUint(e, "iis.smtp.reply_code", text[:3])
		}
		return
	}
	classEmailCommand.Set(e, "smtp-command", "")
	e.SetStr("iis.smtp.command", r.method)
	if r.status != "0" { // an OutboundConnectionCommand line's: no reply yet
		ecs.SetUint(e, "iis.smtp.reply_code", r.status)
	}
	switch strings.ToUpper(r.method) {
	case "MAIL":
		iisSMTPAddress(e, "email.from.address", r.query, "FROM:")
	case "RCPT":
		iisSMTPAddress(e, "email.to.address", r.query, "TO:")
	}
}

// iisSMTPAddress adds the address of "+FROM:+<a@b>" to key. The "+" that
// stand for spaces are around it; one inside the address is its own.
func iisSMTPAddress(e *event.Event, key, arg, verb string) {
	arg = strings.TrimLeft(arg, "+ ")
	if len(arg) < len(verb) || !strings.EqualFold(arg[:len(verb)], verb) {
		return
	}
	if a := ecs.TrimAngle(strings.TrimLeft(arg[len(verb):], "+ ")); a != "" {
		e.AddToList(key, a)
	}
}

var classEmailCommand = ecs.NewClass(ecs.Cats(ecs.CatEmail), ecs.TypeInfo)

func pick(cond bool, yes, no string) string {
	if cond {
		return yes
	}
	return no
}

// emitHTTPErr sets the fields of an HTTP.sys error log line: a request or
// connection the kernel driver refused or dropped before IIS saw it
// (s-reason: BadRequest, Timer_ConnectionIdle, URL, Forbidden...).
func (r *iisRecord) emitHTTPErr(e *event.Event) bool {
	if !ecs.IsIP(r.cip) || !ecs.IsIP(r.sip) {
		return false
	}
	ecs.Begin(e, "iis", "iis.httperr")
	if t, err := time.Parse("2006-01-02 15:04:05", r.date+" "+r.clock); err == nil {
		ecs.SetTimeIfNone(e, t)
	}
	ecs.SetIP(e, "source.ip", r.cip)
	ecs.SetPort(e, "source.port", r.cport)
	ecs.SetIP(e, "destination.ip", r.sip)
	ecs.SetPort(e, "destination.port", r.sport)
	if code, ok := ecs.ParseUint(r.status); ok && code >= 100 {
		e.SetInt("http.response.status_code", code)
	}
	classWebError.Set(e, "http-error", ecs.OutcomeFailure)
	e.SetStr("event.reason", r.reason)
	if r.method != "" {
		e.SetStr("http.request.method", r.method)
	}
	e.SetStr("url.original", r.uri)
	e.SetStr("http.version", strings.TrimPrefix(r.version, "HTTP/"))
	return true
}

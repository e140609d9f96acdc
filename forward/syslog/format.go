package syslog

import (
	"slices"
	"strconv"
	"strings"

	"github.com/nomenhq/nomen/forward"
	"github.com/nomenhq/nomen/relay/event"
)

// Payload formats of the syslog sink. All but raw are RFC 5424 messages:
//
//	<PRI>1 TIMESTAMP HOSTNAME APP-NAME PROCID MSGID STRUCTURED-DATA MSG
//
// with the header taken from the event (PRI 13, user.notice, when the
// event had none; 12, user.warning, for alerts), TIMESTAMP its @timestamp
// in UTC with up to microseconds, and MSG:
//
//   - rfc5424: the event's message; STRUCTURED-DATA is the original
//     message's elements followed by [nomen@32473 ...] holding the fields
//     nomen's decoders set, one PARAM per field named by its ECS key
//     (event.category="authentication"; list values joined by ","; keys
//     longer than the 32 characters RFC 5424 allows are left out: use the
//     json format to carry every field). 32473 is the private enterprise
//     number RFC 5612 reserves for documentation; receivers match on the
//     name "nomen".
//   - json: the ECS JSON document; STRUCTURED-DATA is "-".
//   - cef: an ArcSight CEF record (see appendCEF); STRUCTURED-DATA is "-".
//
// raw is the original message as received, byte for byte.

// nomenSDID is the SD-ID of the element holding normalized fields.
const nomenSDID = "nomen@32473"

// syslogFormatter renders events; it keeps scratch space (one per sink).
type syslogFormatter struct {
	format string
	enc    event.Encoder
	fields []event.Field
}

// appendMessage appends the syslog message (without framing) for e.
func (f *syslogFormatter) appendMessage(dst []byte, e *event.Event) []byte {
	if f.format == "raw" {
		return append(dst, e.Original...)
	}
	dst = appendHeader5424(dst, e)
	switch f.format {
	case "rfc5424":
		dst = f.appendSD(dst, e)
		if e.Message != "" {
			dst = append(dst, ' ')
			dst = append(dst, e.Message...)
		}
	case "json":
		dst = append(dst, " - "...)
		dst = f.enc.AppendJSON(dst, e)
	case "cef":
		dst = append(dst, " - "...)
		dst = appendCEF(dst, e)
	}
	return dst
}

// appendHeader5424 appends "<PRI>1 TIMESTAMP HOST APP PROCID MSGID".
func appendHeader5424(dst []byte, e *event.Event) []byte {
	pri := int(e.Pri)
	if pri < 0 || pri > 191 {
		pri = 13
		if e.Kind() == "alert" {
			pri = 12
		}
	}
	dst = append(dst, '<')
	dst = strconv.AppendInt(dst, int64(pri), 10)
	dst = append(dst, ">1 "...)
	dst = forward.EventTime(e.Time, e.Received).UTC().AppendFormat(dst, "2006-01-02T15:04:05.999999Z07:00")
	dst = append(dst, ' ')
	host := e.Hostname
	if v, ok := e.Field("host.name"); ok && v.Type == event.TypeString {
		host = v.Str
	}
	dst = appendHeaderField(dst, host, 255)
	dst = append(dst, ' ')
	dst = appendHeaderField(dst, e.AppName, 48)
	dst = append(dst, ' ')
	dst = appendHeaderField(dst, e.ProcID, 128)
	dst = append(dst, ' ')
	return appendHeaderField(dst, e.MsgID, 32)
}

// appendHeaderField appends a header field: "-" when empty, else at most
// max printable US-ASCII characters, anything else replaced by '_'.
func appendHeaderField(dst []byte, s string, max int) []byte {
	if s == "" || s == "-" {
		return append(dst, '-')
	}
	if len(s) > max {
		s = s[:max]
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c <= ' ' || c >= 0x7f {
			c = '_'
		}
		dst = append(dst, c)
	}
	return dst
}

// appendSD appends " " + the original structured data and the nomen
// element, or " -" when there is neither.
func (f *syslogFormatter) appendSD(dst []byte, e *event.Event) []byte {
	f.fields = append(f.fields[:0], e.Fields...)
	slices.SortStableFunc(f.fields, func(a, b event.Field) int { return strings.Compare(a.Key, b.Key) })
	n := 0
	for i, fl := range f.fields {
		// A key set twice keeps its last value (event.Set appends).
		if validParamName(fl.Key) && (i+1 == len(f.fields) || f.fields[i+1].Key != fl.Key) {
			f.fields[n] = fl
			n++
		}
	}
	fields := f.fields[:n]
	dst = append(dst, ' ')
	if e.SD.Len() == 0 && len(fields) == 0 {
		clear(f.fields)
		return append(dst, '-')
	}
	for el := range e.SD.Elements() {
		if el.ID == nomenSDID {
			continue // ours from an upstream nomen: replaced by this one's
		}
		dst = append(dst, '[')
		dst = append(dst, el.ID...)
		for p := range el.Params() {
			dst = appendSDParam(dst, p.Name, event.String(p.Value))
		}
		dst = append(dst, ']')
	}
	if len(fields) > 0 {
		dst = append(dst, '[')
		dst = append(dst, nomenSDID...)
		for _, fl := range fields {
			dst = appendSDParam(dst, fl.Key, fl.Val)
		}
		dst = append(dst, ']')
	}
	clear(f.fields) // do not pin the event's strings
	return dst
}

// validParamName: 1-32 printable US-ASCII characters except '=', ' ', ']', '"'.
func validParamName(s string) bool {
	if len(s) == 0 || len(s) > 32 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c <= ' ' || c >= 0x7f || c == '=' || c == ']' || c == '"' {
			return false
		}
	}
	return true
}

// appendSDParam appends ` name="value"` with '"', '\' and ']' escaped.
func appendSDParam(dst []byte, name string, v event.Value) []byte {
	dst = append(dst, ' ')
	dst = append(dst, name...)
	dst = append(dst, '=', '"')
	mark := len(dst)
	dst = appendValueText(dst, v)
	// Escape in place, from the end, only if needed (rare).
	extra := 0
	for _, c := range dst[mark:] {
		if c == '"' || c == '\\' || c == ']' {
			extra++
		}
	}
	if extra > 0 {
		n := len(dst)
		dst = append(dst, make([]byte, extra)...)
		w := len(dst)
		for r := n - 1; r >= mark; r-- {
			c := dst[r]
			w--
			dst[w] = c
			if c == '"' || c == '\\' || c == ']' {
				w--
				dst[w] = '\\'
			}
		}
	}
	return append(dst, '"')
}

// appendValueText appends the text form of v (Value.String without
// allocating): list items joined by ",".
func appendValueText(dst []byte, v event.Value) []byte {
	switch v.Type {
	case event.TypeString, event.TypeJSON:
		return append(dst, v.Str...)
	case event.TypeInt:
		return strconv.AppendInt(dst, v.Num, 10)
	case event.TypeFloat:
		return strconv.AppendFloat(dst, v.F, 'f', -1, 64)
	case event.TypeBool:
		return strconv.AppendBool(dst, v.Num != 0)
	case event.TypeStrings:
		for i, s := range v.List {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = append(dst, s...)
		}
		return dst
	}
	return append(dst, v.String()...)
}

// CEF (ArcSight Common Event Format, "Implementing ArcSight CEF" rev. 25):
//
//	CEF:0|nomen|nomen|<nomen version>|<signature id>|<name>|<severity>|<extension>
//
// signature id: event.code, else rule.id, else event.action, else the
// program name, else "unknown". name: rule.name, else event.action, else
// the message's first 128 bytes, else "event". severity (0-10) from the
// syslog severity: emergency 10, alert 9, critical 8, error 7, warning 5,
// notice 3, informational 1, debug 0; 7 for an alert without one, 1 for
// anything else. Header fields escape '\' and '|' with a backslash and
// turn line breaks into spaces.
//
// The extension is key=value pairs separated by spaces, in the order of
// cefKeys, for the ECS fields the event has; values escape '\' and '=' with
// a backslash, and CR and LF as \r and \n.
var cefKeys = [...]struct{ cef, ecs string }{
	{"rt", "@timestamp"}, // milliseconds since the epoch
	{"act", "event.action"},
	{"outcome", "event.outcome"},
	{"cat", "event.category"},
	{"externalId", "event.id"},
	{"src", "source.ip"},
	{"spt", "source.port"},
	{"shost", "source.domain"},
	{"smac", "source.mac"},
	{"dst", "destination.ip"},
	{"dpt", "destination.port"},
	{"dhost", "destination.domain"},
	{"dmac", "destination.mac"},
	{"suser", "user.name"},
	{"suid", "user.id"},
	{"sntdom", "user.domain"},
	{"duser", "user.target.name"},
	{"duid", "user.target.id"},
	{"proto", "network.transport"},
	{"app", "network.protocol"},
	{"dvchost", "host.name"},
	{"deviceProcessName", "process.name"},
	{"dvcpid", "process.pid"},
	{"sproc", "process.parent.name"},
	{"fname", "file.name"},
	{"filePath", "file.path"},
	{"request", "url.original"},
	{"requestMethod", "http.request.method"},
	{"requestClientApplication", "user_agent.original"},
	{"deviceFacility", "log.syslog.facility.name"},
	{"cs1", "rule.name"}, // with cs1Label=rule.name
	{"msg", "message"},
}

var cefSeverity = [8]byte{10, 9, 8, 7, 5, 3, 1, 0}

// appendCEF appends e as a CEF record.
func appendCEF(dst []byte, e *event.Event) []byte {
	dst = append(dst, "CEF:0|nomen|nomen|"...)
	dst = appendCEFHeader(dst, forward.ProductVersion())
	dst = append(dst, '|')
	sig := firstStr(e, "event.code", "rule.id", "event.action")
	if sig == "" {
		sig = e.AppName
	}
	if sig == "" {
		sig = "unknown"
	}
	dst = appendCEFHeader(dst, sig)
	dst = append(dst, '|')
	name := firstStr(e, "rule.name", "event.action")
	if name == "" {
		name = forward.TruncateUTF8(e.Message, 128)
	}
	if name == "" {
		name = "event"
	}
	dst = appendCEFHeader(dst, name)
	dst = append(dst, '|')
	sev := 1
	switch {
	case e.Severity() >= 0:
		sev = int(cefSeverity[e.Severity()])
	case e.Kind() == "alert":
		sev = 7
	}
	dst = strconv.AppendInt(dst, int64(sev), 10)
	dst = append(dst, '|')
	first := true
	for _, k := range cefKeys {
		var v event.Value
		var ok bool
		if k.cef == "rt" {
			v, ok = event.Int(forward.EventTime(e.Time, e.Received).UnixMilli()), true
		} else if k.cef == "msg" {
			v, ok = event.String(e.Message), e.Message != ""
		} else {
			v, ok = e.Get(k.ecs)
		}
		if !ok {
			continue
		}
		if !first {
			dst = append(dst, ' ')
		}
		first = false
		if k.cef == "cs1" {
			dst = append(dst, "cs1Label=rule.name "...)
		}
		dst = append(dst, k.cef...)
		dst = append(dst, '=')
		mark := len(dst)
		dst = appendValueText(dst, v)
		dst = escapeCEFExt(dst, mark)
	}
	return dst
}

func firstStr(e *event.Event, keys ...string) string {
	for _, k := range keys {
		if v, ok := e.Field(k); ok && v.Type == event.TypeString && v.Str != "" {
			return v.Str
		}
	}
	return ""
}

func appendCEFHeader(dst []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '\\', '|':
			dst = append(dst, '\\', c)
		case '\r', '\n':
			dst = append(dst, ' ')
		default:
			dst = append(dst, c)
		}
	}
	return dst
}

// escapeCEFExt escapes dst[mark:] as a CEF extension value.
func escapeCEFExt(dst []byte, mark int) []byte {
	extra := 0
	for _, c := range dst[mark:] {
		switch c {
		case '\\', '=', '\r', '\n':
			extra++
		}
	}
	if extra == 0 {
		return dst
	}
	n := len(dst)
	dst = append(dst, make([]byte, extra)...)
	w := len(dst)
	for r := n - 1; r >= mark; r-- {
		c := dst[r]
		switch c {
		case '\\', '=':
			w -= 2
			dst[w], dst[w+1] = '\\', c
		case '\r':
			w -= 2
			dst[w], dst[w+1] = '\\', 'r'
		case '\n':
			w -= 2
			dst[w], dst[w+1] = '\\', 'n'
		default:
			w--
			dst[w] = c
		}
	}
	return dst
}

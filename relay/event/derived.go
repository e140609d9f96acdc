package event

import (
	"strconv"
	"strings"
)

// Derived fields are computed from the typed part of the event instead of
// being stored: they cost nothing until a filter or an encoder asks for them.
// A decoder-set field with the same key wins.

var facilityNames = [...]string{
	"kern", "user", "mail", "daemon", "auth", "syslog", "lpr", "news",
	"uucp", "cron", "authpriv", "ftp", "ntp", "security", "console", "solaris-cron",
	"local0", "local1", "local2", "local3", "local4", "local5", "local6", "local7",
}

var severityNames = [...]string{
	"emergency", "alert", "critical", "error", "warning", "notice", "informational", "debug",
}

// FacilityName returns the conventional name of facility code f ("" if out of range).
func FacilityName(f int) string {
	if f < 0 || f >= len(facilityNames) {
		return ""
	}
	return facilityNames[f]
}

// SeverityName returns the ECS name of severity code s ("" if out of range).
func SeverityName(s int) string {
	if s < 0 || s >= len(severityNames) {
		return ""
	}
	return severityNames[s]
}

// FacilityCode returns the code for a facility name, -1 if unknown.
func FacilityCode(name string) int {
	for i, n := range facilityNames {
		if n == name {
			return i
		}
	}
	return -1
}

// SeverityCode returns the code for a severity name (also the short forms
// syslog configs use: emerg, crit, err, warn, info), -1 if unknown.
func SeverityCode(name string) int {
	switch name {
	case "emerg", "panic":
		return 0
	case "crit":
		return 2
	case "err":
		return 3
	case "warn":
		return 4
	case "info":
		return 6
	}
	for i, n := range severityNames {
		if n == name {
			return i
		}
	}
	return -1
}

// Derived keys in byte order, the order AppendJSON merges them in.
const (
	dTimestamp = iota
	dECSVersion
	dEventCreated
	dEventKind
	dEventOriginal
	dHostName
	dSyslogAppname
	dSyslogFacilityCode
	dSyslogFacilityName
	dSyslogHostname
	dSyslogMsgid
	dSyslogPriority
	dSyslogProcid
	dSyslogSeverityCode
	dSyslogSeverityName
	dSyslogSD
	dMessage
	dNomenFormat
	dNomenID
	dNomenInput
	dNomenPeer
	dNomenTruncated
	dObserverHostname
	dObserverProduct
	dObserverType
	dProcessName
	dProcessPID
	numDerived
)

var derivedKeys = [numDerived]string{
	dTimestamp:          "@timestamp",
	dECSVersion:         "ecs.version",
	dEventCreated:       "event.created",
	dEventKind:          "event.kind",
	dEventOriginal:      "event.original",
	dHostName:           "host.name",
	dSyslogAppname:      "log.syslog.appname",
	dSyslogFacilityCode: "log.syslog.facility.code",
	dSyslogFacilityName: "log.syslog.facility.name",
	dSyslogHostname:     "log.syslog.hostname",
	dSyslogMsgid:        "log.syslog.msgid",
	dSyslogPriority:     "log.syslog.priority",
	dSyslogProcid:       "log.syslog.procid",
	dSyslogSeverityCode: "log.syslog.severity.code",
	dSyslogSeverityName: "log.syslog.severity.name",
	dSyslogSD:           "log.syslog.structured_data",
	dMessage:            "message",
	dNomenFormat:        "nomen.format",
	dNomenID:            "nomen.id",
	dNomenInput:         "nomen.input",
	dNomenPeer:          "nomen.peer",
	dNomenTruncated:     "nomen.truncated",
	dObserverHostname:   "observer.hostname",
	dObserverProduct:    "observer.product",
	dObserverType:       "observer.type",
	dProcessName:        "process.name",
	dProcessPID:         "process.pid",
}

var derivedIndex = func() map[string]int {
	m := make(map[string]int, numDerived)
	for i, k := range derivedKeys {
		m[k] = i
	}
	return m
}()

// derived returns derived field d of e, with ok=false when e has no such value.
// observer is the relay's host name (empty outside an encoder).
// Long because it is the table of derived fields, a case each.
func (e *Event) derived(d int, observer string) (scalar, bool) {
	switch d {
	case dTimestamp:
		if e.Time.IsZero() {
			return scalar{}, false
		}
		return scalar{typ: typeTime, num: e.Time.UnixNano()}, true
	case dECSVersion:
		return scalar{typ: TypeString, str: ECSVersion}, true
	case dEventCreated:
		if e.Received.IsZero() {
			return scalar{}, false
		}
		return scalar{typ: typeTime, num: e.Received.UnixNano()}, true
	case dEventKind:
		return scalar{typ: TypeString, str: "event"}, true
	case dEventOriginal:
		return str(e.Original)
	case dHostName:
		return str(e.Hostname)
	case dSyslogAppname:
		return str(e.AppName)
	case dSyslogFacilityCode:
		if e.Pri < 0 {
			return scalar{}, false
		}
		return scalar{typ: TypeInt, num: int64(e.Facility())}, true
	case dSyslogFacilityName:
		return str(FacilityName(e.Facility()))
	case dSyslogHostname:
		return str(e.Hostname)
	case dSyslogMsgid:
		return str(e.MsgID)
	case dSyslogPriority:
		if e.Pri < 0 {
			return scalar{}, false
		}
		return scalar{typ: TypeInt, num: int64(e.Pri)}, true
	case dSyslogProcid:
		return str(e.ProcID)
	case dSyslogSeverityCode:
		if e.Pri < 0 {
			return scalar{}, false
		}
		return scalar{typ: TypeInt, num: int64(e.Severity())}, true
	case dSyslogSeverityName:
		return str(SeverityName(e.Severity()))
	case dSyslogSD:
		if e.SD.p == nil {
			return scalar{}, false
		}
		return scalar{typ: typeSD}, true // encoded straight from e.SD
	case dMessage:
		return str(e.Message)
	case dNomenFormat:
		return str(e.Format)
	case dNomenID:
		// The journal position: findings list the events they come from
		// by it (nomen.finding.events).
		// A keyword, like the references to it, written without an allocation.
		if e.ID == 0 {
			return scalar{}, false
		}
		return scalar{typ: typeNumString, num: int64(e.ID)}, true
	case dNomenInput:
		return str(e.Input)
	case dNomenPeer:
		return str(e.Peer)
	case dNomenTruncated:
		if e.Flags&Truncated == 0 {
			return scalar{}, false
		}
		return scalar{typ: TypeBool, num: 1}, true
	case dObserverHostname:
		return str(observer)
	case dObserverProduct:
		return scalar{typ: TypeString, str: "nomen"}, true
	case dObserverType:
		return scalar{typ: TypeString, str: "relay"}, true
	case dProcessName:
		return str(e.processName())
	case dProcessPID:
		if e.Flags&TagNotProcess != 0 {
			return scalar{}, false
		}
		if n, ok := e.ProcessPID(); ok {
			return scalar{typ: TypeInt, num: n}, true
		}
	}
	return scalar{}, false
}

// processName is the program the syslog tag names: "" for a Cisco
// "%ASA-4-106023:" tag (a message id, not a program) or a tag that is not a
// process; the last element of an absolute path ("/usr/sbin/sshd[123]:",
// a program that logs its argv[0]). The path stays in log.syslog.appname
// and is not process.executable: it is what the program wrote, not always
// a file (Debian's cron logs as "/USR/SBIN/CRON"). Other tags with '/'
// ("postfix/smtpd") are names as they stand.
func (e *Event) processName() string {
	name := e.AppName
	if e.Flags&TagNotProcess != 0 || len(name) > 0 && name[0] == '%' {
		return ""
	}
	if len(name) > 1 && name[0] == '/' && name[len(name)-1] != '/' {
		return name[strings.LastIndexByte(name, '/')+1:]
	}
	return name
}

func str(s string) (scalar, bool) { return scalar{typ: TypeString, str: s}, s != "" }

// scalar is a derived value: a Value without the fields that derived values
// never use, cheap enough to return in registers.
type scalar struct {
	typ Type
	str string
	num int64
}

// Internal types: typeTime holds Unix nanoseconds in Num and leaves the
// package as an RFC 3339 string; typeSD stands for the event's structured
// data, encoded without an intermediate copy.
const (
	typeTime      Type = 255
	typeSD        Type = 254
	typeNumString Type = 253 // Num written as a JSON string
)

// Get returns the value of key: a decoder-set field, else a derived one
// (@timestamp, message, host.name, log.syslog.*, process.name, ...).
func (e *Event) Get(key string) (Value, bool) {
	if v, ok := e.Field(key); ok {
		return v, true
	}
	return e.Derived(key)
}

// Derivable reports whether Derived may know key: Get of any other key is
// Field, so callers that look a key up often can skip Derived for it.
func Derivable(key string) bool {
	d, ok := derivedIndex[key]
	return ok && d != dObserverHostname
}

// Derived returns the value key has from the typed part of the event (the
// syslog header, times, input), ignoring what decoders set: Get for a
// caller that already knows no decoder set key.
func (e *Event) Derived(key string) (Value, bool) {
	d, ok := derivedIndex[key]
	if !ok || d == dObserverHostname {
		return Value{}, false
	}
	sc, ok := e.derived(d, "")
	v := Value{Type: sc.typ, Str: sc.str, Num: sc.num}
	switch v.Type {
	case typeTime:
		v = String(string(appendTime(nil, v.Num)))
	case typeSD:
		v = RawJSON(string(appendSD(nil, e.SD)))
	case typeNumString:
		v = String(strconv.FormatInt(v.Num, 10))
	}
	return v, ok
}

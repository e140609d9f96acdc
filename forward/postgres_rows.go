package forward

import (
	"net/netip"
	"strconv"
	"strings"
	"time"

	"github.com/nomenhq/nomen/relay/event"
)

// How an event becomes a row of <schema>.events_data: typed columns,
// dictionary strings, and the document of what is left (see
// postgres_schema.go for the view that puts it back together).

// pgRow is one event's row while a batch is written.
type pgRow struct {
	time     time.Time
	received time.Time
	ids      [numDictKinds]int64 // 0: NULL
	outcome  string
	ip       netip.Addr
	params   []string
	rawHead  string
	raw      string
	hasHead  bool
	hasRaw   bool
	flags    int16
	ev       *event.Event
	omit     uint32 // omit bits: document keys the columns hold
	pri      int16
	journal  uint64
	strs     [numDictKinds]string // values to look up (templates: span in tmpl)
	tmplSpan [2]int
	hasTmpl  bool
	nparams  int
}

// Row flags: which fields of the document the view rebuilds from columns
// (see assemble in postgres_schema.go).
const (
	flagSyslogHost  = 1 << iota // log.syslog.hostname = host
	flagProcessName             // process.name = program
	flagTimestamp               // @timestamp = time
	flagCreated                 // event.created = received
	flagPri                     // log.syslog.priority, facility.*, severity.* from pri
	flagPID                     // process.pid = log.syslog.procid as a number
	flagObserver                // observer.product = "nomen", observer.type = "relay"
	flagKind                    // event.kind = "event"
)

// Keys the document leaves out when the row holds them (omit bits).
const (
	omitHost = 1 << iota
	omitSyslogHost
	omitProgram
	omitProcessName
	omitUser
	omitCategory
	omitAction
	omitOutcome
	omitSourceIP
	omitMessage
	omitOriginal
	omitTimestamp
	omitCreated
	omitPri
	omitPID
	omitObserverHost
	omitObserverConst
	omitKind
)

// omitBit maps a document key to its omit bit (0: always kept).
func omitBit(key string) uint32 {
	switch key {
	case "host.name":
		return omitHost
	case "log.syslog.hostname":
		return omitSyslogHost
	case "log.syslog.appname":
		return omitProgram
	case "process.name":
		return omitProcessName
	case "user.name":
		return omitUser
	case "event.category":
		return omitCategory
	case "event.action":
		return omitAction
	case "event.outcome":
		return omitOutcome
	case "source.ip":
		return omitSourceIP
	case "message":
		return omitMessage
	case "event.original":
		return omitOriginal
	case "@timestamp":
		return omitTimestamp
	case "event.created":
		return omitCreated
	case "log.syslog.priority", "log.syslog.facility.code", "log.syslog.facility.name",
		"log.syslog.severity.code", "log.syslog.severity.name":
		return omitPri
	case "process.pid":
		return omitPID
	case "observer.hostname":
		return omitObserverHost
	case "observer.product", "observer.type":
		return omitObserverConst
	case "event.kind":
		return omitKind
	}
	return 0
}

// omit is the document encoder's Omit: it consults the row being encoded.
func (l *copyLane) omit(key string) bool {
	return l.cur.omit&omitBit(key) != 0
}

// str returns the string value of key as the JSON document has it (a
// decoder's field, else the derived one).
func str(e *event.Event, key string) (string, bool) {
	v, ok := e.Get(key)
	if !ok || v.Type != event.TypeString {
		return "", false
	}
	return v.Str, true
}

func num(e *event.Event, key string) (int64, bool) {
	v, ok := e.Get(key)
	if !ok || v.Type != event.TypeInt {
		return 0, false
	}
	return v.Num, true
}

// prepare computes each event's row but the dictionary ids and the
// document: which values go to columns, and which document fields the view
// can rebuild from them exactly (everything else stays in the document).
func (s *Postgres) prepare(batch []*event.Event) {
	s.rows = s.rows[:0]
	s.params = s.params[:0]
	s.tmpl = s.tmpl[:0]
	for _, e := range batch {
		s.rows = append(s.rows, pgRow{})
		r := &s.rows[len(s.rows)-1]
		r.ev = e
		r.time = eventTime(e.Time, e.Received)
		r.received = e.Received
		r.journal = e.ID

		host, _ := str(e, "host.name")
		if host != "" {
			r.strs[dictHost], r.omit = host, r.omit|omitHost
		}
		if v, ok := str(e, "log.syslog.hostname"); ok && host != "" && v == host {
			r.flags, r.omit = r.flags|flagSyslogHost, r.omit|omitSyslogHost
		}
		program, _ := str(e, "log.syslog.appname")
		if program != "" {
			r.strs[dictProgram], r.omit = program, r.omit|omitProgram
		}
		if v, ok := str(e, "process.name"); ok && program != "" && v == program {
			r.flags, r.omit = r.flags|flagProcessName, r.omit|omitProcessName
		}
		if v, ok := e.Field("user.name"); ok && v.Type == event.TypeString && v.Str != "" {
			r.strs[dictUser], r.omit = v.Str, r.omit|omitUser
		}
		if v, ok := e.Field("event.action"); ok && v.Type == event.TypeString && v.Str != "" {
			r.strs[dictAction], r.omit = v.Str, r.omit|omitAction
		}
		if v, ok := e.Field("event.outcome"); ok && v.Type == event.TypeString && v.Str != "" {
			r.outcome, r.omit = pgText(v.Str), r.omit|omitOutcome
		}
		if v, ok := e.Field("event.category"); ok {
			if cat, ok := joinCategory(v); ok {
				r.strs[dictCategory], r.omit = cat, r.omit|omitCategory
			}
		}
		// source.ip: the column holds any valid address; the document
		// keeps the text unless it is the canonical form the view writes.
		if v, ok := e.Field("source.ip"); ok && v.Type == event.TypeString {
			if ip, err := netip.ParseAddr(v.Str); err == nil && ip.Zone() == "" {
				r.ip = ip.Unmap()
				if ip.String() == v.Str && !ip.Is4In6() {
					r.omit |= omitSourceIP
				}
			}
		}
		// Unique values such as these times would each add keys to the GIN
		// index; the columns hold them exactly when PostgreSQL's
		// microseconds suffice.
		if !e.Time.IsZero() && e.Time.Nanosecond()%1000 == 0 && !e.Has("@timestamp") {
			r.flags, r.omit = r.flags|flagTimestamp, r.omit|omitTimestamp
		}
		if !e.Received.IsZero() && e.Received.Nanosecond()%1000 == 0 && !e.Has("event.created") {
			r.flags, r.omit = r.flags|flagCreated, r.omit|omitCreated
		}
		if e.Pri >= 0 && priDerived(e) {
			r.pri = e.Pri
			r.flags, r.omit = r.flags|flagPri, r.omit|omitPri
		}
		if pid, ok := num(e, "process.pid"); ok {
			if procid, ok := str(e, "log.syslog.procid"); ok && procid == strconv.FormatInt(pid, 10) {
				r.flags, r.omit = r.flags|flagPID, r.omit|omitPID
			}
		}
		if v, ok := e.Field("observer.hostname"); !ok && s.cfg.Observer != "" {
			r.strs[dictObserver], r.omit = s.cfg.Observer, r.omit|omitObserverHost
		} else if ok && v.Type == event.TypeString && v.Str != "" {
			r.strs[dictObserver], r.omit = v.Str, r.omit|omitObserverHost
		}
		if p, _ := str(e, "observer.product"); p == "nomen" {
			if t, _ := str(e, "observer.type"); t == "relay" {
				r.flags, r.omit = r.flags|flagObserver, r.omit|omitObserverConst
			}
		}
		if k, _ := str(e, "event.kind"); k == "event" {
			r.flags, r.omit = r.flags|flagKind, r.omit|omitKind
		}

		// The message as template + parameters; event.original as the
		// part before the message when it ends with it.
		msg, hasMsg := str(e, "message")
		if hasMsg && msg != "" {
			s.known = append(s.known[:0], host, r.strs[dictUser])
			for _, k := range [...]string{"log.syslog.hostname", "user.target.name", "source.user.name", "destination.user.name"} {
				if v, ok := str(e, k); ok {
					s.known = append(s.known, v)
				}
			}
			start, pstart := len(s.tmpl), len(s.params)
			s.tmpl, s.params = messageTemplate(s.tmpl, s.params, msg, s.known)
			r.tmplSpan = [2]int{start, len(s.tmpl)}
			r.hasTmpl = true
			r.nparams = len(s.params) - pstart
			r.omit |= omitMessage
		}
		if original, ok := str(e, "event.original"); ok && original != "" {
			if strings.HasSuffix(original, msg) {
				r.rawHead, r.hasHead = pgText(original[:len(original)-len(msg)]), true
			} else {
				r.raw, r.hasRaw = pgText(original), true
			}
			r.omit |= omitOriginal
		}
	}
	// The rows' parameters are consecutive runs of s.params (now that it
	// has stopped growing).
	off := 0
	for i := range s.rows {
		r := &s.rows[i]
		if r.hasTmpl {
			r.params = s.params[off : off+r.nparams : off+r.nparams]
			for j, p := range r.params {
				r.params[j] = pgText(p)
			}
			off += r.nparams
		}
	}
}

// priDerived reports whether the event's syslog priority fields are the
// ones derived from its PRI (no decoder changed them).
func priDerived(e *event.Event) bool {
	for _, k := range [...]string{"log.syslog.priority", "log.syslog.facility.code", "log.syslog.facility.name",
		"log.syslog.severity.code", "log.syslog.severity.name"} {
		if e.Has(k) {
			return false
		}
	}
	return event.FacilityName(e.Facility()) != "" && event.SeverityName(e.Severity()) != ""
}

// joinCategory returns event.category as one dictionary string.
func joinCategory(v event.Value) (string, bool) {
	switch v.Type {
	case event.TypeStrings:
		if len(v.List) == 1 {
			return v.List[0], !strings.Contains(v.List[0], ",")
		}
		for _, it := range v.List {
			if strings.Contains(it, ",") || it == "" {
				return "", false
			}
		}
		return strings.Join(v.List, ","), len(v.List) > 0
	}
	return "", false
}

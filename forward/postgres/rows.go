package postgres

import (
	"net/netip"
	"strconv"
	"strings"
	"time"

	"github.com/nomenhq/nomen/forward"
	"github.com/nomenhq/nomen/relay/event"
)

// How an event becomes a row of <schema>.events_data: typed columns,
// dictionary strings, and the document of what is left (see
// schema.go for the view that puts it back together).

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
	timeNS   int16 // nanoseconds beyond the microsecond (0: NULL)
	recvNS   int16
	ev       *event.Event
	omit     uint32 // omit bits: document keys the columns hold
	pri      int16
	journal  uint64
	strs     [numDictKinds]string // values to look up (templates: span in tmpl)
	tmplSpan [2]int
	hasTmpl  bool
	nparams  int
	pgParams bool // the parameters are valid PostgreSQL text already
}

// Row flags: which fields of the document the view rebuilds from columns
// (see assemble in schema.go).
const (
	flagSyslogHost  = 1 << iota // log.syslog.hostname = host
	flagProcessName             // process.name = program
	flagTimestamp               // @timestamp = time (+ time_ns, migration 3)
	flagCreated                 // event.created = received (+ received_ns)
	flagPri                     // log.syslog.priority, facility.*, severity.* from pri
	flagPID                     // process.pid = log.syslog.procid as a number
	flagObserver                // observer.product = "nomen", observer.type = "relay"
	flagKind                    // event.kind = "event"
	flagNomenID                 // nomen.id = journal_id as text (migration 2)
	flagECS                     // ecs.version = pgECSVersion (migration 2)
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
	omitNomenID
	omitECS
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
	case "nomen.id":
		return omitNomenID
	case "ecs.version":
		return omitECS
	}
	return 0
}

// omit is the document encoder's Omit: it consults the row being encoded.
func (l *copyLane) omit(key string) bool {
	return l.cur.omit&omitBit(key) != 0
}

// The document keys prepare reads (eventKeys.at indexes).
const (
	kHostName = iota
	kSyslogHostname
	kAppname
	kProcessName
	kProcessPID
	kProcid
	kUserName
	kAction
	kOutcome
	kCategory
	kSourceIP
	kTimestamp
	kCreated
	kPriority
	kFacilityCode
	kFacilityName
	kSeverityCode
	kSeverityName
	kObserverHostname
	kObserverProduct
	kObserverType
	kKind
	kMessage
	kOriginal
	kUserTarget
	kSourceUser
	kDestinationUser
	kNomenID
	kECSVersion
	numKeys
)

var keyNames = [numKeys]string{
	kHostName: "host.name", kSyslogHostname: "log.syslog.hostname", kAppname: "log.syslog.appname",
	kProcessName: "process.name", kProcessPID: "process.pid", kProcid: "log.syslog.procid",
	kUserName: "user.name", kAction: "event.action", kOutcome: "event.outcome", kCategory: "event.category",
	kSourceIP: "source.ip", kTimestamp: "@timestamp", kCreated: "event.created",
	kPriority: "log.syslog.priority", kFacilityCode: "log.syslog.facility.code", kFacilityName: "log.syslog.facility.name",
	kSeverityCode: "log.syslog.severity.code", kSeverityName: "log.syslog.severity.name",
	kObserverHostname: "observer.hostname", kObserverProduct: "observer.product", kObserverType: "observer.type",
	kKind: "event.kind", kMessage: "message", kOriginal: "event.original",
	kUserTarget: "user.target.name", kSourceUser: "source.user.name", kDestinationUser: "destination.user.name",
	kNomenID: "nomen.id", kECSVersion: "ecs.version",
}

// prepareKeys finds keyNames in an event's fields (eventKeys.reset).
var prepareKeys = event.NewKeyIndex(keyNames[:]...)

// eventKeys answers Field, Has and Get for the keys prepare reads from
// one pass over the event's fields: asking the event each time scanned
// all its fields a few dozen times per event.
type eventKeys struct {
	e  *event.Event
	at [numKeys]int32 // the index in e.Fields of the key's last value; -1: not set
}

func (k *eventKeys) reset(e *event.Event) {
	k.e = e
	prepareKeys.Find(e, k.at[:]) // the last one set wins, as in Event.Field
}

// field is Event.Field: the decoder-set value only.
func (k *eventKeys) field(key int) (event.Value, bool) {
	if i := k.at[key]; i >= 0 {
		return k.e.Fields[i].Val, true
	}
	return event.Value{}, false
}

func (k *eventKeys) has(key int) bool { return k.at[key] >= 0 }

// get is Event.Get: the decoder-set value, else the derived one.
func (k *eventKeys) get(key int) (event.Value, bool) {
	if i := k.at[key]; i >= 0 {
		return k.e.Fields[i].Val, true
	}
	return k.e.Derived(keyNames[key]) // the pass found no decoder's value
}

// str returns the string value of key as the JSON document has it (a
// decoder's field, else the derived one).
func (k *eventKeys) str(key int) (string, bool) {
	v, ok := k.get(key)
	if !ok || v.Type != event.TypeString {
		return "", false
	}
	return v.Str, true
}

func (k *eventKeys) num(key int) (int64, bool) {
	v, ok := k.get(key)
	if !ok || v.Type != event.TypeInt {
		return 0, false
	}
	return v.Num, true
}

// rowBatch is the rows of a part of a batch being written, and the
// scratch that computes them, reused across batches.
type rowBatch struct {
	rows    []pgRow
	params  []string // the rows' message parameters
	tmpl    []byte   // the rows' message templates (pgRow.tmplSpan)
	known   []string
	missing []dictMiss // dictionary strings not cached (resolve)
	keys    eventKeys
}

// release drops references into the batch's events.
func (b *rowBatch) release() {
	clear(b.rows)
	clear(b.params)
	clear(b.missing)
}

// prepare computes each event's row but the dictionary ids and the
// document: which values go to columns, and which document fields the view
// can rebuild from them exactly (everything else stays in the document).
// observer is the output's observer.hostname for events without one.
// Long because it is one walk over the batch that fills every column in
// table order; split, each part would walk the events again.
func (b *rowBatch) prepare(batch []*event.Event, observer string) {
	b.rows = b.rows[:0]
	b.params = b.params[:0]
	b.tmpl = b.tmpl[:0]
	k := &b.keys
	for _, e := range batch {
		b.rows = append(b.rows, pgRow{})
		r := &b.rows[len(b.rows)-1]
		r.ev = e
		r.time = forward.EventTime(e.Time, e.Received)
		r.received = e.Received
		r.journal = e.ID
		k.reset(e)

		host, _ := k.str(kHostName)
		if host != "" {
			r.strs[dictHost], r.omit = host, r.omit|omitHost
		}
		syslogHost, hasSyslogHost := k.str(kSyslogHostname)
		if hasSyslogHost && host != "" && syslogHost == host {
			r.flags, r.omit = r.flags|flagSyslogHost, r.omit|omitSyslogHost
		}
		program, _ := k.str(kAppname)
		if program != "" {
			r.strs[dictProgram], r.omit = program, r.omit|omitProgram
		}
		if program != "" {
			if v, ok := k.str(kProcessName); ok && v == program {
				r.flags, r.omit = r.flags|flagProcessName, r.omit|omitProcessName
			}
		}
		if v, ok := k.field(kUserName); ok && v.Type == event.TypeString && v.Str != "" {
			r.strs[dictUser], r.omit = v.Str, r.omit|omitUser
		}
		if v, ok := k.field(kAction); ok && v.Type == event.TypeString && v.Str != "" {
			r.strs[dictAction], r.omit = v.Str, r.omit|omitAction
		}
		if v, ok := k.field(kOutcome); ok && v.Type == event.TypeString && v.Str != "" {
			r.outcome, r.omit = pgText(v.Str), r.omit|omitOutcome
		}
		if v, ok := k.field(kCategory); ok {
			if cat, ok := joinCategory(v); ok {
				r.strs[dictCategory], r.omit = cat, r.omit|omitCategory
			}
		}
		// source.ip: the column holds any valid address; the document
		// keeps the text unless it is the canonical form the view writes.
		if v, ok := k.field(kSourceIP); ok && v.Type == event.TypeString {
			if ip, err := netip.ParseAddr(v.Str); err == nil && ip.Zone() == "" {
				r.ip = ip.Unmap()
				var buf [64]byte
				if string(ip.AppendTo(buf[:0])) == v.Str && !ip.Is4In6() {
					r.omit |= omitSourceIP
				}
			}
		}
		// Unique values such as these times would each add a key to the
		// GIN index; the columns hold them exactly, with the nanoseconds
		// that PostgreSQL's microseconds lack (migration 3).
		if !e.Time.IsZero() && !k.has(kTimestamp) {
			r.flags, r.omit = r.flags|flagTimestamp, r.omit|omitTimestamp
			r.timeNS = int16(e.Time.Nanosecond() % 1000)
		}
		if !e.Received.IsZero() && !k.has(kCreated) {
			r.flags, r.omit = r.flags|flagCreated, r.omit|omitCreated
			r.recvNS = int16(e.Received.Nanosecond() % 1000)
		}
		if e.Pri >= 0 && priDerived(e, k) {
			r.pri = e.Pri
			r.flags, r.omit = r.flags|flagPri, r.omit|omitPri
		}
		if pid, ok := k.num(kProcessPID); ok {
			var buf [20]byte
			if procid, ok := k.str(kProcid); ok && procid == string(strconv.AppendInt(buf[:0], pid, 10)) {
				r.flags, r.omit = r.flags|flagPID, r.omit|omitPID
			}
		}
		if v, ok := k.field(kObserverHostname); !ok && observer != "" {
			r.strs[dictObserver], r.omit = observer, r.omit|omitObserverHost
		} else if ok && v.Type == event.TypeString && v.Str != "" {
			r.strs[dictObserver], r.omit = v.Str, r.omit|omitObserverHost
		}
		if p, _ := k.str(kObserverProduct); p == "nomen" {
			if t, _ := k.str(kObserverType); t == "relay" {
				r.flags, r.omit = r.flags|flagObserver, r.omit|omitObserverConst
			}
		}
		if kind, _ := k.str(kKind); kind == "event" {
			r.flags, r.omit = r.flags|flagKind, r.omit|omitKind
		}
		// Unique per row and constant across rows: both would cost an
		// index entry per row in fields' GIN index for nothing.
		if id, _ := k.str(kNomenID); id != "" && e.ID != 0 {
			var buf [20]byte
			if id == string(strconv.AppendUint(buf[:0], e.ID, 10)) {
				r.flags, r.omit = r.flags|flagNomenID, r.omit|omitNomenID
			}
		}
		if v, _ := k.str(kECSVersion); v == pgECSVersion {
			r.flags, r.omit = r.flags|flagECS, r.omit|omitECS
		}

		// The message as template + parameters; event.original as the
		// part before the message when it ends with it.
		msg, hasMsg := k.str(kMessage)
		if hasMsg && msg != "" {
			b.known = append(b.known[:0], host, r.strs[dictUser])
			if hasSyslogHost {
				b.known = append(b.known, syslogHost)
			}
			for _, key := range [...]int{kUserTarget, kSourceUser, kDestinationUser} {
				if v, ok := k.str(key); ok {
					b.known = append(b.known, v)
				}
			}
			start, pstart := len(b.tmpl), len(b.params)
			b.tmpl, b.params = messageTemplate(b.tmpl, b.params, msg, b.known)
			r.tmplSpan = [2]int{start, len(b.tmpl)}
			r.hasTmpl = true
			r.nparams = len(b.params) - pstart
			// The parameters are msg itself or words of it cut next to
			// ASCII delimiters: valid text when msg is.
			r.pgParams = isPGText(msg)
			r.omit |= omitMessage
		}
		if original, ok := k.str(kOriginal); ok && original != "" {
			if strings.HasSuffix(original, msg) {
				r.rawHead, r.hasHead = pgText(original[:len(original)-len(msg)]), true
			} else {
				r.raw, r.hasRaw = pgText(original), true
			}
			r.omit |= omitOriginal
		}
	}
	k.e = nil // no reference into the batch
	// The rows' parameters are consecutive runs of b.params (now that it
	// has stopped growing).
	off := 0
	for i := range b.rows {
		r := &b.rows[i]
		if r.hasTmpl {
			r.params = b.params[off : off+r.nparams : off+r.nparams]
			if !r.pgParams {
				for j, p := range r.params {
					r.params[j] = pgText(p)
				}
			}
			off += r.nparams
		}
	}
}

// priDerived reports whether the event's syslog priority fields are the
// ones derived from its PRI (no decoder changed them).
func priDerived(e *event.Event, k *eventKeys) bool {
	for _, key := range [...]int{kPriority, kFacilityCode, kFacilityName, kSeverityCode, kSeverityName} {
		if k.has(key) {
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

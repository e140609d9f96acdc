// Package event defines the Event that flows through nomen: from a listener's
// parser, through normalization, sequence tracking and correlation, into the
// journal and out to every output.
//
// The hot path stays cheap: the syslog header is typed, everything a decoder
// adds is a compact list of (dotted ECS key, typed value) pairs, and the
// nested ECS JSON document is produced only at the edge (AppendJSON).
package event

import (
	"strconv"
	"strings"
	"time"
)

// ECSVersion is the Elastic Common Schema version nomen's documents follow.
const ECSVersion = "8.17.0"

// NoPri marks an event whose message carried no <PRI>.
const NoPri = -1

// Event is one log record. The zero value is not useful: set Pri to NoPri
// when the message had no priority (New does that).
type Event struct {
	// ID is the event's position in the journal; 0 until it is journaled.
	ID uint64

	// Time is @timestamp: when the event happened, taken from the message
	// when it has a usable timestamp, else Received.
	Time time.Time
	// Received is event.created: when nomen read the message.
	Received time.Time

	// Original is event.original: the message exactly as framed off the wire
	// (for agent records: the rendered record).
	Original string
	// Message is the free-text part (syslog MSG, BOM stripped).
	Message string

	// The syslog header. Pri is facility*8+severity, or NoPri.
	Pri int16
	// Flags sits beside Pri, in the word Pri leaves unused (8 bytes of
	// every event: what events allocate paces the collector).
	Flags Flags
	// plan is the id of the KeyPlan the fields follow (SetPlan), 0 if
	// none: in the same word, and not journaled (an event read back is
	// encoded without it, to the same bytes).
	plan uint8

	Hostname string
	AppName  string
	ProcID   string
	MsgID    string
	SD       SD

	// Where the event came from: nomen.input (listener name), nomen.peer
	// (remote address), nomen.format (rfc5424, rfc3164, agent, ...).
	Input  string
	Peer   string
	Format string

	// Fields holds what decoders set: ECS fields and vendor extras, keyed by
	// dotted path ("source.ip", "cisco.asa.message_id"). A field here
	// overrides the value derived from the typed header (e.g. host.name).
	// Setting a key again appends: the last value of a key is its value
	// (Field scans from the end, the JSON encoder keeps the last), so Set
	// costs O(1) however many fields a decoder sets.
	Fields []Field
}

// Flags are per-event conditions worth a bit rather than a field.
type Flags uint8

const (
	// Truncated: the message was longer than the listener's maximum size.
	Truncated Flags = 1 << iota
	// TagNotProcess: the syslog tag names a log or a message type, not a
	// program (Windows "Security", Snare "MSWinEventLog"), so process.name
	// and process.pid are not derived from it.
	TagNotProcess
)

// New returns an event received now, with no PRI.
func New(received time.Time) *Event {
	return &Event{Pri: NoPri, Received: received, Time: received}
}

// PeerHost returns the address part of a peer ("addr:port", "[v6]:port"):
// the sender's host when a message names none. A bare IPv6 address (more
// than one colon, no brackets) and a peer without a port come back whole.
func PeerHost(peer string) string {
	if strings.HasPrefix(peer, "[") {
		if i := strings.IndexByte(peer, ']'); i > 0 {
			return peer[1:i]
		}
	}
	if i := strings.LastIndexByte(peer, ':'); i >= 0 && strings.IndexByte(peer[:i], ':') < 0 {
		return peer[:i]
	}
	return peer
}

// Facility returns the syslog facility code, or -1 without PRI.
func (e *Event) Facility() int {
	if e.Pri < 0 {
		return -1
	}
	return int(e.Pri) >> 3
}

// Severity returns the syslog severity code, or -1 without PRI.
func (e *Event) Severity() int {
	if e.Pri < 0 {
		return -1
	}
	return int(e.Pri) & 7
}

// SDParam returns the value of param name in element id.
func (e *Event) SDParam(id, name string) (string, bool) { return e.SD.Param(id, name) }

// Kind returns event.kind ("event" unless a decoder or rule set it).
func (e *Event) Kind() string {
	if v, ok := e.Field("event.kind"); ok {
		return v.Str
	}
	return "event"
}

// ProcessPID returns the numeric PROCID, if it is one.
func (e *Event) ProcessPID() (int64, bool) {
	s := e.ProcID
	if s == "" || len(s) > 18 {
		return 0, false
	}
	// Digits only, the usual PROCID, without strconv's generality (every
	// JSON document asks): 18 digits cannot overflow.
	var n int64
	for i := 0; i < len(s); i++ {
		c := s[i] - '0'
		if c > 9 {
			n, err := strconv.ParseInt(s, 10, 64) // a sign, or not a number
			return n, err == nil && n >= 0
		}
		n = n*10 + int64(c)
	}
	return n, true
}

// Field returns the decoder-set field with this key (not derived ones; see Get).
func (e *Event) Field(key string) (Value, bool) {
	if v := e.FieldRef(key); v != nil {
		return *v, true
	}
	return Value{}, false
}

// FieldRef is Field's value in place (nil when key is not set): for a
// caller that keeps it while e is unchanged, without copying it.
func (e *Event) FieldRef(key string) *Value {
	for i := len(e.Fields) - 1; i >= 0; i-- {
		if e.Fields[i].Key == key {
			return &e.Fields[i].Val
		}
	}
	return nil
}

// Has reports whether a decoder set key.
func (e *Event) Has(key string) bool {
	_, ok := e.Field(key)
	return ok
}

// Str returns the string form of field key (derived fields included), "" if absent.
func (e *Event) Str(key string) string {
	v, ok := e.Get(key)
	if !ok {
		return ""
	}
	return v.String()
}

// Set sets key to v; a later Set of the same key wins.
func (e *Event) Set(key string, v Value) {
	n := len(e.Fields)
	if n == cap(e.Fields) {
		e.Fields = append(e.Fields, Field{})
	}
	// v is stored word by word, not copied whole: while the garbage
	// collector marks, a struct copy goes through the runtime's generic
	// typed copy (wbMove, ~700 instructions a field, measured with
	// callgrind), a word through the inline write barrier.
	e.Fields = e.Fields[:n+1]
	f := &e.Fields[n]
	f.Key = key
	f.Val.Type, f.Val.Str, f.Val.Num, f.Val.F, f.Val.List = v.Type, v.Str, v.Num, v.F, v.List
}

// FieldSlab hands out empty Fields slices of a given capacity carved from
// larger allocations, so that code creating many events (listeners,
// process lifetimes, findings) pays one allocation per slab rather than
// one pointer-heavy allocation per event. A slice that outgrows its
// capacity is moved by append as usual; it never overwrites its
// neighbours. Not safe for concurrent use.
type FieldSlab struct {
	slab []Field
	off  int // slab[:off] is handed out
}

// fieldSlabSize is how many Fields one slab holds (80 KiB).
const fieldSlabSize = 1024

// Make returns an empty slice with capacity n.
func (s *FieldSlab) Make(n int) []Field {
	if n > fieldSlabSize/4 {
		return make([]Field, 0, n)
	}
	if len(s.slab)-s.off < n {
		s.slab, s.off = make([]Field, fieldSlabSize), 0
	}
	f := s.slab[s.off : s.off : s.off+n]
	s.off += n
	return f
}

// Trim gives the capacity f does not use back to the slab, if f is the
// slice Make handed out last and was not moved since, and returns f with
// capacity len(f): a later append moves it rather than writing over the
// next slice. Fill a slice from Make, then Trim it before the next Make.
func (s *FieldSlab) Trim(f []Field) []Field {
	n := cap(f)
	if n == 0 || n > s.off || &f[:1][0] != &s.slab[s.off-n] {
		return f
	}
	s.off -= n - len(f)
	return f[:len(f):len(f)]
}

// SetStr sets a string field; an empty s is ignored (ECS omits empty values).
func (e *Event) SetStr(key, s string) {
	if s != "" {
		e.Set(key, Value{Str: s}) // String(s) (TypeString is 0), within the inliner's budget
	}
}

// SetInt sets an integer field.
func (e *Event) SetInt(key string, n int64) { e.Set(key, Int(n)) }

// SetList sets a list field (event.category, event.type, ...).
func (e *Event) SetList(key string, items ...string) { e.Set(key, Strings(items...)) }

// AddToList appends s to the list field key unless it is empty or already there
// (related.ip, related.user).
func (e *Event) AddToList(key, s string) {
	if s == "" || s == "-" {
		return
	}
	for i := len(e.Fields) - 1; i >= 0; i-- {
		f := &e.Fields[i]
		if f.Key != key {
			continue
		}
		for _, x := range f.Val.List {
			if x == s {
				return
			}
		}
		f.Val.Type = TypeStrings
		f.Val.List = append(f.Val.List, s)
		return
	}
	// Room for a second item: related.ip and related.user mostly get
	// two (source and destination), and growing a list of one costs
	// another allocation.
	e.Fields = append(e.Fields, Field{Key: key, Val: Value{Type: TypeStrings, List: append(make([]string, 0, 2), s)}})
}

// Delete removes field key if a decoder set it.
func (e *Event) Delete(key string) {
	kept := e.Fields[:0]
	for _, f := range e.Fields {
		if f.Key != key {
			kept = append(kept, f)
		}
	}
	clear(e.Fields[len(kept):])
	e.Fields = kept
}

// Field is one (dotted key, value) pair.
type Field struct {
	Key string
	Val Value
}

// Type is the type of a Value.
type Type uint8

// Value types. TypeJSON holds an already encoded JSON value in Str (used for
// objects a decoder keeps whole, never on the hot path).
const (
	TypeString Type = iota
	TypeInt
	TypeFloat
	TypeBool
	TypeStrings
	TypeJSON
)

// Value is a typed field value without interface boxing.
type Value struct {
	Type Type
	Str  string   // TypeString, TypeJSON
	Num  int64    // TypeInt; TypeBool (0/1)
	F    float64  // TypeFloat
	List []string // TypeStrings
}

// String returns a string value.
func String(s string) Value { return Value{Type: TypeString, Str: s} }

// Int returns an integer value.
func Int(n int64) Value { return Value{Type: TypeInt, Num: n} }

// Float returns a floating point value.
func Float(f float64) Value { return Value{Type: TypeFloat, F: f} }

// Bool returns a boolean value.
func Bool(b bool) Value {
	if b {
		return Value{Type: TypeBool, Num: 1}
	}
	return Value{Type: TypeBool}
}

// Strings returns a list value.
func Strings(items ...string) Value { return Value{Type: TypeStrings, List: items} }

// RawJSON returns a value that is emitted as the given JSON text.
func RawJSON(js string) Value { return Value{Type: TypeJSON, Str: js} }

// String formats v for comparisons and text output; a list becomes its
// items joined by ",".
func (v Value) String() string {
	switch v.Type {
	case TypeString, TypeJSON:
		return v.Str
	case TypeInt:
		return strconv.FormatInt(v.Num, 10)
	case TypeFloat:
		return strconv.FormatFloat(v.F, 'f', -1, 64)
	case TypeBool:
		if v.Num != 0 {
			return "true"
		}
		return "false"
	case TypeStrings:
		n := 0
		for _, s := range v.List {
			n += len(s) + 1
		}
		b := make([]byte, 0, n)
		for i, s := range v.List {
			if i > 0 {
				b = append(b, ',')
			}
			b = append(b, s...)
		}
		return string(b)
	}
	return ""
}

// Each calls fn for every scalar in v: once for a scalar, once per item of a list.
// It is how filters compare "field = value" against list fields.
func (v Value) Each(fn func(string) bool) bool {
	if v.Type == TypeStrings {
		for _, s := range v.List {
			if fn(s) {
				return true
			}
		}
		return false
	}
	return fn(v.String())
}

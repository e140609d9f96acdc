package gateway

import (
	"encoding/json"
	"strconv"
	"strings"
	"unsafe"

	"github.com/nomenhq/nomen/normalize/ecs"
	"github.com/nomenhq/nomen/normalize/vendor"
	"github.com/nomenhq/nomen/relay/event"
)

// JSON in syslog: a message that is one JSON object, as applications and
// containers log it ("myapp[12]: {"level":"info",...}"), or after the CEE
// cookie ("@cee: {...}"). Its members are kept under
//
//	json.<program>.<key>   (json._.<key> when the message has no program)
//
// with nested objects as dotted keys ({"req":{"id":7}} is json.app.req.id),
// so that two applications' "status" never share a field name. <program>
// is the syslog program in lower case, characters other than letters,
// digits, '-' and '_' written '_'; so is any such character of a key.
// Strings stay strings, integers integers, other numbers floats, booleans
// booleans, arrays of strings lists; other arrays, and objects deeper than
// jsonMaxDepth, are kept whole as JSON text.
//
// ECS is set only where a member says it literally: a key named as an ECS
// field ("source.ip", or {"source":{"ip":...}}) from jsonECS, whose value
// has the shape of the field's kind; "@timestamp" in RFC 3339 is the
// event's time when the syslog header gave none. A value of the wrong
// shape stays under json.<program>.
//
// A member name that occurs twice in one object is read once, at its
// first place; the later copy is skipped (it is kept in event.original).
//
// Bounded: a message over jsonMaxBytes is not read, and members past
// jsonMaxFields are not set (event.original keeps everything). Text that
// is not one valid JSON object is not this decoder's.
const (
	jsonMaxBytes  = 64 << 10
	jsonMaxDepth  = 8
	jsonMaxFields = 256
)

// jsonECS: the ECS fields a JSON member may set by its own name.
var jsonECS = func() map[string]ecsField {
	m := make(map[string]ecsField, len(jsonECSKinds))
	for k, kind := range jsonECSKinds {
		m[k] = ecsField{key: k, kind: kind}
	}
	return numbered(m)
}()

type ecsField struct {
	key  string
	kind vendor.Kind
	id   uint8 // the ECS field's number in its table (numbered), < 128
}

// numbered gives each ECS field of a table its number (one for the
// paths that set the same field), for the walker's set of fields done.
func numbered(m map[string]ecsField) map[string]ecsField {
	ids := map[string]uint8{}
	for k, f := range m {
		id, ok := ids[f.key]
		if !ok {
			if len(ids) == 128 {
				panic("gateway: an ECS table of more than 128 fields")
			}
			id = uint8(len(ids))
			ids[f.key] = id
		}
		f.id = id
		m[k] = f
	}
	return m
}

var jsonECSKinds = map[string]vendor.Kind{
	"@timestamp":                vendor.Time,
	"source.ip":                 vendor.IP,
	"destination.ip":            vendor.IP,
	"client.ip":                 vendor.IP,
	"server.ip":                 vendor.IP,
	"source.port":               vendor.Port,
	"destination.port":          vendor.Port,
	"client.port":               vendor.Port,
	"server.port":               vendor.Port,
	"source.mac":                vendor.MAC,
	"destination.mac":           vendor.MAC,
	"source.domain":             vendor.Word,
	"destination.domain":        vendor.Word,
	"user.name":                 vendor.User,
	"source.user.name":          vendor.User,
	"destination.user.name":     vendor.User,
	"network.transport":         vendor.Transport,
	"network.direction":         vendor.Direction,
	"url.original":              vendor.Text,
	"http.request.method":       vendor.Word,
	"http.response.status_code": vendor.Uint,
	"user_agent.original":       vendor.Text,
	"log.level":                 vendor.Word,
	"process.pid":               vendor.Uint,
	"event.duration":            vendor.Uint,
	"trace.id":                  vendor.Word,
	"transaction.id":            vendor.Word,
	// The host that logged it, as a shipper's document names it: where
	// a relay forwarded the line, the syslog header names the relay.
	"host.name": vendor.Word,
}

// jsonBody returns the JSON object of a message, or false.
func jsonBody(m string) (string, bool) {
	if rest, ok := strings.CutPrefix(m, "@cee:"); ok {
		m = strings.TrimLeft(rest, " ")
	}
	m = strings.TrimRight(m, " \t\r\n")
	if len(m) < 2 || len(m) > jsonMaxBytes || m[0] != '{' || m[len(m)-1] != '}' {
		return "", false
	}
	// json.Valid only reads its argument: the string's bytes are not copied.
	if !json.Valid(unsafe.Slice(unsafe.StringData(m), len(m))) {
		return "", false
	}
	return m, true
}

func decodeJSON(e *event.Event) bool {
	body, ok := jsonBody(e.Message)
	if !ok {
		return false
	}
	w := jsonWalker{e: e, path: make([]byte, 0, 64), ecs: jsonECS}
	w.path = append(w.path, "json."...)
	prog := ecs.ProgramKey(e.AppName)
	if prog == "@cee" {
		prog = "" // "host @cee: {...}": the parser took the CEE cookie for the tag
	}
	w.path = appendSegment(w.path, prog)
	w.path = append(w.path, '.')
	w.nsLen = len(w.path)
	ecs.Reserve(e, 16)
	w.object(body, 0, 1)
	ecs.SetRule(e, "json")
	return true
}

// jsonWalker walks a JSON text already checked by json.Valid, so it
// does not check it again.
type jsonWalker struct {
	e      *event.Event
	path   []byte // "json.<program>." + the current member's dotted path
	nsLen  int    // length of "json.<program>."
	fields int
	// ecs: the member paths (dotted, after the namespace) that set an ECS
	// field (jsonECS for JSON in syslog, suricataECS for Suricata's EVE).
	ecs map[string]ecsField
	// keys: the member names of the objects being read, outermost first,
	// to find a duplicate name: the first len(keyBuf) in the walker (no
	// allocation for an EVE record), the rest in moreKeys.
	nkeys    int
	keyBuf   [32]string
	moreKeys []string
	// literalDots: a dot in a member name is a character of the name, not
	// a path separator (EVE, whose "alert.signature" member is not the
	// "signature" of its "alert" object).
	literalDots bool
	// done: the ECS fields (by ecsField.id) this walk set, so that a
	// second spelling of a path ("source.ip" and {"source":{"ip"}}) cannot
	// override the first.
	done [2]uint64
}

// duplicate reports whether key already named a member of the object
// whose names start at keys[base], and records it. The first member of
// a name is the one read, as topString and findMember read it: a later
// copy (which Suricata never writes, and Elasticsearch refuses) cannot
// override it. Past jsonMaxFields names nothing is read.
func (w *jsonWalker) duplicate(base int, key string) bool {
	if w.nkeys >= jsonMaxFields {
		return true
	}
	for j := base; j < w.nkeys; j++ {
		if w.key(j) == key {
			return true
		}
	}
	if w.nkeys < len(w.keyBuf) {
		w.keyBuf[w.nkeys] = key
	} else {
		w.moreKeys = append(w.moreKeys, key)
	}
	w.nkeys++
	return false
}

func (w *jsonWalker) key(j int) string {
	if j < len(w.keyBuf) {
		return w.keyBuf[j]
	}
	return w.moreKeys[j-len(w.keyBuf)]
}

// popKeys forgets the names of the object whose names start at base.
func (w *jsonWalker) popKeys(base int) {
	w.nkeys = base
	if base < len(w.keyBuf) {
		w.moreKeys = w.moreKeys[:0]
	} else {
		w.moreKeys = w.moreKeys[:base-len(w.keyBuf)]
	}
}

// object reads the object at s[i] and returns the index after it.
func (w *jsonWalker) object(s string, i, depth int) int {
	i = skipSpace(s, i+1)
	if s[i] == '}' {
		return i + 1
	}
	base := w.nkeys
	for {
		key, end := jsonString(s, i)
		i = skipSpace(s, end)
		i = skipSpace(s, i+1) // ':'
		if w.duplicate(base, key) {
			i = valueEnd(s, i)
		} else {
			n := len(w.path)
			if n > w.nsLen {
				w.path = append(w.path, '.')
			}
			if w.literalDots {
				w.path = appendSegment(w.path, key)
			} else {
				w.path = appendKey(w.path, key)
			}
			i = w.value(s, i, depth)
			w.path = w.path[:n]
		}
		i = skipSpace(s, i)
		if s[i] == '}' {
			w.popKeys(base)
			return i + 1
		}
		i = skipSpace(s, i+1) // ','
	}
}

// value reads the value at s[i] for the current path and returns the
// index after it.
func (w *jsonWalker) value(s string, i, depth int) int {
	switch c := s[i]; {
	case c == '{' && depth < jsonMaxDepth:
		return w.object(s, i, depth+1)
	case c == '{' || c == '[':
		end := skipValue(s, i)
		w.array(s[i:end])
		return end
	case c == '"':
		v, end := jsonString(s, i)
		w.set(v, event.String(v))
		return end
	case c == 't':
		w.set("", event.Bool(true))
		return i + 4
	case c == 'f':
		w.set("", event.Bool(false))
		return i + 5
	case c == 'n':
		return i + 4 // null: nothing to say
	}
	end := i
	for end < len(s) && strings.IndexByte("+-0123456789.eE", s[end]) >= 0 {
		end++
	}
	num := s[i:end]
	if n, err := strconv.ParseInt(num, 10, 64); err == nil {
		w.set(num, event.Int(n))
	} else if f, err := strconv.ParseFloat(num, 64); err == nil {
		w.set(num, event.Float(f))
	}
	return end
}

// array keeps an array of strings as a list and anything else (other
// arrays, objects past the depth limit) as its JSON text.
func (w *jsonWalker) array(text string) {
	if text[0] == '[' {
		var items []string
		i := skipSpace(text, 1)
		for text[i] == '"' {
			v, end := jsonString(text, i)
			items = append(items, v)
			i = skipSpace(text, end)
			if text[i] == ',' {
				i = skipSpace(text, i+1)
			}
		}
		if text[i] == ']' {
			if len(items) > 0 {
				w.set("", event.Strings(items...))
			}
			return
		}
	}
	w.set("", event.RawJSON(text))
}

// set sets the current path: an ECS field when the path names one and
// text (a string's or a number's text) fits its kind, else under the
// namespace.
func (w *jsonWalker) set(text string, v event.Value) {
	if w.fields >= jsonMaxFields {
		return
	}
	w.fields++
	name := w.path[w.nsLen:]
	if f, ok := w.ecs[string(name)]; ok && text != "" {
		bit := uint64(1) << (f.id % 64)
		if w.done[f.id/64]&bit != 0 {
			return // set by an earlier spelling of the path: kept in event.original
		}
		if w.setECS(f.key, text, f.kind) {
			w.done[f.id/64] |= bit
			return
		}
	}
	if v.Type == event.TypeString && v.Str == "" {
		return
	}
	w.e.Set(string(w.path), v)
}

func (w *jsonWalker) setECS(key, text string, kind vendor.Kind) bool {
	if key == "@timestamp" && !(len(text) > 19 && text[4] == '-' && text[10] == 'T') {
		return false // RFC 3339 only: a bare number could be seconds or milliseconds of anything
	}
	if kind == vendor.Protocol && text == "failed" {
		return false // Suricata's app_proto when detection failed: no protocol
	}
	return ecs.SetKind(w.e, key, text, kind)
}

// appendSegment appends a program name or key segment, characters other
// than letters, digits, '-', '_' and '@' as '_', an empty one as "_".
func appendSegment(b []byte, s string) []byte {
	if s == "" {
		return append(b, '_')
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '_' || c == '@') {
			c = '_'
		}
		b = append(b, c)
	}
	return b
}

// appendKey appends a member name; its dots separate segments, as in an
// ECS-style "source.ip".
func appendKey(b []byte, key string) []byte {
	for {
		seg, rest, more := strings.Cut(key, ".")
		b = appendSegment(b, seg)
		if !more {
			return b
		}
		b = append(b, '.')
		key = rest
	}
}

func skipSpace(s string, i int) int {
	for i < len(s) && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r') {
		i++
	}
	return i
}

// stringEnd returns the index after the string at s[i], and whether it
// holds an escape.
func stringEnd(s string, i int) (int, bool) {
	escaped := false
	j := i + 1
	for ; s[j] != '"'; j++ {
		if s[j] == '\\' {
			escaped = true
			j++
		}
	}
	return j + 1, escaped
}

// jsonString returns the string at s[i] (unescaped) and the index after it.
func jsonString(s string, i int) (string, int) {
	end, escaped := stringEnd(s, i)
	raw := s[i:end]
	if !escaped {
		return raw[1 : len(raw)-1], end
	}
	var v string
	if err := json.Unmarshal([]byte(raw), &v); err != nil {
		return raw[1 : len(raw)-1], end // cannot happen on valid JSON
	}
	return v, end
}

// skipValue returns the index after the object or array at s[i].
func skipValue(s string, i int) int {
	depth := 0
	for ; i < len(s); i++ {
		switch s[i] {
		case '"':
			end, _ := stringEnd(s, i)
			i = end - 1
		case '{', '[':
			depth++
		case '}', ']':
			depth--
			if depth == 0 {
				return i + 1
			}
		}
	}
	return i
}

package event

import (
	"strconv"
	"time"
)

// restore sets e from a document's leaves (DecodeJSON): first the typed
// part, then the flags the document implies, then every other leaf as a
// field unless it is a derived one with the value the typed part gives.
// It returns observer.hostname.
func (e *Event) restore(leaves []leaf) (observer string) {
	rest := leaves[:0:0]
	for _, l := range leaves {
		if !e.restoreTyped(l, &observer) {
			rest = append(rest, l)
		}
	}
	rest = e.restoreFlags(rest)
	e.Fields = make([]Field, 0, len(rest))
	for _, l := range rest {
		if _, derivable := derivedIndex[l.key]; derivable {
			if v, ok := e.Derived(l.key); ok && sameValue(v, l.val) {
				continue
			}
		}
		e.Fields = append(e.Fields, Field{Key: l.key, Val: l.val})
	}
	return observer
}

// restoreTyped sets the typed part of e that l holds, if l is one with the
// Encoder's form for it (else it stays a field).
func (e *Event) restoreTyped(l leaf, observer *string) bool {
	if l.val.Type == TypeJSON && l.key == "log.syslog.structured_data" {
		sd, ok := decodeSD(l.val.Str)
		if ok {
			e.SD = sd
		}
		return ok
	}
	if l.val.Type == TypeBool && l.key == "nomen.truncated" && l.val.Num == 1 {
		e.Flags |= Truncated
		return true
	}
	if l.val.Type == TypeInt && l.key == "log.syslog.priority" && l.val.Num >= 0 && l.val.Num <= 191 {
		e.Pri = int16(l.val.Num)
		return true
	}
	if l.val.Type != TypeString {
		return false
	}
	s := l.val.Str
	var p *string
	switch l.key {
	case "@timestamp":
		return restoreTime(&e.Time, s)
	case "event.created":
		return restoreTime(&e.Received, s)
	case "nomen.id":
		id, err := strconv.ParseUint(s, 10, 63)
		if err != nil || id == 0 || strconv.FormatUint(id, 10) != s {
			return false
		}
		e.ID = id
		return true
	case "event.original":
		p = &e.Original
	case "message":
		p = &e.Message
	case "log.syslog.hostname":
		p = &e.Hostname
	case "log.syslog.appname":
		p = &e.AppName
	case "log.syslog.procid":
		p = &e.ProcID
	case "log.syslog.msgid":
		p = &e.MsgID
	case "nomen.input":
		p = &e.Input
	case "nomen.peer":
		p = &e.Peer
	case "nomen.format":
		p = &e.Format
	case "observer.hostname":
		p = observer
	default:
		return false
	}
	if s == "" { // the Encoder writes none for an empty one: a field's
		return false
	}
	*p = s
	return true
}

// restoreTime sets t from the Encoder's time text, if s is one.
func restoreTime(t *time.Time, s string) bool {
	v, err := time.Parse(time.RFC3339Nano, s)
	if err != nil || string(AppendTime(nil, v)) != s {
		return false
	}
	*t = v.UTC()
	return true
}

// restoreFlags sets TagNotProcess when the document lacks process.name or
// process.pid that the syslog tag would give (the Encoder left them out).
// A log.syslog.hostname without host.name was a field: the typed
// hostname gives both.
func (e *Event) restoreFlags(rest []leaf) []leaf {
	has := func(key string) bool {
		for _, l := range rest {
			if l.key == key {
				return true
			}
		}
		return false
	}
	_, name := e.Derived("process.name")
	_, pid := e.Derived("process.pid")
	if name && !has("process.name") || pid && !has("process.pid") {
		e.Flags |= TagNotProcess
	}
	if e.Hostname != "" && !has("host.name") {
		rest = append(rest, leaf{"log.syslog.hostname", String(e.Hostname)})
		e.Hostname = ""
	}
	return rest
}

// sameValue reports whether the Encoder writes a and b alike.
func sameValue(a, b Value) bool {
	var x, y []byte
	return string(appendValue(x, &a)) == string(appendValue(y, &b))
}

// decodeSD reads the Encoder's structured data object back: {"id":
// {"param":"value" or ["value",...]}}. ok is false for any other shape, or
// one the Encoder would write differently (then it stays a field).
func decodeSD(js string) (SD, bool) {
	d := jsonDecoder{data: []byte(js)}
	if err := d.object([]byte{'.'}, 0); err != nil {
		return SD{}, false
	}
	var b SDBuilder
	b.Start("")
	lastID, started := "", false
	for _, l := range d.leaves {
		// Leaves are ".id.param"; a '.' in either would have kept the
		// object whole (a TypeJSON leaf): not a shape this reads.
		if l.key == "" || l.key[0] != '.' {
			return SD{}, false
		}
		key := l.key[1:]
		if l.val.Type == TypeJSON && l.val.Str == "{}" { // an element without params
			b.Element(key)
			lastID, started = key, true
			continue
		}
		dot := -1
		for i := 0; i < len(key); i++ {
			if key[i] == '.' {
				dot = i
				break
			}
		}
		if dot < 0 {
			return SD{}, false
		}
		id, name := key[:dot], key[dot+1:]
		var values []string
		switch l.val.Type {
		case TypeString:
			values = []string{l.val.Str}
		case TypeStrings:
			values = l.val.List
		default:
			return SD{}, false
		}
		if !started || lastID != id {
			b.Element(id)
			lastID, started = id, true
		}
		for _, v := range values {
			b.Param(name, v)
		}
	}
	sd := b.Finish()
	if sd.Len() == 0 || string(appendSD(nil, sd)) != js {
		return SD{}, false
	}
	return sd, true
}

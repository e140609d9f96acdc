package event

import (
	"slices"
	"time"
	"unsafe"
)

// appendDerived appends the derived fields from..to-1 of e that e has,
// with their keys. It is the table of derived (derived.go) written out as
// code, a case a key in key order: the switch jumps to from, each case
// falls through to the next, and the run ends before to. One key costs a
// few instructions where a loop that asked derived for a scalar and
// switched on its type cost ~90 (issue #17: ~27 keys a document).
// TestAppendJSONMatchesReference holds it to derived.
//
// Long because it is a table, a case each.
func (enc *Encoder) appendDerived(dst []byte, w *nestWriter, e *Event, from, to int) []byte {
	if from >= to {
		return dst
	}
	r := derivedRun{w: w, omit: enc.Omit, orig: e.Original, head: enc.plainHead}
	var ok, named bool // named: a syslog code's name went with it (codeAndName)
	source := -1       // where the run of sourceRun starts in dst, if it is noted
	switch from {
	case dTimestamp:
		if !e.Time.IsZero() {
			if dst, ok = r.key(dst, dTimestamp); ok {
				dst = enc.timestamp.appendTime(dst, e.Time.UnixNano())
				dst = append(dst, '"')
			}
		}
		fallthrough
	case dECSVersion:
		if to <= dECSVersion {
			return dst
		}
		dst, _ = r.key(dst, dECSVersion) // a constant: written with its key
		fallthrough
	case dEventCreated:
		if to <= dEventCreated {
			return dst
		}
		if !e.Received.IsZero() {
			if dst, ok = r.key(dst, dEventCreated); ok {
				dst = enc.created.appendTime(dst, e.Received.UnixNano())
				dst = append(dst, '"')
			}
		}
		fallthrough
	case dEventKind:
		if to <= dEventKind {
			return dst
		}
		dst, _ = r.key(dst, dEventKind)
		fallthrough
	case dEventOriginal:
		if to <= dEventOriginal {
			return dst
		}
		if s := e.Original; s != "" {
			if dst, ok = r.key(dst, dEventOriginal); ok {
				dst, enc.plainHead, enc.plainTail = appendOriginal(dst, s)
				r.head = enc.plainHead
			}
		}
		fallthrough
	case dHostName:
		if to <= dHostName {
			return dst
		}
		dst = r.str(dst, dHostName, e.Hostname)
		fallthrough
	case dSyslogAppname:
		if to <= dSyslogAppname {
			return dst
		}
		dst = r.str(dst, dSyslogAppname, e.AppName)
		fallthrough
	case dSyslogFacilityCode:
		if to <= dSyslogFacilityCode {
			return dst
		}
		dst, named = r.code(dst, dSyslogFacilityCode, e.Facility(), to)
		fallthrough
	case dSyslogFacilityName:
		if to <= dSyslogFacilityName {
			return dst
		}
		if !named {
			dst = r.str(dst, dSyslogFacilityName, FacilityName(e.Facility()))
		}
		fallthrough
	case dSyslogHostname:
		if to <= dSyslogHostname {
			return dst
		}
		dst = r.str(dst, dSyslogHostname, e.Hostname)
		fallthrough
	case dSyslogMsgid:
		if to <= dSyslogMsgid {
			return dst
		}
		dst = r.str(dst, dSyslogMsgid, e.MsgID)
		fallthrough
	case dSyslogPriority:
		if to <= dSyslogPriority {
			return dst
		}
		if e.Pri >= 0 {
			if dst, ok = r.key(dst, dSyslogPriority); ok {
				dst = appendInt(dst, int64(e.Pri))
			}
		}
		fallthrough
	case dSyslogProcid:
		if to <= dSyslogProcid {
			return dst
		}
		dst = r.str(dst, dSyslogProcid, e.ProcID)
		fallthrough
	case dSyslogSeverityCode:
		if to <= dSyslogSeverityCode {
			return dst
		}
		dst, named = r.code(dst, dSyslogSeverityCode, e.Severity(), to)
		fallthrough
	case dSyslogSeverityName:
		if to <= dSyslogSeverityName {
			return dst
		}
		if !named {
			dst = r.str(dst, dSyslogSeverityName, SeverityName(e.Severity()))
		}
		fallthrough
	case dSyslogSD:
		if to <= dSyslogSD {
			return dst
		}
		if e.SD.p != nil {
			if dst, ok = r.key(dst, dSyslogSD); ok {
				dst = appendSDOf(dst, e)
			}
		}
		fallthrough
	case dMessage:
		if to <= dMessage {
			return dst
		}
		if m := e.Message; m != "" {
			if dst, ok = r.key(dst, dMessage); ok {
				if plainSuffix(m, e.Original, enc.plainTail) {
					// Checked as part of event.original: copied as it is.
					dst = append(dst, m...)
					dst = append(dst, '"')
				} else {
					dst = appendQuoted(dst, m)
				}
			}
		}
		fallthrough
	case dNomenFormat:
		if to <= dNomenFormat {
			return dst
		}
		dst = r.str(dst, dNomenFormat, e.Format)
		fallthrough
	case dNomenID:
		if to <= dNomenID {
			return dst
		}
		if e.ID != 0 {
			if dst, ok = r.key(dst, dNomenID); ok {
				dst = appendInt(dst, int64(e.ID))
				dst = append(dst, '"')
			}
		}
		fallthrough
	case dNomenInput:
		if to <= dNomenInput {
			return dst
		}
		if p := w.prev; to > dObserverType && p < dNomenInput && r.omit == nil {
			if enc.source.is(p, e, enc.Observer) {
				dst = append(dst, enc.source.text...)
				w.prev, w.openLen = dObserverType, derivedOpenLen[dObserverType]
				return enc.appendDerived(dst, w, e, dObserverType+1, to)
			}
			enc.source.note(p, e, enc.Observer)
			source = len(dst)
		}
		dst = r.str(dst, dNomenInput, e.Input)
		fallthrough
	case dNomenPeer:
		if to <= dNomenPeer {
			return dst
		}
		dst = r.str(dst, dNomenPeer, e.Peer)
		fallthrough
	case dNomenTruncated:
		if to <= dNomenTruncated {
			return dst
		}
		if e.Flags&Truncated != 0 {
			if dst, ok = r.key(dst, dNomenTruncated); ok {
				dst = append(dst, "true"...)
			}
		}
		fallthrough
	case dObserverHostname:
		if to <= dObserverHostname {
			return dst
		}
		dst = r.str(dst, dObserverHostname, enc.Observer)
		fallthrough
	case dObserverProduct:
		if to <= dObserverProduct {
			return dst
		}
		dst, _ = r.key(dst, dObserverProduct)
		fallthrough
	case dObserverType:
		if to <= dObserverType {
			return dst
		}
		dst, _ = r.key(dst, dObserverType)
		if source >= 0 {
			enc.source.text = append(enc.source.text[:0], dst[source:]...)
		}
		fallthrough
	case dProcessName:
		if to <= dProcessName {
			return dst
		}
		dst = r.str(dst, dProcessName, e.processName())
		fallthrough
	case dProcessPID:
		if to <= dProcessPID {
			return dst
		}
		if e.Flags&TagNotProcess == 0 {
			if n, has := e.ProcessPID(); has {
				if dst, ok = r.key(dst, dProcessPID); ok {
					dst = appendInt(dst, n)
				}
			}
		}
	}
	return dst
}

// sourceRun is the JSON of the derived keys from nomen.input to
// observer.type (nomen.peer, nomen.truncated, observer.hostname and the
// constants between), as last written after derived key prev: their
// values are the same for every event of a connection (its input and
// peer, the relay's name), so the next event's are mostly the same text,
// copied where the run of keys cost ~500 instructions a document (issue
// #17).
type sourceRun struct {
	prev               int
	input, peer, obs   string
	truncated, written bool
	text               []byte
}

// is reports whether the run noted is e's after derived key prev, with
// observer.hostname obs.
func (s *sourceRun) is(prev int, e *Event, obs string) bool {
	return s.written && s.prev == prev && s.truncated == (e.Flags&Truncated != 0) &&
		s.input == e.Input && s.peer == e.Peer && s.obs == obs
}

// note notes that the run written next is e's after prev (appendDerived
// copies it to text once written).
func (s *sourceRun) note(prev int, e *Event, obs string) {
	s.prev, s.input, s.peer, s.obs = prev, e.Input, e.Peer, obs
	s.truncated, s.written = e.Flags&Truncated != 0, true
}

// derivedRun is what appendDerived's cases share.
type derivedRun struct {
	w    *nestWriter
	omit func(key string) bool // the Encoder's Omit
	// orig is the event's original, whose first head bytes, written
	// already, needed no escaping (the header's strings lie there).
	orig string
	head int
}

// key writes derived key d's text, which ends in derivedLead[d] (for a
// constant, its value): false if Omit leaves d out or d's path collides
// with a decoder's key, and its value must not be written.
func (r *derivedRun) key(dst []byte, d int) ([]byte, bool) {
	if p := r.w.prev; p < d && r.omit == nil { // none yet, or a derived key (fields' ids are larger)
		r.w.prev, r.w.openLen = d, derivedOpenLen[d]
		return appendKeyText(dst, &derivedTrans[p+1][d]), true
	}
	return r.keySlow(dst, d)
}

// keySlow is key after a decoder's key or with Omit.
func (r *derivedRun) keySlow(dst []byte, d int) ([]byte, bool) {
	if r.omit != nil && r.omit(derivedKeys[d]) {
		return dst, false
	}
	if p := r.w.prev; p < d {
		r.w.prev, r.w.openLen = d, derivedOpenLen[d]
		return appendKeyText(dst, &derivedTrans[p+1][d]), true
	}
	return r.w.derivedKeyAfterField(dst, d)
}

// str writes derived string d, if not empty.
//
// It is key and appendQuoted in one for the usual case (after a derived
// key, nothing omitted, a short plain value): one call where the two
// made four (~60 instructions of calls a value, ~10 values a document).
func (r *derivedRun) str(dst []byte, d int, s string) []byte {
	if s == "" {
		return dst
	}
	p := r.w.prev
	if p >= d || r.omit != nil {
		dst, ok := r.keySlow(dst, d)
		if !ok {
			return dst
		}
		return appendQuoted(dst, s)
	}
	r.w.prev, r.w.openLen = d, derivedOpenLen[d]
	const room = keyTextCap + maxShortPlain + 1
	if cap(dst)-len(dst) < room {
		dst = slices.Grow(dst, room)
	}
	t, n := &derivedTrans[p+1][d], len(dst)
	*(*[keyTextCap]byte)(dst[n : n+keyTextCap]) = t.b
	n += int(t.n)
	if r.inPlainHead(s) {
		// Plain, and 32 bytes of the original from its start: two moves.
		v := (*[33]byte)(dst[n : n+33])
		*(*[32]byte)(v[:]) = *(*[32]byte)(unsafe.Pointer(unsafe.StringData(s)))
		v[len(s)] = '"'
		return dst[:n+len(s)+1]
	}
	if len(s) <= maxShortPlain {
		if v := dst[n : n+len(s)+1]; copyPlain(v, s) {
			v[len(s)] = '"'
			return dst[:n+len(s)+1]
		}
	}
	return appendQuoted(dst[:n], s)
}

// inPlainHead reports whether s, at most maxShortPlain (32) bytes, lies in
// the plain head of the original, which has 32 bytes from its start: the
// hostname, app name, process ID and message ID of a parsed event mostly
// do, and are then written without copyPlain's look at each word.
func (r *derivedRun) inPlainHead(s string) bool {
	off := uintptr(unsafe.Pointer(unsafe.StringData(s))) - uintptr(unsafe.Pointer(unsafe.StringData(r.orig)))
	return len(s) <= maxShortPlain && off < uintptr(r.head) && uintptr(len(s)) <= uintptr(r.head)-off &&
		off+maxShortPlain <= uintptr(len(r.orig))
}

// code writes a syslog code (derived key d, the facility's or severity's,
// -1 for none) and reports whether its name, key d+1, went with it: when
// d+1 is in the run (before to) and nothing is omitted, as one text.
func (r *derivedRun) code(dst []byte, d, code, to int) ([]byte, bool) {
	if code < 0 {
		return dst, false
	}
	dst, ok := r.key(dst, d)
	if !ok {
		return dst, false
	}
	if t := codeAndName[d]; d+1 < to && r.omit == nil && uint(code) < uint(len(t)) {
		dst = appendKeyText(dst, &t[code])
		r.w.prev, r.w.openLen = d+1, derivedOpenLen[d+1]
		return dst, true
	}
	return appendInt(dst, int64(code)), false
}

// codeAndName holds, by code, the JSON of a syslog facility's or
// severity's code and the name after it ("16,\"name\":\"local0\""),
// the pair written as one text: the name is a function of the code.
// Indexed by the code's derived key; made from derivedTrans, after it
// (nest.go's init).
var codeAndName [numDerived][]keyText

func initCodeAndName() {
	t := &codeAndName
	if dSyslogFacilityName != dSyslogFacilityCode+1 || dSyslogSeverityName != dSyslogSeverityCode+1 {
		panic("event: a syslog code's name does not follow it")
	}
	for _, c := range []struct {
		d     int
		names []string
	}{{dSyslogFacilityCode, facilityNames[:]}, {dSyslogSeverityCode, severityNames[:]}} {
		for n, name := range c.names {
			b := appendInt(nil, int64(n))
			b = append(b, derivedTrans[c.d+1][c.d+1].String()...)
			b = appendQuoted(b, name)
			t[c.d] = append(t[c.d], newKeyText(string(b)))
		}
	}
}

// derivedConst tells the derived values that are the same for every event
// (ecs.version, event.kind, observer.product and .type): derivedLead holds
// their JSON, written with the key, without a call to derived or a scan
// for bytes to escape.
var derivedConst = [numDerived]bool{dECSVersion: true, dEventKind: true, dObserverProduct: true, dObserverType: true}

// derivedLead is what derived key d's text ends in (after its ':'): a
// constant's JSON; the opening quote of a value written as a JSON string
// (strings, times, nomen.id); nothing for the others (numbers, bools,
// structured data). Worked out from derived itself, on an event that has
// every field, so that it cannot disagree with the types derived returns.
var derivedLead = func() (t [numDerived]string) {
	sec := time.Unix(1, 0)
	e := Event{ID: 1, Time: sec, Received: sec, Pri: 0, Original: "o", Hostname: "h",
		AppName: "a", ProcID: "1", MsgID: "m", Message: "m", Format: "f", Input: "i", Peer: "p", Flags: Truncated}
	for d := range numDerived {
		if d == dSyslogSD {
			continue // an object (typeSD), and the event has no structured data
		}
		v, ok := e.derived(d, "o")
		switch {
		case !ok:
			panic("event: the sample event lacks derived key " + derivedKeys[d])
		case derivedConst[d]:
			t[d] = string(appendJSONString(nil, v.str))
		case v.typ == TypeString || v.typ == typeTime || v.typ == typeNumString:
			t[d] = `"`
		}
	}
	return
}()

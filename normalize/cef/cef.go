// Package cef decodes ArcSight Common Event Format (CEF) and IBM QRadar
// Log Event Extended Format (LEEF 1.0 and 2.0) messages into ECS fields.
//
// CEF (ArcSight "Implementing ArcSight CEF", revision 25):
//
//	CEF:Version|Device Vendor|Device Product|Device Version|Signature ID|Name|Severity|Extension
//
// The seven header fields escape '|' and '\' with a backslash; the
// extension is key=value pairs separated by spaces, where a value may hold
// spaces and escapes '=', '\', newline ("\n") and carriage return ("\r"):
// a new key starts at " word=". The standard key dictionary (short and full
// names: src/sourceAddress, dpt/destinationPort, suser/sourceUserName, ...)
// goes to ECS where a key has one meaning; every other key, custom ones
// (cs1..cs6 with their cs1Label.., cn1..cn3, flexString1) and vendors' own,
// is kept under cef.extensions.<key as written>. Some producers put their
// own keys in the extension; those of Check Point and Fortinet FortiGate
// get their packages' key maps (vendors.go).
//
// LEEF (IBM "Log Event Extended Format (LEEF)" guide, versions 1.0 and 2.0):
//
//	LEEF:1.0|Vendor|Product|Version|EventID|key=value<TAB>key=value...
//	LEEF:2.0|Vendor|Product|Version|EventID|DelimiterCharacter|key=value<D>key=value...
//
// LEEF 2.0's delimiter is one character or its hexadecimal code ("x09",
// "0x5E"); LEEF 1.0's is a tab, which rsyslog relays print as "#011". The
// predefined LEEF keys (src, dst, srcPort, dstPort, usrName, proto, sev,
// devTime with devTimeFormat, srcMAC, srcBytes, ...) go to ECS, the rest
// under leef.<key>.
//
// Recognition (Sniff, SniffLEEF): the message starts with "CEF:" or
// "LEEF:" (a relay may put a syslog header or other words before it: the
// header is looked for at the start or after a space), or the syslog parser
// took "CEF"/"LEEF" for the program name and the message starts with the
// version and '|'. A message with the "CEF:" start but fewer than seven
// unescaped header pipes (or a non-numeric version) is Malformed; nothing
// of it is emitted.
package cef

import (
	"strings"

	"github.com/nomenhq/nomen/normalize/vendor"
)

// Namespaces of the Extra keys each decoder emits.
const (
	Namespace     = "cef.extensions."
	LEEFNamespace = "leef."
)

// Sniff reports whether the message is CEF.
func Sniff(program, msg string) bool {
	_, ok := cefStart(program, msg)
	return ok
}

// cefStart returns the text after "CEF:" (starting with the version).
func cefStart(program, msg string) (string, bool) {
	if program == "CEF" && len(msg) > 1 && '0' <= msg[0] && msg[0] <= '9' && strings.IndexByte(msg[:min(len(msg), 8)], '|') > 0 {
		return msg, true
	}
	return after(msg, "CEF:")
}

// after finds marker at the start of msg, or after a space in its first
// 256 bytes when a version and '|' follow ("relay words CEF:0|"), and
// returns the text behind it. At the start, the marker alone is enough: a
// broken header after it is Malformed, not another format.
func after(msg, marker string) (string, bool) {
	if strings.HasPrefix(msg, marker) {
		return msg[len(marker):], true
	}
	head := msg[:min(len(msg), 256+len(marker))]
	for off := 0; ; {
		i := strings.Index(head[off:], marker)
		if i < 0 {
			return "", false
		}
		i += off
		if i > 0 && head[i-1] == ' ' && versionPipe(msg[i+len(marker):]) {
			return msg[i+len(marker):], true
		}
		off = i + 1
	}
}

// versionPipe: s starts with a version ("0", "1.0") and '|'.
func versionPipe(s string) bool {
	for i := 0; i < len(s) && i < 5; i++ {
		c := s[i]
		if c == '|' {
			return i > 0
		}
		if !('0' <= c && c <= '9' || c == '.' && i > 0) {
			return false
		}
	}
	return false
}

// Decode decodes a CEF message. program is the syslog program name (the
// parser may have taken "CEF" for it).
func Decode(program, msg string, emit vendor.Emit) (vendor.Class, vendor.Status) {
	rest, ok := cefStart(program, msg)
	if !ok {
		return vendor.Class{}, vendor.NotMine
	}
	var h [7]string
	ext, ok := splitHeader(rest, h[:])
	if !ok || !vendor.IsDigits(h[0]) {
		return vendor.Class{}, vendor.Malformed
	}
	emit("cef.version", h[0], vendor.Word)
	putHeader(emit, "observer.vendor", h[1])
	putHeader(emit, "observer.product", h[2])
	if h[3] != h[1] { // Check Point's Log Exporter repeats its vendor name there: not a version
		putHeader(emit, "observer.version", h[3])
	}
	putHeader(emit, "event.code", h[4])
	putHeader(emit, "cef.name", h[5])
	if sev := h[6]; vendor.IsDigits(sev) && len(sev) <= 2 && vendor.Atoi(sev) <= 10 {
		emit("event.severity", sev, vendor.Uint)
	} else if sev != "" {
		putHeader(emit, "cef.severity", sev)
	}
	keys := vendorKeys(h[1], h[2])
	var facts cefFacts
	eachPair(ext, func(key, raw string) {
		if raw == "" {
			return // "duser=": nothing to say
		}
		v := unescapeValue(raw)
		facts.note(key, v)
		if keys != nil {
			if f, ok := keys(key); ok {
				vendor.Put(emit, f.Key, key, v, f.Kind)
				return
			}
		}
		if f, ok := cefKeys[key]; ok {
			vendor.Put(emit, f.Key, key, v, f.Kind)
			return
		}
		emit(key, v, vendor.Extra)
	})
	return facts.class(), vendor.Decoded
}

func putHeader(emit vendor.Emit, key, v string) {
	if v != "" {
		emit(key, unescapeHeader(v), vendor.Text)
	}
}

// splitHeader cuts len(h) pipe-terminated fields off s (backslash escapes
// '|' and '\') and returns the rest.
func splitHeader(s string, h []string) (string, bool) {
	start, n := 0, 0
	for i := 0; i < len(s) && n < len(h); i++ {
		switch s[i] {
		case '\\':
			i++
		case '|':
			h[n] = s[start:i]
			n++
			start = i + 1
		}
	}
	return s[start:], n == len(h)
}

// eachPair calls fn for every key=value of an extension, the value raw
// (escapes kept, trailing spaces trimmed). A key is a run of key
// characters after the start or a space, followed by an unescaped '='; an
// '=' that does not end such a key stays in the value. Text before the
// first key is not a pair and is skipped.
func eachPair(ext string, fn func(key, raw string)) {
	key, vStart := "", -1
	lastSpace := -1
	for j := 0; j < len(ext); j++ {
		switch ext[j] {
		case '\\':
			j++
		case ' ':
			lastSpace = j
		case '=':
			k := ext[lastSpace+1 : j]
			if !isKey(k) || (vStart >= 0 && lastSpace < vStart) {
				continue
			}
			if vStart >= 0 {
				fn(key, strings.TrimRight(ext[vStart:lastSpace], " "))
			}
			key, vStart = k, j+1
		}
	}
	if vStart >= 0 {
		fn(key, strings.TrimRight(ext[min(vStart, len(ext)):], " "))
	}
}

// isKey: 1-64 letters, digits, '_', '.', '-', starting with a letter or '_'.
func isKey(k string) bool {
	if k == "" || len(k) > 64 {
		return false
	}
	for i := 0; i < len(k); i++ {
		c := k[i]
		letter := 'a' <= c|0x20 && c|0x20 <= 'z' || c == '_'
		if !letter && !(i > 0 && ('0' <= c && c <= '9' || c == '.' || c == '-')) {
			return false
		}
	}
	return true
}

// unescapeValue decodes "\=", "\\", "\n", "\r" (and "\|", which some
// producers write); any other backslash stays. It allocates only when
// there is a backslash.
func unescapeValue(v string) string {
	if strings.IndexByte(v, '\\') < 0 {
		return v
	}
	var b strings.Builder
	b.Grow(len(v))
	for i := 0; i < len(v); i++ {
		c := v[i]
		if c == '\\' && i+1 < len(v) {
			switch v[i+1] {
			case '=', '\\', '|':
				c = v[i+1]
				i++
			case 'n':
				c = '\n'
				i++
			case 'r':
				c = '\r'
				i++
			}
		}
		b.WriteByte(c)
	}
	return b.String()
}

// unescapeHeader decodes "\|" and "\\".
func unescapeHeader(v string) string {
	if strings.IndexByte(v, '\\') < 0 {
		return v
	}
	var b strings.Builder
	b.Grow(len(v))
	for i := 0; i < len(v); i++ {
		c := v[i]
		if c == '\\' && i+1 < len(v) && (v[i+1] == '|' || v[i+1] == '\\') {
			c = v[i+1]
			i++
		}
		b.WriteByte(c)
	}
	return b.String()
}

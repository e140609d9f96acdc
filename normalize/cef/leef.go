package cef

import (
	"strings"

	"github.com/nomenhq/nomen/normalize/vendor"
)

// leefKeys: the predefined LEEF attributes (IBM LEEF guide, "Predefined
// LEEF event attributes") with one ECS meaning. srcPreNAT/dstPreNAT and the
// identity attributes (identSrc, identHostName, ...) are not here: which
// side of a translation or which host they name depends on the producer.
var leefKeys = map[string]Field{
	"src":            {"source.ip", vendor.IP},
	"dst":            {"destination.ip", vendor.IP},
	"srcPort":        {"source.port", vendor.Port},
	"dstPort":        {"destination.port", vendor.Port},
	"srcPostNAT":     {"source.nat.ip", vendor.IP},
	"dstPostNAT":     {"destination.nat.ip", vendor.IP},
	"srcPostNATPort": {"source.nat.port", vendor.Port},
	"dstPostNATPort": {"destination.nat.port", vendor.Port},
	"srcMAC":         {"source.mac", vendor.MAC},
	"dstMAC":         {"destination.mac", vendor.MAC},
	"usrName":        {"user.name", vendor.User},
	"proto":          {"network.transport", vendor.Transport},
	"srcBytes":       {"source.bytes", vendor.Uint},
	"dstBytes":       {"destination.bytes", vendor.Uint},
	"srcPackets":     {"source.packets", vendor.Uint},
	"dstPackets":     {"destination.packets", vendor.Uint},
	"totalPackets":   {"network.packets", vendor.Uint},
	"url":            {"url.original", vendor.Text},
}

// SniffLEEF reports whether the message is LEEF.
func SniffLEEF(program, msg string) bool {
	_, ok := leefStart(program, msg)
	return ok
}

func leefStart(program, msg string) (string, bool) {
	if program == "LEEF" && len(msg) > 3 && (msg[:3] == "1.0" || msg[:3] == "2.0") {
		return msg, true
	}
	return after(msg, "LEEF:")
}

// DecodeLEEF decodes a LEEF 1.0 or 2.0 message; Extra keys are relative
// to LEEFNamespace.
func DecodeLEEF(program, msg string, emit vendor.Emit) (vendor.Class, vendor.Status) {
	rest, ok := leefStart(program, msg)
	if !ok {
		return vendor.Class{}, vendor.NotMine
	}
	var h [5]string
	attrs, ok := splitHeader(rest, h[:])
	if !ok || (h[0] != "1.0" && h[0] != "2.0" && h[0] != "1" && h[0] != "2") {
		return vendor.Class{}, vendor.Malformed
	}
	delim := "\t"
	if h[0][0] == '2' {
		if d, tail, ok := leefDelimiter(attrs); ok {
			delim, attrs = d, tail
		}
	}
	if delim == "\t" && strings.IndexByte(attrs, '\t') < 0 && strings.Contains(attrs, "#011") {
		delim = "#011" // a relay escaped the tabs (rsyslog's control-character escape)
	}
	emit("leef.version", h[0], vendor.Word)
	putHeader(emit, "observer.vendor", h[1])
	putHeader(emit, "observer.product", h[2])
	putHeader(emit, "observer.version", h[3])
	putHeader(emit, "event.code", h[4])
	timeOK := leefTimeReadable(attrs)
	for attrs != "" {
		var pair string
		if i := strings.Index(attrs, delim); i >= 0 {
			pair, attrs = attrs[:i], attrs[i+len(delim):]
		} else {
			pair, attrs = attrs, ""
		}
		key, v, found := strings.Cut(pair, "=")
		key = strings.TrimSpace(key)
		if !found || !isKey(key) {
			continue
		}
		leefPair(emit, key, v, timeOK)
	}
	return vendor.Class{}, vendor.Decoded
}

func leefPair(emit vendor.Emit, key, v string, timeOK bool) {
	if f, ok := leefKeys[key]; ok {
		vendor.Put(emit, f.Key, key, v, f.Kind)
		return
	}
	switch key {
	case "sev":
		if vendor.IsDigits(v) && len(v) <= 2 && vendor.Atoi(v) <= 10 {
			emit("event.severity", v, vendor.Uint)
			return
		}
	case "devTime":
		if timeOK {
			vendor.Put(emit, "@timestamp", key, v, vendor.Time)
			return
		}
	}
	if v != "" {
		emit(key, v, vendor.Extra)
	}
}

// leefDelimiter reads LEEF 2.0's delimiter field: one character, or "xHH"
// / "0xHH"; an empty field means a tab. Without a field of that shape
// before the next '|', the producer left the field out (some do): the
// attributes start at once.
func leefDelimiter(s string) (delim, rest string, ok bool) {
	end := strings.IndexByte(s, '|')
	if end < 0 || end > 4 {
		return "", s, false
	}
	f := s[:end]
	switch {
	case f == "":
		return "\t", s[end+1:], true
	case len(f) == 1:
		return f, s[end+1:], true
	case len(f) == 3 && f[0] == 'x' || len(f) == 4 && f[0] == '0' && f[1] == 'x':
		hex := f[len(f)-2:]
		b, ok := hexByte(hex)
		if !ok {
			return "", s, false
		}
		return oneByte[b : b+1], s[end+1:], true
	}
	return "", s, false
}

// oneByte holds every byte value, so that a delimiter read from hex is a
// substring of it and costs no allocation.
var oneByte = func() string {
	b := make([]byte, 256)
	for i := range b {
		b[i] = byte(i)
	}
	return string(b)
}()

func hexByte(h string) (int, bool) {
	n := 0
	for i := 0; i < 2; i++ {
		c := h[i]
		switch {
		case '0' <= c && c <= '9':
			n = n*16 + int(c-'0')
		case 'a' <= c|0x20 && c|0x20 <= 'f':
			n = n*16 + int(c|0x20-'a'+10)
		default:
			return 0, false
		}
	}
	return n, true
}

// leefTimeReadable: devTime goes to @timestamp only when its format is
// the default or one whose values ParseTime reads (a devTimeFormat with
// day before month could be misread, so any other format keeps devTime
// under leef.devTime).
func leefTimeReadable(attrs string) bool {
	i := strings.Index(attrs, "devTimeFormat=")
	if i < 0 {
		return true
	}
	f := attrs[i+len("devTimeFormat="):]
	for _, ok := range [...]string{"MMM dd yyyy HH:mm:ss", "yyyy-MM-dd HH:mm:ss", "yyyy/MM/dd HH:mm:ss", "yyyy-MM-dd'T'HH:mm:ss"} {
		if strings.HasPrefix(f, ok) {
			return true
		}
	}
	return false
}

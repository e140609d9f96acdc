// Package checkpoint decodes Check Point Log Exporter messages in its
// "syslog" format (sk122323) into ECS fields:
//
//	<134>1 2024-04-05T19:34:38Z gw-01 CheckPoint 7076 - [action:"Drop"; flags:"411908"; ifdir:"inbound";
//	ifname:"eth1"; origin:"192.0.2.1"; src:"198.51.100.7"; dst:"10.1.2.3"; s_port:"40112"; service:"3389";
//	proto:"6"; product:"VPN-1 & FireWall-1"; rule_name:"Block RDP"; ...]
//
// The body is a bracketed list of key:"value" separated by "; " (a
// backslash escapes the next character inside a value and stays in it).
// Check Point fields with one ECS meaning go to ECS (keys.go); the others
// are kept under checkpoint.<key>. The classification comes from action
// (Accept, Drop, Reject, Block, Prevent, Detect, Log In, Log Out, Failed
// Log In), auth_status and product.
//
// CEF from Check Point goes through normalize/cef, which asks Lookup for
// the Check Point keys of the extension.
//
// The same fields come as RFC 5424 STRUCTURED-DATA, the params of a
// "Fields@1.3.6.1.4.1.2620" element (DecodeSD), in the form some Log
// Exporter targets are set to.
//
// The "splunk" format, key=value separated by '|', is read too
// (splunk.go).
//
// Recognition (Sniff): the program is "CheckPoint", or the message starts
// with "[" then a key and ':"' (possibly after the "- " of an empty RFC
// 5424 MSGID), or it is a splunk-format line ("time=<epoch>|" or "|" first,
// a product= field). A body that opens but does not close (no ']', an
// unterminated value) is Malformed; nothing of it is emitted.
package checkpoint

import (
	"strings"

	"github.com/nomenhq/nomen/normalize/vendor"
	"github.com/nomenhq/nomen/relay/event"
)

// Namespace of the Extra keys.
const Namespace = "checkpoint."

// Sniff reports whether msg is a Log Exporter syslog body or a line in
// its splunk format (splunk.go).
func Sniff(program, msg string) bool {
	_, ok := body(program, msg)
	return ok || splunkBody(msg)
}

// body returns the text after '['.
func body(program, msg string) (string, bool) {
	msg = strings.TrimPrefix(msg, "- ")
	if len(msg) < 4 || msg[0] != '[' {
		return "", false
	}
	if program == "CheckPoint" {
		return msg[1:], true
	}
	colon := strings.Index(msg[:min(len(msg), 42)], `:"`) // a key is short: look no further
	if colon < 2 {
		return "", false
	}
	for i := 1; i < colon; i++ {
		if c := msg[i]; !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '_') {
			return "", false
		}
	}
	return msg[1:], true
}

type facts struct{ action, authStatus, product, operation, auditStatus string }

// Decode decodes a Log Exporter syslog body.
func Decode(program, msg string, emit vendor.Emit) (vendor.Class, vendor.Status) {
	b, ok := body(program, msg)
	if !ok {
		if !splunkBody(msg) {
			return vendor.Class{}, vendor.NotMine
		}
		var f facts
		var buf [maxOnStack]pair
		list := splunkPairs(msg, buf[:0])
		for _, kv := range list {
			f.note(kv.key, kv.value)
		}
		return emitList(&f, list, emit), vendor.Decoded
	}
	// The body is read once into a list on the stack (a longer one grows
	// it on the heap): nothing is emitted before the whole body is known
	// to close, and a second scan cost more than the list.
	var f facts
	var buf [maxOnStack]pair
	list := buf[:0]
	p := pairs{s: b}
	for {
		k, v, more := p.next()
		if !more {
			break
		}
		list = append(list, pair{k, v})
		f.note(k, v)
	}
	if p.bad {
		return vendor.Class{}, vendor.Malformed
	}
	return emitList(&f, list, emit), vendor.Decoded
}

// SDID is the element of Log Exporter's RFC 5424 form with structured
// data, "[Fields@1.3.6.1.4.1.2620 key="value" ...]" (2620: Check Point's
// private enterprise number); its params are the fields of the body form.
// An element named under the enterprise number alone ("NAME@2620", as the
// exporter's form for Splunk Connect for Syslog writes "sc4s@2620") holds
// the same fields.
const SDID = "Fields@1.3.6.1.4.1.2620"

// isLogExporterID reports whether an SD-ID is the Log Exporter's: SDID,
// or a name at Check Point's enterprise number ("NAME@2620[.SUB]").
func isLogExporterID(id string) bool {
	if id == SDID {
		return true
	}
	at := strings.IndexByte(id, '@')
	if at <= 0 {
		return false
	}
	pen := id[at+1:]
	return pen == "2620" || strings.HasPrefix(pen, "2620.")
}

// HasSD reports whether sd has the Log Exporter element.
func HasSD(sd event.SD) bool {
	return sd.AnyID(isLogExporterID)
}

// DecodeSD decodes the Log Exporter element of sd (already parsed as
// RFC 5424 STRUCTURED-DATA): NotMine without one.
func DecodeSD(sd event.SD, emit vendor.Emit) (vendor.Class, vendor.Status) {
	for el := range sd.Elements() {
		if !isLogExporterID(el.ID) {
			continue
		}
		var f facts
		var buf [maxOnStack]pair
		list := buf[:0]
		for p := range el.Params() {
			list = append(list, pair{p.Name, p.Value})
			f.note(p.Name, p.Value)
		}
		return emitList(&f, list, emit), vendor.Decoded
	}
	return vendor.Class{}, vendor.NotMine
}

// note keeps the values the classification reads.
func (f *facts) note(k, v string) {
	switch k {
	case "action":
		f.action = v
	case "auth_status":
		f.authStatus = v
	case "product":
		f.product = v
	case "operation":
		f.operation = v
	case "audit_status":
		f.auditStatus = v
	}
}

// emitList emits the fields of a read list and returns the class.
func emitList(f *facts, list []pair, emit vendor.Emit) vendor.Class {
	for _, kv := range list {
		k, v := kv.key, kv.value
		if v == "" || untranslated(k, v) {
			continue
		}
		if fd, ok := Lookup(k); ok {
			vendor.Put(emit, fd.Key, k, v, fd.Kind)
			continue
		}
		if k == "client_ip" && f.operation != "" {
			// An audit log's SmartConsole or API client. Not in fields:
			// what client_ip names in other logs is not documented, and
			// there it would overwrite src (the last value wins).
			vendor.Put(emit, "source.ip", k, v, vendor.IP)
			continue
		}
		emit(k, v, vendor.Extra)
	}
	return classify(f)
}

// untranslated: the Log Exporter writes xlatesrc/xlatedst "0.0.0.0" and
// xlatesport/xlatedport "0" on a connection without that translation; that
// is not an address the packet had.
func untranslated(key, v string) bool {
	return strings.HasPrefix(key, "xlate") && (v == "0.0.0.0" || v == "::" || v == "0")
}

// maxOnStack is how many pairs Decode lists without allocating (a Log
// Exporter line has 20-60).
const maxOnStack = 64

type pair struct{ key, value string }

// pairs reads the key:"value" pairs of a body up to its closing ']'
// (a backslash escapes the next character inside a value and stays in it).
type pairs struct {
	s   string
	bad bool // the list does not close, or a pair is not key:"value"
}

// next returns the next pair; false at the closing ']', or when the body
// is broken (bad).
func (p *pairs) next() (key, value string, ok bool) {
	s := p.s
	i := 0
	for i < len(s) && (s[i] == ' ' || s[i] == ';') {
		i++
	}
	s = s[i:]
	p.s = ""
	if s != "" && s[0] == ']' {
		return "", "", false
	}
	// The key runs to the first `:"`; a space, ';', ']' or '"' before it
	// is no key.
	colon := -1
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == ':' && i+1 < len(s) && s[i+1] == '"' {
			colon = i
			break
		}
		if c == ' ' || c == ';' || c == ']' || c == '"' {
			break
		}
	}
	if colon <= 0 {
		p.bad = true
		return "", "", false
	}
	key, v := s[:colon], s[colon+2:]
	for i := 0; i < len(v); i++ {
		if v[i] == '\\' {
			i++
		} else if v[i] == '"' {
			p.s = v[i+1:]
			return key, v[:i], true
		}
	}
	p.bad = true
	return "", "", false
}

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
// Recognition (Sniff): the program is "CheckPoint", or the message starts
// with "[" then a key and ':"' (possibly after the "- " of an empty RFC
// 5424 MSGID). A body that opens but does not close (no ']', an
// unterminated value) is Malformed; nothing of it is emitted.
package checkpoint

import (
	"strings"

	"github.com/nomenhq/nomen/normalize/vendor"
)

// Namespace of the Extra keys.
const Namespace = "checkpoint."

// Sniff reports whether msg is a Log Exporter syslog body.
func Sniff(program, msg string) bool {
	_, ok := body(program, msg)
	return ok
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

type facts struct{ action, authStatus, product string }

// Decode decodes a Log Exporter syslog body.
func Decode(program, msg string, emit vendor.Emit) (vendor.Class, vendor.Status) {
	b, ok := body(program, msg)
	if !ok {
		return vendor.Class{}, vendor.NotMine
	}
	var f facts
	if !eachPair(b, func(k, v string) {
		switch k {
		case "action":
			f.action = v
		case "auth_status":
			f.authStatus = v
		case "product":
			f.product = v
		}
	}) {
		return vendor.Class{}, vendor.Malformed
	}
	eachPair(b, func(k, v string) {
		if v == "" || untranslated(k, v) {
			return
		}
		if fd, ok := Lookup(k); ok {
			vendor.Put(emit, fd.Key, k, v, fd.Kind)
			return
		}
		emit(k, v, vendor.Extra)
	})
	return classify(&f), vendor.Decoded
}

// untranslated: the Log Exporter writes xlatesrc/xlatedst "0.0.0.0" and
// xlatesport/xlatedport "0" on a connection without that translation; that
// is not an address the packet had.
func untranslated(key, v string) bool {
	return strings.HasPrefix(key, "xlate") && (v == "0.0.0.0" || v == "::" || v == "0")
}

// eachPair calls fn for every key:"value" up to the closing ']'; false
// when the list does not close or a pair is not key:"value".
func eachPair(s string, fn func(key, value string)) bool {
	for {
		s = strings.TrimLeft(s, " ;")
		if s == "" {
			return false
		}
		if s[0] == ']' {
			return true
		}
		colon := strings.Index(s, `:"`)
		if colon <= 0 || strings.ContainsAny(s[:colon], ` ;]"`) {
			return false
		}
		key, v := s[:colon], s[colon+2:]
		end := -1
		for i := 0; i < len(v); i++ {
			if v[i] == '\\' {
				i++
			} else if v[i] == '"' {
				end = i
				break
			}
		}
		if end < 0 {
			return false
		}
		fn(key, v[:end])
		s = v[end+1:]
	}
}

// Package screenos decodes Juniper NetScreen (ScreenOS) syslog messages
// into ECS fields. Every ScreenOS message starts with the same head
// (ScreenOS Message Log Reference Guide):
//
//	NetScreen device_id=<id> [<vsys>]system-<level>-<msgid>(<type>): <body>
//
// The traffic log (msgid 00257, type "traffic"), written when a session
// is created or closed or a packet is denied, is a list of key=value
// pairs whose values may hold spaces ("service=msrpc Endpoint Mapper(tcp)",
// "reason=Close - TCP FIN") and some of whose keys do too ("src zone=",
// "src-xlated ip=... port=..."):
//
//	start_time="2015-11-11 10:02:10" duration=0 policy_id=244 service=https proto=6
//	src zone=Untrust dst zone=Trust action=Permit sent=0 rcvd=0 src=192.0.2.1
//	dst=198.51.100.2 src_port=1732 dst_port=443 src-xlated ip=203.0.113.1 port=22041
//	dst-xlated ip=198.51.100.2 port=443 session_id=488451 reason=Creation
//
// so a value runs to the next known key. The attack alarms (the screen
// options: "SYN flood! From ADDR:PORT to ADDR:PORT, proto TCP (zone Z,
// int I). Occurred N times.") are intrusion detections. Other messages get
// the head's fields and no class.
//
// The device id, vsys, service name, session id and the session's start
// time (the device's local clock, no zone) stay under screenos.*; the
// device's name is the syslog program (ScreenOS puts its hostname there),
// and host.name: a relay that received "ns-edge1: NetScreen ..." writes
// its own name as the HOSTNAME before it.
package screenos

import (
	"strings"

	"github.com/nomenhq/nomen/normalize/vendor"
)

// Namespace of the Extra keys.
const Namespace = "screenos."

const marker = "NetScreen device_id="

// Sniff reports whether msg is a ScreenOS message.
func Sniff(msg string) bool { return strings.HasPrefix(msg, marker) }

// head is what every message starts with.
type head struct {
	deviceID, vsys, level, msgid, typ, body string
}

// cutHead splits the head off; ok is false when it is broken.
func cutHead(msg string) (h head, ok bool) {
	rest, found := strings.CutPrefix(msg, marker)
	if !found {
		return h, false
	}
	h.deviceID, rest, _ = strings.Cut(rest, " ")
	rest = strings.TrimLeft(rest, " ")
	if strings.HasPrefix(rest, "[") {
		var v string
		if v, rest, ok = strings.Cut(rest[1:], "]"); !ok {
			return h, false
		}
		h.vsys = v
	}
	// system-<level>-<msgid>(<type>): or system-<level>-<msgid>:
	tag, body, found := strings.Cut(rest, ": ")
	if !found {
		tag, found = strings.CutSuffix(rest, ":")
		if !found {
			return h, false
		}
	}
	if i := strings.IndexByte(tag, '('); i >= 0 && strings.HasSuffix(tag, ")") {
		h.typ, tag = tag[i+1:len(tag)-1], tag[:i]
	}
	parts := strings.Split(tag, "-")
	if len(parts) != 3 || parts[0] != "system" || !isLetters(parts[1]) || !isDigits(parts[2]) {
		return h, false
	}
	h.level, h.msgid, h.body = parts[1], parts[2], body
	return h, h.deviceID != ""
}

// Decode decodes a ScreenOS message.
func Decode(program, msg string, emit vendor.Emit) (vendor.Class, vendor.Status) {
	if !Sniff(msg) {
		return vendor.Class{}, vendor.NotMine
	}
	h, ok := cutHead(msg)
	if !ok {
		return vendor.Class{}, vendor.Malformed
	}
	emit("device.id", h.deviceID, vendor.Extra)
	if program != "" {
		emit("device.name", program, vendor.Extra)
		emit("host.name", program, vendor.Word)
	}
	if h.vsys != "" {
		emit("vsys", h.vsys, vendor.Extra)
	}
	emit("event.code", h.msgid, vendor.Word)
	emit("log.level", h.level, vendor.Word)
	if h.typ != "" {
		emit("type", h.typ, vendor.Extra)
	}
	if h.typ == "traffic" {
		return traffic(h.body, emit), vendor.Decoded
	}
	body := cutDeviceTime(h.body)
	if c, ok := attack(body, emit); ok {
		return c, vendor.Decoded
	}
	if c, ok := admin(body, emit); ok {
		return c, vendor.Decoded
	}
	return vendor.Class{}, vendor.Decoded
}

// cutDeviceTime removes the " (2014-05-23 10:58:17)" that devices logging
// with their own clock append to a message.
func cutDeviceTime(s string) string {
	s = strings.TrimRight(s, " ")
	const n = len(" (2006-01-02 15:04:05)")
	if len(s) < n || s[len(s)-1] != ')' || s[len(s)-n:len(s)-n+2] != " (" {
		return s
	}
	t := s[len(s)-n+2 : len(s)-1]
	if t[4] != '-' || t[7] != '-' || t[10] != ' ' || t[13] != ':' || t[16] != ':' ||
		!isDigits(t[:4]+t[5:7]+t[8:10]+t[11:13]+t[14:16]+t[17:]) {
		return s
	}
	return s[:len(s)-n]
}

func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

func isLetters(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 'a' || s[i] > 'z' {
			return false
		}
	}
	return s != ""
}

// Package junos decodes Juniper Junos OS (SRX and routers) security and
// management messages into ECS fields, in both forms Junos sends:
//
//   - structured data (RFC 5424 with "set system syslog ... structured-data"):
//     the tag is the MSGID and the values are SD-PARAMs of an element
//     "junos@2636.1.1.1.2.N": source-address="10.1.2.3" source-port="51000" ...
//     The decoder passes the parsed elements; an element left in the message
//     text ("RT_FLOW_SESSION_CREATE [junos@2636... k="v" ...]") is read too.
//   - the BSD text form: "RT_FLOW_SESSION_CREATE: session created
//     10.1.2.3/51000->198.51.100.20/443 junos-https ...", read by the message
//     formats of the Junos System Log Messages reference (text.go). Only
//     positions that are the same in every release, or anchored on a token
//     of a distinctive shape, are read.
//
// Messages: RT_FLOW_SESSION_CREATE, RT_FLOW_SESSION_CLOSE,
// RT_FLOW_SESSION_DENY (and their _LS logical-system forms),
// IDP_ATTACK_LOG_EVENT (RT_IDP's; also read as RT_IDP_ATTACK_LOG_EVENT),
// RT_SCREEN_TCP/UDP/ICMP/IP, UI_LOGIN_EVENT,
// UI_AUTH_EVENT, UI_LOGOUT_EVENT, UI_COMMIT, UI_COMMIT_COMPLETED,
// UI_DBASE_LOGIN_EVENT, UI_DBASE_LOGOUT_EVENT, UI_CMDLINE_READ_LINE,
// SSHD_LOGIN_FAILED, WEBFILTER_URL_BLOCKED and WEBFILTER_URL_PERMITTED
// (RT_UTM's web filter); in their structured form only (the text form
// gives the class alone): AppTrack's APPTRACK_SESSION_*, RT_UTM's
// antivirus (AV_*_MT), content filtering and antispam, RT_AAMW's
// Advanced Anti-Malware and RT_SECINTEL's logs, the source- and
// destination-only screens, KMD_PM_SA_ESTABLISHED, SNMPD_AUTH_FAILURE and
// DOT1XD_USR_AUTHENTICATED (tags); KERN_ARP_ADDR_CHANGE; kmd's untagged
// "IKE negotiation failed|successfully completed" (text_kmd.go); a firewall filter's PFE_FW_SYSLOG_IP
// packet log, also the Routing Engine's "kernel: FW: ..." form
// (text_filter.go). Unmapped parameters are kept under
// juniper.junos.<name>. The element is "junos@2636..." on devices; any
// "junos@" element is read, as published samples often rewrite the number.
//
// Recognition (Sniff): the tag — the RFC 5424 MSGID, or the first word of
// the message ending in ':', after an FPC's name when the PFE sent it — is
// one of those messages; programs are
// RT_FLOW, RT_IDP, RT_SCREEN (or the flow daemon's name in event mode),
// mgd for UI_*, sshd for SSHD_*. A known tag whose text form has not the
// documented shape is Malformed.
package junos

import (
	"strings"

	"github.com/nomenhq/nomen/normalize/vendor"
	"github.com/nomenhq/nomen/relay/event"
)

// Namespace of the Extra keys.
const Namespace = "juniper.junos."

// Sniff reports whether the message is one of the decoded Junos messages.
func Sniff(program, msgID, msg string) bool {
	_, _, ok := tagOf(msgID, msg)
	return ok || kernelFilterLog(program, msg) || ikeNegotiation(program, msg)
}

// tagOf returns the message's known tag (without "_LS") and the text after it.
func tagOf(msgID, msg string) (string, string, bool) {
	if t, ok := known(msgID); ok {
		return t, msg, true
	}
	if msgID == "" {
		msg, _ = skipInnerHeader(msg)
	}
	if len(msg) > 0 && (msg[0] == '(' || msg[0] == 'n' || msg[0] == 'f') {
		msg = skipFPC(msg)
	}
	end := tagEnd(msg[:min(len(msg), maxTag+2)])
	if end <= 0 {
		return "", "", false
	}
	t, ok := known(msg[:end])
	if !ok {
		return "", "", false
	}
	rest := strings.TrimPrefix(msg[end:], ":")
	return t, strings.TrimLeft(rest, " "), true
}

// skipInnerHeader returns msg after an RFC 5424 header without its
// "<PRI>1 " (TIMESTAMP HOSTNAME APP-NAME PROCID), as a relay that wraps
// the structured form in a BSD line leaves it:
//
//	junos-ids: 2017-08-24T04:58:58.724Z srx-01 RT_IDS - RT_SCREEN_IP [junos@2636... ]
//
// msg unchanged when it does not start with such a timestamp and three
// more words. The caller still needs a known tag after them. host is the
// inner HOSTNAME: the device that logged the message, where the outer
// header names the relay ("" when there is no inner header).
func skipInnerHeader(msg string) (rest, host string) {
	if len(msg) < 24 || msg[0] < '1' || msg[0] > '2' || msg[4] != '-' || msg[10] != 'T' {
		return msg, ""
	}
	rest = msg
	for i := range 4 {
		sp := strings.IndexByte(rest[:min(len(rest), 256)], ' ')
		if sp <= 0 {
			return msg, ""
		}
		if i == 1 {
			host = rest[:sp]
		}
		rest = rest[sp+1:]
	}
	return rest, host
}

// tagEnd returns where a tag at the start of s ends: the index of the
// first of ": [", or -1 when there is none or a byte before it cannot be
// in a tag (known tags are upper-case letters and '_'; digits are let
// through). Most messages a sniffer sends here fail at their first byte,
// before a look-up in tags (this runs for every message).
func tagEnd(s string) int {
	for i := 0; i < len(s); i++ {
		switch tagByte[s[i]] {
		case tagStop:
			return i
		case tagOther:
			return -1
		}
	}
	return -1
}

const (
	tagOther = iota
	tagChar
	tagStop
)

var tagByte = func() (t [256]uint8) {
	for c := 'A'; c <= 'Z'; c++ {
		t[c] = tagChar
	}
	for c := '0'; c <= '9'; c++ {
		t[c] = tagChar
	}
	t['_'] = tagChar
	t[':'], t[' '], t['['] = tagStop, tagStop, tagStop
	return
}()

// tags: the decoded messages; true for those whose BSD text form is read
// (text.go); the others are read in their structured-data form only.
var tags = map[string]bool{
	"RT_FLOW_SESSION_CREATE": true, "RT_FLOW_SESSION_CLOSE": true, "RT_FLOW_SESSION_DENY": true,
	"IDP_ATTACK_LOG_EVENT": true, "RT_SCREEN_TCP": true, "RT_SCREEN_UDP": true, "RT_SCREEN_ICMP": true,
	"RT_SCREEN_IP": true, "UI_LOGIN_EVENT": true, "UI_AUTH_EVENT": true, "UI_LOGOUT_EVENT": true,
	"UI_COMMIT": true, "UI_COMMIT_COMPLETED": true, "SSHD_LOGIN_FAILED": true,
	"UI_DBASE_LOGIN_EVENT": true, "UI_DBASE_LOGOUT_EVENT": true, "UI_CMDLINE_READ_LINE": true, "UI_JUNOSCRIPT_CMD": true,
	"WEBFILTER_URL_BLOCKED": true, "WEBFILTER_URL_PERMITTED": true,
	// AppTrack (RT_FLOW), UTM antivirus, content filtering and antispam
	// (RT_UTM), Advanced Anti-Malware (RT_AAMW) and Security Intelligence
	// (RT_SECINTEL).
	"APPTRACK_SESSION_CREATE": false, "APPTRACK_SESSION_CLOSE": false, "APPTRACK_SESSION_VOL_UPDATE": false,
	"APPTRACK_SESSION_ROUTE_UPDATE": false, "AV_VIRUS_DETECTED_MT": false, "AV_SCANNER_DROP_FILE_MT": false,
	"AV_HUGE_FILE_DROPPED_MT": false, "AV_FILE_NOT_SCANNED_DROPPED_MT": false, "AV_DECOMPRESS_LAYER_DROPPED_MT": false,
	"CONTENT_FILTERING_BLOCKED_MT": false, "ANTISPAM_SPAM_DETECTED_MT": false,
	"AAMW_ACTION_LOG": false, "SRX_AAMW_ACTION_LOG": false, "AAMW_MALWARE_EVENT_LOG": false,
	"AAMW_HOST_INFECTED_EVENT_LOG": false, "SECINTEL_ACTION_LOG": false,
	// Screens by source or destination alone, IPsec, SNMP and 802.1X.
	"RT_SCREEN_TCP_SRC_IP": false, "RT_SCREEN_TCP_DST_IP": false, "RT_SCREEN_SESSION_LIMIT": false,
	"KMD_PM_SA_ESTABLISHED": false, "SNMPD_AUTH_FAILURE": false, "DOT1XD_USR_AUTHENTICATED": false,
	// mib2d's link traps: an interface's operational state changed.
	"SNMP_TRAP_LINK_UP": false, "SNMP_TRAP_LINK_DOWN": false,
	// The kernel's ARP table: an address's hardware address changed.
	"KERN_ARP_ADDR_CHANGE": true,
	// A firewall filter's syslog action (text_filter.go).
	filterTag: true,
}

// maxTag: the longest known tag with "_LS".
const maxTag = 34

// Tags returns the decoded messages' tags (for nomen.rule).
func Tags() []string {
	out := make([]string, 0, len(tags))
	for t := range tags {
		out = append(out, t)
	}
	return out
}

func known(t string) (string, bool) {
	if len(t) < 9 || len(t) > maxTag {
		return "", false
	}
	t = strings.TrimSuffix(t, "_LS")
	if t == "RT_IDP_ATTACK_LOG_EVENT" {
		// The process (RT_IDP) joined to the tag, as some
		// integrations spell it; the devices send the tag alone.
		t = "IDP_ATTACK_LOG_EVENT"
	}
	if _, ok := tags[t]; ok {
		return t, true
	}
	return "", false
}

// Decode decodes a Junos message: program and msgID from the syslog header
// (msgID empty for BSD syslog), msg the message text, sd the parsed
// structured data.
func Decode(program, msgID, msg string, sd event.SD, emit vendor.Emit) (vendor.Class, vendor.Status) {
	class, st := decodeMessage(program, msgID, msg, sd, emit)
	if st == vendor.Decoded && msgID == "" {
		// A relay that wrapped the structured form in a BSD line wrote
		// its own name in the outer header: the inner one names the
		// device (NILVALUE "-": none). Only for a message read: a
		// Malformed one emits nothing.
		if _, host := skipInnerHeader(msg); host != "-" && host != "" {
			emit("host.name", host, vendor.Word) // as the header's: no related.hosts
		}
	}
	return class, st
}

// decodeMessage is Decode but for the inner header's host.
func decodeMessage(program, msgID, msg string, sd event.SD, emit vendor.Emit) (vendor.Class, vendor.Status) {
	tag, text, ok := tagOf(msgID, msg)
	if !ok && ikeNegotiation(program, msg) {
		return decodeIKENegotiation(msg, emit)
	}
	if !ok {
		if !kernelFilterLog(program, msg) {
			return vendor.Class{}, vendor.NotMine
		}
		// The Routing Engine's form of a filter log has no tag: it is
		// read as PFE_FW_SYSLOG_IP's, but names no event.code.
		tag, text = filterTag, msg
		withCode := emit
		emit = func(key, value string, kind vendor.Kind) {
			if key != "event.code" {
				withCode(key, value, kind)
			}
		}
	}
	for el := range sd.Elements() {
		if strings.HasPrefix(el.ID, "junos@") { // @2636 (Juniper's enterprise number) on devices; samples often rewrite it
			emit("event.code", tag, vendor.Word)
			icmp := isICMP(paramOf(el, "protocol-id"))
			for p := range el.Params() {
				putParam(emit, tag, p.Name, p.Value, icmp)
			}
			return classOf(tag, paramOf(el, "action")), vendor.Decoded
		}
	}
	if strings.HasPrefix(text, "[junos@") {
		return decodeSDText(tag, text, emit)
	}
	if !tags[tag] {
		// A message read in its structured form only: the tag alone
		// says what happened.
		emit("event.code", tag, vendor.Word)
		return classOf(tag, ""), vendor.Decoded
	}
	return decodeText(tag, text, emit)
}

func paramOf(el event.SDElement, name string) string {
	for p := range el.Params() {
		if p.Name == name {
			return p.Value
		}
	}
	return ""
}

// isICMP reports whether a protocol-id is ICMP or ICMPv6.
func isICMP(protocolID string) bool { return protocolID == "1" || protocolID == "58" }

// putParam emits one structured-data parameter. An ICMP session's
// "ports" are none (Junos writes the ICMP identifier and type<<8|code
// there: 768 is destination unreachable): they stay Junos's.
func putParam(emit vendor.Emit, tag, name, v string, icmp bool) {
	if v == "" || untranslated(name, v) {
		return
	}
	f, ok := params[name]
	if icmp && f.kind == vendor.Port {
		ok = false
	}
	if tag == "IDP_ATTACK_LOG_EVENT" {
		switch name {
		case "policy-name":
			ok = false // the IDP policy, not the rule
		case "rule-name":
			f, ok = field{"rule.name", vendor.Text}, true
		case "rulebase-name": // the rulebase (IPS, exempt) the rule is in
			f, ok = field{"rule.ruleset", vendor.Text}, true
		}
	}
	if name == "interface-name" && strings.HasPrefix(tag, "SNMP_TRAP_LINK_") {
		ok = false // the interface whose link changed, no packet's ingress (Cisco's too stays the vendor's)
	}
	if tag == "WEBFILTER_URL_BLOCKED" || tag == "WEBFILTER_URL_PERMITTED" {
		// The web filter's url is the requested host, obj its path.
		switch name {
		case "url":
			f, ok = field{"url.domain", vendor.Host}, true
		case "obj":
			f, ok = field{"url.path", vendor.Text}, strings.HasPrefix(v, "/")
		}
	}
	if ok {
		vendor.Put(emit, f.key, name, v, f.kind)
		return
	}
	emit(name, v, vendor.Extra)
}

// untranslated: Junos writes 0.0.0.0 and port 0 in the nat-* parameters
// of a session (and an IDP attack) without translation; that is not an
// address the packet had.
func untranslated(name, v string) bool {
	return strings.HasPrefix(name, "nat-") && (v == "0.0.0.0" || v == "::" || v == "0")
}

type field struct {
	key  string
	kind vendor.Kind
}

// params: the structured-data parameter names of the decoded messages
// with one ECS meaning.
var params = map[string]field{
	"source-address":            {"source.ip", vendor.IP},
	"source-port":               {"source.port", vendor.Port},
	"destination-address":       {"destination.ip", vendor.IP},
	"destination-port":          {"destination.port", vendor.Port},
	"nat-source-address":        {"source.nat.ip", vendor.IP},
	"nat-source-port":           {"source.nat.port", vendor.Port},
	"nat-destination-address":   {"destination.nat.ip", vendor.IP},
	"nat-destination-port":      {"destination.nat.port", vendor.Port},
	"protocol-id":               {"network.transport", vendor.Transport},
	"protocol-name":             {"network.transport", vendor.Transport},
	"policy-name":               {"rule.name", vendor.Text},
	"source-zone-name":          {"observer.ingress.zone", vendor.Word},
	"destination-zone-name":     {"observer.egress.zone", vendor.Word},
	"packet-incoming-interface": {"observer.ingress.interface.name", vendor.Interface},
	"interface-name":            {"observer.ingress.interface.name", vendor.Interface},
	"source-zone":               {"observer.ingress.zone", vendor.Word},
	"destination-zone":          {"observer.egress.zone", vendor.Word},
	"client-ip":                 {"source.ip", vendor.IP},
	"sample-sha256":             {"file.hash.sha256", vendor.Word},
	"file-name":                 {"file.name", vendor.Text},
	"username":                  {"user.name", vendor.User},
	"reason":                    {"event.reason", vendor.Text},
	"bytes-from-client":         {"source.bytes", vendor.Uint},
	"bytes-from-server":         {"destination.bytes", vendor.Uint},
	"packets-from-client":       {"source.packets", vendor.Uint},
	"packets-from-server":       {"destination.packets", vendor.Uint},
	"elapsed-time":              {"event.duration", vendor.Seconds},
	"arp-ip-address":            {"source.ip", vendor.IP},
	"arp-new-mac-address":       {"source.mac", vendor.MAC},
}

// decodeSDText reads "[junos@2636.N k="v" ...]" from the message text.
func decodeSDText(tag, text string, emit vendor.Emit) (vendor.Class, vendor.Status) {
	sp := strings.IndexByte(text, ' ')
	if sp < 0 {
		return vendor.Class{}, vendor.Malformed
	}
	// The first pass checks the element is whole and finds the protocol
	// (an ICMP session's ports are none: putParam).
	icmp := false
	if _, ok := eachSDParam(text[sp+1:], func(name, v string) {
		if name == "protocol-id" {
			icmp = isICMP(v)
		}
	}); !ok {
		return vendor.Class{}, vendor.Malformed
	}
	emit("event.code", tag, vendor.Word)
	action := ""
	eachSDParam(text[sp+1:], func(name, v string) {
		if name == "action" {
			action = v
		}
		putParam(emit, tag, name, v, icmp)
	})
	return classOf(tag, action), vendor.Decoded
}

// eachSDParam calls fn for every name="value" up to the closing ']' (RFC
// 5424 escapes '"', '\' and ']' with a backslash; escapes are kept in the
// value). It returns the text after ']', and false when the element does
// not close.
func eachSDParam(s string, fn func(name, value string)) (string, bool) {
	for {
		s = strings.TrimLeft(s, " ")
		if s == "" {
			return "", false
		}
		if s[0] == ']' {
			return s[1:], true
		}
		eq := strings.Index(s, `="`)
		if eq <= 0 || strings.IndexByte(s[:eq], ' ') >= 0 {
			return "", false
		}
		name := s[:eq]
		v := s[eq+2:]
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
			return "", false
		}
		fn(name, v[:end])
		s = v[end+1:]
	}
}

package network

import (
	"strings"

	"github.com/nomenhq/nomen/normalize/ciscocatalog"
	"github.com/nomenhq/nomen/normalize/ecs"
	"github.com/nomenhq/nomen/relay/event"
)

// Cisco IOS, IOS-XE and NX-OS: "%FACILITY[-SUBFACILITY]-SEVERITY-MNEMONIC: text",
// as the syslog tag or at the start of the message (the sequence number and
// device timestamp in front are the parser's). IOS-XE wraps platform
// messages in an outer envelope
//
//	%IOSXE-6-PLATFORM: F0: cpp_cp: QFP:0.0 Thread:105 TS:... %NAT-6-LOG_TRANSLATION: Created ...
//
// in which case the inner message is the one decoded and the outer tag is
// kept in cisco.ios.envelope.
//
// Every message gets cisco.ios.facility, cisco.ios.mnemonic, event.code
// (the mnemonic), event.severity and log.level; the messages of
// normalize/ciscocatalog (access-list logs, logins, configuration, link
// states, SSH, AAA, port security, DHCP snooping) also get ECS fields when
// their text has the documented shape.

// iosTag is a parsed "%FAC-SEV-MNEMONIC" tag.
type iosTag struct {
	facility, mnemonic string
	sev                int
}

// parseIOSTag parses "%FAC[-SUB]-SEV-MNEMONIC" (no trailing ':').
func parseIOSTag(tag string) (t iosTag, ok bool) {
	if len(tag) < 6 || tag[0] != '%' {
		return t, false
	}
	tag = tag[1:]
	i := strings.LastIndexByte(tag, '-')
	if i < 3 || i == len(tag)-1 || tag[i-2] != '-' || tag[i-1] < '0' || tag[i-1] > '7' {
		return t, false
	}
	t.facility, t.sev, t.mnemonic = tag[:i-2], int(tag[i-1]-'0'), tag[i+1:]
	if !iosName(t.facility) || !iosName(t.mnemonic) {
		return t, false
	}
	return t, true
}

// iosName reports whether s is a facility or mnemonic: upper-case letters,
// digits, '_' and '-' (sub-facilities), starting with a letter.
func iosName(s string) bool {
	if s == "" || s[0] < 'A' || s[0] > 'Z' {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '_' || c == '-') {
			return false
		}
	}
	return true
}

// findInnerIOSTag finds a nested " %FAC-SEV-MNEMONIC: " in text and
// returns the tag and the text after it.
func findInnerIOSTag(text string) (t iosTag, rest string, ok bool) {
	for i := 0; ; {
		j := strings.Index(text[i:], " %")
		if j < 0 {
			return t, "", false
		}
		start := i + j + 1
		end := strings.IndexByte(text[start:], ':')
		if end > 0 {
			if tag, ok := parseIOSTag(text[start : start+end]); ok {
				return tag, strings.TrimLeft(text[start+end+1:], " "), true
			}
		}
		i = start
	}
}

func decodeIOS(e *event.Event) bool {
	var tag iosTag
	var text string
	var ok, xrNode bool
	if strings.HasPrefix(e.AppName, "%") {
		tag, ok = parseIOSTag(e.AppName)
		text = e.Message
	}
	if !ok {
		body := xrBody(e.Message)
		if isXRNode(e.AppName) && body == e.Message {
			// A relay that ends the tag at the node id's ':' (rsyslog:
			// tag "RP/0/RSP0/CPU0:", message "Jun 15 10:58:38.434 UTC:
			// ipv4_acl_mgr[279]: %ACL-..."). The node is no program,
			// as on the direct road where the header is in the message.
			body = xrAfterProcess(e.Message)
			xrNode = body != e.Message
		}
		t, rest, found := ecs.CutByte(body, ':')
		if !found {
			return false
		}
		// IOS-XR puts a space before the ':' ("%ACL-IPV4_ACL-6-IPACCESSLOGP : ").
		if tag, ok = parseIOSTag(strings.TrimSuffix(t, " ")); !ok {
			return false
		}
		text = strings.TrimLeft(rest, " ")
	}
	if isASAFamily(tag.facility) {
		return false // the ASA decoder's (malformed ids end here too: leave them)
	}
	if xrNode || isZoneAbbrev(e.AppName) {
		// "vss-core AEST: %SEC_LOGIN-...": the device's time zone, read
		// as a syslog tag; no program. Nor is an IOS-XR node id.
		e.AppName = ""
	}
	netBegin(e, "cisco-ios", "cisco_ios")
	if inner, rest, found := findInnerIOSTag(text); found {
		e.SetStr("cisco.ios.envelope", tag.facility+"-"+string(rune('0'+tag.sev))+"-"+tag.mnemonic)
		tag, text = inner, rest
	}
	e.SetStr("cisco.ios.facility", tag.facility)
	e.SetStr("cisco.ios.mnemonic", tag.mnemonic)
	e.SetStr("event.code", tag.mnemonic)
	setSeverity(e, tag.sev)
	e.Message = text
	if m, ok := ciscocatalog.IOS(tag.facility, tag.mnemonic); ok {
		setCatalogued(e, m, text, iosOutOfShape)
	} else if base, sub, ok := strings.Cut(tag.facility, "-"); ok && isUnitSubfacility(sub) {
		if m, ok := ciscocatalog.IOS(base, tag.mnemonic); ok {
			setCatalogued(e, m, text, iosOutOfShape)
		}
	}
	return true
}

// isZoneAbbrev reports whether tag is a time zone abbreviation ("AEST",
// "UTC", "CET"): two to five upper-case letters, the form IOS prints
// after its timestamp.
func isZoneAbbrev(tag string) bool {
	if len(tag) < 2 || len(tag) > 5 {
		return false
	}
	for i := 0; i < len(tag); i++ {
		if tag[i] < 'A' || tag[i] > 'Z' {
			return false
		}
	}
	return true
}

// isUnitSubfacility reports whether sub names the unit of a Catalyst
// 6500 VSS or supervisor that printed the message ("SW1", "SW2_SP",
// "SP", "RP", "DFC3"): "%SEC_LOGIN-SW2-5-LOGIN_SUCCESS" is SEC_LOGIN's
// LOGIN_SUCCESS. Other sub-facilities (IOS-XR's "ACL-IPV4_ACL") name
// another message family and are looked up whole only.
func isUnitSubfacility(sub string) bool {
	unit, _, _ := strings.Cut(sub, "_")
	switch {
	case unit == "SP" || unit == "RP":
		return true
	case strings.HasPrefix(unit, "SW"), strings.HasPrefix(unit, "DFC"):
		n := strings.TrimLeft(unit, "SWDFC")
		return n != "" && ecs.IsDigits(n)
	}
	return false
}

// xrBody skips the IOS-XR header before a mnemonic
// ("RP/0/RSP0/CPU0:Jun 15 10:58:38.434 UTC: ipv4_acl_mgr[279]: %ACL-...")
// and returns m unchanged when it has none. The header is recognised by
// its node id (RP/, LC/, a rack digit) and a "process[pid]: " right
// before the '%'.
func xrBody(m string) string {
	if !isXRNode(m) {
		return m
	}
	return xrAfterProcess(m)
}

// isXRNode reports whether s starts with an IOS-XR node id ("RP/0/RSP0/CPU0",
// "LC/0/1/CPU0", "0/RP0/CPU0").
func isXRNode(s string) bool {
	return strings.HasPrefix(s, "RP/") || strings.HasPrefix(s, "LC/") || len(s) > 2 && s[0] >= '0' && s[0] <= '9' && s[1] == '/'
}

// xrAfterProcess returns m from the '%' after the "process[pid]: " that
// ends an IOS-XR header, or m unchanged when there is none.
func xrAfterProcess(m string) string {
	i := strings.Index(m, "]: %")
	if i < 0 || i > 160 {
		return m
	}
	open := strings.LastIndexByte(m[:i], '[')
	if open < 0 || !ecs.IsDigits(m[open+1:i]) {
		return m
	}
	return m[i+3:]
}

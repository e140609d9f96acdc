package network

import (
	"strings"

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
// (the mnemonic), event.severity and log.level. Specific messages:
//
//	SEC-6-IPACCESSLOGP   list ACL permitted|denied PROTO SRC(port) [(IF MAC)] -> DST(port), N packet(s)
//	SEC-6-IPACCESSLOGDP  list ACL permitted|denied icmp SRC [(IF MAC)] -> DST (type/code), N packet(s)
//	SEC-6-IPACCESSLOGNP  list ACL permitted|denied PROTO# SRC [(IF MAC)] -> DST, N packet(s)
//	SEC-6-IPACCESSLOGS   list ACL permitted|denied SRC [(IF MAC)], N packet(s)
//	IPV6_ACL-6-ACCESSLOGP/DP/NP  the same for IPv6
//	SEC_LOGIN-5-LOGIN_SUCCESS  Login Success [user: U] [Source: IP] [localport: N] at TIME
//	SEC_LOGIN-4-LOGIN_FAILED   Login failed [user: U] [Source: IP] [localport: N] [Reason: R] at TIME
//	SYS-5-CONFIG_I       Configured from console by U on vty0 (IP)
//	VSHD-5-VSHD_SYSLOG_CONFIG_I  Configured from vty by U on IP@pts/0   (NX-OS)
//	LINK-3-UPDOWN        Interface IF, changed state to up|down|administratively down
//	LINK-5-CHANGED       the same
//	LINEPROTO-5-UPDOWN   Line protocol on Interface IF, changed state to up|down

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
	var ok bool
	if strings.HasPrefix(e.AppName, "%") {
		tag, ok = parseIOSTag(e.AppName)
		text = e.Message
	}
	if !ok {
		t, rest, found := ecs.CutByte(e.Message, ':')
		if !found {
			return false
		}
		if tag, ok = parseIOSTag(t); !ok {
			return false
		}
		text = strings.TrimLeft(rest, " ")
	}
	switch tag.facility {
	case "ASA", "PIX", "FTD", "FWSM":
		return false // the ASA decoder's (malformed ids end here too: leave them)
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
	if rule := iosDecode(e, tag, text); rule != "" {
		ecs.SetRule(e, rule)
	}
	return true
}

func iosDecode(e *event.Event, tag iosTag, t string) string {
	switch tag.facility {
	case "SEC", "IPV6_ACL", "IPACL":
		switch tag.mnemonic {
		case "IPACCESSLOGP", "IPACCESSLOGDP", "IPACCESSLOGNP", "IPACCESSLOGS",
			"ACCESSLOGP", "ACCESSLOGDP", "ACCESSLOGNP", "ACCESSLOGS":
			if iosACL(e, tag.mnemonic, t) {
				return "cisco_ios.acl"
			}
		}
	case "SEC_LOGIN":
		switch tag.mnemonic {
		case "LOGIN_SUCCESS", "LOGIN_FAILED":
			if iosLogin(e, tag.mnemonic == "LOGIN_SUCCESS", t) {
				return "cisco_ios.login"
			}
		}
	case "SYS", "VSHD":
		switch tag.mnemonic {
		case "CONFIG_I", "VSHD_SYSLOG_CONFIG_I":
			if iosConfig(e, t) {
				return "cisco_ios.config"
			}
		}
	case "LINK", "LINEPROTO":
		switch tag.mnemonic {
		case "UPDOWN", "CHANGED":
			if iosLinkState(e, tag.facility == "LINEPROTO", t) {
				return "cisco_ios.link"
			}
		}
	}
	return ""
}

// iosACL decodes the IPACCESSLOG* family.
func iosACL(e *event.Event, mnemonic, t string) bool {
	rest, ok := strings.CutPrefix(t, "list ")
	if !ok {
		return false
	}
	acl, rest := ecs.CutWord(rest)
	verdict, rest := ecs.CutWord(rest)
	var allowed bool
	switch verdict {
	case "permitted":
		allowed = true
	case "denied":
	default:
		return false
	}
	standard := strings.HasSuffix(mnemonic, "LOGS")
	var proto string
	if !standard {
		proto, rest = ecs.CutWord(rest)
	}
	srcS, dstS, arrow := strings.Cut(rest, " -> ")
	if !arrow && !standard {
		return false
	}
	// The packet count ends the message: ", 1 packet" / ", 12 packets".
	countS := ""
	if !arrow {
		// "SRC [(IF MAC)] N packet(s)" (standard lists print no comma)
		if i := strings.LastIndex(srcS, " packet"); i > 0 {
			if j := strings.LastIndexAny(srcS[:i], " ,"); j >= 0 {
				srcS, countS = srcS[:j], srcS[j+1:]
			}
		}
	} else {
		dstS, countS, _ = cutLastComma(dstS)
	}
	srcIP, srcPort, srcIf := iosACLAddr(srcS)
	if srcIP == "" {
		return false
	}
	dstIP, dstPort, _ := iosACLAddr(dstS)
	netDecision(e, allowed)
	e.SetStr("rule.name", acl)
	netIP(e, "source.ip", srcIP)
	netIP(e, "destination.ip", dstIP)
	setInterface(e, "observer.ingress.interface.name", srcIf)
	if proto != "" {
		setTransport(e, proto)
	}
	if strings.HasSuffix(mnemonic, "LOGDP") {
		// "(8/0)" is ICMP type/code, not ports.
		typ, code, _ := ecs.CutByte(dstPort, '/')
		e.SetStr("cisco.ios.icmp_type", typ)
		e.SetStr("cisco.ios.icmp_code", code)
	} else {
		ecs.SetPort(e, "source.port", srcPort)
		ecs.SetPort(e, "destination.port", dstPort)
	}
	if n, _ := ecs.CutWord(strings.TrimSpace(countS)); n != "" {
		ecs.SetUint(e, "network.packets", n)
	}
	return true
}

// cutLastComma splits "DST(23), 1 packet" at its last ", ".
func cutLastComma(s string) (before, after string, found bool) {
	if i := strings.LastIndex(s, ", "); i >= 0 {
		return s[:i], s[i+2:], true
	}
	return s, "", false
}

// iosACLAddr parses "IP(port) (IF MAC)" / "IP (IF )" / "IP (8/0)" / "IP".
func iosACLAddr(s string) (ip, port, iface string) {
	s = strings.TrimSpace(s)
	i := strings.IndexAny(s, "( ")
	if i < 0 {
		return s, "", ""
	}
	ip, s = s[:i], s[i:]
	if strings.HasPrefix(s, "(") {
		port, s, _ = ecs.CutByte(s[1:], ')')
	}
	s = strings.TrimSpace(s)
	if g, ok := strings.CutPrefix(s, "("); ok {
		g, _, _ = ecs.CutByte(g, ')')
		first, _ := ecs.CutWord(strings.TrimSpace(g))
		if port == "" && strings.IndexByte(first, '/') > 0 && ecs.IsDigits(first[:strings.IndexByte(first, '/')]) {
			port = first // "(8/0)": ICMP type/code after a space
		} else {
			iface = first
		}
	}
	return ip, port, iface
}

// iosBracket returns the value of "[key: value]" in t.
func iosBracket(t, key string) string {
	i := strings.Index(t, "["+key+":")
	if i < 0 {
		return ""
	}
	v, _, _ := ecs.CutByte(t[i+len(key)+2:], ']')
	return strings.TrimSpace(v)
}

// iosLogin decodes SEC_LOGIN LOGIN_SUCCESS/LOGIN_FAILED.
func iosLogin(e *event.Event, success bool, t string) bool {
	user := iosBracket(t, "user")
	src := iosBracket(t, "Source")
	if user == "" && src == "" {
		return false
	}
	if success {
		netClassAuth.Set(e, "logged-in", ecs.OutcomeSuccess)
	} else {
		netClassAuth.Set(e, "logon-failed", ecs.OutcomeFailure)
	}
	ecs.SetUser(e, "user.name", user)
	netIP(e, "source.ip", src)
	ecs.SetPort(e, "destination.port", iosBracket(t, "localport"))
	e.SetStr("event.reason", iosBracket(t, "Reason"))
	return true
}

// iosConfig decodes "Configured from SOURCE by USER[ on LINE[ (IP)]]" and
// the NX-OS "Configured from vty by USER on IP@pts/0".
func iosConfig(e *event.Event, t string) bool {
	rest, ok := strings.CutPrefix(t, "Configured from ")
	if !ok {
		return false
	}
	from, rest := ecs.CutWord(rest)
	netClassConfig.Set(e, "configured", ecs.OutcomeSuccess)
	e.SetStr("cisco.ios.config_source", from)
	if r, ok := strings.CutPrefix(rest, "by "); ok {
		by, r := ecs.CutWord(r)
		line := ""
		if on, ok := strings.CutPrefix(r, "on "); ok {
			line, r = ecs.CutWord(on)
		}
		// "by vty0 (10.0.0.1)" (no AAA: the line, not a user) and "by console".
		if by != "console" && !strings.HasPrefix(by, "vty") && !strings.HasPrefix(by, "tty") {
			ecs.SetUser(e, "user.name", by)
		} else if line == "" {
			line = by
		}
		if ip, ok := strings.CutPrefix(r, "("); ok {
			ip, _, _ = ecs.CutByte(ip, ')')
			netIP(e, "source.ip", ip)
		} else if host, _, ok := ecs.CutByte(line, '@'); ok {
			netIP(e, "source.ip", host) // NX-OS "10.0.0.1@pts/0"
		}
		e.SetStr("cisco.ios.line", line)
	}
	return true
}

// iosLinkState decodes "[Line protocol on ]Interface IF, changed state to STATE".
func iosLinkState(e *event.Event, lineproto bool, t string) bool {
	if lineproto {
		r, ok := strings.CutPrefix(t, "Line protocol on ")
		if !ok {
			return false
		}
		t = r
	}
	rest, ok := strings.CutPrefix(t, "Interface ")
	if !ok {
		return false
	}
	iface, state, ok := strings.Cut(rest, ", changed state to ")
	if !ok {
		return false
	}
	state = strings.TrimSpace(state)
	var action string
	switch {
	case state == "up" && lineproto:
		action = "line-protocol-up"
	case state == "down" && lineproto:
		action = "line-protocol-down"
	case state == "up":
		action = "interface-up"
	case state == "down":
		action = "interface-down"
	case state == "administratively down":
		action = "interface-admin-down"
	default:
		action = "interface-state-change"
	}
	netClassHost.Set(e, action, "")
	e.SetStr("cisco.ios.interface", iface)
	e.SetStr("cisco.ios.interface_state", state)
	return true
}

package network

import (
	"net/netip"
	"strings"

	"github.com/nomenhq/nomen/normalize/ecs"
	"github.com/nomenhq/nomen/relay/event"
)

// pfSense before 2.2 (and m0n0wall) logged pflog through tcpdump
// ("tcpdump -n -e -ttt -v -i pflog0 | logger -t pf"), as program "pf":
//
//	[DELTA ]rule N/SUB(REASON)[ [uid N]]: ACTION DIR on IF: (tos 0x0, ttl N, id N, offset N,
//	  flags [DF], proto TCP (6), length N)[ SRC.PORT > DST.PORT: ...]
//	    SRC.PORT > DST.PORT: Flags [S], ...      (the -v continuation, its own line)
//
// (newer tcpdumps print "rule N/REASON"; IPv6 "(class 0x00, flowlabel
// 0x00000, hlim N, next-header TCP (6) payload length: N)"). The rule
// line carries the decision, the continuation the addresses: each is
// decoded as far as it goes, the continuation as network info (it says
// nothing of what became of the packet).

// decodePflog decodes either line of the tcpdump form.
func decodePflog(e *event.Event) bool {
	m := cutPflogDelta(strings.TrimLeft(e.Message, " \t"))
	if rest, ok := strings.CutPrefix(m, "rule "); ok {
		return decodePflogRule(e, rest)
	}
	src, dst, ok := pflogEndpoints(m)
	if !ok {
		return false
	}
	netBegin(e, "pf", "pfsense.pf")
	netClassInfo.Set(e, "", "")
	setPflogEndpoints(e, src, dst)
	return true
}

// decodePflogRule reads "N/SUB(REASON): ACTION DIR on IF: rest".
func decodePflogRule(e *event.Event, m string) bool {
	head, rest, ok := strings.Cut(m, ": ")
	if !ok {
		return false
	}
	head, _, _ = strings.Cut(head, " [uid ") // the socket's owner, when pf knew it
	rule, reason, ok := strings.Cut(head, "/")
	if !ok || !ecs.IsDigits(firstPart(rule)) {
		return false
	}
	sub := ""
	if i := strings.IndexByte(reason, '('); i >= 0 && strings.HasSuffix(reason, ")") {
		sub, reason = reason[:i], reason[i+1:len(reason)-1]
	}
	decision, rest, ok := strings.Cut(rest, ": ")
	if !ok {
		return false
	}
	action, dirIf, _ := strings.Cut(decision, " ")
	dir, ifName, ok := strings.Cut(dirIf, " on ")
	verdict, known := filterlogAction(action)
	if !ok || !known || dir != "in" && dir != "out" || ifName == "" || strings.IndexByte(ifName, ' ') >= 0 {
		return false
	}
	netBegin(e, "pf", "pfsense.pf")
	switch verdict {
	case 'A':
		netDecision(e, true)
	case 'D':
		netDecision(e, false)
	default:
		netClassInfo.Set(e, "", "")
	}
	e.SetStr("pfsense.rule_number", rule)
	e.SetStr("pfsense.sub_rule_number", sub)
	e.SetStr("pfsense.reason", reason)
	e.SetStr("pfsense.action", action)
	if dir == "in" {
		e.SetStr("network.direction", "ingress")
		setInterface(e, "observer.ingress.interface.name", ifName)
	} else {
		e.SetStr("network.direction", "egress")
		setInterface(e, "observer.egress.interface.name", ifName)
	}
	if strings.HasPrefix(rest, "(") {
		// The header's own parentheses nest ("proto TCP (6)").
		end := closingParen(rest)
		if end < 0 {
			end = len(rest)
		}
		setPflogHeader(e, rest[1:end])
		rest = strings.TrimLeft(rest[min(end+1, len(rest)):], " ")
	}
	if src, dst, ok := pflogEndpoints(rest); ok {
		setPflogEndpoints(e, src, dst)
	}
	return true
}

// setPflogHeader reads tcpdump -v's IP header: "tos 0x0, ttl 64, id 1,
// offset 0, flags [DF], proto TCP (6), length 60" (3.9: "proto: TCP (6),
// length: 60") or IPv6's "class 0x00,
// flowlabel 0x00000, hlim 64, next-header TCP (6) payload length: 40".
func setPflogHeader(e *event.Event, h string) {
	for _, part := range strings.Split(h, ", ") {
		key, val, _ := strings.Cut(part, " ")
		switch strings.TrimSuffix(key, ":") { // tcpdump 3.9: "proto: TCP (6), length: 60"
		case "tos":
			e.SetStr("pfsense.tos", val)
		case "ttl":
			ecs.SetUint(e, "pfsense.ttl", val)
		case "hlim":
			ecs.SetUint(e, "pfsense.hop_limit", val)
		case "id":
			ecs.SetUint(e, "pfsense.id", val)
		case "offset":
			ecs.SetUint(e, "pfsense.offset", val)
		case "flags":
			e.SetStr("pfsense.flags", strings.Trim(val, "[]"))
		case "length":
			ecs.SetUint(e, "pfsense.length", val)
		case "class":
			e.SetStr("pfsense.class", val)
		case "flowlabel":
			e.SetStr("pfsense.flow_label", val)
		case "proto", "next-header":
			// "TCP (6)"; IPv6's "TCP (6) payload length: 40".
			name, num, _ := strings.Cut(val, " (")
			num, _, _ = strings.Cut(num, ")")
			ecs.SetTransport(e, name)
			if ecs.IsDigits(num) && !e.Has("network.iana_number") {
				e.SetStr("network.iana_number", num)
			}
		}
	}
}

// pflogEndpoints cuts "SRC > DST: ..." into its two endpoints.
func pflogEndpoints(s string) (src, dst string, ok bool) {
	src, rest, ok := strings.Cut(s, " > ")
	if !ok || strings.IndexByte(src, ' ') >= 0 {
		return "", "", false
	}
	// An IPv6 destination holds colons: it ends at ": " or the line's end.
	dst, _, _ = strings.Cut(rest, ": ")
	dst = strings.TrimSuffix(dst, ":")
	if _, _, ok := pflogAddr(src); !ok {
		return "", "", false
	}
	if _, _, ok := pflogAddr(dst); !ok {
		return "", "", false
	}
	return src, dst, true
}

// pflogAddr splits tcpdump's "198.51.100.5.51234" or "2001:db8::1.22"
// into address and port ("" for ICMP's bare address).
func pflogAddr(s string) (ip, port string, ok bool) {
	if a, err := netip.ParseAddr(s); err == nil && (a.Is6() || strings.Count(s, ".") == 3) {
		return s, "", true
	}
	i := strings.LastIndexByte(s, '.')
	if i < 0 || !ecs.IsDigits(s[i+1:]) {
		return "", "", false
	}
	if _, err := netip.ParseAddr(s[:i]); err != nil {
		return "", "", false
	}
	return s[:i], s[i+1:], true
}

func setPflogEndpoints(e *event.Event, src, dst string) {
	sip, sport, _ := pflogAddr(src)
	dip, dport, _ := pflogAddr(dst)
	netIP(e, "source.ip", sip)
	ecs.SetPort(e, "source.port", sport)
	netIP(e, "destination.ip", dip)
	ecs.SetPort(e, "destination.port", dport)
}

// cutPflogDelta cuts tcpdump -ttt's time since the previous packet
// before "rule": tcpdump 4's "00:00:01.024651"; 3.x's microseconds
// ("000145"), after the whole seconds when there are any ("4. 964213"),
// which m0n0wall and pfSense 1.x logged.
func cutPflogDelta(m string) string {
	w, rest := ecs.CutWord(m)
	if isDeltaTime(w) {
		return rest
	}
	if len(w) > 1 && w[len(w)-1] == '.' && ecs.IsDigits(w[:len(w)-1]) {
		w, rest = ecs.CutWord(rest)
	}
	if len(w) == 6 && ecs.IsDigits(w) && strings.HasPrefix(rest, "rule ") {
		return rest
	}
	return m
}

// isDeltaTime: tcpdump's "00:00:01.024651" (digits, ':' and '.').
func isDeltaTime(w string) bool {
	if len(w) < 8 || strings.IndexByte(w, ':') < 0 {
		return false
	}
	for i := 0; i < len(w); i++ {
		if c := w[i]; c != ':' && c != '.' && (c < '0' || c > '9') {
			return false
		}
	}
	return true
}

// closingParen returns the index of the ')' closing s's first '(' (at 0),
// -1 if none.
func closingParen(s string) int {
	depth := 0
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '(':
			depth++
		case ')':
			depth--
			if depth == 0 {
				return i
			}
		}
	}
	return -1
}

// firstPart is a rule number's own digits ("64" of "64.anchor.3").
func firstPart(rule string) string {
	n, _, _ := strings.Cut(rule, ".")
	return n
}

package network

import (
	"strings"

	"github.com/nomenhq/nomen/normalize/ecs"
	"github.com/nomenhq/nomen/relay/event"
)

// ASA connection messages: endpoints as the ASA prints them, deny, ACL, built, teardown, ICMP, IPS and to-the-box lines.

// asaEndpoint is one side of a connection as the ASA prints it:
// "IF:IP/port (mappedIP/mappedport)(user)", any part but IP optional.
type asaEndpoint struct {
	iface, ip, port    string
	mappedIP, mappedPt string
	user               string
	icmpType, icmpCode string
}

// parse reads s (one side, trimmed by the caller's delimiters).
func (p *asaEndpoint) parse(s string) bool {
	s = strings.TrimSpace(s)
	// Trailing parenthesised groups: "(type 3, code 2)", "(1.2.3.4/80)", "(LOCAL\bob)".
	for strings.HasSuffix(s, ")") {
		open := strings.LastIndexByte(s, '(')
		if open < 0 {
			return false
		}
		g := s[open+1 : len(s)-1]
		s = strings.TrimRight(s[:open], " ")
		switch {
		case strings.HasPrefix(g, "type "):
			t, c, _ := ecs.CutByte(g[len("type "):], ',')
			p.icmpType = strings.TrimSpace(t)
			p.icmpCode = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(c), "code"))
		case strings.IndexByte(g, '/') > 0 && strings.IndexByte(g, ' ') < 0 && p.mappedIP == "":
			p.mappedIP, p.mappedPt, _ = cutLastByte(g, '/')
		case g != "":
			p.user = g
		}
	}
	if i := strings.IndexByte(s, ':'); i >= 0 && !looksLikeIPv6Prefix(s) {
		p.iface = strings.TrimSpace(s[:i])
		s = strings.TrimLeft(s[i+1:], " ")
	}
	p.ip, p.port, _ = cutLastByte(s, '/')
	return p.ip != ""
}

// looksLikeIPv6Prefix reports whether s starts with an IPv6 address rather
// than "interface:": only hex digits, '.' and ':' up to the first '/', '('
// or space, with at least two colons.
func looksLikeIPv6Prefix(s string) bool {
	colons := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == ':':
			colons++
		case c == '/' || c == '(' || c == ' ':
			return colons >= 2
		case c == '.', '0' <= c && c <= '9', 'a' <= c|0x20 && c|0x20 <= 'f':
		default:
			return false
		}
	}
	return colons >= 2
}

// cutLastByte splits s around the last c.
func cutLastByte(s string, c byte) (before, after string, found bool) {
	if i := strings.LastIndexByte(s, c); i >= 0 {
		return s[:i], s[i+1:], true
	}
	return s, "", false
}

// netSide holds the ECS keys of one side of a connection.
type netSide struct{ ip, port, natIP, natPort, user string }

var (
	netSource = netSide{"source.ip", "source.port", "source.nat.ip", "source.nat.port", "source.user.name"}
	netDest   = netSide{"destination.ip", "destination.port", "destination.nat.ip", "destination.nat.port", "destination.user.name"}
)

// set writes the endpoint as one side of the connection, and its
// interface as ifKey (observer.ingress/egress.interface.name, or "").
func (p *asaEndpoint) set(e *event.Event, side netSide, ifKey string) {
	netIP(e, side.ip, p.ip)
	setPortOrService(e, side.port, p.port)
	if ifKey != "" {
		setInterface(e, ifKey, p.iface)
	}
	if p.mappedIP != "" && (p.mappedIP != p.ip || p.mappedPt != p.port) && netIP(e, side.natIP, p.mappedIP) {
		setPortOrService(e, side.natPort, p.mappedPt)
	}
	if p.user != "" {
		ecs.SetUser(e, side.user, p.user)
	}
	if p.icmpType != "" {
		e.SetStr("cisco.asa.icmp_type", p.icmpType)
		e.SetStr("cisco.asa.icmp_code", p.icmpCode)
	}
}

// asaFromTo decodes 106001/106006/106015:
// "... from IP/port to IP/port [flags F] on interface IF".
func asaFromTo(e *event.Event, t string) bool {
	head, rest, ok := strings.Cut(t, " from ")
	if !ok {
		return false
	}
	srcS, rest, ok := strings.Cut(rest, " to ")
	if !ok {
		return false
	}
	dstS, iface, _ := strings.Cut(rest, " on interface ")
	dstS, flags, _ := strings.Cut(dstS, " flags ")
	var src, dst asaEndpoint
	if !src.parse(srcS) || !dst.parse(dstS) {
		return false
	}
	netDecision(e, false)
	// "Inbound TCP connection denied", "Deny inbound UDP", "Deny TCP (no connection)"
	for _, w := range strings.Fields(head) {
		switch strings.ToLower(w) {
		case "inbound":
			e.SetStr("network.direction", "inbound")
		case "outbound":
			e.SetStr("network.direction", "outbound")
		case "tcp", "udp", "icmp":
			setTransport(e, w)
		}
	}
	src.set(e, netSource, "")
	dst.set(e, netDest, "")
	setInterface(e, "observer.ingress.interface.name", strings.TrimSpace(iface))
	if flags = strings.TrimSpace(flags); flags != "" {
		e.SetStr("cisco.asa.tcp_flags", flags)
	}
	return true
}

// asaDenySrcDst decodes 106023 and 106014:
// "Deny [inbound] PROTO src IF:IP[/port] dst IF:IP[/port] [(type N, code N)] [by access-group "ACL" [h1, h2]]".
func asaDenySrcDst(e *event.Event, t string) bool {
	rest, ok := strings.CutPrefix(t, "Deny ")
	if !ok {
		return false
	}
	proto, rest, ok := strings.Cut(rest, " src ")
	if !ok {
		return false
	}
	srcS, rest, ok := strings.Cut(rest, " dst ")
	if !ok {
		return false
	}
	dstS, acl, _ := strings.Cut(rest, " by access-group ")
	var src, dst asaEndpoint
	if !src.parse(srcS) || !dst.parse(dstS) {
		return false
	}
	netDecision(e, false)
	if p, ok := strings.CutPrefix(proto, "inbound "); ok {
		proto = p
		e.SetStr("network.direction", "inbound")
	}
	setTransport(e, strings.TrimPrefix(proto, "protocol "))
	src.set(e, netSource, "observer.ingress.interface.name")
	dst.set(e, netDest, "observer.egress.interface.name")
	if acl != "" {
		name, _, _ := cutQuotedASA(acl)
		e.SetStr("rule.name", name)
	}
	return true
}

// cutQuotedASA returns the text inside the leading double quotes of s.
func cutQuotedASA(s string) (quoted, rest string, ok bool) {
	s = strings.TrimLeft(s, " ")
	if len(s) < 2 || s[0] != '"' {
		w, r := ecs.CutWord(s)
		return w, r, w != ""
	}
	q, r, ok := ecs.CutByte(s[1:], '"')
	return q, r, ok
}

// asaACLLog decodes 106100:
// "access-list ACL permitted|denied|est-allowed PROTO IF/IP(port) [(user)] -> IF/IP(port) [(user)] hit-cnt N (first hit|N-second interval) [h1, h2]".
func asaACLLog(e *event.Event, t string) bool {
	rest, ok := strings.CutPrefix(t, "access-list ")
	if !ok {
		return false
	}
	acl, rest := ecs.CutWord(rest)
	verdict, rest := ecs.CutWord(rest)
	proto, rest := ecs.CutWord(rest)
	srcS, rest, ok := strings.Cut(rest, " -> ")
	if !ok || acl == "" || proto == "" {
		return false
	}
	dstS, hits, _ := strings.Cut(rest, " hit-cnt ")
	var allowed bool
	switch verdict {
	case "permitted", "est-allowed":
		allowed = true
	case "denied":
	default:
		return false
	}
	srcIf, srcIP, srcPort, srcUser := asaSlashEndpoint(srcS)
	dstIf, dstIP, dstPort, dstUser := asaSlashEndpoint(dstS)
	if srcIP == "" || dstIP == "" {
		return false
	}
	netDecision(e, allowed)
	setTransport(e, proto)
	e.SetStr("rule.name", acl)
	netIP(e, "source.ip", srcIP)
	netIP(e, "destination.ip", dstIP)
	if !strings.EqualFold(proto, "icmp") && !strings.EqualFold(proto, "icmp6") {
		setPortOrService(e, "source.port", srcPort)
		setPortOrService(e, "destination.port", dstPort)
	}
	setInterface(e, "observer.ingress.interface.name", srcIf)
	setInterface(e, "observer.egress.interface.name", dstIf)
	ecs.SetUser(e, "source.user.name", srcUser)
	ecs.SetUser(e, "destination.user.name", dstUser)
	if n, _ := ecs.CutWord(hits); n != "" {
		ecs.SetUint(e, "cisco.asa.hit_count", n)
	}
	return true
}

// asaSlashEndpoint parses "IF/IP(port) [(user, sg)]".
func asaSlashEndpoint(s string) (iface, ip, port, user string) {
	s = strings.TrimSpace(s)
	iface, s, _ = ecs.CutByte(s, '/')
	ip, s, _ = ecs.CutByte(s, '(')
	port, s, _ = ecs.CutByte(s, ')')
	if u, ok := strings.CutPrefix(strings.TrimSpace(s), "("); ok {
		user, _, _ = ecs.CutByte(u, ')')
		user, _, _ = ecs.CutByte(user, ',')
	}
	return iface, strings.TrimSpace(ip), port, user
}

// asaBuilt decodes 302013/302015:
// "Built inbound|outbound TCP|UDP connection ID for IF:IP/port (IP/port)[(user)] to IF:IP/port (IP/port)[(user)]".
// For an outbound connection the "for" side is the responder (the ASA
// names the foreign address first), so it becomes the destination.
func asaBuilt(e *event.Event, t string) bool {
	rest, ok := strings.CutPrefix(t, "Built ")
	if !ok {
		return false
	}
	dir, rest := ecs.CutWord(rest)
	proto, rest := ecs.CutWord(rest)
	rest, ok = strings.CutPrefix(rest, "connection ")
	if !ok {
		return false
	}
	connID, rest := ecs.CutWord(rest)
	rest, ok = strings.CutPrefix(rest, "for ")
	if !ok {
		return false
	}
	forS, toS, ok := strings.Cut(rest, " to ")
	if !ok {
		return false
	}
	var foreign, local asaEndpoint
	if !foreign.parse(forS) || !local.parse(toS) {
		return false
	}
	netClassStart.Set(e, "connection-built", ecs.OutcomeSuccess)
	setTransport(e, proto)
	e.SetStr("cisco.asa.connection_id", connID)
	src, dst := &foreign, &local
	switch dir {
	case "inbound":
		e.SetStr("network.direction", "inbound")
	case "outbound":
		e.SetStr("network.direction", "outbound")
		src, dst = &local, &foreign
	}
	src.set(e, netSource, "observer.ingress.interface.name")
	dst.set(e, netDest, "observer.egress.interface.name")
	return true
}

// asaTeardown decodes 302014/302016:
// "Teardown TCP|UDP connection ID for IF:IP/port to IF:IP/port duration H:MM:SS bytes N [reason] [(user)]".
// The ASA prints the sides in the order of the Built message but not the
// direction, so source is the first side.
func asaTeardown(e *event.Event, t string) bool {
	rest, ok := strings.CutPrefix(t, "Teardown ")
	if !ok {
		return false
	}
	proto, rest := ecs.CutWord(rest)
	rest, ok = strings.CutPrefix(rest, "connection ")
	if !ok {
		return false
	}
	connID, rest := ecs.CutWord(rest)
	rest, ok = strings.CutPrefix(rest, "for ")
	if !ok {
		return false
	}
	forS, rest, ok := strings.Cut(rest, " to ")
	if !ok {
		return false
	}
	toS, tail, _ := strings.Cut(rest, " duration ")
	var a, b asaEndpoint
	if !a.parse(forS) || !b.parse(toS) {
		return false
	}
	netClassEnd.Set(e, "connection-teardown", "")
	setTransport(e, proto)
	e.SetStr("cisco.asa.connection_id", connID)
	a.set(e, netSource, "observer.ingress.interface.name")
	b.set(e, netDest, "observer.egress.interface.name")
	dur, tail := ecs.CutWord(tail)
	if ns, ok := parseHMS(dur); ok {
		e.SetInt("event.duration", ns)
	}
	if r, ok := strings.CutPrefix(tail, "bytes "); ok {
		n, reason := ecs.CutWord(r)
		ecs.SetUint(e, "network.bytes", n)
		if reason = strings.TrimSpace(reason); reason != "" {
			e.SetStr("event.reason", reason)
		}
	}
	return true
}

// parseHMS parses an ASA duration "H:MM:SS" (hours unbounded) to nanoseconds.
func parseHMS(s string) (int64, bool) {
	h, rest, ok := ecs.CutByte(s, ':')
	if !ok {
		return 0, false
	}
	m, sec, ok := ecs.CutByte(rest, ':')
	hn, ok1 := ecs.ParseUint(h)
	mn, ok2 := ecs.ParseUint(m)
	sn, ok3 := ecs.ParseUint(sec)
	if !ok || !ok1 || !ok2 || !ok3 || mn > 59 || sn > 59 || hn > 1<<20 {
		return 0, false
	}
	return ((hn*60+mn)*60 + sn) * 1e9, true
}

// asaICMPConn decodes 302020/302021:
// "Built|Teardown inbound|outbound ICMP connection for faddr IP/id gaddr IP/0 laddr IP/0 ...".
func asaICMPConn(e *event.Event, built bool, t string) bool {
	_, rest, ok := strings.Cut(t, "ICMP connection for faddr ")
	if !ok {
		return false
	}
	faddr, rest := ecs.CutWord(rest)
	rest, ok = strings.CutPrefix(rest, "gaddr ")
	if !ok {
		return false
	}
	_, rest = ecs.CutWord(rest)
	rest, ok = strings.CutPrefix(rest, "laddr ")
	if !ok {
		return false
	}
	laddr, _ := ecs.CutWord(rest)
	fIP, _, _ := cutLastByte(faddr, '/')
	lIP, _, _ := cutLastByte(laddr, '/')
	if built {
		netClassStart.Set(e, "connection-built", ecs.OutcomeSuccess)
	} else {
		netClassEnd.Set(e, "connection-teardown", "")
	}
	setTransport(e, "icmp")
	src, dst := fIP, lIP
	switch {
	case strings.Contains(t, " outbound "):
		e.SetStr("network.direction", "outbound")
		src, dst = lIP, fIP
	case strings.Contains(t, " inbound "):
		e.SetStr("network.direction", "inbound")
	}
	netIP(e, "source.ip", src)
	netIP(e, "destination.ip", dst)
	return true
}

// asaIPS decodes 4000xx: "IPS:SIG NAME from IP to IP on interface IF".
func asaIPS(e *event.Event, t string) bool {
	rest, ok := strings.CutPrefix(t, "IPS:")
	if !ok {
		return false
	}
	sig, rest := ecs.CutWord(rest)
	name, rest, ok := strings.Cut(rest, " from ")
	if !ok {
		return false
	}
	src, rest, ok := strings.Cut(rest, " to ")
	if !ok {
		return false
	}
	dst, iface, _ := strings.Cut(rest, " on interface ")
	netClassIDS.Set(e, "intrusion-detected", "")
	e.SetStr("rule.id", sig)
	e.SetStr("rule.name", name)
	netIP(e, "source.ip", src)
	netIP(e, "destination.ip", dst)
	setInterface(e, "observer.ingress.interface.name", strings.TrimSpace(iface))
	return true
}

// asaToTheBox decodes 710002/710003 (connections to the ASA itself):
// "TCP|UDP access permitted|denied by ACL from IP/port to IF:IP/service".
func asaToTheBox(e *event.Event, permitted bool, t string) bool {
	proto, rest := ecs.CutWord(t)
	_, rest, ok := strings.Cut(rest, "from ")
	if !ok {
		return false
	}
	srcS, dstS, ok := strings.Cut(rest, " to ")
	if !ok {
		return false
	}
	var src, dst asaEndpoint
	if !src.parse(srcS) || !dst.parse(dstS) {
		return false
	}
	netDecision(e, permitted)
	setTransport(e, proto)
	src.set(e, netSource, "")
	dst.set(e, netDest, "observer.ingress.interface.name")
	return true
}

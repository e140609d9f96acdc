package normalize

import (
	"strings"

	"github.com/nomenhq/nomen/normalize/ecs"
	"github.com/nomenhq/nomen/relay/event"
)

// Cisco ASA (and its predecessor PIX, FWSM and Firepower Threat Defense,
// which share the message catalogue). Every message carries an envelope
//
//	%ASA-SEVERITY-MESSAGEID: text
//
// which reaches us as the syslog tag (APP-NAME "%ASA-6-302013") or at the
// start of the message (behind a relay's "host prog[pid]:" header, or
// without the "%"), and in the ASDM/buffer export form
// "SEVERITY|date|MESSAGEID: text". The envelope alone gives event.code,
// event.severity, log.level and cisco.asa.message_id for every id; the ids
// below also get ECS fields (texts from Cisco's "ASA Series Syslog
// Messages" guide):
//
//	106001  Inbound TCP connection denied from IP/port to IP/port flags F on interface IF
//	106006  Deny inbound UDP from IP/port to IP/port on interface IF
//	106014  Deny inbound icmp src IF:IP dst IF:IP (type N, code N)
//	106015  Deny TCP (no connection) from IP/port to IP/port flags F on interface IF
//	106023  Deny PROTO src IF:IP/port dst IF:IP/port [(type N, code N)] by access-group "ACL" [...]
//	106100  access-list ACL permitted|denied|est-allowed PROTO IF/IP(port) -> IF/IP(port) hit-cnt N ...
//	302013/302015  Built inbound|outbound TCP|UDP connection ID for IF:IP/port (IP/port) to IF:IP/port (IP/port)
//	302014/302016  Teardown TCP|UDP connection ID for IF:IP/port to IF:IP/port duration H:MM:SS bytes N [reason]
//	302020/302021  Built|Teardown inbound|outbound ICMP connection for faddr IP/id gaddr IP/0 laddr IP/0
//	113004/113012  AAA user authentication Successful : server = IP : user = U
//	113005/113015  AAA user authentication Rejected : reason = R : server = IP : user = U : user IP = IP
//	113006  User U locked out on exceeding N successive failed authentication attempts
//	400000-400050  IPS:SIG NAME from IP to IP on interface IF
//	605004/605005  Login denied|permitted from IP/port to IF:IP/service for user "U"
//	611101/611102  User authentication succeeded|failed: ... Uname: U
//	611103  User logged out: Uname: U
//	710002/710003  TCP|UDP access permitted|denied by ACL from IP/port to IF:IP/service
//	733100  [THREAT] drop rate-N exceeded. ...

// sniffASABare recognises the bare "302020: Built ..." form some exports
// use (six-digit id, no family, no severity): only ids decoded below.
func sniffASABare(e *event.Event) bool {
	m := e.Message
	return len(m) > 8 && m[6] == ':' && m[7] == ' ' && isDigits(m[:6]) && asaKnownID(m[:6])
}

// asaHeader is a parsed ASA envelope.
type asaHeader struct {
	family string // "ASA", "PIX", "FTD", "FWSM"; "" in the bare form
	sev    int    // -1 when absent
	id     string // six digits
	text   string // the message after "ID: "
}

// parseASATag parses "%ASA-6-302013" (the tag, without ':'), with or without "%".
func parseASATag(tag string) (family string, sev int, id string, ok bool) {
	tag = strings.TrimPrefix(tag, "%")
	fam, rest, found := cutByte(tag, '-')
	if !found {
		return "", 0, "", false
	}
	switch fam {
	case "ASA", "PIX", "FTD", "FWSM":
	default:
		return "", 0, "", false
	}
	if len(rest) < 3 || rest[0] < '0' || rest[0] > '7' || rest[1] != '-' {
		return "", 0, "", false
	}
	id = rest[2:]
	if len(id) != 6 || !isDigits(id) {
		return "", 0, "", false
	}
	return fam, int(rest[0] - '0'), id, true
}

func (h *asaHeader) parse(e *event.Event) bool {
	h.sev = -1
	if len(e.AppName) > 4 && e.AppName[0] == '%' {
		if fam, sev, id, ok := parseASATag(e.AppName); ok {
			h.family, h.sev, h.id, h.text = fam, sev, id, e.Message
			return true
		}
	}
	m := e.Message
	if len(m) > 2 && m[1] == '|' && m[0] >= '0' && m[0] <= '7' {
		// "6|Nov 28 2014 12:59:03|302021: text"
		sev := int(m[0] - '0')
		_, rest, ok := cutByte(m[2:], '|')
		if !ok || len(rest) < 8 || rest[6] != ':' || !isDigits(rest[:6]) {
			return false
		}
		h.sev, h.id, h.text = sev, rest[:6], strings.TrimLeft(rest[7:], " ")
		return true
	}
	if len(m) > 8 && m[6] == ':' && isDigits(m[:6]) {
		h.id, h.text = m[:6], strings.TrimLeft(m[7:], " ")
		return true
	}
	// Bodies without the envelope (exports that strip it): only the two
	// whose text names the message unambiguously.
	if strings.HasPrefix(m, "access-list ") && strings.Contains(m, " hit-cnt ") {
		h.id, h.text = "106100", m
		return true
	}
	if strings.HasPrefix(m, "Deny ") && strings.Contains(m, " by access-group ") {
		h.id, h.text = "106023", m
		return true
	}
	tag, rest, ok := cutByte(m, ':')
	if !ok || strings.IndexByte(tag, ' ') >= 0 {
		return false
	}
	fam, sev, id, ok := parseASATag(tag)
	if !ok {
		return false
	}
	h.family, h.sev, h.id, h.text = fam, sev, id, strings.TrimLeft(rest, " ")
	return true
}

func (h *asaHeader) provider() string {
	switch h.family {
	case "PIX":
		return "cisco-pix"
	case "FTD":
		return "cisco-ftd"
	case "FWSM":
		return "cisco-fwsm"
	}
	return "cisco-asa"
}

func decodeASA(e *event.Event) bool {
	var h asaHeader
	if !h.parse(e) {
		return false
	}
	netBegin(e, h.provider(), "cisco_asa")
	e.SetStr("event.code", h.id)
	e.SetStr("cisco.asa.message_id", h.id)
	setSeverity(e, h.sev)
	if e.Hostname == "" && e.ProcID == "" && e.AppName != "" && e.AppName[0] != '%' && h.text != e.Message {
		// "<190>Aug  1 14:01:20 fw1: %ASA-6-...": the firewall's name
		// stands where syslog expects a tag.
		e.SetStr("host.name", e.AppName)
	}
	e.Message = h.text
	if rule := asaDecodeID(e, h.id, h.text); rule != "" {
		ecs.SetRule(e, rule)
	}
	return true
}

// asaKnownID reports whether asaDecodeID has a decoder for id.
func asaKnownID(id string) bool {
	switch id {
	case "106001", "106006", "106014", "106015", "106023", "106100",
		"302013", "302014", "302015", "302016", "302020", "302021",
		"113004", "113005", "113006", "113012", "113015",
		"605004", "605005", "611101", "611102", "611103", "710002", "710003", "733100":
		return true
	}
	return len(id) == 6 && strings.HasPrefix(id, "4000")
}

// asaDecodeID sets the ECS fields of the ids this decoder knows and
// returns the nomen.rule to record ("" when the text did not match).
func asaDecodeID(e *event.Event, id, t string) string {
	switch id {
	case "106001", "106006", "106015":
		if asaFromTo(e, t) {
			return "cisco_asa.deny"
		}
	case "106014", "106023":
		if asaDenySrcDst(e, t) {
			return "cisco_asa.deny_acl"
		}
	case "106100":
		if asaACLLog(e, t) {
			return "cisco_asa.acl"
		}
	case "302013", "302015":
		if asaBuilt(e, t) {
			return "cisco_asa.connection_built"
		}
	case "302014", "302016":
		if asaTeardown(e, t) {
			return "cisco_asa.connection_teardown"
		}
	case "302020", "302021":
		if asaICMPConn(e, id == "302020", t) {
			return "cisco_asa.icmp_connection"
		}
	case "113004", "113005", "113012", "113015":
		if asaAAA(e, t) {
			return "cisco_asa.aaa"
		}
	case "113006":
		if asaLockedOut(e, t) {
			return "cisco_asa.locked_out"
		}
	case "605004", "605005":
		if asaLogin(e, id == "605005", t) {
			return "cisco_asa.login"
		}
	case "611101", "611102", "611103":
		if asaUserAuth(e, id, t) {
			return "cisco_asa.user"
		}
	case "710002", "710003":
		if asaToTheBox(e, id == "710002", t) {
			return "cisco_asa.to_the_box"
		}
	case "733100":
		if r, ok := strings.CutPrefix(t, "["); ok {
			if name, _, ok := cutByte(r, ']'); ok && name != "" {
				netClassIDS.Set(e, "threat-detected", "")
				e.SetStr("rule.name", strings.TrimSpace(name))
				return "cisco_asa.threat_detection"
			}
		}
	default:
		if strings.HasPrefix(id, "4000") && asaIPS(e, t) {
			return "cisco_asa.ips"
		}
	}
	return ""
}

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
			t, c, _ := cutByte(g[len("type "):], ',')
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
			SetTransport(e, w)
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
	SetTransport(e, strings.TrimPrefix(proto, "protocol "))
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
		w, r := firstWord(s)
		return w, r, w != ""
	}
	q, r, ok := cutByte(s[1:], '"')
	return q, r, ok
}

// asaACLLog decodes 106100:
// "access-list ACL permitted|denied|est-allowed PROTO IF/IP(port) [(user)] -> IF/IP(port) [(user)] hit-cnt N (first hit|N-second interval) [h1, h2]".
func asaACLLog(e *event.Event, t string) bool {
	rest, ok := strings.CutPrefix(t, "access-list ")
	if !ok {
		return false
	}
	acl, rest := firstWord(rest)
	verdict, rest := firstWord(rest)
	proto, rest := firstWord(rest)
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
	SetTransport(e, proto)
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
	if n, _ := firstWord(hits); n != "" {
		ecs.SetUint(e, "cisco.asa.hit_count", n)
	}
	return true
}

// asaSlashEndpoint parses "IF/IP(port) [(user, sg)]".
func asaSlashEndpoint(s string) (iface, ip, port, user string) {
	s = strings.TrimSpace(s)
	iface, s, _ = cutByte(s, '/')
	ip, s, _ = cutByte(s, '(')
	port, s, _ = cutByte(s, ')')
	if u, ok := strings.CutPrefix(strings.TrimSpace(s), "("); ok {
		user, _, _ = cutByte(u, ')')
		user, _, _ = cutByte(user, ',')
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
	dir, rest := firstWord(rest)
	proto, rest := firstWord(rest)
	rest, ok = strings.CutPrefix(rest, "connection ")
	if !ok {
		return false
	}
	connID, rest := firstWord(rest)
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
	SetTransport(e, proto)
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
	proto, rest := firstWord(rest)
	rest, ok = strings.CutPrefix(rest, "connection ")
	if !ok {
		return false
	}
	connID, rest := firstWord(rest)
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
	SetTransport(e, proto)
	e.SetStr("cisco.asa.connection_id", connID)
	a.set(e, netSource, "observer.ingress.interface.name")
	b.set(e, netDest, "observer.egress.interface.name")
	dur, tail := firstWord(tail)
	if ns, ok := parseHMS(dur); ok {
		e.SetInt("event.duration", ns)
	}
	if r, ok := strings.CutPrefix(tail, "bytes "); ok {
		n, reason := firstWord(r)
		ecs.SetUint(e, "network.bytes", n)
		if reason = strings.TrimSpace(reason); reason != "" {
			e.SetStr("event.reason", reason)
		}
	}
	return true
}

// parseHMS parses an ASA duration "H:MM:SS" (hours unbounded) to nanoseconds.
func parseHMS(s string) (int64, bool) {
	h, rest, ok := cutByte(s, ':')
	if !ok {
		return 0, false
	}
	m, sec, ok := cutByte(rest, ':')
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
	faddr, rest := firstWord(rest)
	rest, ok = strings.CutPrefix(rest, "gaddr ")
	if !ok {
		return false
	}
	_, rest = firstWord(rest)
	rest, ok = strings.CutPrefix(rest, "laddr ")
	if !ok {
		return false
	}
	laddr, _ := firstWord(rest)
	fIP, _, _ := cutLastByte(faddr, '/')
	lIP, _, _ := cutLastByte(laddr, '/')
	if built {
		netClassStart.Set(e, "connection-built", ecs.OutcomeSuccess)
	} else {
		netClassEnd.Set(e, "connection-teardown", "")
	}
	SetTransport(e, "icmp")
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
	sig, rest := firstWord(rest)
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
	proto, rest := firstWord(t)
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
	SetTransport(e, proto)
	src.set(e, netSource, "")
	dst.set(e, netDest, "observer.ingress.interface.name")
	return true
}

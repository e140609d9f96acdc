package network

import (
	"strings"

	"github.com/nomenhq/nomen/normalize/ecs"
	"github.com/nomenhq/nomen/relay/event"
)

// Linux netfilter packet logs (the iptables/ip6tables/nftables LOG target,
// as the kernel prints them):
//
//	[UPTIME] [PREFIX]IN=IF OUT=IF [PHYSIN=IF] MAC=DST:SRC:TYPE SRC=IP DST=IP LEN=N
//	  TOS=0x00 PREC=0x00 TTL=N ID=N [CE] [DF] [MF] [FRAG:N] PROTO=P [SPT=N DPT=N]
//	  [SEQ=N ACK=N] [WINDOW=N RES=0x00 SYN ACK ... URGP=N] [OPT (...)]
//	  [TYPE=N CODE=N ID=N SEQ=N | MTU=N | GATEWAY=IP] [SPI=0x..]
//	  [UID=N GID=N] [MARK=0x..] [[SRC=... quoted packet of an ICMP error ]]
//
// IPv6 has TC=, HOPLIMIT=, FLOWLBL= instead of TOS/PREC/TTL/ID, and a
// fragment header as "FRAG:N ID:hex". SEQ= and ACK= before a TCP
// packet's WINDOW are its sequence numbers (--log-tcp-sequence), an ICMP
// echo's SEQ= its sequence; UID=/GID= the local socket's owner
// (--log-uid). The ARP family (nftables, arptables) logs
// "ARP HTYPE=1 PTYPE=0x0800 OPCODE=N MACSRC=... IPSRC=... MACDST=... IPDST=...". The log
// prefix is free text chosen by the administrator; when it says what the
// rule did it gives the outcome:
//
//   - EdgeOS / UniFi "[RULESET-RULE-A]" (A accept, D drop, R reject);
//   - any word starting DROP, DENY/DENIED, REJECT, BLOCK, DISCARD ->
//     denied; ACCEPT, ALLOW, PERMIT, ACC, PASS -> allowed ("[UFW BLOCK]",
//     "SFW2-INext-ACC-TCP", "iptables DROP_INPUT:", "FROM_INTERNET_DENY");
//   - otherwise the event is network/info with no outcome.
//
// A prefix that syslog mistook for the tag ("DENY: IN=...") is taken back
// from the APP-NAME.

// iptablesWindow bounds where a sniffed line's "IN=" may start: after the
// kernel's uptime ("[12345678.123456] ") and a log prefix (at most 127
// bytes with nftables, 29 with iptables), with room for a relay's word.
// A key=value line of another program whose first "IN=" comes later is
// not asked about.
const iptablesWindow = 256

// gateIptables: sniffIptables's lines hold "IN=" in their first
// iptablesWindow bytes, its '=' included.
var gateIptables = ecs.SniffGate{Marker: '=', Window: iptablesWindow}

// sniffIptables recognises netfilter lines whose program is not "kernel".
func sniffIptables(e *event.Event) bool {
	m := e.Message
	if len(m) > iptablesWindow {
		m = m[:iptablesWindow]
	}
	return iptablesStart(m) >= 0 && strings.Contains(e.Message, " SRC=")
}

// iptablesPrograms are tags that are a logger, not a log prefix.
func iptablesLogger(app string) bool {
	switch app {
	case "", "kernel", "ulogd", "ulogd2", "iptables", "ip6tables", "nftables", "nft", "klogd", "firewall":
		return true
	}
	return false
}

func decodeIptables(e *event.Event) bool {
	m := e.Message
	start := iptablesStart(m)
	if start < 0 {
		return false
	}
	kv := m[start:]
	if !strings.Contains(kv, " SRC=") && !strings.Contains(kv, " OUT=") {
		return false
	}
	prefix := strings.TrimSpace(iptablesStripUptime(m[:start]))
	if prefix == "" && !iptablesLogger(e.AppName) {
		prefix = e.AppName
	}
	var p iptablesPacket
	p.parse(kv)
	if p.src == "" && p.dst == "" {
		return false
	}
	netBegin(e, "netfilter", "iptables.log")
	verdict := iptablesPrefix(e, prefix)
	switch verdict {
	case 'A':
		netDecision(e, true)
		ecs.SetRule(e, "iptables.allowed")
	case 'D':
		netDecision(e, false)
		ecs.SetRule(e, "iptables.denied")
	default:
		netClassInfo.Set(e, "", "")
	}
	p.set(e)
	return true
}

// iptablesStart returns the index of the "IN=" that starts the packet
// fields: at the start, after a space, a ':', or a "]" or ")" (EdgeOS
// glues its "[RULE-A]" prefix to it, OpenWrt's fw3 its "DROP(src wan)"),
// or glued to any other prefix without its space ("DROPIN=eth0") when
// the kernel's "IN=IF OUT=" follows. -1 if none.
func iptablesStart(m string) int {
	for i := 0; ; {
		j := strings.Index(m[i:], "IN=")
		if j < 0 {
			return -1
		}
		j += i
		if j == 0 || m[j-1] == ' ' || m[j-1] == ']' || m[j-1] == ':' || m[j-1] == ')' || iptablesInOut(m[j:]) {
			return j
		}
		i = j + 3
	}
}

// iptablesInOut reports whether s starts with the kernel's "IN=IF OUT=".
func iptablesInOut(s string) bool {
	sp := strings.IndexByte(s, ' ')
	return sp >= 3 && strings.HasPrefix(s[sp:], " OUT=")
}

// iptablesStripUptime removes the kernel's "[ 1234.567890]" timestamp
// (and the caller id after it, "[    C2]"), which are no log prefix.
func iptablesStripUptime(s string) string {
	s = strings.TrimLeft(s, " ")
	if len(s) < 3 || s[0] != '[' {
		return s
	}
	end := strings.IndexByte(s, ']')
	if end < 0 {
		return s
	}
	for i := 1; i < end; i++ {
		if c := s[i]; !(c == ' ' || c == '.' || '0' <= c && c <= '9') {
			return s
		}
	}
	rest, _ := ecs.CutPrintkCaller(s[end+1:])
	return rest
}

// iptablesPrefix records the log prefix and returns the verdict it
// states: 'A' allowed, 'D' denied, 0 unknown.
func iptablesPrefix(e *event.Event, prefix string) byte {
	if prefix == "" {
		return 0
	}
	e.SetStr("iptables.prefix", prefix)
	name := strings.TrimRight(prefix, ": ")
	if len(name) > 4 && name[0] == '[' && name[len(name)-1] == ']' {
		inner := name[1 : len(name)-1]
		// EdgeOS/UniFi "[RULESET-RULE-A]"
		if n := len(inner); n > 4 && inner[n-2] == '-' {
			switch inner[n-1] {
			case 'A', 'D', 'R':
				rule := inner[:n-2]
				e.SetStr("rule.name", rule)
				if i := strings.LastIndexByte(rule, '-'); i > 0 {
					e.SetStr("rule.ruleset", rule[:i])
					e.SetStr("rule.id", rule[i+1:])
				}
				if inner[n-1] == 'A' {
					return 'A'
				}
				return 'D'
			}
		}
		name = strings.TrimSpace(inner)
	}
	e.SetStr("rule.name", name)
	return iptablesVerdictWords(name)
}

// iptablesVerdictWords looks for a verdict word in a free-text prefix.
func iptablesVerdictWords(s string) byte {
	for len(s) > 0 {
		i := 0
		for i < len(s) && !isAlnum(s[i]) {
			i++
		}
		j := i
		for j < len(s) && isAlnum(s[j]) {
			j++
		}
		w := s[i:j]
		s = s[j:]
		switch {
		case ecs.HasPrefixFold(w, "DROP"), ecs.HasPrefixFold(w, "DENY"), ecs.HasPrefixFold(w, "DENIED"),
			ecs.HasPrefixFold(w, "REJECT"), ecs.HasPrefixFold(w, "BLOCK"), ecs.HasPrefixFold(w, "DISCARD"):
			return 'D'
		case ecs.HasPrefixFold(w, "ACCEPT"), ecs.HasPrefixFold(w, "ALLOW"), ecs.HasPrefixFold(w, "PERMIT"),
			strings.EqualFold(w, "ACC"), strings.EqualFold(w, "PASS"):
			return 'A'
		}
	}
	return 0
}

func isAlnum(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c|0x20 && c|0x20 <= 'z'
}

// iptablesPacket holds the KEY=VALUE fields of one packet log.
type iptablesPacket struct {
	in, out, physIn, physOut, mac string
	src, dst, proto, spt, dpt     string
	length, tos, prec, ttl, ipID  string
	tc, flowLabel, hopLimit, mark string
	window, res, urgp, spi        string
	icmpType, icmpCode            string
	icmpID, icmpSeq, frag, fragID string
	tcpSeq, tcpAck, mtu, gateway  string
	uid, gid                      string
	arpOpcode, macSrc, macDst     string
	ipFlags                       [3]string
	nIPFlags                      int
	tcpFlags                      [8]string
	nTCPFlags                     int
}

// parse reads "KEY=VALUE FLAG ..." tokens; a "[...]" group (the packet an
// ICMP error quotes) and "OPT (...)" are skipped.
// Long because it is one tokenizer loop with a case per key.
func (p *iptablesPacket) parse(s string) {
	seenProto := false
	for len(s) > 0 {
		if s[0] == ' ' {
			s = s[1:]
			continue
		}
		if s[0] == '[' || s[0] == '(' {
			close := byte(']')
			if s[0] == '(' {
				close = ')'
			}
			end := strings.IndexByte(s, close)
			if end < 0 {
				return
			}
			s = s[end+1:]
			continue
		}
		end := strings.IndexByte(s, ' ')
		if end < 0 {
			end = len(s)
		}
		tok := s[:end]
		s = s[end:]
		key, val, hasEq := ecs.CutByte(tok, '=')
		if !hasEq {
			// The kernel prints a fragment's offset and an IPv6
			// fragment's id with a colon: "FRAG:185", "ID:0000a1b2".
			if tok[0] == 'F' || tok[0] == 'I' {
				if v, ok := strings.CutPrefix(tok, "FRAG:"); ok {
					p.frag = v
					continue
				}
				if v, ok := strings.CutPrefix(tok, "ID:"); ok && p.frag != "" {
					p.fragID = v
					continue
				}
			}
			if seenProto {
				if p.nTCPFlags < len(p.tcpFlags) && iptablesTCPFlag(tok) {
					p.tcpFlags[p.nTCPFlags] = tok
					p.nTCPFlags++
				}
			} else if (tok == "DF" || tok == "MF" || tok == "CE") && p.nIPFlags < len(p.ipFlags) {
				p.ipFlags[p.nIPFlags] = tok
				p.nIPFlags++
			}
			continue
		}
		switch key {
		case "IN":
			p.in = val
		case "OUT":
			p.out = val
		case "PHYSIN":
			p.physIn = val
		case "PHYSOUT":
			p.physOut = val
		case "MAC":
			p.mac = val
		case "SRC":
			p.src = val
		case "DST":
			p.dst = val
		case "LEN":
			if !seenProto {
				p.length = val
			}
		case "TOS":
			p.tos = val
		case "PREC":
			p.prec = val
		case "TTL":
			p.ttl = val
		case "HOPLIMIT":
			p.hopLimit = val
		case "TC":
			p.tc = val
		case "FLOWLBL":
			p.flowLabel = val
		case "ID":
			if seenProto {
				p.icmpID = val
			} else {
				p.ipID = val
			}
		case "FRAG":
			p.frag = val
		case "PROTO":
			p.proto = val
			seenProto = true
		case "SPT":
			p.spt = val
		case "DPT":
			p.dpt = val
		case "WINDOW":
			p.window = val
		case "RES":
			p.res = val
		case "URGP":
			p.urgp = val
		case "TYPE":
			p.icmpType = val
		case "CODE":
			p.icmpCode = val
		case "SEQ":
			if p.proto == "TCP" {
				p.tcpSeq = val
			} else {
				p.icmpSeq = val
			}
		case "ACK":
			p.tcpAck = val
		case "MTU":
			p.mtu = val
		case "GATEWAY":
			p.gateway = val
		case "UID":
			p.uid = val
		case "GID":
			p.gid = val
		case "MACSRC":
			p.macSrc = val
		case "IPSRC":
			p.src = val
		case "MACDST":
			p.macDst = val
		case "IPDST":
			p.dst = val
		case "OPCODE":
			p.arpOpcode = val
		case "SPI":
			p.spi = val
		case "MARK":
			p.mark = val
		}
	}
}

func iptablesTCPFlag(s string) bool {
	switch s {
	case "CWR", "ECE", "URG", "ACK", "PSH", "RST", "SYN", "FIN":
		return true
	}
	return false
}

func (p *iptablesPacket) set(e *event.Event) {
	setInterface(e, "observer.ingress.interface.name", p.in)
	setInterface(e, "observer.egress.interface.name", p.out)
	// Only IN: a packet for this host; only OUT: one it sends. ECS's
	// host-view directions (ingress/egress), not the perimeter's
	// inbound/outbound: the log does not say where the peer is.
	switch {
	case p.in != "" && p.out == "":
		e.SetStr("network.direction", "ingress")
	case p.out != "" && p.in == "":
		e.SetStr("network.direction", "egress")
	}
	e.SetStr("iptables.physical_in", p.physIn)
	e.SetStr("iptables.physical_out", p.physOut)
	if p.arpOpcode != "" {
		// ARP's sender and target protocol addresses: IPv4 addresses in
		// a packet that is no IPv4 (no network.type).
		ecs.SetIP(e, "source.ip", p.src)
		ecs.SetIP(e, "destination.ip", p.dst)
	} else {
		netIP(e, "source.ip", p.src)
		netIP(e, "destination.ip", p.dst)
	}
	if p.mac != "" && len(p.mac) >= 35 {
		// MAC=destination:source:ethertype, 14 bytes printed as hex pairs.
		e.SetStr("destination.mac", ecs.MAC(p.mac[0:17]))
		e.SetStr("source.mac", ecs.MAC(p.mac[18:35]))
	}
	if p.arpOpcode != "" {
		// An ARP packet: its sender and target hardware addresses; a
		// request's target of all zeros is the address it asks for, not one.
		ecs.SetUint(e, "iptables.arp.opcode", p.arpOpcode)
		if len(p.macSrc) == 17 {
			e.SetStr("source.mac", ecs.MAC(p.macSrc))
		}
		if len(p.macDst) == 17 && p.macDst != "00:00:00:00:00:00" {
			e.SetStr("destination.mac", ecs.MAC(p.macDst))
		}
	}
	ecs.SetTransport(e, p.proto)
	ecs.SetPort(e, "source.port", p.spt)
	ecs.SetPort(e, "destination.port", p.dpt)
	ecs.SetUint(e, "iptables.length", p.length)
	e.SetStr("iptables.tos", p.tos)
	e.SetStr("iptables.precedence_bits", p.prec)
	if !ecs.SetUint(e, "iptables.ttl", p.ttl) {
		ecs.SetUint(e, "iptables.ttl", p.hopLimit)
	}
	ecs.SetUint(e, "iptables.id", p.ipID)
	e.SetStr("iptables.tc", p.tc)
	ecs.SetUint(e, "iptables.flow_label", p.flowLabel)
	if p.frag != "" {
		ecs.SetUint(e, "iptables.fragment_offset", p.frag)
		e.SetStr("iptables.fragment_id", p.fragID)
	}
	if p.nIPFlags > 0 {
		e.Set("iptables.fragment_flags", event.Strings(append([]string(nil), p.ipFlags[:p.nIPFlags]...)...))
	}
	if p.tcpSeq != "" || p.tcpAck != "" {
		ecs.SetUint(e, "iptables.tcp.seq", p.tcpSeq)
		ecs.SetUint(e, "iptables.tcp.ack", p.tcpAck)
	}
	ecs.SetUint(e, "iptables.tcp.window", p.window)
	e.SetStr("iptables.tcp.reserved_bits", p.res)
	if p.nTCPFlags > 0 {
		e.Set("iptables.tcp.flags", event.Strings(append([]string(nil), p.tcpFlags[:p.nTCPFlags]...)...))
	}
	ecs.SetUint(e, "iptables.icmp.type", p.icmpType)
	ecs.SetUint(e, "iptables.icmp.code", p.icmpCode)
	ecs.SetUint(e, "iptables.icmp.id", p.icmpID)
	ecs.SetUint(e, "iptables.icmp.seq", p.icmpSeq)
	if p.mtu != "" || p.gateway != "" {
		ecs.SetUint(e, "iptables.icmp.mtu", p.mtu)
		netIP(e, "iptables.icmp.gateway", p.gateway)
	}
	e.SetStr("iptables.spi", p.spi)
	if p.uid != "" || p.gid != "" {
		ecs.SetUint(e, "iptables.uid", p.uid)
		ecs.SetUint(e, "iptables.gid", p.gid)
	}
	e.SetStr("iptables.mark", p.mark)
}

package network

import (
	"strings"

	"github.com/nomenhq/nomen/normalize/ecs"
	"github.com/nomenhq/nomen/relay/event"
)

// pfSense / OPNsense filterlog: one CSV line per logged packet, the fields
// depending on the IP version and the protocol (pfSense documentation,
// "Raw Filter Log Format"):
//
//	RULE,SUBRULE,ANCHOR,TRACKER,INTERFACE,REASON,ACTION,DIRECTION,IPVERSION,
//	  IPv4: TOS,ECN,TTL,ID,OFFSET,FLAGS,PROTOID,PROTO,LENGTH,SRC,DST,
//	  IPv6: CLASS,FLOWLABEL,HOPLIMIT,PROTO,PROTOID,LENGTH,SRC,DST,
//	    tcp:  SPORT,DPORT,DATALEN,TCPFLAGS,SEQ,ACK,WINDOW,URG,OPTIONS
//	    udp:  SPORT,DPORT,DATALEN
//	    icmp: TYPE[,ID,SEQ | ,DSTIP,PROTOID[,PORT] | ,DSTIP,MTU | ,DESCRIPTION | ...]
//	    carp: TYPE,TTL,VHID,VERSION,ADVSKEW,ADVBASE
//	    other: "datalength=N" (any protocol whose fields filterlog does
//	           not print: an ICMP type it does not name, a later fragment)
//
// ACTION pass -> allowed, block/reject/synproxy-drop -> denied, a
// translation (rdr, nat, binat) or match rule -> network info; TRACKER
// (the rule's stable id) is rule.id; INTERFACE is the ingress interface for DIRECTION
// in, the egress one for out. DIRECTION is the packet's direction on that
// interface, not across a perimeter: network.direction is ECS's host-view
// ingress/egress (inbound/outbound would claim the packet came from
// outside, which a LAN interface's "in" does not say).

const filterlogMaxFields = 40

// filterlogAction reads pf's action as filterlog prints it: 'A' a packet
// let through, 'D' one dropped (a synproxy's dropped handshake too), 0 a
// translation or a match rule's log, which decide nothing; known false
// for any other word.
func filterlogAction(action string) (verdict byte, known bool) {
	switch action {
	case "pass":
		return 'A', true
	case "block", "reject", "synproxy-drop":
		return 'D', true
	case "match", "rdr", "nat", "binat":
		return 0, true
	}
	return 0, false
}

func decodeFilterlog(e *event.Event) bool {
	var f [filterlogMaxFields]string
	n := splitCSV(e.Message, f[:])
	if n < 9 {
		return false
	}
	action, dir, ipv := f[6], f[7], f[8]
	verdict, known := filterlogAction(action)
	if !known || ipv != "4" && ipv != "6" {
		return false
	}
	netBegin(e, "filterlog", "pfsense.filterlog")
	switch verdict {
	case 'A':
		netDecision(e, true)
	case 'D':
		netDecision(e, false)
	default:
		netClassInfo.Set(e, "", "")
	}
	e.SetStr("pfsense.rule_number", f[0])
	e.SetStr("pfsense.sub_rule_number", f[1])
	e.SetStr("rule.ruleset", f[2])
	e.SetStr("rule.id", f[3])
	e.SetStr("pfsense.reason", f[5])
	e.SetStr("pfsense.action", action)
	switch dir {
	case "in":
		e.SetStr("network.direction", "ingress")
		setInterface(e, "observer.ingress.interface.name", f[4])
	case "out":
		e.SetStr("network.direction", "egress")
		setInterface(e, "observer.egress.interface.name", f[4])
	}

	var proto, protoID, src, dst string
	var rest []string
	if ipv == "4" {
		e.SetStr("network.type", "ipv4")
		if n < 20 {
			return true
		}
		e.SetStr("pfsense.tos", f[9])
		e.SetStr("pfsense.ecn", f[10])
		ecs.SetUint(e, "pfsense.ttl", f[11])
		ecs.SetUint(e, "pfsense.id", f[12])
		ecs.SetUint(e, "pfsense.offset", f[13])
		e.SetStr("pfsense.flags", f[14])
		protoID, proto = f[15], f[16]
		ecs.SetUint(e, "pfsense.length", f[17])
		src, dst = f[18], f[19]
		rest = f[20:n]
	} else {
		e.SetStr("network.type", "ipv6")
		if n < 17 {
			return true
		}
		e.SetStr("pfsense.class", f[9])
		e.SetStr("pfsense.flow_label", f[10])
		ecs.SetUint(e, "pfsense.hop_limit", f[11])
		proto, protoID = f[12], f[13]
		ecs.SetUint(e, "pfsense.length", f[14])
		src, dst = f[15], f[16]
		rest = f[17:n]
	}
	if protoID == "0" {
		// IPv6's hop-by-hop options header ("Options,0"): an extension
		// header, not the transport, which the line does not name.
		e.SetStr("network.iana_number", protoID)
	} else {
		ecs.SetTransport(e, proto) // sets the number of a name it knows
		if protoID != "" && !e.Has("network.iana_number") {
			e.SetStr("network.iana_number", protoID)
		}
	}
	netIP(e, "source.ip", src)
	netIP(e, "destination.ip", dst)
	filterlogProtocol(e, ecs.Lower(proto), rest)
	return true
}

// filterlogProtocol sets the protocol-specific tail.
func filterlogProtocol(e *event.Event, proto string, f []string) {
	at := func(i int) string {
		if i < len(f) {
			return f[i]
		}
		return ""
	}
	if v, ok := strings.CutPrefix(at(0), "datalength="); ok {
		// Only the payload's length where the protocol's fields would
		// be: a protocol filterlog does not read, an ICMP type it does
		// not name, a fragment after the first (no ports).
		ecs.SetUint(e, "pfsense.data_length", v)
		return
	}
	switch proto {
	case "tcp":
		ecs.SetPort(e, "source.port", at(0))
		ecs.SetPort(e, "destination.port", at(1))
		ecs.SetUint(e, "pfsense.data_length", at(2))
		e.SetStr("pfsense.tcp.flags", at(3))
		e.SetStr("pfsense.tcp.seq", at(4))
		e.SetStr("pfsense.tcp.ack", at(5))
		ecs.SetUint(e, "pfsense.tcp.window", at(6))
		e.SetStr("pfsense.tcp.urg", at(7))
		e.SetStr("pfsense.tcp.options", at(8))
	case "udp":
		ecs.SetPort(e, "source.port", at(0))
		ecs.SetPort(e, "destination.port", at(1))
		ecs.SetUint(e, "pfsense.data_length", at(2))
	case "icmp", "icmpv6", "ipv6-icmp":
		typ := at(0)
		e.SetStr("pfsense.icmp.type", typ)
		switch typ {
		case "request", "reply", "tstamp":
			e.SetStr("pfsense.icmp.id", at(1))
			e.SetStr("pfsense.icmp.seq", at(2))
		case "unreachproto", "unreachport":
			netIP(e, "pfsense.icmp.destination.ip", at(1))
			e.SetStr("pfsense.icmp.protocol_id", at(2))
			ecs.SetPort(e, "pfsense.icmp.port", at(3))
		case "needfrag":
			netIP(e, "pfsense.icmp.destination.ip", at(1))
			ecs.SetUint(e, "pfsense.icmp.mtu", at(2))
		case "tstampreply":
			e.SetStr("pfsense.icmp.id", at(1))
			e.SetStr("pfsense.icmp.seq", at(2))
			e.SetStr("pfsense.icmp.otime", at(3))
			e.SetStr("pfsense.icmp.rtime", at(4))
			e.SetStr("pfsense.icmp.ttime", at(5))
		default:
			e.SetStr("pfsense.icmp.description", at(1))
		}
	case "carp":
		// The documented order: skew before base.
		e.SetStr("pfsense.carp.type", at(0))
		ecs.SetUint(e, "pfsense.carp.ttl", at(1))
		ecs.SetUint(e, "pfsense.carp.vhid", at(2))
		e.SetStr("pfsense.carp.version", at(3))
		ecs.SetUint(e, "pfsense.carp.advskew", at(4))
		ecs.SetUint(e, "pfsense.carp.advbase", at(5))
	}
}

// splitCSV splits s at commas into f (no quoting: filterlog has none) and
// returns the number of fields; fields beyond len(f) are dropped.
func splitCSV(s string, f []string) int {
	n := 0
	for n < len(f) {
		i := strings.IndexByte(s, ',')
		if i < 0 {
			f[n] = s
			return n + 1
		}
		f[n] = s[:i]
		s = s[i+1:]
		n++
	}
	return n
}

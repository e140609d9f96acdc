package junos

import (
	"strings"

	"github.com/nomenhq/nomen/normalize/vendor"
)

// A stateless firewall filter's "then syslog" action logs each matching
// packet (Junos routing policy guide; "show firewall log" lists the same
// columns, its Action A accept, D discard, R reject):
//
//	PFE_FW_SYSLOG_IP: FW: ge-0/0/0.0 D tcp 198.51.100.7 192.0.2.1 40112 22 (1 packets)
//
// as the Packet Forwarding Engine sends it, its tag behind the FPC's
// name ("(FPC Slot 1, PIC Slot 0) " or "node0.fpc1 "), and without the
// tag and count by the Routing Engine's kernel for its own interfaces
// ("kernel: FW: fxp0.0 A udp ..."). The log does not say whether the
// filter was an input or an output one: the interface stays
// juniper.junos.interface-name-filter, not observer.ingress.
const filterTag = "PFE_FW_SYSLOG_IP"

// filterAction: the action letters.
var filterAction = map[string]string{"A": "accept", "D": "discard", "R": "reject"}

// filterLog reads the text after the tag: "FW: IF ACTION PROTO SRC DST
// SPORT DPORT[ (N packets)]". The ports are the packet's for TCP, UDP
// and SCTP; other protocols print 0 there.
func (p *parsed) filterLog(text string) bool {
	rest, ok := strings.CutPrefix(text, "FW: ")
	if !ok {
		return false
	}
	rest = strings.TrimRight(rest, " ")
	if i := strings.Index(rest, " ("); i >= 0 {
		n, ok := strings.CutSuffix(rest[i+2:], " packets)")
		if !ok || !vendor.IsUint(n) {
			return false
		}
		p.add("packets", n)
		rest = rest[:i]
	}
	var toks [7]string
	for i := range toks {
		tok, after, more := strings.Cut(rest, " ")
		if more != (i < len(toks)-1) {
			return false // fewer or more than 7 words
		}
		toks[i], rest = tok, after
	}
	iface, act, proto, src, dst, sport, dport := toks[0], toks[1], toks[2], toks[3], toks[4], toks[5], toks[6]
	action, ok := filterAction[act]
	if !ok || iface == "" || proto == "" || !vendor.IsIP(src) || !vendor.IsIP(dst) || !vendor.IsUint(sport) || !vendor.IsUint(dport) {
		return false
	}
	p.action = action
	p.add("interface-name-filter", iface)
	p.add("protocol-id", proto)
	p.add("source-address", src)
	p.add("destination-address", dst)
	switch strings.ToLower(proto) {
	case "tcp", "udp", "sctp", "6", "17", "132":
		p.add("source-port", sport)
		p.add("destination-port", dport)
	}
	return true
}

// kernelFilterLog reports whether a kernel message is the Routing
// Engine's form of a filter log (Linux netfilter logs with a "FW: "
// prefix go through the kernel too; only the filter log's shape is
// taken).
func kernelFilterLog(program, msg string) bool {
	if program != "kernel" || !strings.HasPrefix(msg, "FW: ") {
		return false
	}
	var p parsed
	return p.filterLog(msg)
}

// skipFPC returns msg after the name of the FPC that sent it, "(FPC Slot
// N, PIC Slot M) " or "[nodeN.]fpcN ", as PFE messages start; msg
// unchanged otherwise.
func skipFPC(msg string) string {
	if strings.HasPrefix(msg, "(FPC Slot ") {
		if i := strings.Index(msg, ") "); i > 0 {
			return msg[i+2:]
		}
		return msg
	}
	rest := msg
	if strings.HasPrefix(rest, "node") {
		i := strings.IndexByte(rest, '.')
		if i < 5 || !vendor.IsDigits(rest[4:i]) {
			return msg
		}
		rest = rest[i+1:]
	}
	if !strings.HasPrefix(rest, "fpc") {
		return msg
	}
	sp := strings.IndexByte(rest, ' ')
	if sp < 4 || !vendor.IsDigits(rest[3:sp]) {
		return msg
	}
	return rest[sp+1:]
}

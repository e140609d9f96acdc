package junos

import (
	"strings"

	"github.com/nomenhq/nomen/normalize/vendor"
)

// decodeText reads the BSD text form of a message (Junos System Log
// Messages reference). Nothing is emitted unless the text has the
// documented shape.
func decodeText(tag, text string, emit vendor.Emit) (vendor.Class, vendor.Status) {
	var p parsed
	var ok bool
	switch tag {
	case "RT_FLOW_SESSION_CREATE":
		ok = p.flow(text, "session created ", false)
	case "RT_FLOW_SESSION_CLOSE":
		ok = p.flow(text, "session closed ", true)
	case "RT_FLOW_SESSION_DENY":
		ok = p.deny(text)
	case "IDP_ATTACK_LOG_EVENT":
		ok = p.idp(text)
	case "RT_SCREEN_TCP", "RT_SCREEN_UDP", "RT_SCREEN_ICMP", "RT_SCREEN_IP":
		ok = p.screen(text, tag == "RT_SCREEN_TCP" || tag == "RT_SCREEN_UDP")
	case "WEBFILTER_URL_BLOCKED", "WEBFILTER_URL_PERMITTED":
		ok = p.webfilter(text)
	case filterTag:
		ok = p.filterLog(text)
	case "KERN_ARP_ADDR_CHANGE":
		ok = p.arpChange(text)
	default:
		ok = p.ui(tag, text)
	}
	if !ok {
		return vendor.Class{}, vendor.Malformed
	}
	emit("event.code", tag, vendor.Word)
	icmp := false
	for _, kv := range p.kv[:p.n] {
		if kv[0] == "protocol-id" {
			icmp = isICMP(kv[1])
		}
	}
	for _, kv := range p.kv[:p.n] {
		putParam(emit, tag, kv[0], kv[1], icmp)
	}
	return classOf(tag, p.action), vendor.Decoded
}

// parsed holds the values found, by structured-data parameter name, so
// that both forms go through putParam.
type parsed struct {
	kv     [24][2]string
	n      int
	action string
}

func (p *parsed) add(name, v string) {
	if v != "" && p.n < len(p.kv) {
		p.kv[p.n] = [2]string{name, v}
		p.n++
	}
}

// tuple reads "A/P->B/Q" into the names of prefix ("" or "nat-").
func (p *parsed) tuple(tok, prefix string) bool {
	a, b, ok := strings.Cut(tok, "->")
	if !ok {
		return false
	}
	sa, sp, ok1 := cutLast(a, '/')
	da, dp, ok2 := cutLast(b, '/')
	if !ok1 || !ok2 || !vendor.IsIP(sa) || !vendor.IsIP(da) || !vendor.IsPort(sp) || !vendor.IsPort(dp) {
		return false
	}
	if prefix == "" {
		p.add("source-address", sa)
		p.add("source-port", sp)
		p.add("destination-address", da)
		p.add("destination-port", dp)
	} else {
		p.add("nat-source-address", sa)
		p.add("nat-source-port", sp)
		p.add("nat-destination-address", da)
		p.add("nat-destination-port", dp)
	}
	return true
}

func cutLast(s string, c byte) (string, string, bool) {
	i := strings.LastIndexByte(s, c)
	if i < 0 {
		return "", "", false
	}
	return s[:i], s[i+1:], true
}

// flow reads "session created|closed [REASON: ]A/P->B/Q [0xTAG] SERVICE
// NA/NP->NB/NQ ..." then the protocol, policy, zones and session id, which
// come before the first "x(y)" token (username(roles) in recent releases,
// packets(bytes) in CLOSE) or at the end (early releases):
//
//	... PROTO POLICY FROM-ZONE TO-ZONE SESSION-ID [x(y) ...]
func (p *parsed) flow(text, lead string, closed bool) bool {
	rest, ok := strings.CutPrefix(text, lead)
	if !ok {
		return false
	}
	if closed {
		reason, r, ok := strings.Cut(rest, ": ")
		if !ok {
			return false
		}
		p.add("reason", reason)
		rest = r
	}
	var toks [40]string
	n := fields(rest, toks[:])
	i := 0
	if n < 3 || !p.tuple(toks[0], "") {
		return false
	}
	i = 1
	if strings.HasPrefix(toks[i], "0x") {
		i++ // connection tag
	}
	p.add("service-name", toks[i])
	i++
	if i >= n || !p.tuple(toks[i], "nat-") {
		return false
	}
	anchor := n
	for j := i + 1; j < n; j++ {
		if isCall(toks[j]) {
			anchor = j
			break
		}
	}
	if anchor-5 > i && vendor.IsDigits(toks[anchor-5]) && vendor.IsDigits(toks[anchor-1]) {
		p.add("protocol-id", toks[anchor-5])
		p.add("policy-name", toks[anchor-4])
		p.add("source-zone-name", toks[anchor-3])
		p.add("destination-zone-name", toks[anchor-2])
		p.add("session-id-32", toks[anchor-1])
	}
	if closed && anchor+2 < n && isCall(toks[anchor+1]) && vendor.IsDigits(toks[anchor+2]) {
		p.counts(toks[anchor], "packets-from-client", "bytes-from-client")
		p.counts(toks[anchor+1], "packets-from-server", "bytes-from-server")
		p.add("elapsed-time", toks[anchor+2])
	}
	return true
}

// counts reads "N(M)" into two names.
func (p *parsed) counts(tok, a, b string) {
	x, y, _ := strings.Cut(tok, "(")
	y = strings.TrimSuffix(y, ")")
	if vendor.IsDigits(x) && vendor.IsDigits(y) {
		p.add(a, x)
		p.add(b, y)
	}
}

// isCall: "x(y)" — username(roles), packets(bytes), proto(icmp-type).
func isCall(t string) bool {
	o := strings.IndexByte(t, '(')
	return o > 0 && strings.HasSuffix(t, ")")
}

// deny reads "session denied A/P->B/Q [0xTAG] SERVICE PROTO(ICMP) POLICY
// FROM-ZONE TO-ZONE ...".
func (p *parsed) deny(text string) bool {
	rest, ok := strings.CutPrefix(text, "session denied ")
	if !ok {
		return false
	}
	var toks [40]string
	n := fields(rest, toks[:])
	if n < 3 || !p.tuple(toks[0], "") {
		return false
	}
	i := 1
	if strings.HasPrefix(toks[i], "0x") {
		i++
	}
	p.add("service-name", toks[i])
	i++
	if i+3 < n && isCall(toks[i]) {
		proto, icmp, _ := strings.Cut(toks[i], "(")
		if vendor.IsDigits(proto) {
			p.add("protocol-id", proto)
			p.add("icmp-type", strings.TrimSuffix(icmp, ")"))
			p.add("policy-name", toks[i+1])
			p.add("source-zone-name", toks[i+2])
			p.add("destination-zone-name", toks[i+3])
		}
	}
	return true
}

// fields splits s at spaces into toks and returns how many it filled.
func fields(s string, toks []string) int {
	n := 0
	for s != "" && n < len(toks) {
		s = strings.TrimLeft(s, " ")
		if s == "" {
			break
		}
		end := strings.IndexByte(s, ' ')
		if end < 0 {
			end = len(s)
		}
		toks[n] = s[:end]
		n++
		s = s[end:]
	}
	return n
}

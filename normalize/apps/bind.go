package apps

import (
	"strings"

	"github.com/nomenhq/nomen/relay/event"
)

// postBind mends a question name that held a slash (resplitQuestion)
// and reads the flags of a query line (query.c log_query) into ECS:
// "+" or "-" (recursion desired or not), then in this order S (the
// request was signed), E(N) (EDNS version N), T (TCP), D (DNSSEC OK), C
// (checking disabled), V or K (a valid cookie, or one sent). RD, DO and
// CD are header flags of the query; T says its transport. A text that is
// not of this shape sets nothing.
func postBind(e *event.Event) {
	resplitQuestion(e)
	if t := e.Str("network.transport"); t == "UDP" || t == "TCP" { // Infoblox's
		e.SetStr("network.transport", strings.ToLower(t))
	}
	flags := e.Str("bind.flags")
	if flags == "" {
		return
	}
	hf, tcp, ok := bindQueryFlags(flags)
	if !ok {
		return
	}
	if len(hf) > 0 {
		e.SetList("dns.header_flags", hf...)
	}
	if tcp {
		e.SetStr("network.transport", "tcp")
	}
}

// bindQueryFlags parses a query line's flags; ok is false for a text of
// another shape.
func bindQueryFlags(f string) (hf []string, tcp, ok bool) {
	switch f[0] {
	case '+':
		hf = append(hf, "RD")
	case '-':
	default:
		return nil, false, false
	}
	i := 1
	if i < len(f) && f[i] == 'S' {
		i++
	}
	if i+1 < len(f) && f[i] == 'E' && f[i+1] == '(' {
		j := i + 2
		for j < len(f) && '0' <= f[j] && f[j] <= '9' {
			j++
		}
		if j == i+2 || j >= len(f) || f[j] != ')' {
			return nil, false, false
		}
		i = j + 1
	} else if i < len(f) && f[i] == 'E' { // 9.9 and older: "E" alone
		i++
	}
	if i < len(f) && f[i] == 'T' {
		tcp = true
		i++
	}
	if i < len(f) && f[i] == 'D' {
		hf = append(hf, "DO")
		i++
	}
	if i < len(f) && f[i] == 'C' {
		hf = append(hf, "CD")
		i++
	}
	if i < len(f) && (f[i] == 'V' || f[i] == 'K') {
		i++
	}
	if i != len(f) {
		return nil, false, false
	}
	return hf, tcp, true
}

// resplitQuestion cuts a "NAME/TYPE[/CLASS]" text whose name holds a
// '/' (a classless reverse zone: "0/25.2.0.192.in-addr.arpa") at its last
// slashes. A pattern cuts at the first slash after which the rest
// matches, so where the last word may take a slash (it ends at a space
// or a colon, not at a slash) it took the name's tail with it: "0",
// "25.2.0.192.in-addr.arpa", "IN/PTR". The field holding the slash is
// the text's last; the other, if set, comes before it.
func resplitQuestion(e *event.Event) {
	const nameKey, typeKey, classKey = "dns.question.name", "dns.question.type", "dns.question.class"
	lastKey, midKey := typeKey, classKey
	switch {
	case strings.Contains(e.Str(typeKey), "/"):
	case strings.Contains(e.Str(classKey), "/"):
		lastKey, midKey = classKey, typeKey
	default:
		return
	}
	whole := e.Str(nameKey)
	mid := e.Str(midKey)
	if mid != "" {
		whole += "/" + mid
	}
	whole += "/" + e.Str(lastKey)
	i := strings.LastIndexByte(whole, '/')
	e.SetStr(lastKey, whole[i+1:])
	whole = whole[:i]
	if mid != "" {
		i = strings.LastIndexByte(whole, '/')
		e.SetStr(midKey, whole[i+1:])
		whole = whole[:i]
	}
	e.SetStr(nameKey, whole)
}

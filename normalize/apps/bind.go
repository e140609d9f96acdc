package apps

import (
	"strings"

	"github.com/nomenhq/nomen/relay/event"
)

// postBind mends a question name that held a slash (bindQuestion.resplit)
// and reads the flags of a query line (query.c log_query) into ECS: "+"
// or "-" (recursion desired or not), then in this order S (the request
// was signed), E(N) (EDNS version N), T (TCP), D (DNSSEC OK), C (checking
// disabled), V or K (a valid cookie, or one sent). RD, DO and CD are
// header flags of the query; T says its transport. A text that is not of
// this shape sets nothing. Query lines are most of what named logs, so
// the fields it reads are found in one pass.
func postBind(e *event.Event) {
	var q bindQuestion
	var flags, transport string
	for i := range e.Fields {
		f := &e.Fields[i]
		switch f.Key {
		case "dns.question.name":
			q.name = f.Val.String()
		case "dns.question.type":
			q.typ = f.Val.String()
		case "dns.question.class":
			q.class = f.Val.String()
		case "bind.flags":
			flags = f.Val.String()
		case "network.transport":
			transport = f.Val.String()
		}
	}
	if strings.IndexByte(q.typ, '/') >= 0 || strings.IndexByte(q.class, '/') >= 0 {
		q.resplit(e)
	}
	// rrl.c writes "for (?)" where it kept no name (a stop of limiting
	// whose query name was not saved): no name.
	if q.name == bindNoName {
		e.Delete("dns.question.name")
	}
	if e.Str("bind.rrl.name") == bindNoName {
		e.Delete("bind.rrl.name")
	}
	if class, ok := e.Field("bind.zone_class"); ok {
		bindZoneResplit(e, class.String())
	}
	if transport == "UDP" || transport == "TCP" { // Infoblox's
		e.SetStr("network.transport", strings.ToLower(transport))
	}
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

// bindNoName is rrl.c's placeholder for a name it did not keep.
const bindNoName = "(?)"

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

// bindQuestion is a question as a pattern cut it.
type bindQuestion struct{ name, typ, class string }

// resplit cuts a "NAME/TYPE[/CLASS]" text whose name holds a '/' (a
// classless reverse zone: "0/25.2.0.192.in-addr.arpa") at its last
// slashes. A pattern cuts at the first slash after which the rest
// matches, so where the last word may take a slash (it ends at a space
// or a colon, not at a slash) it took the name's tail with it: "0",
// "25.2.0.192.in-addr.arpa", "IN/PTR". The field holding the slash is
// the text's last; the other, if set, comes before it.
func (q bindQuestion) resplit(e *event.Event) {
	const nameKey, typeKey, classKey = "dns.question.name", "dns.question.type", "dns.question.class"
	lastKey, last, midKey, mid := typeKey, q.typ, classKey, q.class
	if strings.IndexByte(q.typ, '/') < 0 {
		lastKey, last, midKey, mid = classKey, q.class, typeKey, q.typ
	}
	whole := q.name
	if mid != "" {
		whole += "/" + mid
	}
	whole += "/" + last
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

// bindZoneResplit mends "ZONE/CLASS[/VIEW]" (zone.c, xfrin.c) cut with
// a zone holding a '/' (a classless reverse zone): the zone, the shortest
// text, took the name's head, the class field its tail and the view the
// class ("0", "25.2.0.192.in-addr.arpa", "IN"). The class is the last or
// the last but one part that names a class; the zone is all before it,
// the view what follows it. The class is only read here, not kept.
func bindZoneResplit(e *event.Event, class string) {
	e.Delete("bind.zone_class")
	whole := e.Str("bind.zone") + "/" + class
	if view := e.Str("bind.view"); view != "" {
		whole += "/" + view
	}
	parts := strings.Split(whole, "/")
	n := len(parts)
	switch {
	case isDNSClass(parts[n-1]):
		e.SetStr("bind.zone", strings.Join(parts[:n-1], "/"))
		e.Delete("bind.view")
	case n >= 3 && isDNSClass(parts[n-2]):
		e.SetStr("bind.zone", strings.Join(parts[:n-2], "/"))
		e.SetStr("bind.view", parts[n-1])
	default: // no class where named writes one: the zone and view unsure
		e.Delete("bind.zone")
		e.Delete("bind.view")
	}
}

// isDNSClass reports whether w is a class as named writes it
// (dns_rdataclass_totext).
func isDNSClass(w string) bool {
	switch w {
	case "IN", "CH", "HS", "NONE", "ANY":
		return true
	}
	n, ok := strings.CutPrefix(w, "CLASS")
	return ok && n != "" && strings.Trim(n, "0123456789") == ""
}

package ciscocatalog

import (
	"strings"

	"github.com/nomenhq/nomen/normalize/vendor"
)

// capture is one matched value: body[start:end] for slot.
type capture struct {
	slot       int
	start, end int
}

// matcher is the state of one match; it lives on the caller's stack.
type matcher struct {
	t     *template
	s     string
	caps  [maxSlots]capture
	n     int
	steps int
	tail  int  // s[tail:] is only spaces and a final '.'; -1 until known
	last  bool // Msg.LastSplit: values' ends are tried longest first
}

// maxSteps bounds the backtracking of one match: a body that needs more
// is not in the documented shape (or is hostile).
const maxSteps = 4000

// Match matches body (the message text after "%ASA-6-302013: ") against
// the message's formats. On a match it calls emit for every value, in
// template order, and returns the classification; otherwise it calls
// nothing and returns false. emit is not retained.
func (m *Msg) Match(body string, emit func(key, value string, kind Kind)) (*Class, bool) {
	for _, t := range m.templates() {
		mt := matcher{t: t, s: body, tail: -1, last: m.LastSplit}
		if !mt.run(0, 0) {
			continue
		}
		class := m.classOf(&mt)
		if class == nil {
			continue
		}
		mt.emit(m, emit)
		return class, true
	}
	return nil, false
}

// Matches reports whether body has one of the message's shapes.
func (m *Msg) Matches(body string) bool {
	_, ok := m.Match(body, func(string, string, Kind) {})
	return ok
}

// classOf picks the Case of the By value, else the Class (nil when the
// Msg has no Class of its own and no Case applies).
func (m *Msg) classOf(mt *matcher) *Class {
	if m.By != "" {
		if v, ok := mt.value(m.By); ok {
			for i := range m.Cases {
				if vendor.EqualFold(m.Cases[i].Value, v) {
					return &m.Cases[i].Class
				}
			}
		}
	}
	if m.Class.Action == "" && len(m.Class.Category) == 0 {
		return nil
	}
	return &m.Class
}

// value returns the captured value of placeholder name.
func (mt *matcher) value(name string) (string, bool) {
	for i := 0; i < mt.n; i++ {
		c := mt.caps[i]
		if mt.t.slots[c.slot].name == name {
			return mt.s[c.start:c.end], true
		}
	}
	return "", false
}

// run matches the program from pc at body position pos.
func (mt *matcher) run(pc, pos int) bool {
	for {
		mt.steps++
		if mt.steps > maxSteps {
			return false
		}
		in := &mt.t.prog[pc]
		switch in.op {
		case opLit:
			n, ok := litAt(mt.s, pos, in.lit)
			if !ok {
				return false
			}
			pos += n
			pc++
		case opSplit:
			saved := mt.n
			if mt.run(pc+1, pos) {
				return true
			}
			mt.n = saved
			pc = in.jump
		case opEnd:
			return mt.atEnd(pos)
		case opRest:
			return true
		case opField:
			return mt.field(pc, pos)
		}
	}
}

// field tries the ends of the value at pos, shortest first (longest
// first for a LastSplit message). It visits only the candidate ends (see
// nextEnd), not every byte.
func (mt *matcher) field(pc, pos int) bool {
	in := &mt.t.prog[pc]
	sl := &mt.t.slots[in.slot]
	var sc scan
	sc.init(mt.s, pos, !spacey(sl.kind))
	p := pos
	if !sl.allowEmpty { // an end at or before the first non-space byte leaves the value empty
		p = sc.first + 1
	}
	if mt.last {
		return mt.fieldLongest(pc, pos, p, &sc)
	}
	if !sl.allowEmpty {
		p = mt.nextEnd(in, &sc, p)
	}
	for ; p <= sc.lim; p = mt.nextEnd(in, &sc, p+1) {
		if mt.endAt(pc, pos, p, &sc) {
			return true
		}
		if mt.steps > maxSteps {
			return false
		}
	}
	return false
}

// fieldLongest tries the value's ends from the last one back to lo: a
// LastSplit message's fixed text follows a value a client chose, which
// may hold that text's words; read from the right, the fixed text is the
// last copy. Every byte is a candidate (a walk back has no IndexByte to
// jump with); a step is counted per candidate end taken.
func (mt *matcher) fieldLongest(pc, pos, lo int, sc *scan) bool {
	for p := sc.lim; p >= lo; p-- {
		if mt.endAt(pc, pos, p, sc) {
			return true
		}
		if mt.steps > maxSteps {
			return false
		}
	}
	return false
}

// endAt tries the value at pos ending at p and the rest of the program
// after it.
func (mt *matcher) endAt(pc, pos, p int, sc *scan) bool {
	in := &mt.t.prog[pc]
	sl := &mt.t.slots[in.slot]
	s := mt.s
	n, ends := mt.endsHere(in, p)
	if !(ends || in.followAny && p > sc.first && p == sc.wordEnd) {
		return false
	}
	start, end := trimSpaces(s, pos, p)
	if !(start < end || sl.allowEmpty) || !(start == end || valid(sl.kind, s[start:end]) || sl.nameable && isAddressName(s[start:end])) {
		return false
	}
	mt.caps[mt.n] = capture{in.slot, start, end}
	mt.n++
	// When a literal comes next, it is the only follow literal: the match
	// endsHere found is the one run would do again, so run goes on after it.
	if mt.t.prog[pc+1].op == opLit && n >= 0 && !scanEveryByte {
		mt.steps++ // the literal's step, as run counts it
		if mt.run(pc+2, p+n) {
			return true
		}
	} else if mt.run(pc+1, p) {
		return true
	}
	mt.n--
	return false
}

// scan is where a value starting at pos may end.
type scan struct {
	first   int // the first non-space byte at or after pos (len(s) if none)
	wordEnd int // the space (or end) after the first word
	lim     int // the last possible end: for a word-like value the first byte of a second word
}

func (sc *scan) init(s string, pos int, word bool) {
	sc.first = pos
	for sc.first < len(s) && s[sc.first] == ' ' {
		sc.first++
	}
	sc.wordEnd = len(s)
	sc.lim = len(s)
	if !word {
		return // a text value may hold spaces: no word end to look for ({...} never follows one)
	}
	if i := strings.IndexByte(s[sc.first:], ' '); i >= 0 {
		sc.wordEnd = sc.first + i
	}
	if sc.wordEnd < len(s) {
		// A word-like value may carry spaces around it, not inside: the
		// first byte of a second word is its last chance to end.
		sc.lim = sc.wordEnd
		for sc.lim < len(s)-1 && s[sc.lim] == ' ' {
			sc.lim++
		}
	}
}

// nextEnd returns the first candidate end at or after q: a byte that can
// start what follows the value, the end of the body (or its tail, when
// the body may end there), or the end of the first word before {...}.
// It jumps with strings.IndexByte instead of testing every byte.
func (mt *matcher) nextEnd(in *inst, sc *scan, q int) int {
	if q > sc.lim {
		return q
	}
	if scanEveryByte {
		return q
	}
	next := sc.lim + 1
	if sc.lim == len(mt.s) {
		next = sc.lim // the end of the body is always a candidate
	}
	if in.followAny && sc.wordEnd >= q && sc.wordEnd < next {
		next = sc.wordEnd
	}
	if in.followEnd {
		if t := mt.tailAt(); t < next {
			next = max(t, q)
		}
	}
	s := mt.s[q:min(next, len(mt.s))]
	for _, c := range in.startList {
		if i := strings.IndexByte(s, c); i >= 0 {
			s = s[:i] // later bytes cannot be first
			next = q + i
		}
	}
	return next
}

// scanEveryByte makes nextEnd visit every byte and run match the literal
// after a value again (tests compare the two).
var scanEveryByte = false

// endsHere reports whether what follows a value could start at p, and
// how many bytes the follow literal that matched there takes (-1 for the
// end of the body).
func (mt *matcher) endsHere(in *inst, p int) (int, bool) {
	s := mt.s
	if in.followEnd && mt.atEnd(p) {
		return -1, true
	}
	if p < len(s) && !in.starts.has(s[p]) {
		return -1, false
	}
	for _, l := range in.follow {
		if n, ok := litAt(s, p, l); ok {
			return n, true
		}
	}
	return -1, false
}

// litAt matches literal lit at s[pos:] and returns the bytes consumed. A
// run of spaces in lit matches one or more spaces, or none when the run
// touches a non-alphanumeric character of lit.
func litAt(s string, pos int, lit string) (int, bool) {
	if len(s)-pos >= len(lit) && s[pos:pos+len(lit)] == lit {
		return len(lit), true // the common case: spaced as documented
	}
	j := pos
	for i := 0; i < len(lit); {
		if lit[i] != ' ' {
			if j >= len(s) || s[j] != lit[i] {
				return 0, false
			}
			i++
			j++
			continue
		}
		run := i
		for i < len(lit) && lit[i] == ' ' {
			i++
		}
		flexible := run > 0 && !isAlnum(lit[run-1]) || i < len(lit) && !isAlnum(lit[i])
		k := j
		for k < len(s) && s[k] == ' ' {
			k++
		}
		if k == j && !flexible {
			return 0, false
		}
		j = k
	}
	return j - pos, true
}

// atEnd reports whether only spaces and one final '.' remain at s[pos:].
func (mt *matcher) atEnd(pos int) bool { return pos >= mt.tailAt() }

// tailAt returns where the body's tail (spaces and one final '.') starts.
func (mt *matcher) tailAt() int {
	if mt.tail < 0 {
		s := mt.s
		t := len(s)
		for t > 0 && s[t-1] == ' ' {
			t--
		}
		if t > 0 && s[t-1] == '.' {
			t--
		}
		for t > 0 && s[t-1] == ' ' {
			t--
		}
		mt.tail = t
	}
	return mt.tail
}

func trimSpaces(s string, start, end int) (int, int) {
	for start < end && s[start] == ' ' {
		start++
	}
	for end > start && s[end-1] == ' ' {
		end--
	}
	return start, end
}

// emit hands out the captured values, applying the rules that hold for
// every message: sides swap for an outbound Swap message (or, for a Guess
// message, when the first side is plainly the responder); ports of an
// ICMP packet are not ports; a NAT address equal to the real one is no
// translation; masked users and "-" are no values; a name printed for an
// address goes to the side's .domain; an identity-firewall user without
// a domain but with dots is a host name (the ASA prints "(FQDN)" there
// too).
func (mt *matcher) emit(m *Msg, emit func(key, value string, kind Kind)) {
	slots := mt.t.slots
	swapped, icmp := false, false
	var byRole [roleDstNATPort + 1]string
	for i := 0; i < mt.n; i++ {
		c := mt.caps[i]
		sl := &slots[c.slot]
		v := mt.s[c.start:c.end]
		byRole[sl.role] = v
		switch sl.kind {
		case Direction:
			swapped = m.Swap && vendor.EqualFold(v, "outbound")
		case Transport:
			icmp = isICMP(v)
		}
	}
	if m.Guess {
		swapped = responderFirst(byRole[roleSrcIP], byRole[roleDstIP], byRole[roleSrcPort], byRole[roleDstPort])
	}
	srcReal := byRole[roleSrcIP] == byRole[roleSrcNATIP] && byRole[roleSrcPort] == byRole[roleSrcNATPort]
	dstReal := byRole[roleDstIP] == byRole[roleDstNATIP] && byRole[roleDstPort] == byRole[roleDstNATPort]
	for i := 0; i < mt.n; i++ {
		c := mt.caps[i]
		sl := &slots[c.slot]
		v := mt.s[c.start:c.end]
		if !sl.emit || v == "" || v == "-" {
			continue
		}
		switch sl.role {
		case roleSrcNATIP, roleSrcNATPort:
			if srcReal {
				continue
			}
		case roleDstNATIP, roleDstNATPort:
			if dstReal {
				continue
			}
		}
		if sl.kind == User {
			if v = unquote(v); masked(v) {
				continue
			}
		}
		if icmp && sl.kind == Port {
			continue
		}
		if sl.name == "acl_protocol" && (vendor.EqualFold(v, "ip") || vendor.EqualFold(v, "ipv6")) {
			continue
		}
		key, kind := sl.key, sl.kind
		if swapped {
			key = sl.swapKey
		}
		switch {
		case kind == User && tunnelRules[m.Rule] && vendor.IsIP(v):
			// Where the guide's "username" of a tunnel's message is an
			// address, it is a LAN-to-LAN tunnel's (the ASA names such a
			// tunnel group, and the user of its SAs and session, after
			// the peer's address: 113019, 602303, 402119, 750xxx). A login's
			// or an AAA request's user slot holds what the client typed,
			// an address-like name too: user.name, never a tunnel or
			// related.ip.
			key, kind = sl.tunnelKey, IP
		case kind == IP && sl.nameable && !vendor.IsIP(v):
			// (field let a value into an IP slot only as an address,
			// checked by valid, or, in a nameable slot, as a name)
			if key = domainKey(key); key == "" {
				continue // a name for a NAT address: ECS has no field for it
			}
			kind = Host
		case kind == User && userDomainKey(key) != "" && strings.IndexByte(v, '\\') < 0 && strings.IndexByte(v, '.') > 0 && isAddressName(v):
			// A dotted value without a domain is the "(FQDN)" the ASA prints
			// in the identity-firewall user's place (a side's user); with a
			// single dot it could be a user ("first.last") as well: then it
			// is left out. Elsewhere ("user = first.last") it is a user.
			if strings.Count(v, ".") < 2 {
				continue
			}
			key, kind = userDomainKey(key), Host
		case kind == User && strings.HasSuffix(key, ".name") && isDomainUser(v):
			// An identity-firewall user is "DOMAIN\user" (FTD escapes the
			// backslash: "DOMAIN\\user"): the name as the other sources
			// give it, the domain beside it. A value with more parts
			// ("LOCAL\group\user") is kept whole.
			domain, name, _ := cutDomainUser(v)
			if name == "" {
				continue
			}
			if domain != "" {
				emit(strings.TrimSuffix(key, "name")+"domain", domain, Word)
			}
			v = name
		}
		emit(key, v, kind)
	}
}

// cutDomainUser splits "DOMAIN\user" or "DOMAIN\\user" at its first
// separator; ok is false when v has none, or more than one.
func cutDomainUser(v string) (domain, name string, ok bool) {
	i := strings.IndexByte(v, '\\')
	if i < 0 {
		return "", "", false
	}
	j := i + 1
	if j < len(v) && v[j] == '\\' {
		j++
	}
	if strings.IndexByte(v[j:], '\\') >= 0 {
		return "", "", false
	}
	return v[:i], v[j:], true
}

func isDomainUser(v string) bool {
	_, _, ok := cutDomainUser(v)
	return ok
}

// responderFirst reports whether the first printed side (src) of a
// message without a direction is plainly the responder.
func responderFirst(srcIP, dstIP, srcPort, dstPort string) bool {
	if isMulticast(srcIP) && !isMulticast(dstIP) {
		return true
	}
	sp, ok1 := portNumber(srcPort)
	dp, ok2 := portNumber(dstPort)
	return ok1 && ok2 && sp < 1024 && dp >= 1024
}

func portNumber(v string) (int, bool) {
	if v == "" || len(v) > 5 || !vendor.IsDigits(v) {
		return 0, false
	}
	n := 0
	for i := 0; i < len(v); i++ {
		n = n*10 + int(v[i]-'0')
	}
	return n, true
}

// isMulticast: 224.0.0.0/4 or ff00::/8.
func isMulticast(ip string) bool {
	if len(ip) >= 4 && (ip[:2] == "ff" || ip[:2] == "FF") && strings.IndexByte(ip, ':') >= 0 {
		return true
	}
	dot := strings.IndexByte(ip, '.')
	if dot < 1 || dot > 3 || strings.IndexByte(ip, ':') >= 0 {
		return false
	}
	n, ok := portNumber(ip[:dot])
	return ok && n >= 224 && n <= 239
}

// domainKey is the .domain key of an address key's side ("" for a NAT
// address or a key of no side).
func domainKey(key string) string {
	switch key {
	case "source.ip":
		return "source.domain"
	case "destination.ip":
		return "destination.domain"
	}
	return ""
}

// userDomainKey: the .domain of the side whose user slot held a host name.
func userDomainKey(key string) string {
	switch key {
	case "source.user.name":
		return "source.domain"
	case "destination.user.name":
		return "destination.domain"
	}
	return ""
}

func isICMP(v string) bool {
	return vendor.EqualFold(v, "icmp") || vendor.EqualFold(v, "icmp6") || vendor.EqualFold(v, "icmpv6") || v == "1" || v == "58"
}

// unquote removes one pair of surrounding quotes ('admin', "admin").
func unquote(v string) string {
	if len(v) >= 2 && (v[0] == '\'' || v[0] == '"') && v[len(v)-1] == v[0] {
		return v[1 : len(v)-1]
	}
	return v
}

// masked reports whether v is a user name the ASA hid ("*****").
func masked(v string) bool {
	for i := 0; i < len(v); i++ {
		if v[i] != '*' {
			return false
		}
	}
	return true
}

// tunnelRules are the rules of the IKE, IPsec and VPN-session messages,
// whose user slot holds a LAN-to-LAN tunnel's peer address (matcher.emit).
var tunnelRules = map[string]bool{
	"cisco_asa.ike": true, "cisco_asa.ikev2": true, "cisco_asa.ipsec": true,
	"cisco_asa.vpn_session": true, "cisco_asa.tunnel": true,
}

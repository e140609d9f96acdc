package rules

import (
	"slices"
	"strings"

	"github.com/nomenhq/nomen/normalize/ecs"
)

// The matcher of user rules' patterns (the language: pattern.go).
//
// All the patterns of one program are compiled into one prefix tree: a
// radix tree of literal text whose nodes also branch on spaces and on
// fields. Matching walks the tree once, so the cost depends on the length
// of the message and on how many patterns share its beginning, not on how
// many rules there are. A rest field that more of the pattern follows is
// the shortest text after which that part matches ("Started {what:rest}."
// leaves the last dot out). Where several patterns could match, a literal is
// tried before a field and a narrower field type before a wider one
// (uint, int, float, ip, quoted, hostname, word, rest); among identical
// patterns the first one defined wins.

// ---- the prefix tree ----

// patNode keeps its edges by value: the tree lives as long as the rules,
// and every object in it is one more for the collector to mark at every
// cycle.
type patNode struct {
	lits  []litEdge // radix edges; no two share a first byte
	space *patNode  // one or more spaces/tabs
	caps  []capEdge // sorted by kind (narrowest first)
	end   *userRule // the rule whose pattern ends here
}

type litEdge struct {
	text string
	next *patNode
}

type capEdge struct {
	kind capKind
	name string
	stop byte // for word: also stop before this byte (the next literal's first)
	next *patNode
}

// insert adds one flat token sequence ending in rule r. It reports false
// if another rule already ends at the same place (an identical pattern).
func (n *patNode) insert(seq patAlt, r *userRule) bool {
	for i, t := range seq {
		switch t.kind {
		case tokLiteral:
			n = n.insertLiteral(t.text)
		case tokSpace:
			if n.space == nil {
				n.space = &patNode{}
			}
			n = n.space
		case tokField:
			// Only a word stops at the next literal; for the other types
			// the stop is no part of the edge, so that "{a:ip}[, b]" and
			// "{a:ip}{_:rest}" (the expansions of an optional part) share
			// one edge and the literal after it is tried before the field.
			var stop byte
			if t.cap == capWord && i+1 < len(seq) && seq[i+1].kind == tokLiteral {
				stop = seq[i+1].text[0]
			}
			n = n.insertCap(t.cap, t.name, stop)
		}
	}
	if n.end != nil {
		return false
	}
	n.end = r
	return true
}

func (n *patNode) insertLiteral(s string) *patNode {
	for s != "" {
		var e *litEdge
		for i := range n.lits {
			if n.lits[i].text[0] == s[0] {
				e = &n.lits[i]
				break
			}
		}
		if e == nil {
			child := &patNode{}
			n.lits = append(n.lits, litEdge{text: s, next: child})
			return child
		}
		c := 0
		for c < len(s) && c < len(e.text) && s[c] == e.text[c] {
			c++
		}
		if c < len(e.text) { // split the edge
			mid := &patNode{lits: []litEdge{{text: e.text[c:], next: e.next}}}
			e.text, e.next = e.text[:c], mid
		}
		n, s = e.next, s[c:]
	}
	return n
}

func (n *patNode) insertCap(k capKind, name string, stop byte) *patNode {
	for i := range n.caps {
		if c := &n.caps[i]; c.kind == k && c.name == name && c.stop == stop {
			return c.next
		}
	}
	c := capEdge{kind: k, name: name, stop: stop, next: &patNode{}}
	i := len(n.caps)
	for i > 0 && n.caps[i-1].kind > k {
		i--
	}
	n.caps = slices.Insert(n.caps, i, c)
	return c.next
}

// capture is one matched field.
type capture struct {
	name string
	kind capKind
	val  string
}

// maxCaptures bounds the fields one match keeps.
const maxCaptures = 32

// matcher holds the captures of a match in progress (on the caller's stack).
type matcher struct {
	caps [maxCaptures]capture
	n    int
	// track makes match record in rest the shortest remainder of the
	// message it reached (Trials: where a pattern stopped matching).
	track bool
	rest  int
	// restTries counts the ends matchRestBefore looked at, all its
	// fields together: nested ones would otherwise cost a power of the
	// length.
	restTries int
}

// maxRestTries bounds the ends one match looks at for rest fields that
// more of the pattern follows (a longer text there does not match).
const maxRestTries = 16384

// match returns the rule whose pattern matches all of s.
func (m *matcher) match(n *patNode, s string) *userRule {
	if m.track && len(s) < m.rest {
		m.rest = len(s)
	}
	if onlySpaces(s) && n.end != nil {
		return n.end
	}
	if s == "" {
		return nil
	}
	for i := range n.lits {
		if e := &n.lits[i]; e.text[0] == s[0] {
			if strings.HasPrefix(s, e.text) {
				if r := m.match(e.next, s[len(e.text):]); r != nil {
					return r
				}
			}
			break
		}
	}
	if n.space != nil && (s[0] == ' ' || s[0] == '\t') {
		i := 1
		for i < len(s) && (s[i] == ' ' || s[i] == '\t') {
			i++
		}
		if r := m.match(n.space, s[i:]); r != nil {
			return r
		}
	}
	for i := range n.caps {
		if r := m.matchCap(&n.caps[i], s); r != nil {
			return r
		}
	}
	return nil
}

func (m *matcher) matchCap(c *capEdge, s string) *userRule {
	if c.kind == capRest && c.next.continues() {
		return m.matchRestBefore(c, s)
	}
	end, val, ok := scanCap(c, s)
	if !ok {
		return nil
	}
	if r := m.tryCap(c, s, end, val); r != nil || c.kind != capIP {
		return r
	}
	// "2001:db8::1:8080" parses as one IPv6 address; when what follows
	// does not match, try the shorter addresses ending before a ':'.
	for i := end - 1; i > 0; i-- {
		if s[i] != ':' {
			continue
		}
		if ecs.IsIP(s[:i]) {
			if r := m.tryCap(c, s, i, s[:i]); r != nil {
				return r
			}
		}
	}
	return nil
}

func (m *matcher) tryCap(c *capEdge, s string, end int, val string) *userRule {
	if m.n >= maxCaptures {
		return nil
	}
	saved := m.n
	if c.name != "_" {
		m.caps[m.n] = capture{name: c.name, kind: c.kind, val: val}
		m.n++
	}
	if r := m.match(c.next, s[end:]); r != nil {
		return r
	}
	m.n = saved
	return nil
}

// continues reports whether a pattern goes on after node n.
func (n *patNode) continues() bool {
	return len(n.lits) > 0 || n.space != nil || len(n.caps) > 0
}

// mayStart reports whether what follows node n may start with byte b.
func (n *patNode) mayStart(b byte) bool {
	if len(n.caps) > 0 || n.space != nil && (b == ' ' || b == '\t') {
		return true
	}
	for i := range n.lits {
		if n.lits[i].text[0] == b {
			return true
		}
	}
	return false
}

// mayMatch reports whether match(n, s) may match: false only when it
// cannot, as s does not go on with the literals (and spaces) n's edges
// begin with, followed for depth edges. A rest field tries the ends that
// pass mayStart and this, not each end where the next literal's first
// byte is: the kernel catalog's "{comm:rest} invoked oom-killer: " and
// "{comm:rest} error, dev " were tried at every space of a line they do
// not match (an unmatched kernel line: ~15,600 → ~13,400 instructions
// through parse and normalize, callgrind). Trials (track) try every end
// mayStart passes, whose tries they report.
func (n *patNode) mayMatch(s string, depth int) bool {
	if n.end != nil || len(n.caps) > 0 || depth == 0 {
		return true
	}
	if s == "" {
		return false
	}
	if n.space != nil && (s[0] == ' ' || s[0] == '\t') {
		i := 1
		for i < len(s) && (s[i] == ' ' || s[i] == '\t') {
			i++
		}
		if n.space.mayMatch(s[i:], depth-1) {
			return true
		}
	}
	for i := range n.lits {
		if e := &n.lits[i]; e.text[0] == s[0] {
			return strings.HasPrefix(s, e.text) && e.next.mayMatch(s[len(e.text):], depth-1)
		}
	}
	return false
}

// matchRestBefore matches a rest field that more of the pattern follows
// ("Started {what:rest}."): the shortest text, not empty, after which the
// rest of the pattern matches, as a literal is tried before a field (so
// "Stopped {what:rest} with error." wins over "Stopped {what:rest}." where
// both could match). Only the ends where what follows may start are
// tried, so a sentence costs about one pass over its text.
func (m *matcher) matchRestBefore(c *capEdge, s string) *userRule {
	// Where one literal alone follows ("({host:rest}) via"), the ends
	// to try are its first byte's places: IndexByte finds them.
	var only byte
	if n := c.next; len(n.lits) == 1 && n.space == nil && len(n.caps) == 0 {
		only = n.lits[0].text[0]
	}
	for end := 1; end <= len(s); end++ {
		if only != 0 && end < len(s) && s[end] != only {
			skip := strings.IndexByte(s[end:], only)
			if skip < 0 {
				skip = len(s) - end
			}
			m.restTries += skip
			end += skip
		}
		if m.restTries++; m.restTries > maxRestTries {
			return nil
		}
		if end < len(s) && (!c.next.mayStart(s[end]) || !m.track && !c.next.mayMatch(s[end:], 3)) {
			continue
		}
		val := strings.TrimRight(s[:end], " \t")
		if val == "" {
			continue
		}
		if r := m.tryCap(c, s, end, val); r != nil {
			return r
		}
	}
	return nil
}

// scanCap reads one field of kind c.kind at the start of s.
// Long because it is the table of capture kinds, a case each.
func scanCap(c *capEdge, s string) (end int, val string, ok bool) {
	switch c.kind {
	case capUint:
		for end < len(s) && '0' <= s[end] && s[end] <= '9' {
			end++
		}
		return end, s[:end], end > 0
	case capInt:
		if len(s) > 0 && (s[0] == '-' || s[0] == '+') {
			end = 1
		}
		start := end
		for end < len(s) && '0' <= s[end] && s[end] <= '9' {
			end++
		}
		return end, s[:end], end > start
	case capFloat:
		if len(s) > 0 && (s[0] == '-' || s[0] == '+') {
			end = 1
		}
		digits, dot := 0, false
		for end < len(s) {
			ch := s[end]
			if '0' <= ch && ch <= '9' {
				digits++
			} else if ch == '.' && !dot {
				dot = true
			} else {
				break
			}
			end++
		}
		return end, s[:end], digits > 0
	case capIP:
		for end < len(s) && isIPChar(s[end]) {
			end++
		}
		if end == 0 {
			return 0, "", false
		}
		val = s[:end]
		if ecs.IsIP(val) {
			return end, val, true
		}
		// An address with a port ("10.0.0.1:80"; "2001:db8::7:51022",
		// whose port is no hex group: dropbear's unbracketed form), or a
		// trailing '.' or ':' of the text.
		for end > 0 && (s[end-1] == '.' || s[end-1] == ':') {
			end--
		}
		if i := strings.LastIndexByte(s[:end], ':'); i > 0 {
			if ecs.IsIP(s[:i]) {
				return i, s[:i], true
			}
		}
		if ecs.IsIP(s[:end]) {
			return end, s[:end], true
		}
		return 0, "", false
	case capQuoted:
		if len(s) < 2 || s[0] != '"' {
			return 0, "", false
		}
		escaped := false
		for i := 1; i < len(s); i++ {
			switch s[i] {
			case '\\':
				escaped = true
				i++
			case '"':
				v := s[1:i]
				if escaped {
					v = unescapeQuoted(v)
				}
				return i + 1, v, true
			}
		}
		return 0, "", false
	case capHostname:
		for end < len(s) && isHostChar(s[end]) {
			end++
		}
		for end > 0 && s[end-1] == '.' { // "host." at the end of a sentence
			end--
		}
		return end, s[:end], end > 0
	case capWord:
		for end < len(s) && s[end] != ' ' && s[end] != '\t' && (c.stop == 0 || s[end] != c.stop) {
			end++
		}
		return end, s[:end], end > 0
	case capRest:
		return len(s), strings.TrimRight(s, " \t"), len(s) > 0
	}
	return 0, "", false
}

func isIPChar(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c|0x20 && c|0x20 <= 'f' || c == ':' || c == '.'
}

func isHostChar(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c|0x20 && c|0x20 <= 'z' || c == '.' || c == '-' || c == '_'
}

func unescapeQuoted(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+1 < len(s) {
			i++
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

func onlySpaces(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] != ' ' && s[i] != '\t' {
			return false
		}
	}
	return true
}

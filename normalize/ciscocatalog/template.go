package ciscocatalog

import (
	"errors"
	"strings"
)

// A template is a message body as Cisco documents it, with placeholders:
//
//	Deny {protocol} src {src_if}:{src_ip}{?/{src_port}} dst ... by access-group "{acl}"{...}
//
//	{name}        a value; where it goes and its Kind come from the
//	              placeholder dictionary (fields.go) or Msg.Map; an unknown
//	              name goes to cisco.asa.<name> / cisco.ios.<name> as a Word
//	{name:kind}   the same with another Kind (kind.go: text, ip, uint, ...)
//	{name?}       the value may be empty ("[user: ]")
//	{_name}       matched but not handed out (hash codes, verdict words)
//	{?...}        an optional part; it must start with literal text
//	{...}         anything may follow (newer releases append to many bodies)
//
// Literal text must match exactly, except spaces: a space in the template
// matches one or more spaces, or none where it touches punctuation
// (" -> " matches "->", "(1357)->" and " ->  "). Values are trimmed of
// spaces. A value ends at the first place where what follows it in the
// template matches (lazily, with backtracking when the rest fails) and
// its Kind accepts it; word-like kinds never span a space between words.
// The body must end where the template ends, but for trailing spaces and
// one final '.'.
//
// Compiled, a template is a small program: opLit, opField, opSplit (an
// optional part: try the part, else jump past it), opEnd, opRest.

type opcode uint8

const (
	opLit opcode = iota
	opField
	opSplit
	opEnd
	opRest
)

type inst struct {
	op   opcode
	lit  string // opLit
	slot int    // opField
	jump int    // opSplit: where the optional part ends
	// opField: what may follow the value.
	follow    []string // literals
	followEnd bool     // the end of the body
	followAny bool     // {...}: a word-like value ends at its word's end
	starts    byteSet  // first bytes of the follow literals (and, after a leading space, the next)
	startList []byte   // the same bytes, for strings.IndexByte
}

func (in *inst) addStart(c byte) {
	if !in.starts.has(c) {
		in.starts.add(c)
		in.startList = append(in.startList, c)
	}
}

// byteSet is a set of bytes.
type byteSet [4]uint64

func (b *byteSet) add(c byte)      { b[c>>6] |= 1 << (c & 63) }
func (b *byteSet) has(c byte) bool { return b[c>>6]&(1<<(c&63)) != 0 }

// slot is one placeholder of a template.
type slot struct {
	name    string
	key     string // field key
	swapKey string // key when the sides swap ("" = key)
	// nameable: an address of a side (source, destination, their NAT),
	// where the ASA prints a name when the configuration gives one
	// ("names", network objects).
	nameable   bool
	kind       Kind
	emit       bool // false for {_name}
	allowEmpty bool
	role       role // the slot's part in a NAT pair
	// tunnelKey: where a user slot's value goes when it is an address
	// (<vendor>.tunnel_user; see matcher.emit).
	tunnelKey string
}

// role marks the keys the NAT rule compares.
type role uint8

const (
	roleNone role = iota
	roleSrcIP
	roleSrcPort
	roleSrcNATIP
	roleSrcNATPort
	roleDstIP
	roleDstPort
	roleDstNATIP
	roleDstNATPort
)

var roles = map[string]role{
	"source.ip": roleSrcIP, "source.port": roleSrcPort, "source.nat.ip": roleSrcNATIP, "source.nat.port": roleSrcNATPort,
	"destination.ip": roleDstIP, "destination.port": roleDstPort, "destination.nat.ip": roleDstNATIP,
	"destination.nat.port": roleDstNATPort,
}

type template struct {
	prog  []inst
	slots []slot
}

// maxSlots bounds the placeholders of one template (captures are kept in
// a fixed array while matching).
const maxSlots = 24

func (t *template) slotOf(name string) int {
	for i := range t.slots {
		if t.slots[i].name == name {
			return i
		}
	}
	return -1
}

func compileTemplate(src, prefix string, override map[string]string) (*template, error) {
	t := &template{}
	if err := t.parse(src, prefix, override, 0); err != nil {
		return nil, err
	}
	t.prog = append(t.prog, inst{op: opEnd})
	if len(t.slots) > maxSlots {
		return nil, errors.New("too many placeholders")
	}
	for pc := range t.prog {
		if t.prog[pc].op != opField {
			continue
		}
		var f follow
		if err := t.follows(pc+1, &f); err != nil {
			return nil, err
		}
		in := &t.prog[pc]
		in.follow, in.followEnd, in.followAny = f.lits, f.end, f.any
		if f.any && spacey(t.slots[in.slot].kind) {
			return nil, errors.New("a text placeholder directly before {...}: its end is unknowable")
		}
		for _, l := range f.lits {
			in.addStart(l[0])
			// A leading space may match none only where it touches
			// punctuation (litAt): " (" may start at '(', " for" only at ' '.
			if b := strings.TrimLeft(l, " "); b != "" && !isAlnum(b[0]) {
				in.addStart(b[0])
			}
		}
	}
	return t, nil
}

type follow struct {
	lits     []string
	end, any bool
}

// follows collects what can come first from pc on.
func (t *template) follows(pc int, f *follow) error {
	switch in := t.prog[pc]; in.op {
	case opLit:
		f.lits = append(f.lits, in.lit)
	case opEnd:
		f.end = true
	case opSplit:
		if err := t.follows(pc+1, f); err != nil {
			return err
		}
		return t.follows(in.jump, f)
	case opRest:
		f.any = true
	case opField:
		return errors.New("two placeholders without text between them")
	}
	return nil
}

// parse appends the program of src (depth > 0 inside an optional part).
func (t *template) parse(src, prefix string, override map[string]string, depth int) error {
	for src != "" {
		open := strings.IndexByte(src, '{')
		if open < 0 {
			t.prog = append(t.prog, inst{op: opLit, lit: src})
			return nil
		}
		if open > 0 {
			t.prog = append(t.prog, inst{op: opLit, lit: src[:open]})
		}
		end := matchingBrace(src, open)
		if end < 0 {
			return errors.New("unbalanced braces in " + src)
		}
		inner := src[open+1 : end]
		src = src[end+1:]
		switch {
		case inner == "...":
			if src != "" {
				return errors.New("{...} must end the template")
			}
			t.prog = append(t.prog, inst{op: opRest})
		case strings.HasPrefix(inner, "?"):
			body := inner[1:]
			if body == "" || body[0] == '{' {
				return errors.New("an optional part must start with text: {?" + body + "}")
			}
			split := len(t.prog)
			t.prog = append(t.prog, inst{op: opSplit})
			if err := t.parse(body, prefix, override, depth+1); err != nil {
				return err
			}
			t.prog[split].jump = len(t.prog)
		default:
			s, err := newSlot(inner, prefix, override)
			if err != nil {
				return err
			}
			if t.slotOf(s.name) >= 0 {
				return errors.New("placeholder used twice: " + s.name)
			}
			t.slots = append(t.slots, s)
			t.prog = append(t.prog, inst{op: opField, slot: len(t.slots) - 1})
		}
	}
	return nil
}

// matchingBrace returns the index of the '}' closing the '{' at open.
func matchingBrace(s string, open int) int {
	depth := 0
	for i := open; i < len(s); i++ {
		switch s[i] {
		case '{':
			depth++
		case '}':
			depth--
			if depth == 0 {
				return i
			}
		}
	}
	return -1
}

// newSlot parses "name", "name?", "name:kind", "_name".
func newSlot(spec, prefix string, override map[string]string) (slot, error) {
	name, kindName, hasKind := strings.Cut(spec, ":")
	s := slot{emit: true}
	if n, ok := strings.CutSuffix(name, "?"); ok {
		name, s.allowEmpty = n, true
	}
	if name == "" {
		return s, errors.New("empty placeholder")
	}
	s.name = name
	if name[0] == '_' {
		s.emit = false
		s.kind = Word
	} else if p, ok := placeholders[name]; ok {
		s.key, s.kind = p.key, p.kind
	} else {
		s.key, s.kind = "."+name, Word
	}
	if k, ok := override[name]; ok {
		s.key = k
	}
	if hasKind {
		k, ok := kindByName(kindName)
		if !ok {
			return s, errors.New("unknown kind " + kindName)
		}
		s.kind = k
	}
	if strings.HasPrefix(s.key, ".") {
		s.key = prefix + s.key[1:]
	}
	s.swapKey = swapSide(s.key)
	if s.kind == User {
		s.tunnelKey = prefix + "tunnel_user"
	}
	s.role = roles[s.key]
	switch s.role {
	case roleSrcIP, roleDstIP, roleSrcNATIP, roleDstNATIP:
		s.nameable = s.kind == IP
	}
	return s, nil
}

// swapSide is the key of the other side of a connection.
func swapSide(key string) string {
	for _, p := range [...][2]string{
		{"source.", "destination."},
		{"destination.", "source."},
		{"observer.ingress.", "observer.egress."},
		{"observer.egress.", "observer.ingress."},
	} {
		if rest, ok := strings.CutPrefix(key, p[0]); ok {
			return p[1] + rest
		}
	}
	return key
}

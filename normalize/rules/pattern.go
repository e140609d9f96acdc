package rules

import (
	"errors"
	"fmt"
	"strings"
)

// The pattern language of user rules: parsing a pattern and expanding its
// optional parts into flat token sequences (match.go compiles those into
// the prefix tree that matches them).
//
// A pattern is literal text with typed fields:
//
//	Failed login for {user:word} from {src:ip}[ port {port:uint}]: {reason:rest}
//
//	{name:type}  a field; name "_" matches without keeping the value
//	{name}       a word ({rest} is the rest of the line)
//	[ ... ]      an optional part (may hold fields; may nest)
//	spaces       one or more spaces or tabs
//	\{ \} \[ \] \\   a literal brace, bracket or backslash
//
// Types: word (up to the next space, or the first character of the literal
// that follows the field), uint, int, float, ip (IPv4 or IPv6), hostname,
// quoted ("..." with \" escapes; the value is unquoted), rest (to the end
// of the line). A pattern matches the whole message (trailing spaces
// ignored).

// capKind is a field type, in matching order (narrowest first).
type capKind uint8

const (
	capUint capKind = iota
	capInt
	capFloat
	capIP
	capQuoted
	capHostname
	capWord
	capRest
)

var capKinds = map[string]capKind{
	"uint": capUint, "int": capInt, "float": capFloat, "ip": capIP, "quoted": capQuoted,
	"hostname": capHostname, "word": capWord, "rest": capRest,
}

// patToken is one element of a parsed pattern.
type patToken struct {
	kind  patTokKind
	text  string  // literal text
	cap   capKind // field type
	name  string  // field name ("_" = not kept)
	group []patAlt
}

type patTokKind uint8

const (
	tokLiteral patTokKind = iota
	tokSpace
	tokField
	tokOptional
)

// patAlt is a token sequence.
type patAlt []patToken

// maxExpansions bounds the sequences a pattern with optional parts expands to.
const maxExpansions = 256

// parsePattern parses a pattern into a token sequence (optional parts kept
// as groups).
func parsePattern(p string) (patAlt, error) {
	toks, rest, err := parseSeq(p, 0)
	if err != nil {
		return nil, err
	}
	if rest != len(p) {
		return nil, fmt.Errorf("unbalanced ']' at offset %d", rest)
	}
	return toks, nil
}

// parseSeq parses until the end of p or an unescaped ']' (returned index).
func parseSeq(p string, i int) (patAlt, int, error) {
	var toks patAlt
	var lit strings.Builder
	flush := func() {
		if lit.Len() > 0 {
			toks = append(toks, patToken{kind: tokLiteral, text: lit.String()})
			lit.Reset()
		}
	}
	for i < len(p) {
		c := p[i]
		switch {
		case c == '\\':
			if i+1 >= len(p) {
				return nil, 0, errors.New("pattern ends with a backslash")
			}
			lit.WriteByte(p[i+1])
			i += 2
		case c == ' ' || c == '\t':
			flush()
			for i < len(p) && (p[i] == ' ' || p[i] == '\t') {
				i++
			}
			toks = append(toks, patToken{kind: tokSpace})
		case c == '{':
			end := strings.IndexByte(p[i:], '}')
			if end < 0 {
				return nil, 0, fmt.Errorf("unclosed '{' at offset %d", i)
			}
			spec := p[i+1 : i+end]
			name, typ, hasType := strings.Cut(spec, ":")
			if !hasType {
				typ = "word"
				if name == "rest" {
					typ = "rest"
				}
			}
			if !validFieldName(name) {
				return nil, 0, fmt.Errorf("bad field name %q in {%s} (letters, digits, _ . -)", name, spec)
			}
			k, ok := capKinds[typ]
			if !ok {
				return nil, 0, fmt.Errorf("unknown type %q in {%s} (word, uint, int, float, ip, hostname, quoted, rest)", typ, spec)
			}
			flush()
			toks = append(toks, patToken{kind: tokField, cap: k, name: name})
			i += end + 1
		case c == '[':
			flush()
			group, j, err := parseSeq(p, i+1)
			if err != nil {
				return nil, 0, err
			}
			if j >= len(p) || p[j] != ']' {
				return nil, 0, fmt.Errorf("unclosed '[' at offset %d", i)
			}
			if len(group) == 0 {
				return nil, 0, fmt.Errorf("empty optional part at offset %d", i)
			}
			toks = append(toks, patToken{kind: tokOptional, group: []patAlt{group}})
			i = j + 1
		case c == ']':
			flush()
			return toks, i, nil
		case c == '}':
			return nil, 0, fmt.Errorf("unmatched '}' at offset %d (write \\} for a literal one)", i)
		default:
			lit.WriteByte(c)
			i++
		}
	}
	flush()
	return toks, i, nil
}

func validFieldName(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '_' || c == '.' || c == '-') {
			return false
		}
	}
	return true
}

// expand returns every token sequence the optional parts allow, as flat
// sequences of literal, space and field tokens (adjacent literals merged,
// adjacent spaces collapsed).
func expand(seq patAlt) ([]patAlt, error) {
	out := []patAlt{nil}
	for _, t := range seq {
		if t.kind != tokOptional {
			for i := range out {
				out[i] = appendToken(out[i], t)
			}
			continue
		}
		inner, err := expand(t.group[0])
		if err != nil {
			return nil, err
		}
		next := make([]patAlt, 0, len(out)*(len(inner)+1))
		for _, o := range out {
			next = append(next, o) // without the optional part
			for _, in := range inner {
				alt := append(patAlt(nil), o...)
				for _, it := range in {
					alt = appendToken(alt, it)
				}
				next = append(next, alt)
			}
		}
		if len(next) > maxExpansions {
			return nil, fmt.Errorf("too many optional parts (more than %d combinations)", maxExpansions)
		}
		out = next
	}
	return out, nil
}

func appendToken(seq patAlt, t patToken) patAlt {
	if n := len(seq); n > 0 {
		last := &seq[n-1]
		switch {
		case t.kind == tokLiteral && last.kind == tokLiteral:
			seq = append(seq[:n-1:n-1], patToken{kind: tokLiteral, text: last.text + t.text})
			return seq
		case t.kind == tokSpace && last.kind == tokSpace:
			return seq
		}
	}
	return append(seq, t)
}

package vendor

import "strings"

// Pairs reads the key=value pairs of a line: a value is a bare word (to
// the next space, '=' included: "arg=/a?b=c") or quoted with double or single quotes
// (quotes removed, no escapes: SonicOS and Sophos write none). A token
// without '=' is skipped. Next returns false at the end of the line.
//
// A quote never closed is a line cut short (a datagram's size limit): its
// value is the rest of the line, and Cut says so. Nothing after the quote
// is taken for a key, so no key is invented; the cut value itself may be
// shorter than the one written, which a decoder keeps out of ECS.
type Pairs struct {
	S   string
	Cut bool // the last pair's quote was never closed
}

// Next returns the next pair.
func (p *Pairs) Next() (key, value string, ok bool) {
	s := p.S
	for {
		i := 0
		for i < len(s) && s[i] != '=' && s[i] != ' ' {
			i++
		}
		if i == len(s) {
			p.S = ""
			return "", "", false
		}
		if s[i] == ' ' {
			s = s[i+1:]
			continue
		}
		key, rest := s[:i], s[i+1:]
		if len(rest) > 0 && (rest[0] == '"' || rest[0] == '\'') {
			end := strings.IndexByte(rest[1:], rest[0])
			if end < 0 {
				p.S, p.Cut = "", true
				return key, rest[1:], true
			}
			p.S = rest[end+2:]
			return key, rest[1 : end+1], true
		}
		end := strings.IndexByte(rest, ' ')
		if end < 0 {
			end = len(rest)
		}
		p.S = rest[end:]
		return key, rest[:end], true
	}
}

// Pair is one key=value of a line.
type Pair struct{ Key, Value string }

// ReadPairs appends the pairs of s to list (a decoder passes a buffer on
// its stack: a firewall line has 40-90) and returns them, and whole: the
// same but for a last pair cut short (Pairs.Cut), whose value may be
// shorter than written, so it is neither a fact for the classification
// nor an ECS value (a decoder keeps it under its own namespace).
func ReadPairs(s string, list []Pair) (all, whole []Pair) {
	p := Pairs{S: s}
	for {
		key, v, ok := p.Next()
		if !ok {
			return list, list
		}
		list = append(list, Pair{key, v})
		if p.Cut {
			return list, list[:len(list)-1]
		}
	}
}

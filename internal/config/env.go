package config

import (
	"errors"
	"fmt"
	"os"
	"regexp"
	"strings"
	"unicode/utf8"
)

var envRef = regexp.MustCompile(`^\$\{([A-Za-z_][A-Za-z0-9_]*)(:-([^}]*))?\}`)

// ExpandEnv replaces ${NAME} and ${NAME:-default} in a config file with
// environment variables (secrets such as tokens and passwords stay out of
// the file; the benchmark harness passes ports this way). A variable that
// is unset and has no default is an error naming it and its line;
// comments are left alone.
//
// A value is written in the TOML syntax of the place it goes to, so that
// whatever a secret holds it arrives unchanged in the decoded string and
// cannot change the document's structure: inside "..." or """...""" it is
// escaped (\" \\ \n \uXXXX); inside '...' or ”'...”', which have no
// escapes, a value that cannot be written there (a ' or a control
// character; in ”'...”' a ', a leading newline or a control character
// other than newline and tab) is an error telling to use double quotes.
// Outside a string (port = ${PORT}) the value is inserted as it is: it is
// TOML there, a number or a boolean. Values are not expanded again: a ${ inside a value stays.
func ExpandEnv(name string, data []byte) ([]byte, error) {
	text := string(data)
	if !strings.Contains(text, "${") {
		return data, nil
	}
	var out strings.Builder
	out.Grow(len(text))
	var errs []string
	line := 1
	st := tomlOutside
	for i := 0; i < len(text); {
		if text[i] == '$' && st != tomlComment && strings.HasPrefix(text[i:], "${") {
			if m := envRef.FindStringSubmatch(text[i:]); m != nil {
				v, ok := os.LookupEnv(m[1])
				if !ok && m[2] != "" {
					v, ok = m[3], true
				}
				if !ok {
					errs = append(errs, fmt.Sprintf("%s: environment variable %s is not set (use ${%s:-default} for a default)", At(name, line), m[1], m[1]))
					v = m[0]
				} else if enc, err := tomlEscape(st, v); err != nil {
					errs = append(errs, fmt.Sprintf("%s: environment variable %s: %v", At(name, line), m[1], err))
				} else {
					v = enc
				}
				out.WriteString(v)
				i += len(m[0])
				continue
			}
		}
		n := st.step(text[i:])
		st = n.state
		for _, c := range text[i : i+n.skip] {
			if c == '\n' {
				line++
			}
		}
		out.WriteString(text[i : i+n.skip])
		i += n.skip
	}
	if len(errs) > 0 {
		return nil, errors.New(strings.Join(errs, "\n"))
	}
	return []byte(out.String()), nil
}

// tomlState is where in a TOML document the scanner is.
type tomlState int

const (
	tomlOutside tomlState = iota
	tomlComment
	tomlBasic     // "..."
	tomlLiteral   // '...'
	tomlMLBasic   // """..."""
	tomlMLLiteral // '''...'''
)

type tomlStep struct {
	state tomlState
	skip  int // bytes consumed (at least 1)
}

// step reads the token at the start of s (a quote, an escape, a comment
// start or one byte) and returns the state after it.
func (st tomlState) step(s string) tomlStep {
	switch st {
	case tomlOutside:
		switch {
		case strings.HasPrefix(s, `"""`):
			return tomlStep{tomlMLBasic, 3}
		case strings.HasPrefix(s, `'''`):
			return tomlStep{tomlMLLiteral, 3}
		case s[0] == '"':
			return tomlStep{tomlBasic, 1}
		case s[0] == '\'':
			return tomlStep{tomlLiteral, 1}
		case s[0] == '#':
			return tomlStep{tomlComment, 1}
		}
	case tomlComment:
		if s[0] == '\n' {
			return tomlStep{tomlOutside, 1}
		}
	case tomlBasic, tomlMLBasic:
		if s[0] == '\\' && len(s) > 1 {
			return tomlStep{st, 2} // \" and \\ do not end the string
		}
		if st == tomlBasic && (s[0] == '"' || s[0] == '\n') {
			return tomlStep{tomlOutside, 1}
		}
		if st == tomlMLBasic && strings.HasPrefix(s, `"""`) {
			return tomlStep{tomlOutside, 3}
		}
	case tomlLiteral:
		if s[0] == '\'' || s[0] == '\n' {
			return tomlStep{tomlOutside, 1}
		}
	case tomlMLLiteral:
		if strings.HasPrefix(s, `'''`) {
			return tomlStep{tomlOutside, 3}
		}
	}
	return tomlStep{st, 1}
}

// tomlEscape writes v as it must appear at a place in state st.
func tomlEscape(st tomlState, v string) (string, error) {
	if st != tomlOutside && !utf8.ValidString(v) {
		return "", fmt.Errorf("value is not valid UTF-8")
	}
	switch st {
	case tomlBasic, tomlMLBasic:
		var b strings.Builder
		for _, r := range v {
			switch {
			case r == '"' || r == '\\':
				b.WriteByte('\\')
				b.WriteRune(r)
			case r == '\n':
				b.WriteString(`\n`)
			case r == '\t':
				b.WriteString(`\t`)
			case r == '\r':
				b.WriteString(`\r`)
			case r < 0x20 || r == 0x7f:
				fmt.Fprintf(&b, `\u%04X`, r)
			default:
				b.WriteRune(r)
			}
		}
		return b.String(), nil
	case tomlLiteral, tomlMLLiteral:
		for _, r := range v {
			bad := r < 0x20 && r != '\t' || r == 0x7f
			if st == tomlLiteral && (bad || r == '\'') || st == tomlMLLiteral && bad && r != '\n' {
				return "", fmt.Errorf("its value cannot be written inside a single-quoted TOML string: put ${...} in double quotes")
			}
		}
		// In '''...''' a quote next to the ones around the reference
		// could close the string early, and TOML drops a newline just
		// after the opening quotes: neither would arrive unchanged.
		if st == tomlMLLiteral && (strings.Contains(v, "'") || strings.HasPrefix(v, "\n")) {
			return "", fmt.Errorf("its value cannot be written inside ''' quotes: put ${...} in double quotes")
		}
	}
	return v, nil
}

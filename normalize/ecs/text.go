package ecs

import (
	"strings"

	"github.com/nomenhq/nomen/normalize/vendor"
	"github.com/nomenhq/nomen/relay/event"
)

// Begin prepares e for a decoder that recognised it: room for its fields,
// event.provider (the program) and nomen.rule.
func Begin(e *event.Event, provider, rule string) {
	Reserve(e, 16)
	SetProvider(e, provider)
	SetRule(e, rule)
}

// TrimSpace is strings.TrimSpace, with its usual case (nothing to trim:
// the value starts and ends with a printable ASCII byte, 0x21-0x7f, which
// strings.TrimSpace never trims and which is no part of a multi-byte
// character) settled inline. The setters trim every address, user and
// port they are given.
func TrimSpace(s string) string {
	if n := len(s); n == 0 || s[0]-0x21 >= 0x5f || s[n-1]-0x21 >= 0x5f {
		s = trimSpaceASCII(s)
	}
	return s
}

// trimSpaceASCII is strings.TrimSpace for the values that have ASCII
// white space to trim (a rendered Windows message's "\tjdoe\r\n\t"
// between its labels): it trims that by a table and leaves to
// strings.TrimSpace only an end that is not ASCII, whose rune may be
// white space (U+0085, U+00A0...). ~30 instructions a value, not ~80.
func trimSpaceASCII(s string) string {
	i, j := 0, len(s)
	for i < j && asciiSpace[s[i]] {
		i++
	}
	for j > i && asciiSpace[s[j-1]] {
		j--
	}
	if s = s[i:j]; s != "" && (s[0] >= 0x80 || s[len(s)-1] >= 0x80) {
		return strings.TrimSpace(s)
	}
	return s
}

// asciiSpace marks the ASCII bytes strings.TrimSpace trims.
var asciiSpace = [256]bool{'\t': true, '\n': true, '\v': true, '\f': true, '\r': true, ' ': true}

// CutWord returns the first space-delimited word of s and the rest after
// the spaces that follow it.
func CutWord(s string) (word, rest string) {
	i := strings.IndexByte(s, ' ')
	if i < 0 {
		return s, ""
	}
	word, rest = s[:i], s[i+1:]
	for len(rest) > 0 && rest[0] == ' ' {
		rest = rest[1:]
	}
	return word, rest
}

// TrimAngle removes surrounding <>.
func TrimAngle(s string) string {
	if len(s) >= 2 && s[0] == '<' && s[len(s)-1] == '>' {
		return s[1 : len(s)-1]
	}
	return s
}

// HasPrefixFold reports whether s starts with prefix, ignoring ASCII case.
func HasPrefixFold(s, prefix string) bool {
	return len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix)
}

// CutByte splits s around the first c.
func CutByte(s string, c byte) (before, after string, found bool) {
	if i := strings.IndexByte(s, c); i >= 0 {
		return s[:i], s[i+1:], true
	}
	return s, "", false
}

// IsDigits reports whether s is a non-empty run of ASCII digits.
func IsDigits(s string) bool { return vendor.IsDigits(s) }

// CutPrintkCaller cuts the "[  T1234]" or "[    C3]" that a kernel built
// with CONFIG_PRINTK_CALLER puts after a line's uptime (the task or CPU
// that printed it) from the start of s; ok is false, s unchanged, when s
// does not start with one. The kernel's decoders (apps' catalog,
// network's netfilter lines) both read it.
func CutPrintkCaller(s string) (rest string, ok bool) {
	if len(s) < 3 || s[0] != '[' {
		return s, false
	}
	end := strings.IndexByte(s, ']')
	if end < 0 {
		return s, false
	}
	id := strings.TrimLeft(s[1:end], " ")
	if len(id) < 2 || id[0] != 'T' && id[0] != 'C' || !IsDigits(id[1:]) {
		return s, false
	}
	return s[end+1:], true
}

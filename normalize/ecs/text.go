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

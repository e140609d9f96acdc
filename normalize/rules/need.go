package rules

import (
	"regexp/syntax"
	"strings"
	"unicode/utf8"
)

// requiredLiteral returns the longest literal that every match of the
// regular expression expr contains: a literal of its top-level
// concatenation, matched case-sensitively. A message without it cannot
// match, and strings.Contains costs a small part of a regexp run: the
// catalogs' regex rules share their first bytes ("(user) CMD (...)",
// "(user) RELOAD (...)"), so a rule's prefix alone does not tell them
// apart. "" when there is none.
func requiredLiteral(expr string) string {
	re, err := syntax.Parse(expr, syntax.Perl) // regexp.Compile's flags
	if err != nil {
		return ""
	}
	re = re.Simplify()
	subs := []*syntax.Regexp{re}
	if re.Op == syntax.OpConcat {
		subs = re.Sub
	}
	best := ""
	for _, sub := range subs {
		if sub.Op != syntax.OpLiteral || sub.Flags&syntax.FoldCase != 0 {
			continue
		}
		lit := string(sub.Rune)
		// The regexp reads an invalid byte of the message as U+FFFD,
		// which the message's bytes then do not contain.
		if strings.ContainsRune(lit, utf8.RuneError) {
			continue
		}
		if len(lit) > len(best) {
			best = lit
		}
	}
	return best
}

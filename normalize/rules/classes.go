package rules

import (
	"fmt"
	"strings"

	"github.com/nomenhq/nomen/internal/config"
	"github.com/nomenhq/nomen/normalize/ecs"
	"github.com/nomenhq/nomen/relay/event"
)

// ClassWarnings reports user rules whose categorization departs from the
// conventions nomen's own decoders keep, without being invalid (a value
// outside ECS's allowed values is an error when the rule loads):
//
//   - an event.type that ECS expects with none of the rule's
//     event.category values ("authentication" with "denied": ECS expects
//     start, end or info, and an outcome of failure for a refused logon);
//   - an event.action that is not lower-case words joined by single
//     hyphens ("Login Failed" rather than "login-failed"), the style every
//     built-in action has, so that one filter or dashboard covers both.
//
// Each is "FILE:LINE: warning: rule NAME: ...", the line of the rule's
// [[rule]] header. `nomen check` prints them; the rules still load and
// apply as written (ECS calls the pairs "expected", not required).
func (rs *Set) ClassWarnings() []string {
	if rs == nil {
		return nil
	}
	var out []string
	for _, r := range rs.rules {
		var cats, types []string
		for _, f := range r.fields {
			switch f.Key {
			case "event.category":
				cats = values(f.Val)
			case "event.type":
				types = values(f.Val)
			case "event.action":
				if f.Val.Type == event.TypeString && !ecs.IsAction(f.Val.Str) {
					out = append(out, r.warning("event.action %q is not lower-case words joined by hyphens (the style of nomen's actions: %q)", f.Val.Str, actionStyle(f.Val.Str)))
				}
			}
		}
		if len(cats) == 0 {
			continue
		}
		for _, t := range types {
			if !ecs.TypeExpected(cats, t) {
				out = append(out, r.warning("event.type %q is not one ECS expects with event.category %s (%s)", t, strings.Join(cats, ", "), expectedList(cats)))
			}
		}
	}
	return out
}

func (r *userRule) warning(format string, args ...any) string {
	return fmt.Sprintf("%s: warning: rule %q: %s", config.At(r.file, r.line), r.name, fmt.Sprintf(format, args...))
}

func values(v event.Value) []string {
	var out []string
	v.Each(func(s string) bool { out = append(out, s); return false })
	return out
}

// expectedList names the types ECS expects per category: "authentication:
// start, end, info".
func expectedList(cats []string) string {
	parts := make([]string, 0, len(cats))
	for _, c := range cats {
		parts = append(parts, c+": "+strings.Join(ecs.ExpectedTypes[c], ", "))
	}
	return "expected " + strings.Join(parts, "; ")
}

// actionStyle suggests the action in nomen's style: lower case, every run
// of other characters one hyphen ("Login Failed" → "login-failed").
func actionStyle(a string) string {
	var b strings.Builder
	hyphen := false
	for _, c := range strings.ToLower(a) {
		if 'a' <= c && c <= 'z' || '0' <= c && c <= '9' {
			if hyphen && b.Len() > 0 {
				b.WriteByte('-')
			}
			b.WriteRune(c)
			hyphen = false
			continue
		}
		hyphen = true
	}
	return b.String()
}

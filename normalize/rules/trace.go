package rules

import (
	"fmt"
	"strings"

	"github.com/nomenhq/nomen/normalize/ecs"
)

// Trial is one user rule tried alone on a message, for rule authors
// (`nomen parse -trace`). Apply matches all the patterns of a program at
// once; a trial says, for each rule of the groups Apply consults, whether
// its own pattern or regex matches and, if not, where it stopped.
type Trial struct {
	Rule string `json:"rule"`
	File string `json:"file"`
	Line int    `json:"line"`
	// Group is the program group the rule was consulted in: the program,
	// "name*" for a prefix, "" for rules without a program.
	Group   string `json:"group"`
	Matched bool   `json:"matched"`
	// Why a rule did not match: its prefix, its regex, or the byte at
	// which its pattern stopped matching.
	Why string `json:"why,omitempty"`
}

// Trials tries each rule Apply would consult for program prog (a
// ProgramKey) alone on msg, in the order Apply consults the groups and,
// within a group, in file order. It is slow (it builds a pattern tree per
// rule) and meant for one message at a time.
func (rs *Set) Trials(prog, msg string) []Trial {
	if rs == nil {
		return nil
	}
	var out []Trial
	seen := map[*ruleGroup]bool{}
	add := func(group string, g *ruleGroup) {
		if g == nil || seen[g] {
			return
		}
		seen[g] = true
		for _, r := range g.all {
			t := r.trial(msg)
			t.Group = group
			out = append(out, t)
		}
	}
	add(prog, rs.exact[prog])
	if base := ecs.BaseProgram(prog); base != prog {
		add(base, rs.exact[base])
	}
	for _, pg := range rs.prefix {
		if strings.HasPrefix(prog, pg.prefix) {
			add(pg.prefix+"*", pg.g)
		}
	}
	add("", rs.any)
	return out
}

// trial matches r alone on msg.
func (r *userRule) trial(msg string) Trial {
	t := Trial{Rule: r.name, File: r.file, Line: r.line}
	if r.prefix != "" && !strings.HasPrefix(msg, r.prefix) {
		t.Why = fmt.Sprintf("prefix %q does not match", r.prefix)
		return t
	}
	if r.re != nil {
		t.Matched = r.re.MatchString(msg)
		if !t.Matched {
			t.Why = "regex does not match"
		}
		return t
	}
	var tree patNode
	seq, err := parsePattern(r.pattern)
	if err != nil {
		t.Why = err.Error() // cannot happen: the pattern compiled
		return t
	}
	seqs, err := expand(seq)
	if err != nil {
		t.Why = err.Error()
		return t
	}
	for _, s := range seqs {
		tree.insert(s, r)
	}
	m := matcher{track: true, rest: len(msg)}
	if m.match(&tree, msg) != nil {
		t.Matched = true
		return t
	}
	at := len(msg) - m.rest
	t.Why = fmt.Sprintf("pattern stopped matching at byte %d: %s", at, excerpt(msg, at))
	return t
}

// excerpt shows msg around byte at: what matched, a "|", what did not.
func excerpt(msg string, at int) string {
	from, to := max(0, at-24), min(len(msg), at+24)
	s := msg[from:at] + "|" + msg[at:to]
	if from > 0 {
		s = "..." + s
	}
	if to < len(msg) {
		s += "..."
	}
	return fmt.Sprintf("%q", s)
}

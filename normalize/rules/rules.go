// Package rules compiles the user rule files (TOML [[rule]] tables with
// patterns or regexes) that package normalize applies before its built-in
// decoders, and runs their embedded tests for `nomen check`.
package rules

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"

	"github.com/BurntSushi/toml"
	"github.com/nomenhq/nomen/internal/config"
	"github.com/nomenhq/nomen/normalize/ecs"
	"github.com/nomenhq/nomen/relay/event"
)

// User rule files: TOML files of [[rule]] tables (see configs/rules/README.md).
//
//	[[rule]]
//	name    = "myapp.login.failure"            # unique; becomes nomen.rule
//	program = ["myapp", "myapp-auth"]          # one or a list; "postfix/*" by prefix; omitted = any program
//	prefix  = "LOGIN FAILED"                   # optional literal start of the message
//	pattern = "LOGIN FAILED user={user:word} from {src:ip}[ port {port:uint}]"
//	# regex = '^LOGIN FAILED user=(?P<user>\S+)'   instead of pattern: Go RE2 with named groups
//	fields  = { "event.category" = ["authentication"], "event.type" = ["start"], "event.outcome" = "failure" }
//	map     = { user = "user.name", src = "source.ip", port = "source.port" }
//
//	[[rule.test]]
//	input  = "<38>Jul  1 10:00:00 web1 myapp[7]: LOGIN FAILED user=bob from 10.0.0.1 port 22"
//	expect = { "user.name" = "bob", "source.port" = 22 }
//	absent = ["user.effective.name"]
//
// Rules dispatch on the program (exact name, then the name without a
// "/daemon" or "(pam_x)" suffix, then "name*" prefixes, then rules without a
// program); all the patterns of one program are compiled into one prefix
// tree (the pattern language: pattern.go; the tree and its matcher:
// match.go). Regex rules are the fallback: they run, in file order, only
// when no pattern matched, and only if their prefix matches.

// Set is the compiled set of user rule files. It is safe for concurrent
// use. A nil *Set has no rules.
type Set struct {
	files   []string
	rules   []*userRule
	exact   map[string]*ruleGroup
	prefix  []prefixGroup // "postfix/*", "myapp*"
	any     *ruleGroup    // rules without a program
	headers map[string]ruleLines
}

type prefixGroup struct {
	prefix string
	g      *ruleGroup
}

// ruleGroup is the rules of one program: a pattern tree and regex fallbacks.
type ruleGroup struct {
	tree    patNode
	regexes []*userRule
	all     []*userRule // every rule of the group, in file order (for Trials)
}

// userRule is one compiled rule.
type userRule struct {
	name     string
	file     string
	line     int
	prefix   string
	pattern  string // as written (Trials matches it alone)
	re       *regexp.Regexp
	need     string // a literal every match of re contains (requiredLiteral)
	fields   []event.Field
	mapping  map[string]string // capture -> ECS key
	captures map[string]capKind
	tests    []ruleTest
}

type ruleTest struct {
	line   int
	input  string
	expect map[string]any
	absent []string
}

// ruleLines is where the [[rule]] and [[rule.test]] headers of a file are.
type ruleLines struct{ rules, tests []int }

// The TOML form.
type ruleFileSpec struct {
	Rule []ruleSpec `toml:"rule"`
}

type ruleSpec struct {
	Name        string            `toml:"name"`
	Description string            `toml:"description"`
	Program     stringOrList      `toml:"program"`
	Prefix      string            `toml:"prefix"`
	Pattern     string            `toml:"pattern"`
	Regex       string            `toml:"regex"`
	Fields      config.Table      `toml:"fields"`
	Map         map[string]string `toml:"map"`
	Test        []ruleTestSpec    `toml:"test"`
}

type ruleTestSpec struct {
	Input  string       `toml:"input"`
	Expect config.Table `toml:"expect"`
	Absent []string     `toml:"absent"`
}

// stringOrList decodes `"x"` or `["x", "y"]`.
type stringOrList []string

func (s *stringOrList) UnmarshalTOML(v any) error {
	switch x := v.(type) {
	case string:
		*s = []string{x}
	case []any:
		for _, it := range x {
			str, ok := it.(string)
			if !ok {
				return fmt.Errorf("program: want strings, got %T", it)
			}
			*s = append(*s, str)
		}
	default:
		return fmt.Errorf("program: want a string or a list of strings, got %T", v)
	}
	return nil
}

// Load compiles the rule files matched by the glob patterns. A glob
// that matches nothing is not an error (an empty rules directory); a path
// without glob characters that does not exist is.
func Load(patterns []string) (*Set, error) {
	var files []string
	for _, p := range patterns {
		matches, err := filepath.Glob(p)
		if err != nil {
			return nil, fmt.Errorf("rules: bad pattern %q: %w", p, err)
		}
		if len(matches) == 0 && !strings.ContainsAny(p, "*?[") {
			if _, err := os.Stat(p); err != nil {
				return nil, fmt.Errorf("rules: %w", err)
			}
		}
		slices.Sort(matches)
		for _, m := range matches {
			if !slices.Contains(files, m) {
				files = append(files, m)
			}
		}
	}
	rs := &Set{exact: map[string]*ruleGroup{}, headers: map[string]ruleLines{}}
	names := map[string]string{}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			return nil, fmt.Errorf("rules: %w", err)
		}
		if err := rs.addFile(f, data, names); err != nil {
			return nil, err
		}
	}
	return rs, nil
}

// Parse compiles rules from TOML text (name is used in messages).
func Parse(name string, data []byte) (*Set, error) {
	return ParseAll(Source{Name: name, Data: data})
}

// Source is one rule file's TOML text and the name its messages use.
type Source struct {
	Name string
	Data []byte
}

// ParseAll compiles several rule files' texts into one set, as Load does
// files: a rule's name is unique across them, and where two rules could
// match, the first defined wins.
func ParseAll(srcs ...Source) (*Set, error) {
	rs := &Set{exact: map[string]*ruleGroup{}, headers: map[string]ruleLines{}}
	names := map[string]string{}
	for _, src := range srcs {
		if err := rs.addFile(src.Name, src.Data, names); err != nil {
			return nil, err
		}
	}
	return rs, nil
}

func (rs *Set) addFile(file string, data []byte, names map[string]string) error {
	var spec ruleFileSpec
	if err := config.DecodeFreeForm(file, data, &spec, freeFormKey); err != nil {
		return &FileError{File: file, Err: err}
	}
	lines := headerLines(data)
	rs.headers[file] = lines
	rs.files = append(rs.files, file)
	testIndex := 0
	for i, s := range spec.Rule {
		line := 0
		if i < len(lines.rules) {
			line = lines.rules[i]
		}
		r, err := compileRule(s, file, line)
		if err != nil {
			return fileErrorf(file, line, "%w", err)
		}
		if prev, dup := names[r.name]; dup {
			return fileErrorf(file, line, "rule %q is already defined in %s", r.name, prev)
		}
		names[r.name] = fmt.Sprintf("%s:%d", file, line)
		for j := range r.tests {
			if testIndex < len(lines.tests) {
				r.tests[j].line = lines.tests[testIndex]
			}
			testIndex++
		}
		if err := rs.add(r, s); err != nil {
			return fileErrorf(file, line, "rule %q: %w", r.name, err)
		}
	}
	return nil
}

// FileError is a problem in a rule file. Its message has the form of
// every configuration error, at check, start-up and reload alike:
// "FILE:LINE: message" (config.At), one problem a line, so that it
// names the rule file and line to fix rather than the main
// configuration's `rules` key.
type FileError struct {
	File string
	Err  error
}

func (e *FileError) Error() string { return e.Err.Error() }
func (e *FileError) Unwrap() error { return e.Err }

func fileErrorf(file string, line int, format string, args ...any) error {
	return &FileError{File: file, Err: fmt.Errorf("%s: "+format, append([]any{config.At(file, line)}, args...)...)}
}

func compileRule(s ruleSpec, file string, line int) (*userRule, error) {
	r := &userRule{name: s.Name, file: file, line: line, prefix: s.Prefix, pattern: s.Pattern, mapping: s.Map}
	if s.Name == "" {
		return nil, errors.New("rule without a name")
	}
	if strings.ContainsAny(s.Name, " \t") {
		return nil, fmt.Errorf("rule %q: the name must not contain spaces", s.Name)
	}
	fail := func(format string, args ...any) error {
		return fmt.Errorf("rule %q: %s", s.Name, fmt.Sprintf(format, args...))
	}
	switch {
	case s.Pattern == "" && s.Regex == "":
		return nil, fail("needs a pattern or a regex")
	case s.Pattern != "" && s.Regex != "":
		return nil, fail("has both a pattern and a regex; keep one")
	case s.Regex != "":
		re, err := regexp.Compile(s.Regex)
		if err != nil {
			return nil, fail("regex: %v", err)
		}
		r.re = re
		r.need = requiredLiteral(s.Regex)
		r.captures = map[string]capKind{}
		for _, n := range re.SubexpNames() {
			if n != "" {
				r.captures[n] = capWord
			}
		}
	default:
		if s.Prefix != "" && !strings.HasPrefix(s.Pattern, s.Prefix) {
			return nil, fail("the pattern does not start with the prefix %q", s.Prefix)
		}
		seq, err := parsePattern(s.Pattern)
		if err != nil {
			return nil, fail("pattern: %v", err)
		}
		r.captures = map[string]capKind{}
		if err := collectCaptures(seq, r.captures); err != nil {
			return nil, fail("pattern: %v", err)
		}
	}
	for capName, key := range s.Map {
		if _, ok := r.captures[capName]; !ok {
			return nil, fail("map: %q is not a field of the %s", capName, map[bool]string{true: "regex", false: "pattern"}[r.re != nil])
		}
		if key == "" {
			return nil, fail("map: empty field name for %q", capName)
		}
	}
	fields := flattenTOML(s.Fields)
	keys := make([]string, 0, len(fields))
	for k := range fields {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		v, err := event.ValueOf(fields[k])
		if err != nil {
			return nil, fail("fields: %s: %v", k, err)
		}
		if err := checkECSValue(k, v); err != nil {
			return nil, fail("fields: %v", err)
		}
		r.fields = append(r.fields, event.Field{Key: k, Val: v})
	}
	for i, t := range s.Test {
		if t.Input == "" {
			return nil, fail("test %d: no input", i+1)
		}
		r.tests = append(r.tests, ruleTest{input: t.Input, expect: flattenTOML(t.Expect), absent: t.Absent})
	}
	return r, nil
}

// collectCaptures records the field names of a pattern (each at most once).
func collectCaptures(seq patAlt, into map[string]capKind) error {
	for _, t := range seq {
		switch t.kind {
		case tokField:
			if t.name == "_" {
				continue
			}
			if _, dup := into[t.name]; dup {
				return fmt.Errorf("field %q appears twice", t.name)
			}
			into[t.name] = t.cap
		case tokOptional:
			for _, g := range t.group {
				if err := collectCaptures(g, into); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// add files r under each of its programs.
func (rs *Set) add(r *userRule, s ruleSpec) error {
	rs.rules = append(rs.rules, r)
	var seqs []patAlt
	if r.re == nil {
		seq, _ := parsePattern(s.Pattern) // already validated
		var err error
		if seqs, err = expand(seq); err != nil {
			return err
		}
	}
	programs := s.Program
	if len(programs) == 0 {
		programs = []string{""}
	}
	for _, p := range programs {
		g := rs.group(ecs.ProgramKey(strings.TrimSpace(p)))
		if !slices.Contains(g.all, r) {
			g.all = append(g.all, r)
		}
		if r.re != nil {
			g.regexes = append(g.regexes, r)
			continue
		}
		for _, seq := range seqs {
			g.tree.insert(seq, r) // an identical earlier pattern keeps precedence
		}
	}
	return nil
}

func (rs *Set) group(p string) *ruleGroup {
	switch {
	case p == "" || p == "*":
		if rs.any == nil {
			rs.any = &ruleGroup{}
		}
		return rs.any
	case strings.HasSuffix(p, "*"):
		for _, pg := range rs.prefix {
			if pg.prefix == p[:len(p)-1] {
				return pg.g
			}
		}
		g := &ruleGroup{}
		rs.prefix = append(rs.prefix, prefixGroup{p[:len(p)-1], g})
		return g
	}
	g := rs.exact[p]
	if g == nil {
		g = &ruleGroup{}
		rs.exact[p] = g
	}
	return g
}

// Len returns the number of rules.
func (rs *Set) Len() int {
	if rs == nil {
		return 0
	}
	return len(rs.rules)
}

// Files returns the rule files loaded.
func (rs *Set) Files() []string {
	if rs == nil {
		return nil
	}
	return rs.files
}

// flattenTOML turns TOML dotted keys written without quotes
// (event.category = [...], which TOML reads as nested tables) into the
// dotted field names they mean.
func flattenTOML(m map[string]any) map[string]any {
	nested := false
	for _, v := range m {
		if _, ok := v.(map[string]any); ok {
			nested = true
			break
		}
	}
	if !nested {
		return m
	}
	out := map[string]any{}
	var walk func(prefix string, m map[string]any)
	walk = func(prefix string, m map[string]any) {
		for k, v := range m {
			if sub, ok := v.(map[string]any); ok {
				walk(prefix+k+".", sub)
				continue
			}
			out[prefix+k] = v
		}
	}
	walk("", m)
	return out
}

func checkECSValue(key string, v event.Value) error {
	allowed, ok := ecs.AllowedValues[key]
	if !ok {
		return nil
	}
	bad := ""
	v.Each(func(s string) bool {
		if !slices.Contains(allowed, s) {
			bad = s
			return true
		}
		return false
	})
	if bad != "" {
		return fmt.Errorf("%s: %q is not an ECS allowed value (%s)", key, bad, strings.Join(allowed, ", "))
	}
	if (key == "event.category" || key == "event.type") && v.Type != event.TypeStrings {
		return fmt.Errorf("%s: ECS wants a list: %s = [%q]", key, key, v.Str)
	}
	return nil
}

// freeFormKey reports whether k lies inside a free-form table (a rule's
// fields or a test's expect) written with dotted keys: decoded as a map.
func freeFormKey(k toml.Key) bool {
	return len(k) > 2 && (k[0] == "rule" && k[1] == "fields" || len(k) > 3 && k[1] == "test" && k[2] == "expect")
}

// headerLines finds the lines of the [[rule]] and [[rule.test]] headers.
func headerLines(data []byte) ruleLines {
	var l ruleLines
	for i, line := range strings.Split(string(data), "\n") {
		t := strings.Join(strings.Fields(line), "")
		switch {
		case strings.HasPrefix(t, "[[rule]]"):
			l.rules = append(l.rules, i+1)
		case strings.HasPrefix(t, "[[rule.test]]"):
			l.tests = append(l.tests, i+1)
		}
	}
	return l
}

package relay

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/nomenhq/nomen/normalize/rules"
)

// problems collects what `nomen check` finds, each with the line of the
// configuration it concerns (0: none).
type problems struct {
	file            string
	errors, warning []string
}

func (p *problems) add(list *[]string, line int, msg string) {
	if line > 0 {
		msg = fmt.Sprintf("%s:%d: %s", p.file, line, msg)
	} else {
		msg = p.file + ": " + msg
	}
	*list = append(*list, msg)
}

func (p *problems) errorf(line int, format string, args ...any) {
	p.add(&p.errors, line, fmt.Sprintf(format, args...))
}

func (p *problems) warnf(line int, format string, args ...any) {
	p.add(&p.warning, line, "warning: "+fmt.Sprintf(format, args...))
}

// normalizeError adds the error of loading the normalization rules: a
// rule file's problems as they are, each already FILE:LINE: message (the
// rule file's line, which is the one to fix), any other at the `rules`
// key of the configuration.
func (p *problems) normalizeError(data []byte, err error) {
	if _, ok := errors.AsType[*rules.FileError](err); ok {
		p.errors = append(p.errors, strings.Split(err.Error(), "\n")...)
		return
	}
	p.errorf(keyLine(data, "rules"), "%v", normalizeError(err))
}

// normalizeError is the error of normalize.New at start-up, reload and
// check: a rule file's problem as it is (FILE:LINE: message, the form of
// every configuration error), any other prefixed "normalize: ".
func normalizeError(err error) error {
	if _, ok := errors.AsType[*rules.FileError](err); ok {
		return err
	}
	return fmt.Errorf("normalize: %w", err)
}

func (p *problems) ok() bool { return len(p.errors) == 0 }

// mentions reports whether an error already names s.
func (p *problems) mentions(s string) bool {
	for _, e := range p.errors {
		if strings.Contains(e, s) {
			return true
		}
	}
	return false
}

// scanLines calls fn with each line of data and its number, and the
// table header it is under ("output" for [[output]], "" at the top).
func scanLines(data []byte, fn func(n int, table, text string) bool) {
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	table := ""
	for n := 1; sc.Scan(); n++ {
		text := strings.TrimSpace(sc.Text())
		if strings.HasPrefix(text, "[") {
			table = strings.Trim(strings.TrimSpace(strings.SplitN(text, "#", 2)[0]), "[] ")
		}
		if !fn(n, table, text) {
			return
		}
	}
}

// nameLines returns the lines of `name = "NAME"` in [[table]] tables.
func nameLines(data []byte, table, name string) []int {
	re := regexp.MustCompile(`^name\s*=\s*["']` + regexp.QuoteMeta(name) + `["']`)
	var lines []int
	scanLines(data, func(n int, t, text string) bool {
		if t == table && re.MatchString(text) {
			lines = append(lines, n)
		}
		return true
	})
	return lines
}

// nameLine is the first of nameLines, or 0.
func nameLine(data []byte, table, name string) int {
	if l := nameLines(data, table, name); len(l) > 0 {
		return l[0]
	}
	return 0
}

// tableLine returns the line of the [table] header, or 0.
func tableLine(data []byte, table string) int {
	line := 0
	scanLines(data, func(n int, t, text string) bool {
		if strings.HasPrefix(text, "[") && t == table {
			line = n
			return false
		}
		return true
	})
	return line
}

// keyLine returns the first line that sets key (in any table), or 0.
func keyLine(data []byte, key string) int {
	re := regexp.MustCompile(`^` + regexp.QuoteMeta(key) + `\s*=`)
	line := 0
	scanLines(data, func(n int, _, text string) bool {
		if re.MatchString(text) {
			line = n
			return false
		}
		return true
	})
	return line
}

var reItemError = regexp.MustCompile(`^(output|listener) "([^"]*)"`)

// reSectionKey matches an error about a key of a [section] table, as
// `log.level "verbose": want ...` or `parse.timezone ...`.
var reSectionKey = regexp.MustCompile(`^([a-z_]+)\.([a-z_]+)\b`)

// sectionKeyLine returns the line that sets the section's key an error
// message starts with, or 0.
func sectionKeyLine(data []byte, msg string) int {
	sub := reSectionKey.FindStringSubmatch(msg)
	if sub == nil {
		return 0
	}
	re := regexp.MustCompile(`^` + regexp.QuoteMeta(sub[2]) + `\s*=`)
	line := 0
	scanLines(data, func(n int, t, text string) bool {
		if t == sub[1] && re.MatchString(text) {
			line = n
			return false
		}
		return true
	})
	return line
}

// locate adds lines to the errors LoadConfig joined: an error about an
// output or listener gets the line of its name (every line, for a name
// used twice).
func locate(data []byte, err error, p *problems) {
	msg := strings.TrimPrefix(err.Error(), p.file+": ")
	for _, m := range strings.Split(msg, "\n") {
		m = strings.TrimPrefix(m, p.file+": ")
		if rest, ok := strings.CutPrefix(m, p.file+":"); ok { // the decoder's own line
			if num, text, ok := strings.Cut(rest, ": "); ok {
				if n, err := strconv.Atoi(num); err == nil {
					p.errorf(n, "%s", text)
					continue
				}
			}
		}
		sub := reItemError.FindStringSubmatch(m)
		if sub == nil {
			p.errorf(sectionKeyLine(data, m), "%s", m)
			continue
		}
		lines := nameLines(data, sub[1], sub[2])
		switch {
		case len(lines) == 0:
			p.errorf(0, "%s", m)
		case strings.Contains(m, "name used twice"):
			p.errorf(lines[0], "%s (lines %s)", m, strings.Trim(strings.Join(strings.Fields(fmt.Sprint(lines)), ", "), "[]"))
		default:
			p.errorf(lines[0], "%s", m)
		}
	}
}

package cli

import (
	"strings"
)

// Roff writes a man page in the man(7) macros. Text given to it is plain:
// it escapes what roff would read as requests or escapes.
type Roff struct{ b strings.Builder }

// Escape makes plain text safe on a roff text line.
func Escape(s string) string {
	s = strings.ReplaceAll(s, `\`, `\e`)
	s = strings.ReplaceAll(s, "-", `\-`)
	if strings.HasPrefix(s, ".") || strings.HasPrefix(s, "'") {
		s = `\&` + s
	}
	return s
}

// escapeLines escapes every line of s.
func escapeLines(s string) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = Escape(l)
	}
	return strings.Join(lines, "\n")
}

func (r *Roff) line(s string) { r.b.WriteString(s + "\n") }

// Title is .TH: name, section and the manual's name.
func (r *Roff) Title(name, section, manual string) {
	r.line(`.\" Generated from the definitions in the source: do not edit (see docs/man/README.md).`)
	r.line(`.TH "` + strings.ToUpper(name) + `" "` + section + `" "" "nomen" "` + manual + `"`)
}

// Section is .SH.
func (r *Roff) Section(title string) { r.line(".SH " + strings.ToUpper(title)) }

// Subsection is .SS.
func (r *Roff) Subsection(title string) {
	r.line(`.SS "` + strings.ReplaceAll(Escape(title), `"`, `""`) + `"`)
}

// Para writes one paragraph: filled text, or as is if its lines are
// indented (a list or an example).
func (r *Roff) Para(text string) {
	if text == "" {
		return
	}
	r.line(".PP")
	r.text(text)
}

func (r *Roff) text(text string) {
	if isPreformatted(text) {
		r.line(".nf")
		r.line(".RS 2")
		r.line(escapeLines(text))
		r.line(".RE")
		r.line(".fi")
		return
	}
	r.line(escapeLines(text))
}

// Paras writes paragraphs separated by blank lines.
func (r *Roff) Paras(text string) {
	for _, p := range paragraphs(text) {
		r.Para(p)
	}
}

// Item is a tagged paragraph (.TP): a bold tag and its text.
func (r *Roff) Item(tag, text string) {
	r.line(".TP")
	r.line(`.B "` + strings.ReplaceAll(Escape(tag), `"`, `\(dq`) + `"`)
	for i, p := range paragraphs(text) {
		if i > 0 {
			r.line(".IP")
		}
		r.text(p)
	}
}

// SeeAlso is the SEE ALSO section: references as "name(section)".
func (r *Roff) SeeAlso(refs []string) {
	if len(refs) == 0 {
		return
	}
	r.Section("see also")
	for i, s := range refs {
		name, sec, _ := strings.Cut(strings.TrimSuffix(s, ")"), "(")
		ref := `.BR ` + Escape(name) + ` (` + sec + `)`
		if i < len(refs)-1 {
			ref += ","
		}
		r.line(ref)
	}
}

// Raw writes roff as is.
func (r *Roff) Raw(s string) { r.line(s) }

func (r *Roff) String() string { return r.b.String() }

// isPreformatted: a paragraph any of whose lines starts with a space, or
// that lines up columns, keeps its lines.
func isPreformatted(p string) bool {
	for _, l := range strings.Split(p, "\n") {
		if strings.HasPrefix(l, " ") || strings.Contains(strings.TrimSpace(l), "   ") {
			return true
		}
	}
	return false
}

// Man is the program's man page.
func (p *Program) Man() string {
	var r Roff
	r.Title(p.Name, p.Section, "System Administration")
	r.Section("name")
	r.line(p.Name + ` \- ` + Escape(p.Summary))
	r.Section("synopsis")
	for i, c := range p.commands() {
		if i > 0 {
			r.line(".br")
		}
		r.line(`.B ` + p.Name + " " + c.Name)
		for _, f := range p.flags(c) {
			arg := ""
			if f.Arg != "" {
				arg = ` \fI` + Escape(f.Arg) + `\fR`
			}
			rep := ""
			if f.Repeat {
				rep = " ..."
			}
			r.line(`[\fB\-` + Escape(f.Name) + `\fR` + arg + rep + `]`)
		}
		if c.Args != "" {
			r.line(`\fI` + Escape(c.Args) + `\fR`)
		}
	}
	r.Section("description")
	r.Paras(p.Doc)
	if p.Default != "" {
		r.Para("Without a command, or when the first argument is a flag, " + p.Name + " runs " + p.Default + ".")
	}
	r.Section("commands")
	for _, c := range p.commands() {
		r.Subsection(p.Name + " " + c.Name)
		r.Para(upperFirst(c.Summary) + ".")
		r.Paras(c.Doc)
		for _, f := range p.flags(c) {
			tag := "-" + f.Name
			if f.Arg != "" {
				tag += " " + f.Arg
			}
			text := f.Usage
			if f.Def != "" {
				text += " (default: " + f.Def + ")"
			}
			if f.Repeat {
				text = strings.TrimSuffix(text, ".") + ". May be given more than once."
			}
			r.Item(tag, text)
		}
	}
	for _, s := range p.Sections {
		r.Section(s.Title)
		r.Paras(s.Body)
	}
	r.SeeAlso(p.SeeAlso)
	return r.String()
}

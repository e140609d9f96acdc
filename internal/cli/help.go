package cli

import (
	"flag"
	"fmt"
	"io"
	"strings"
)

// flagInfo is one flag as help, man pages and completions show it.
type flagInfo struct {
	Name   string
	Arg    string // the value's name ("FILE"); "" for a boolean flag
	Usage  string // without the back-quoted argument name's quotes
	Def    string // default shown, "" if none worth showing
	Repeat bool   // may be given more than once
}

// flags lists a command's flags in name order.
func (p *Program) flags(c *Command) []flagInfo {
	fs, _ := p.flagSet(c, &Env{Stdout: io.Discard, Stderr: io.Discard})
	var out []flagInfo
	fs.VisitAll(func(f *flag.Flag) {
		arg, usage := flag.UnquoteUsage(f)
		fi := flagInfo{Name: f.Name, Arg: strings.ToUpper(arg), Usage: usage}
		if b, ok := f.Value.(interface{ IsBoolFlag() bool }); ok && b.IsBoolFlag() {
			fi.Arg = ""
		}
		if _, ok := f.Value.(*List); ok {
			fi.Repeat = true
		}
		if f.DefValue != "" && f.DefValue != "0" && f.DefValue != "false" && !fi.Repeat {
			fi.Def = f.DefValue
		}
		out = append(out, fi)
	})
	return out
}

// synopsis is the command's usage line: nomen run [-config FILE].
func (p *Program) synopsis(c *Command) string {
	var b strings.Builder
	b.WriteString(p.Name + " " + c.Name)
	for _, f := range p.flags(c) {
		b.WriteString(" [-" + f.Name)
		if f.Arg != "" {
			b.WriteString(" " + f.Arg)
		}
		if f.Repeat {
			b.WriteString(" ...")
		}
		b.WriteString("]")
	}
	if c.Args != "" {
		b.WriteString(" " + c.Args)
	}
	return b.String()
}

// usage is the top-level help.
func (p *Program) usage(w io.Writer) {
	fmt.Fprintf(w, "%s: %s\n\nusage: %s COMMAND [FLAGS]", p.Name, p.Summary, p.Name)
	if p.Default != "" {
		fmt.Fprintf(w, "   (no COMMAND: %s)", p.Default)
	}
	fmt.Fprint(w, "\n\ncommands:\n")
	width := 0
	for _, c := range p.commands() {
		width = max(width, len(c.Name))
	}
	for _, c := range p.commands() {
		fmt.Fprintf(w, "  %-*s  %s\n", width, c.Name, c.Summary)
	}
	fmt.Fprintf(w, "\nRun %q or %q for a command's flags; man %s for more.\n",
		p.Name+" help COMMAND", p.Name+" COMMAND -h", p.Name)
}

// commandHelp is help COMMAND (and COMMAND -h).
func (p *Program) commandHelp(w io.Writer, c *Command) {
	fmt.Fprintf(w, "usage: %s\n\n%s.\n", p.synopsis(c), upperFirst(c.Summary))
	if c.Doc != "" {
		for _, para := range paragraphs(c.Doc) {
			fmt.Fprintf(w, "\n%s\n", wrap(para, 78))
		}
	}
	fl := p.flags(c)
	if len(fl) == 0 {
		return
	}
	fmt.Fprint(w, "\nflags:\n")
	for _, f := range fl {
		head := "  -" + f.Name
		if f.Arg != "" {
			head += " " + f.Arg
		}
		usage := f.Usage
		if f.Def != "" {
			usage += fmt.Sprintf(" (default %q)", f.Def)
		}
		if f.Repeat {
			usage += " (repeatable)"
		}
		fmt.Fprintf(w, "%s\n      %s\n", head, strings.ReplaceAll(usage, "\n", "\n      "))
	}
}

// paragraphs splits text at blank lines; a paragraph keeps the indentation
// of its lines.
func paragraphs(text string) []string {
	var out []string
	for _, p := range strings.Split(strings.Trim(text, "\n"), "\n\n") {
		if p = strings.Trim(p, "\n"); strings.TrimSpace(p) != "" {
			out = append(out, p)
		}
	}
	return out
}

func upperFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// wrap fills a paragraph to width columns; one with indented or aligned
// lines (an example, a list) is kept as it is.
func wrap(para string, width int) string {
	if isPreformatted(para) {
		return para
	}
	var b strings.Builder
	col := 0
	for _, word := range strings.Fields(para) {
		if col > 0 && col+1+len(word) > width {
			b.WriteString("\n")
			col = 0
		} else if col > 0 {
			b.WriteString(" ")
			col++
		}
		b.WriteString(word)
		col += len(word)
	}
	return b.String()
}

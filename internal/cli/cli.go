// Package cli is the command line of nomen's programs: one table of
// commands and their flags (Program) drives the dispatch, the help text,
// the man page and the shell completions, so that they cannot disagree.
//
// Flags are the standard library's flag package, with its single-dash
// long flags (-config FILE; --config FILE works too): the syntax nomen has
// always had and that systemd units and scripts use. That is why this is
// not spf13/cobra, whose pflag reads -config as -c -o -n -f -i -g.
//
// Every level answers -h, -help and --help (exit 0), the top level also
// --version and "help COMMAND". An unknown command or flag exits 2 and
// names the valid ones, with the closest as "did you mean".
package cli

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/nomenhq/nomen/internal/suggest"
)

// Program is a command-line program: its commands and what its man page
// says besides them.
type Program struct {
	Name    string // "nomen"
	Section string // man section, "8"
	Summary string // one line: the man page's NAME, the top of the help
	Doc     string // DESCRIPTION: paragraphs separated by blank lines
	// Default is the command run when the first argument is a flag or
	// there is none ("" : usage, exit 2).
	Default  string
	Version  func() string
	Commands []*Command
	// Sections follow COMMANDS in the man page (FILES, EXIT STATUS, ...).
	Sections []Section
	SeeAlso  []string // "nomen.toml(5)"
}

// Section is a man page section; Body is paragraphs like Command.Doc.
type Section struct{ Title, Body string }

// Command is one subcommand.
type Command struct {
	Name    string
	Args    string // operands after the flags ("FILE..."); "": none allowed
	Summary string // one line, lower case, no full stop
	Doc     string // paragraphs separated by blank lines; a paragraph whose lines start with spaces is shown as is
	// Flags registers the command's flags on fs and returns the function
	// that runs the command once they are parsed (env.Args holds the
	// operands). It is also called for help, man pages and completions,
	// which never run the result: registering must have no side effects.
	Flags func(fs *flag.FlagSet, env *Env) func() int
	// Values says how shells complete a flag's value: "FILE", "DIR", or
	// the words allowed ("json text"). Flags not listed take free text.
	Values map[string]string
}

// Env is what a command reads and writes.
type Env struct {
	Stdin          io.Reader
	Stdout, Stderr io.Writer
	Args           []string // operands left after the flags
}

// List is a repeatable flag: each use appends a value.
type List []string

func (l *List) String() string     { return strings.Join(*l, " ") }
func (l *List) Set(v string) error { *l = append(*l, v); return nil }

// Main runs the command args name and returns the exit status: 0, 1 when
// the command failed, 2 for a usage error.
func (p *Program) Main(args []string, env *Env) int {
	if len(args) == 0 || strings.HasPrefix(args[0], "-") {
		if len(args) > 0 {
			switch args[0] {
			case "-h", "-help", "--help":
				p.usage(env.Stdout)
				return 0
			case "-version", "--version":
				p.printVersion(env.Stdout)
				return 0
			}
		}
		if p.Default == "" {
			p.usage(env.Stderr)
			return 2
		}
		return p.run(p.lookup(p.Default), args, env)
	}
	c := p.lookup(args[0])
	if c == nil {
		fmt.Fprintf(env.Stderr, "%s: unknown command %q%s\n", p.Name, args[0], didYouMean(args[0], p.commandNames(), ""))
		fmt.Fprintf(env.Stderr, "commands: %s; run %q for help\n", strings.Join(p.commandNames(), ", "), p.Name+" help")
		return 2
	}
	return p.run(c, args[1:], env)
}

// commands is the table with the built-in help and version commands.
func (p *Program) commands() []*Command {
	help := &Command{Name: "help", Args: "[COMMAND]", Summary: "show the commands, or a command's flags",
		Flags: func(fs *flag.FlagSet, env *Env) func() int {
			return func() int { return p.help(env) }
		}}
	version := &Command{Name: "version", Summary: "print the version (also " + p.Name + " --version)",
		Flags: func(fs *flag.FlagSet, env *Env) func() int {
			return func() int { p.printVersion(env.Stdout); return 0 }
		}}
	return append(slices.Clone(p.Commands), help, version)
}

func (p *Program) lookup(name string) *Command {
	for _, c := range p.commands() {
		if c.Name == name {
			return c
		}
	}
	return nil
}

func (p *Program) commandNames() []string {
	var names []string
	for _, c := range p.commands() {
		names = append(names, c.Name)
	}
	return names
}

func (p *Program) printVersion(w io.Writer) { fmt.Fprintln(w, p.Name, p.Version()) }

// help is the help command: help, or help COMMAND.
func (p *Program) help(env *Env) int {
	switch len(env.Args) {
	case 0:
		p.usage(env.Stdout)
		return 0
	case 1:
		if c := p.lookup(env.Args[0]); c != nil {
			p.commandHelp(env.Stdout, c)
			return 0
		}
		fmt.Fprintf(env.Stderr, "%s help: unknown command %q%s\n", p.Name, env.Args[0], didYouMean(env.Args[0], p.commandNames(), ""))
		fmt.Fprintf(env.Stderr, "commands: %s\n", strings.Join(p.commandNames(), ", "))
		return 2
	}
	fmt.Fprintf(env.Stderr, "usage: %s help [COMMAND]\n", p.Name)
	return 2
}

// flagSet builds a command's flags (and the function that runs it).
func (p *Program) flagSet(c *Command, env *Env) (*flag.FlagSet, func() int) {
	fs := flag.NewFlagSet(p.Name+" "+c.Name, flag.ContinueOnError)
	fs.SetOutput(io.Discard) // errors and help are printed here, not by flag
	fs.Usage = func() {}
	var runner func() int
	if c.Flags != nil {
		runner = c.Flags(fs, env)
	}
	return fs, runner
}

// run parses a command's flags and runs it.
func (p *Program) run(c *Command, args []string, env *Env) int {
	fs, runner := p.flagSet(c, env)
	err := fs.Parse(args)
	switch {
	case errors.Is(err, flag.ErrHelp):
		p.commandHelp(env.Stdout, c)
		return 0
	case err != nil:
		if name, ok := strings.CutPrefix(err.Error(), "flag provided but not defined: -"); ok {
			if name == "version" || name == "-version" {
				p.printVersion(env.Stdout)
				return 0
			}
			p.unknownFlag(env.Stderr, c, fs, strings.TrimPrefix(name, "-"))
			return 2
		}
		fmt.Fprintf(env.Stderr, "%s %s: %v\n", p.Name, c.Name, err)
		fmt.Fprintf(env.Stderr, "usage: %s\nrun %q for details\n", p.synopsis(c), p.Name+" help "+c.Name)
		return 2
	}
	if c.Args == "" && fs.NArg() > 0 {
		fmt.Fprintf(env.Stderr, "%s %s: unexpected argument %q\nusage: %s\n", p.Name, c.Name, fs.Arg(0), p.synopsis(c))
		return 2
	}
	env.Args = fs.Args()
	if runner == nil {
		return 0
	}
	return runner()
}

func (p *Program) unknownFlag(w io.Writer, c *Command, fs *flag.FlagSet, name string) {
	var names []string
	fs.VisitAll(func(f *flag.Flag) { names = append(names, f.Name) })
	fmt.Fprintf(w, "%s %s: unknown flag -%s%s\n", p.Name, c.Name, name, didYouMean(name, names, "-"))
	if len(names) == 0 {
		fmt.Fprintf(w, "%s %s takes no flags\n", p.Name, c.Name)
	} else {
		fmt.Fprintf(w, "valid flags: -%s (run %q for details)\n", strings.Join(names, ", -"), p.Name+" help "+c.Name)
	}
}

// didYouMean returns `; did you mean "<prefix>x"?` for the candidate
// closest to s, if one is close enough to be a typo, else "".
func didYouMean(s string, candidates []string, prefix string) string {
	best := suggest.Closest(s, candidates)
	if best == "" {
		return ""
	}
	return fmt.Sprintf("; did you mean %q?", prefix+best)
}

package cli

import (
	"fmt"
	"sort"
	"strings"
)

// The shell completions are generated from the same table as the help:
// commands, each command's flags, and how a flag's value completes
// (Command.Values). Without a command, flags are the default command's.

const generatedNote = "Generated from the command table in the source: do not edit (see docs/man/README.md)."

// valueKind is how a flag's value completes: "FILE", "DIR", words, or ""
// (free text: nothing to offer).
func (c *Command) valueKind(flag string) string { return c.Values[flag] }

// flagWords are a command's flags as typed: -config -h.
func (p *Program) flagWords(c *Command) []string {
	var w []string
	for _, f := range p.flags(c) {
		w = append(w, "-"+f.Name)
	}
	return append(w, "-h")
}

// Bash is the bash completion script.
func (p *Program) Bash() string {
	var b strings.Builder
	fn := "_" + strings.ReplaceAll(p.Name, "-", "_")
	fmt.Fprintf(&b, "# bash completion for %s. %s\n", p.Name, generatedNote)
	fmt.Fprintf(&b, "%s() {\n", fn)
	b.WriteString("    local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]} cmd= i\n")
	fmt.Fprintf(&b, "    for ((i = 1; i < COMP_CWORD; i++)); do\n        case ${COMP_WORDS[i]} in\n            %s) cmd=${COMP_WORDS[i]}; break ;;\n        esac\n    done\n",
		strings.Join(p.commandNames(), "|"))
	if p.Default != "" {
		fmt.Fprintf(&b, "    [[ -z $cmd && ( $cur == -* || COMP_CWORD -gt 1 ) ]] && cmd=%s\n", p.Default)
	}
	// The value of a flag that takes one.
	b.WriteString("    case $cmd:$prev in\n")
	for _, c := range p.commands() {
		for _, f := range p.flags(c) {
			if f.Arg == "" {
				continue
			}
			fmt.Fprintf(&b, "        %s:-%s|%s:--%s) ", c.Name, f.Name, c.Name, f.Name)
			switch k := c.valueKind(f.Name); k {
			case "FILE":
				b.WriteString(`compopt -o filenames; COMPREPLY=($(compgen -f -- "$cur"))`)
			case "DIR":
				b.WriteString(`compopt -o filenames; COMPREPLY=($(compgen -d -- "$cur"))`)
			case "":
				b.WriteString("COMPREPLY=()")
			default:
				fmt.Fprintf(&b, `COMPREPLY=($(compgen -W "%s" -- "$cur"))`, k)
			}
			b.WriteString("; return ;;\n")
		}
	}
	b.WriteString("    esac\n    local words\n    case $cmd in\n")
	top := strings.Join(p.commandNames(), " ") + " -h --help --version"
	fmt.Fprintf(&b, "        '') words=%q ;;\n", top)
	for _, c := range p.commands() {
		words := strings.Join(p.flagWords(c), " ")
		if c.Name == "help" {
			words = strings.Join(p.commandNames(), " ")
		}
		if c.Name == p.Default {
			words += " --help --version"
		}
		fmt.Fprintf(&b, "        %s) words=%q ;;\n", c.Name, words)
	}
	b.WriteString("    esac\n")
	b.WriteString("    COMPREPLY=($(compgen -W \"$words\" -- \"$cur\"))\n}\n")
	fmt.Fprintf(&b, "complete -F %s %s\n", fn, p.Name)
	return b.String()
}

// zshQuote quotes s for zsh inside single quotes, with _arguments'
// special characters in descriptions escaped.
func zshDesc(s string) string {
	s = firstLine(s)
	s = strings.NewReplacer(`'`, `'\''`, `[`, `\[`, `]`, `\]`, `:`, `\:`).Replace(s)
	return s
}

func firstLine(s string) string {
	s, _, _ = strings.Cut(s, "\n")
	return s
}

// Zsh is the zsh completion function (file _<name> in $fpath).
func (p *Program) Zsh() string {
	var b strings.Builder
	fn := "_" + strings.ReplaceAll(p.Name, "-", "_")
	fmt.Fprintf(&b, "#compdef %s\n# zsh completion for %s. %s\n\n", p.Name, p.Name, generatedNote)
	fmt.Fprintf(&b, "%s_flags() {\n    case $1 in\n", fn)
	for _, c := range p.commands() {
		fmt.Fprintf(&b, "        %s)\n            _arguments -s \\\n", c.Name)
		for _, f := range p.flags(c) {
			spec := "'"
			if f.Repeat {
				spec += "*"
			}
			spec += "-" + f.Name + "[" + zshDesc(f.Usage) + "]"
			if f.Arg != "" {
				spec += ":" + strings.ToLower(f.Arg) + ":"
				switch k := c.valueKind(f.Name); k {
				case "FILE":
					spec += "_files"
				case "DIR":
					spec += "_files -/"
				case "":
					spec += " "
				default:
					spec += "(" + k + ")"
				}
			}
			fmt.Fprintf(&b, "                %s' \\\n", spec)
		}
		b.WriteString("                '(- *)-h[show help]'")
		if c.Name == "help" {
			fmt.Fprintf(&b, " \\\n                '1:command:(%s)'", strings.Join(p.commandNames(), " "))
		} else if c.Args != "" {
			b.WriteString(" \\\n                '*:file:_files'")
		}
		b.WriteString(" ;;\n")
	}
	b.WriteString("    esac\n}\n\n")
	fmt.Fprintf(&b, "%s() {\n    local -a commands\n    commands=(\n", fn)
	for _, c := range p.commands() {
		fmt.Fprintf(&b, "        '%s:%s'\n", c.Name, zshDesc(c.Summary))
	}
	b.WriteString("    )\n")
	b.WriteString("    if (( CURRENT == 2 )) && [[ $words[2] != -* ]]; then\n        _describe -t commands command commands\n        return\n    fi\n")
	b.WriteString("    local cmd=$words[2]\n")
	if p.Default != "" {
		fmt.Fprintf(&b, "    if [[ $cmd == -* ]]; then\n        %s_flags %s\n        return\n    fi\n", fn, p.Default)
	}
	b.WriteString("    shift words\n    (( CURRENT-- ))\n")
	fmt.Fprintf(&b, "    %s_flags $cmd\n}\n\n%s \"$@\"\n", fn, fn)
	return b.String()
}

// fishQuote quotes s for fish in single quotes.
func fishQuote(s string) string {
	return "'" + strings.NewReplacer(`\`, `\\`, `'`, `\'`).Replace(firstLine(s)) + "'"
}

// Fish is the fish completion script.
func (p *Program) Fish() string {
	var b strings.Builder
	fmt.Fprintf(&b, "# fish completion for %s. %s\n", p.Name, generatedNote)
	fmt.Fprintf(&b, "complete -c %s -f\n", p.Name)
	names := p.commandNames()
	sort.Strings(names)
	for _, c := range p.commands() {
		fmt.Fprintf(&b, "complete -c %s -n __fish_use_subcommand -a %s -d %s\n", p.Name, c.Name, fishQuote(c.Summary))
	}
	for _, c := range p.commands() {
		cond := "'__fish_seen_subcommand_from " + c.Name + "'"
		if c.Name == p.Default {
			cond = "'__fish_use_subcommand; or __fish_seen_subcommand_from " + c.Name + "'"
		}
		for _, f := range p.flags(c) {
			fmt.Fprintf(&b, "complete -c %s -n %s -o %s", p.Name, cond, f.Name)
			if f.Arg != "" {
				switch k := c.valueKind(f.Name); k {
				case "FILE", "DIR":
					b.WriteString(" -r -F")
				case "":
					b.WriteString(" -x")
				default:
					fmt.Fprintf(&b, " -x -a %s", fishQuote(k))
				}
			}
			fmt.Fprintf(&b, " -d %s\n", fishQuote(f.Usage))
		}
		if c.Name == "help" {
			fmt.Fprintf(&b, "complete -c %s -n %s -a %s\n", p.Name, cond, fishQuote(strings.Join(names, " ")))
		} else if c.Args != "" {
			fmt.Fprintf(&b, "complete -c %s -n %s -F\n", p.Name, cond)
		}
	}
	fmt.Fprintf(&b, "complete -c %s -n __fish_use_subcommand -l help -d 'show help'\n", p.Name)
	fmt.Fprintf(&b, "complete -c %s -n __fish_use_subcommand -l version -d 'print the version'\n", p.Name)
	return b.String()
}

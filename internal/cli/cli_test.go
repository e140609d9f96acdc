package cli

import (
	"bytes"
	"flag"
	"strings"
	"testing"
)

func testProgram(ran *[]string) *Program {
	return &Program{
		Name: "prog", Summary: "a test program", Default: "serve", Version: func() string { return "1.2.3" },
		Commands: []*Command{{
			Name: "serve", Summary: "serve things",
			Flags: func(fs *flag.FlagSet, env *Env) func() int {
				port := fs.Int("port", 80, "`PORT` to listen on")
				var tags List
				fs.Var(&tags, "tag", "a `TAG`")
				return func() int {
					*ran = append(*ran, "serve", strings.Join(tags, ","))
					_ = port
					return 0
				}
			},
		}},
	}
}

func TestProgramMain(t *testing.T) {
	for _, tc := range []struct {
		args     []string
		code     int
		out, err string
		ran      string
	}{
		{args: nil, code: 0, ran: "serve,"},
		{args: []string{"-tag", "a", "-tag", "b"}, code: 0, ran: "serve,a,b"},
		{args: []string{"-h"}, code: 0, out: "usage: prog COMMAND"},
		{args: []string{"serve", "--help"}, code: 0, out: "usage: prog serve [-port PORT] [-tag TAG ...]"},
		{args: []string{"help", "serve"}, code: 0, out: "(default \"80\")"},
		{args: []string{"--version"}, code: 0, out: "prog 1.2.3"},
		{args: []string{"serve", "-prot", "1"}, code: 2, err: `unknown flag -prot; did you mean "-port"?`},
		{args: []string{"serv"}, code: 2, err: `did you mean "serve"?`},
		{args: []string{"xyzzy"}, code: 2, err: "commands: serve, help, version"},
		{args: []string{"serve", "-port", "x"}, code: 2, err: "invalid value"},
	} {
		var ran []string
		var out, errb bytes.Buffer
		code := testProgram(&ran).Main(tc.args, &Env{Stdout: &out, Stderr: &errb})
		if code != tc.code || !strings.Contains(out.String(), tc.out) || !strings.Contains(errb.String(), tc.err) ||
			strings.Join(ran, ",") != tc.ran {
			t.Errorf("%q: exit %d, ran %q, stdout %q, stderr %q", tc.args, code, ran, out.String(), errb.String())
		}
	}
}

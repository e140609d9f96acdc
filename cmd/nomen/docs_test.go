package main

// The man pages and shell completions are generated from the command table
// (commands.go) and the reference configuration (configs/nomen.toml), and
// committed so that the package and `make install` ship them without
// building anything. These tests fail when a committed file differs from
// what the definitions now give; regenerate with
//
//	go test ./cmd/nomen -run TestGenerated -update
//
// and review the diff.

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/nomenhq/nomen/internal/cli"
	"github.com/nomenhq/nomen/internal/golden"
)

const repoRoot = "../.."

// generated are the files made from the definitions, by repository path.
func generated(t *testing.T) map[string]string {
	t.Helper()
	ref, err := os.ReadFile(filepath.Join(repoRoot, "configs/nomen.toml"))
	if err != nil {
		t.Fatal(err)
	}
	p := program()
	return map[string]string{
		"docs/man/nomen.8": p.Man(),
		"docs/man/nomen.toml.5": cli.ConfigMan{
			Name: "nomen.toml", Section: "5", Summary: "configuration of nomen, the syslog relay",
			Synopsis: "/etc/nomen/nomen.toml", SeeAlso: []string{"nomen(8)", "nomen-agent(8)"},
		}.Render(string(ref)),
		"packaging/completions/nomen.bash": p.Bash(),
		"packaging/completions/_nomen":     p.Zsh(),
		"packaging/completions/nomen.fish": p.Fish(),
	}
}

func TestGeneratedDocs(t *testing.T) {
	for path, got := range generated(t) {
		golden.Compare(t, filepath.Join(repoRoot, path), []byte(got))
	}
}

// TestGeneratedManPagesFormat renders the man pages with groff and fails
// on its warnings (a roff mistake in the generator).
func TestGeneratedManPagesFormat(t *testing.T) {
	groff := needCommand(t, "groff")
	for path, page := range generated(t) {
		if !strings.HasPrefix(path, "docs/man/") {
			continue
		}
		cmd := exec.Command(groff, "-man", "-Tutf8", "-ww", "-rLL=80n")
		cmd.Stdin = strings.NewReader(page)
		var stdout, stderr bytes.Buffer
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		if err := cmd.Run(); err != nil || stderr.Len() > 0 {
			t.Errorf("%s: groff: %v\n%s", path, err, stderr.String())
		}
		if stdout.Len() == 0 {
			t.Errorf("%s renders empty", path)
		}
	}
}

// TestGeneratedManPageCoversFlags: every command and flag of the table is
// in nomen(8), and every key of the reference configuration in
// nomen.toml(5), so a generator bug that drops some cannot hide behind the
// golden file.
func TestGeneratedManPageCoversFlags(t *testing.T) {
	files := generated(t)
	man := files["docs/man/nomen.8"]
	p := program()
	for _, c := range p.Commands {
		if !strings.Contains(man, `.SS "nomen `+c.Name+`"`) {
			t.Errorf("nomen.8 has no section for %s", c.Name)
		}
		env := &cli.Env{Stdout: &bytes.Buffer{}, Stderr: &bytes.Buffer{}}
		if code := p.Main([]string{c.Name, "-h"}, env); code != 0 {
			t.Fatalf("%s -h: exit %d", c.Name, code)
		}
		help := env.Stdout.(*bytes.Buffer).String()
		for _, line := range strings.Split(help, "\n") {
			if f, ok := strings.CutPrefix(line, "  -"); ok {
				name, _, _ := strings.Cut(f, " ")
				if !strings.Contains(man, `.B "`+cli.Escape("-"+name)) {
					t.Errorf("nomen.8 lacks %s -%s", c.Name, name)
				}
				for _, comp := range []string{"packaging/completions/nomen.bash", "packaging/completions/_nomen", "packaging/completions/nomen.fish"} {
					if !strings.Contains(files[comp], name) {
						t.Errorf("%s lacks %s -%s", comp, c.Name, name)
					}
				}
			}
		}
	}
	ref, _ := os.ReadFile(filepath.Join(repoRoot, "configs/nomen.toml"))
	toml := files["docs/man/nomen.toml.5"]
	for _, line := range strings.Split(string(ref), "\n") {
		l := strings.TrimPrefix(strings.TrimSpace(line), "# ")
		if k, _, ok := strings.Cut(l, " = "); ok && !strings.ContainsAny(k, " #") && !strings.HasPrefix(line, "#  ") {
			if !strings.Contains(toml, `.B "`+cli.Escape(k)+" = ") && !strings.Contains(toml, `\fB`+cli.Escape(k)+" = ") {
				t.Errorf("nomen.toml.5 lacks the key line %q", l)
			}
		}
	}
}

// TestBashCompletion runs the generated bash completion.
func TestBashCompletion(t *testing.T) {
	bash := needCommand(t, "bash")
	script := filepath.Join(repoRoot, "packaging/completions/nomen.bash")
	for _, tc := range []struct{ line, want string }{
		{"nomen t", "tap top"},
		{"nomen tap -f", "-format"},
		{"nomen tap -format ", "json text"},
		{"nomen -c", "-config"},
		{"nomen help ch", "check"},
		{"nomen top -int", "-interval"},
	} {
		words := strings.Fields(tc.line)
		if strings.HasSuffix(tc.line, " ") {
			words = append(words, "")
		}
		var quoted []string
		for _, w := range words {
			quoted = append(quoted, "'"+w+"'")
		}
		prog := "source " + script + "; COMP_WORDS=(" + strings.Join(quoted, " ") + "); COMP_CWORD=" +
			itoa(len(words)-1) + "; _nomen; echo \"${COMPREPLY[*]}\""
		out, err := exec.Command(bash, "-c", prog).CombinedOutput()
		if got := strings.TrimSpace(string(out)); err != nil || got != tc.want {
			t.Errorf("completing %q: %q (%v), want %q", tc.line, got, err, tc.want)
		}
	}
}

func itoa(i int) string { return strconv.Itoa(i) }

package config

import (
	"fmt"
	"os"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/BurntSushi/toml"
)

// FuzzExpandEnv feeds ${VAR} substitution arbitrary documents and values.
// It must never panic; and a value substituted into a string of any of
// TOML's four kinds, between arbitrary text, either decodes exactly as the
// environment holds it, with no key added, or is refused with its line
// and the advice to use double quotes (only the single-quoted kinds
// refuse, and only a value they cannot hold).
func FuzzExpandEnv(f *testing.F) {
	f.Add("password = \"${NOMEN_FUZZ_V}\"\nport = ${NOMEN_FUZZ_V:-514} # ${X}\n", `pa"ss\`, "x", "y")
	f.Add("t = { p = '''${NOMEN_FUZZ_V}''' }\n", "two\nlines", "", "")
	f.Add("p = \"\"\"\n${NOMEN_FUZZ_V}\"\"\"", "\nleading newline", "a", "")
	f.Add("a = \"b\\\"${NOMEN_FUZZ_V}\"", "${NOMEN_FUZZ_V}", "'", "'")
	f.Add("", "\nx", "", "")
	f.Add("", "''", "a'", "b")
	f.Add("", "0", "0", "\n")
	f.Fuzz(func(t *testing.T, doc, v, before, after string) {
		if os.Setenv("NOMEN_FUZZ_V", v) != nil {
			return // no environment holds it (a NUL)
		}
		ExpandEnv("fuzz.toml", []byte(doc)) // anything: no panic
		if !utf8.ValidString(v) || !utf8.ValidString(before) || !utf8.ValidString(after) {
			return
		}
		const mark = "XqZmarkZqX" // stands for the value while the text around it is decoded
		if strings.Contains(before+after, mark) || strings.Contains(before+after, "$") {
			return
		}
		for _, q := range []string{`"`, `'`, `"""`, `'''`} {
			// The text around the reference is valid TOML of its kind by
			// itself: only the substitution is on trial.
			around, ok := decoded(q, before+mark+after)
			if !ok {
				continue
			}
			doc := "k = " + q + before + "${NOMEN_FUZZ_V}" + after + q + "\nafter = 1\n"
			out, err := ExpandEnv("fuzz.toml", []byte(doc))
			if err != nil {
				line := fmt.Sprintf("fuzz.toml:%d: environment variable NOMEN_FUZZ_V", 1+strings.Count(before, "\n"))
				if q[0] == '"' || !strings.Contains(err.Error(), line) || !strings.Contains(err.Error(), "double quotes") {
					t.Fatalf("%q in %s...%s refused: %v", v, q, q, err)
				}
				continue
			}
			want := strings.Replace(around, mark, v, 1)
			var got struct {
				K     string `toml:"k"`
				After int    `toml:"after"`
			}
			md, err := toml.Decode(string(out), &got)
			if err != nil || len(md.Undecoded()) > 0 || got.After != 1 || got.K != want {
				t.Fatalf("%q in %q: %q, decoded %q (after=%d, undecoded %v, %v), want %q", v, doc, out, got.K, got.After, md.Undecoded(), err, want)
			}
		}
	})
}

// decoded is what the text s between quotes q decodes to.
func decoded(q, s string) (string, bool) {
	var v struct {
		K string `toml:"k"`
	}
	_, err := toml.Decode("k = "+q+s+q+"\n", &v)
	return v.K, err == nil
}

// In a multi-line literal string (triple single quotes) a value with a
// quote, which could close the string early next to the quotes around the
// reference, or with a leading newline, which TOML drops, is refused
// (before, two quotes between a' and b broke the document, and "\nx" decoded
// as "x").
func TestExpandEnvMultiLineLiteral(t *testing.T) {
	for _, v := range []string{"''", "it's", "\nx"} {
		t.Setenv("NOMEN_TEST_SECRET", v)
		_, err := ExpandEnv("t.toml", []byte("p = '''a'${NOMEN_TEST_SECRET}b'''\n"))
		if err == nil || !strings.Contains(err.Error(), "double quotes") {
			t.Errorf("%q in '''...''': %v", v, err)
		}
	}
	t.Setenv("NOMEN_TEST_SECRET", "two\nlines\tand \\ \"")
	out, err := ExpandEnv("t.toml", []byte("p = '''${NOMEN_TEST_SECRET}'''\n"))
	if got, ok := decoded("'''", strings.TrimSuffix(strings.TrimPrefix(string(out), "p = '''"), "'''\n")); err != nil || !ok || got != "two\nlines\tand \\ \"" {
		t.Errorf("%q %v: decoded %q", out, err, got)
	}
}

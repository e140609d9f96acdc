package config

import (
	"strings"
	"testing"

	"github.com/BurntSushi/toml"
)

func TestExpandEnv(t *testing.T) {
	t.Setenv("NOMEN_TEST_PORT", "5514")
	t.Setenv("NOMEN_TEST_EMPTY", "")
	in := "# ${NOT_EXPANDED} in a comment\naddress = \"127.0.0.1:${NOMEN_TEST_PORT}\"\ntoken = \"${NOMEN_TEST_UNSET:-fallback}\"\nx = \"${NOMEN_TEST_EMPTY:-d}\"\nport = ${NOMEN_TEST_PORT} # ${NOT_EITHER}\n"
	out, err := ExpandEnv("t.toml", []byte(in))
	if err != nil {
		t.Fatal(err)
	}
	want := "# ${NOT_EXPANDED} in a comment\naddress = \"127.0.0.1:5514\"\ntoken = \"fallback\"\nx = \"\"\nport = 5514 # ${NOT_EITHER}\n"
	if string(out) != want {
		t.Errorf("got %q", out)
	}
	_, err = ExpandEnv("t.toml", []byte("a = 1\nb = \"${NOMEN_TEST_UNSET}\"\n"))
	if err == nil || !strings.Contains(err.Error(), "t.toml:2: environment variable NOMEN_TEST_UNSET is not set") {
		t.Errorf("unset: %v", err)
	}
}

// A secret is decoded exactly as the environment holds it, whatever it
// contains, and cannot add keys to the document.
func TestExpandEnvSecretsDecodeUnchanged(t *testing.T) {
	secrets := []string{
		`pa"ss`, `back\slash`, "two\nlines", "${NOMEN_TEST_OTHER}", `"quoted" = true`,
		"tab\tand\rcr\x01", `ends with \`, `"""`, "é ünï", "",
	}
	t.Setenv("NOMEN_TEST_OTHER", "must not be expanded")
	for _, secret := range secrets {
		t.Setenv("NOMEN_TEST_SECRET", secret)
		for _, doc := range []string{
			"password = \"${NOMEN_TEST_SECRET}\"\nafter = 1\n",
			"password = \"\"\"${NOMEN_TEST_SECRET}\"\"\"\nafter = 1\n",
			"t = { password = \"x${NOMEN_TEST_SECRET}y\", after = 1 }\n",
		} {
			out, err := ExpandEnv("t.toml", []byte(doc))
			if err != nil {
				t.Fatalf("%q in %q: %v", secret, doc, err)
			}
			var v struct {
				Password string `toml:"password"`
				After    int    `toml:"after"`
				T        struct {
					Password string `toml:"password"`
					After    int    `toml:"after"`
				} `toml:"t"`
			}
			md, err := toml.Decode(string(out), &v)
			if err != nil {
				t.Fatalf("%q in %q: %v\n%s", secret, doc, err, out)
			}
			got, after := v.Password, v.After
			if strings.HasPrefix(doc, "t =") {
				got, after = strings.TrimSuffix(strings.TrimPrefix(v.T.Password, "x"), "y"), v.T.After
			}
			if got != secret || after != 1 || len(md.Undecoded()) > 0 {
				t.Errorf("%q in %q: decoded %q, after=%d, undecoded %v", secret, doc, got, after, md.Undecoded())
			}
		}
	}
}

func TestExpandEnvLiteralStrings(t *testing.T) {
	t.Setenv("NOMEN_TEST_SECRET", `a\b"c`)
	out, err := ExpandEnv("t.toml", []byte("p = '${NOMEN_TEST_SECRET}'\n"))
	if err != nil || string(out) != "p = 'a\\b\"c'\n" {
		t.Errorf("plain value in '...': %q %v", out, err)
	}
	for _, bad := range []string{"it's", "two\nlines"} {
		t.Setenv("NOMEN_TEST_SECRET", bad)
		_, err := ExpandEnv("t.toml", []byte("a = 1\np = '${NOMEN_TEST_SECRET}'\n"))
		if err == nil || !strings.Contains(err.Error(), "t.toml:2: environment variable NOMEN_TEST_SECRET") || !strings.Contains(err.Error(), "double quotes") {
			t.Errorf("%q in '...': %v", bad, err)
		}
	}
	// After a string with an escaped quote, a reference is still in the string.
	t.Setenv("NOMEN_TEST_SECRET", `"`)
	out, err = ExpandEnv("t.toml", []byte(`p = "a\"${NOMEN_TEST_SECRET}"`+"\n"))
	if err != nil || string(out) != `p = "a\"\""`+"\n" {
		t.Errorf("after \\\": %q %v", out, err)
	}
}

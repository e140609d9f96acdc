package config

import (
	"strings"
	"testing"
)

func TestExpandEnv(t *testing.T) {
	t.Setenv("NOMEN_TEST_PORT", "5514")
	t.Setenv("NOMEN_TEST_EMPTY", "")
	in := "# ${NOT_EXPANDED} in a comment\naddress = \"127.0.0.1:${NOMEN_TEST_PORT}\"\ntoken = \"${NOMEN_TEST_UNSET:-fallback}\"\nx = \"${NOMEN_TEST_EMPTY:-d}\"\n"
	out, err := ExpandEnv("t.toml", []byte(in))
	if err != nil {
		t.Fatal(err)
	}
	want := "# ${NOT_EXPANDED} in a comment\naddress = \"127.0.0.1:5514\"\ntoken = \"fallback\"\nx = \"\"\n"
	if string(out) != want {
		t.Errorf("got %q", out)
	}
	_, err = ExpandEnv("t.toml", []byte("a = 1\nb = \"${NOMEN_TEST_UNSET}\"\n"))
	if err == nil || !strings.Contains(err.Error(), "line 2: environment variable NOMEN_TEST_UNSET is not set") {
		t.Errorf("unset: %v", err)
	}
}

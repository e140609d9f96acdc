package config

import (
	"strings"
	"testing"

	"github.com/BurntSushi/toml"
)

// TestTablesRefuseOtherValues: a map-valued setting written as a string,
// a list or a number is an error naming what was written (BurntSushi/toml
// alone decodes it as an empty map without a word); a table decodes as
// written, and a StringTable's values must be strings.
func TestTablesRefuseOtherValues(t *testing.T) {
	var v struct {
		T Table       `toml:"t"`
		S StringTable `toml:"s"`
	}
	for doc, want := range map[string]string{
		`t = "event.action=x"`:   `want a table of key = value, as { "event.action" = "login" }, not the string "event.action=x"`,
		`t = ["a"]`:              "not a list",
		`s = "Authorization: x"`: `want a table of name = "value"`,
		`s = 3`:                  "not a int64",
		`s = { "X-N" = 4 }`:      "X-N: want a string, not a int64",
	} {
		if _, err := toml.Decode(doc, &v); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: err = %v, want one saying %q", doc, err, want)
		}
	}
	v.T, v.S = nil, nil
	if _, err := toml.Decode("t = { \"event.action\" = \"login\", n = 2 }\ns = { Authorization = \"Bearer x\" }\n", &v); err != nil {
		t.Fatal(err)
	}
	if v.T["event.action"] != "login" || v.T["n"] != int64(2) || len(v.S) != 1 || v.S["Authorization"] != "Bearer x" {
		t.Errorf("decoded %#v and %#v", v.T, v.S)
	}
}

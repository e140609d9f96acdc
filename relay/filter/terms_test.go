package filter

import (
	"strings"
	"testing"

	"github.com/BurntSushi/toml"
)

// TestTermsRefusesNonTables: a where written as a string (an expression),
// a list or a number is an error naming what was written, never an empty
// filter that matches every event; a table decodes as written.
func TestTermsRefusesNonTables(t *testing.T) {
	for doc, want := range map[string]string{
		`where = 'event.kind == "alert"'`: `not the string "event.kind == \"alert\""`,
		`where = ["event.kind"]`:          "not a list",
		`where = 4625`:                    "not a int64",
	} {
		var v struct {
			Where Terms `toml:"where"`
		}
		_, err := toml.Decode(doc, &v)
		if err == nil || !strings.Contains(err.Error(), "want a table of field = value(s)") || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: err = %v, want one saying %q", doc, err, want)
		}
	}
	var v struct {
		Where Terms `toml:"where"`
	}
	if _, err := toml.Decode(`where = { "event.kind" = "alert", "event.code" = ["4624", "4625"] }`, &v); err != nil {
		t.Fatal(err)
	}
	f, err := Compile(v.Where)
	if err != nil || len(f.conds) != 2 {
		t.Errorf("the table compiled to %d conditions, %v; want 2", len(f.conds), err)
	}
}

package rules

import "testing"

// A rest field that one literal follows (the ends tried found by that
// literal's first byte) matches as every end were tried: with an optional
// part after it (the pattern may also end there), with trailing spaces,
// and with multibyte text in the field or in the literal.
func TestRuleRestBeforeOneLiteral(t *testing.T) {
	rs := mustRules(t, `
[[rule]]
name = "via"
program = "app"
pattern = "Host ({h:rest}) via {v:word}"
map = { h = "app.what", v = "app.via" }

[[rule]]
name = "slash"
program = "app"
pattern = "Name {h:rest}[/{i:uint}]"
map = { h = "app.what", i = "app.n" }

[[rule]]
name = "euro"
program = "app"
pattern = "Preis {h:rest}€ gesamt"
map = { h = "app.what" }
`)
	for msg, want := range map[string][3]string{
		"Host (ü) via eth0":       {"via", "ü", "eth0"},
		"Host (a) b) via eth0":    {"via", "a) b", "eth0"},
		"Host (€)) via eth0":      {"via", "€)", "eth0"},
		"Host (x) via":            {"", "", ""},
		"Name ärger/7":            {"slash", "ärger", "7"},
		"Name a/b/7":              {"slash", "a/b", "7"},
		"Name a/b":                {"slash", "a/b", ""},
		"Name ä/  ":               {"slash", "ä/", ""},
		"Name ß  ":                {"slash", "ß", ""},
		"Preis 5,00 € gesamt":     {"euro", "5,00", ""},
		"Preis 3€ und 4€ gesamt":  {"euro", "3€ und 4", ""},
		"Preis 3€ und 4€ gesamt€": {"", "", ""},
		"Preis €€ gesamt":         {"euro", "€", ""},
	} {
		e := msgEvent("app", msg)
		got := rs.Apply("app", e)
		third := e.Str("app.via")
		if got == "slash" {
			third = e.Str("app.n")
			if v, ok := e.Field("app.n"); ok {
				third = v.String()
			}
		}
		if [3]string{got, e.Str("app.what"), third} != want {
			t.Errorf("%q: got %q %q %q, want %q", msg, got, e.Str("app.what"), third, want)
		}
	}
}

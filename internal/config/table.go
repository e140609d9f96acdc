package config

import "fmt"

// AsTable returns v, a value BurntSushi/toml hands a toml.Unmarshaler, as a
// table, or an error saying what was written instead and what is wanted
// ("want a table of " + want). BurntSushi/toml decodes a string, list or
// number into a map field silently as nothing (an empty map, no error, and
// for map[string]any not even an undecoded key), so a table setting written
// as a string was an empty one: an output's `where = 'event.kind ==
// "alert"'` forwarded every event, a rule's `fields = "event.action=x"` set
// no field, an http output's `headers = "Authorization: ..."` sent none.
// Every map-valued setting goes through here (Table, StringTable, filter.Terms).
func AsTable(v any, want string) (map[string]any, error) {
	m, ok := v.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("want a table of %s, not %s", want, tomlKind(v))
	}
	return m, nil
}

// Table is a map-valued setting (a rule's fields, its test's expect, an
// output's event): key -> any TOML value, written as a table.
type Table map[string]any

// UnmarshalTOML implements toml.Unmarshaler.
func (t *Table) UnmarshalTOML(v any) error {
	m, err := AsTable(v, `key = value, as { "event.action" = "login" }`)
	*t = m
	return err
}

// StringTable is a table of names to strings (an http output's headers).
type StringTable map[string]string

// UnmarshalTOML implements toml.Unmarshaler.
func (t *StringTable) UnmarshalTOML(v any) error {
	m, err := AsTable(v, `name = "value", as { "Authorization" = "Bearer ..." }`)
	if err != nil {
		return err
	}
	out := make(StringTable, len(m))
	for k, x := range m {
		s, ok := x.(string)
		if !ok {
			return fmt.Errorf("%s: want a string, not %s", k, tomlKind(x))
		}
		out[k] = s
	}
	*t = out
	return nil
}

func tomlKind(v any) string {
	switch v := v.(type) {
	case string:
		return fmt.Sprintf("the string %q", v)
	case []any:
		return "a list"
	default:
		return fmt.Sprintf("a %T", v)
	}
}

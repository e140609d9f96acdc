package filter

import "fmt"

// Terms is a `where` / `where_not` table as configured: field -> value or
// list of values. It refuses any other TOML value: BurntSushi/toml
// decodes a string into a map as an empty map, so `where = 'event.kind
// == "alert"'` read as no filter at all, and an output meant for alerts
// forwarded every event (a correlation rule said "where is required").
type Terms map[string]any

// UnmarshalTOML implements toml.Unmarshaler.
func (t *Terms) UnmarshalTOML(v any) error {
	m, ok := v.(map[string]any)
	if !ok {
		return fmt.Errorf(`want a table of field = value(s), as { "event.kind" = "alert" }, not %s`, tomlKind(v))
	}
	*t = m
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

package filter

import "github.com/nomenhq/nomen/internal/config"

// Terms is a `where` / `where_not` table as configured: field -> value or
// list of values. It refuses any other TOML value (config.AsTable): a
// `where = 'event.kind == "alert"'` must not read as no filter at all, so
// that an output meant for alerts forwards every event.
type Terms map[string]any

// UnmarshalTOML implements toml.Unmarshaler.
func (t *Terms) UnmarshalTOML(v any) error {
	m, err := config.AsTable(v, `field = value(s), as { "event.kind" = "alert" }`)
	*t = m
	return err
}

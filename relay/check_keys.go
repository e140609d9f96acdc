package relay

import (
	"reflect"
	"slices"

	"github.com/nomenhq/nomen/internal/config"
	"github.com/nomenhq/nomen/relay/listen"
	"github.com/nomenhq/nomen/relay/output"
)

// TableKeys gives internal/config's strict decoder the valid keys of the
// tables decoded later by kind (config.TableKeys), for its "did you mean"
// on an unknown key: [[listener]] (syslog and agent listeners), [[output]]
// (every type's keys: the table's own type is not known there) and
// [correlate].
func (c *Config) TableKeys(table []string) ([]string, bool) {
	if len(table) == 0 {
		return nil, false
	}
	var types []reflect.Type
	switch table[0] {
	case "listener":
		types = []reflect.Type{reflect.TypeOf(listen.Config{}), reflect.TypeOf(AgentListener{})}
	case "output":
		types = []reflect.Type{reflect.TypeOf(output.Common{})}
		for _, t := range outputTypes {
			types = append(types, reflect.TypeOf(t.config()))
		}
	case "correlate":
		types = []reflect.Type{reflect.TypeOf(CorrelateConfig{})}
	default:
		return nil, false
	}
	var keys []string
	for _, t := range types {
		k, ok := config.StructKeysAt(t, table[1:])
		if ok {
			keys = append(keys, k...)
		}
	}
	slices.Sort(keys)
	keys = slices.Compact(keys)
	return keys, len(keys) > 0
}

package relay

import (
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"

	"github.com/BurntSushi/toml"

	"github.com/nomenhq/nomen/internal/config"
	"github.com/nomenhq/nomen/relay/listen"
	"github.com/nomenhq/nomen/relay/natsin"
	"github.com/nomenhq/nomen/relay/output"
)

// tableEntry is one [[listener]] or [[output]] as written: its kind (the
// listener's protocol, the output's type) and the keys written in it. An
// unknown key is then answered with the keys of its own table's kind, not
// those of every kind (an output's ~70).
type tableEntry struct {
	kind   string
	keys   []string // in the order written
	failed bool     // did not decode: its keys are neither known nor unknown
}

// kindTables are the arrays of tables decoded by kind, and the key that
// names an entry's kind.
var kindTables = map[string]string{"listener": "protocol", "output": "type"}

// entriesOf splits the document's keys, in the order written, into the
// entries of each array of tables in kindTables: each entry starts with
// its table's own key. Kinds are set while decoding (decodeListeners,
// decodeOutputs).
func entriesOf(keys []toml.Key) map[string][]tableEntry {
	entries := map[string][]tableEntry{}
	for _, k := range keys {
		if _, ok := kindTables[k[0]]; !ok {
			continue
		}
		list := entries[k[0]]
		switch {
		case len(k) == 1:
			entries[k[0]] = append(list, tableEntry{})
		case len(list) > 0 && !slices.Contains(list[len(list)-1].keys, k[1]):
			list[len(list)-1].keys = append(list[len(list)-1].keys, k[1])
		}
	}
	return entries
}

// inlineEntries splits the keys of an array written inline (`output =
// [{...}, {...}]`) into its entries, of which the document's keys show
// only one: the decoder lists the array's key once, then the keys of
// every entry, each entry's together and in the order written. Which keys
// each entry has comes from decoding data again (a generic map per
// entry); the first not yet taken by the entries before it is the next
// entry's. ok is false when data does not decode so (the caller keeps
// what entriesOf found, and errors list every kind's keys).
func inlineEntries(data []byte, table string, keys []toml.Key) ([]tableEntry, bool) {
	var doc map[string]any
	if _, err := toml.Decode(string(data), &doc); err != nil {
		return nil, false
	}
	list, _ := doc[table].([]any) // an array of inline tables is an array
	if len(list) == 0 {
		return nil, false // not written inline (an array of tables is []map[string]any)
	}
	written := make([]map[string]any, len(list))
	for i, v := range list {
		if written[i], _ = v.(map[string]any); written[i] == nil {
			return nil, false
		}
	}
	entries := make([]tableEntry, len(written))
	j := 0
	for _, k := range keys {
		if k[0] != table || len(k) != 2 {
			continue // the array, or a key inside an entry's table ("tls.ca" after "tls")
		}
		for j < len(written) && !untaken(written[j], entries[j], k[1]) {
			j++
		}
		if j == len(written) {
			return nil, false
		}
		entries[j].keys = append(entries[j].keys, k[1])
	}
	return entries, true
}

// untaken reports whether key is one of the entry's as decoded and not yet
// among those found for it.
func untaken(decoded map[string]any, e tableEntry, key string) bool {
	_, ok := decoded[key]
	return ok && !slices.Contains(e.keys, key)
}

// setFailed records that entry i of table did not decode.
func (c *Config) setFailed(table string, i int) {
	if c.failed == nil {
		c.failed = map[string]bool{}
	}
	c.failed[table] = true
	if list := c.entries[table]; i < len(list) {
		list[i].failed = true
	}
}

// SkipUndecoded tells internal/config's strict decoder that key is not to
// be reported unknown (config.SkipUndecoded): a key of a [[listener]] or
// [[output]] that did not decode (an unknown type, a value of the wrong
// kind), whose own error is reported; whether its keys are valid is not
// known until it decodes. When the entries cannot be told apart, no key
// of a table with such an entry is reported.
func (c *Config) SkipUndecoded(key toml.Key) bool {
	if len(key) < 2 || !c.failed[key[0]] {
		return false
	}
	if len(c.entries[key[0]]) != c.written(key[0]) {
		return true
	}
	for _, e := range c.entries[key[0]] {
		if e.failed && slices.Contains(e.keys, key[1]) {
			return true
		}
	}
	return false
}

// setKind records the kind of entry i of table, once decoded.
func (c *Config) setKind(table string, i int, kind string) {
	if list := c.entries[table]; i < len(list) {
		list[i].kind = kind
	}
}

// TableKeys gives internal/config's strict decoder the valid keys of the
// tables decoded later by kind (config.TableKeys), for its "did you mean"
// on an unknown key: [[listener]] and [[output]] (the keys of the kind of
// the entries that hold the key) and [correlate].
func (c *Config) TableKeys(key toml.Key) ([]string, string, bool) {
	table := key[:len(key)-1]
	if len(table) == 0 {
		return nil, "", false
	}
	var types []reflect.Type
	name := ""
	switch table[0] {
	case "listener", "output":
		var kinds []string
		if len(key) == 2 && len(c.entries[table[0]]) == c.written(table[0]) {
			for _, e := range c.entries[table[0]] {
				if slices.Contains(e.keys, key[1]) && e.kind != "" && !slices.Contains(kinds, e.kind) {
					kinds = append(kinds, e.kind)
				}
			}
		}
		if len(kinds) == 0 { // nested, or not told apart: every kind's
			kinds = allKinds(table[0])
		} else {
			name = kindsName(table[0], kinds)
		}
		for _, k := range kinds {
			types = append(types, kindTypes(table[0], k)...)
		}
	case "correlate":
		types = []reflect.Type{reflect.TypeOf(CorrelateConfig{})}
	default:
		return nil, "", false
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
	return keys, name, len(keys) > 0
}

// kindsName names the entries of table of those kinds in a message:
// `[[output]] of type "http"`.
func kindsName(table string, kinds []string) string {
	quoted := make([]string, len(kinds))
	for i, k := range kinds {
		quoted[i] = fmt.Sprintf("%q", k)
	}
	return fmt.Sprintf("[[%s]] of %s %s", table, kindTables[table], strings.Join(quoted, " or "))
}

// checkEntryKeys reports each key of a [[listener]] or [[output]] that
// its own kind does not take, though an entry of another kind does: the
// strict decoder tells decoded keys by their path, without the entry's
// index, so a file output's "path" written in a syslog output passed as
// decoded (config.UnknownEntryKey). A key nothing decoded is the strict
// decoder's to report. data is the document (name, for messages).
func (c *Config) checkEntryKeys(name string, data []byte) error {
	var errs []string
	for _, table := range []string{"listener", "output"} {
		if len(c.entries[table]) != c.written(table) {
			continue // entries not told apart (see inlineEntries)
		}
		for i, e := range c.entries[table] {
			if e.kind == "" || e.failed {
				continue
			}
			var valid []string
			for _, t := range kindTypes(table, e.kind) {
				valid = append(valid, config.StructKeys(t)...)
			}
			slices.Sort(valid)
			valid = slices.Compact(valid)
			for _, k := range e.keys {
				if !slices.Contains(valid, k) && !c.undecoded[toml.Key{table, k}.String()] {
					errs = append(errs, config.UnknownEntryKey(name, data, table, i, k, valid, kindsName(table, []string{e.kind})).Error())
				}
			}
		}
	}
	if len(errs) > 0 {
		return errors.New(strings.Join(errs, "\n"))
	}
	return nil
}

// written is how many entries of table the document has.
func (c *Config) written(table string) int {
	if table == "listener" {
		return len(c.RawListeners)
	}
	return len(c.RawOutputs)
}

// allKinds is every kind of table: its entries' keys when the entry is
// not known.
func allKinds(table string) []string {
	if table == "listener" {
		return []string{"udp", "agent", "nats"}
	}
	kinds := make([]string, len(outputTypes))
	for i, t := range outputTypes {
		kinds[i] = t.name
	}
	return kinds
}

// kindTypes are the config types whose keys an entry of that kind takes.
func kindTypes(table, kind string) []reflect.Type {
	if table == "listener" {
		switch kind {
		case "agent":
			return []reflect.Type{reflect.TypeOf(AgentListener{})}
		case "nats":
			return []reflect.Type{reflect.TypeOf(natsin.Config{})}
		}
		return []reflect.Type{reflect.TypeOf(listen.Config{})}
	}
	types := []reflect.Type{reflect.TypeOf(output.Common{})}
	if t, ok := findOutputType(kind); ok {
		types = append(types, reflect.TypeOf(t.config()))
	}
	return types
}

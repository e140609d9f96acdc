package config

import (
	"fmt"
	"reflect"
	"slices"
	"strings"

	"github.com/BurntSushi/toml"

	"github.com/nomenhq/nomen/internal/suggest"
)

// TableKeys is implemented by a decoded type whose tables are not all
// visible to reflection (tables decoded later as toml.Primitive, by their
// type): it returns the valid keys of the table that key (an unknown key,
// as in toml.Key) is in, and the table's name for the message ("" for
// "[table]"; an [[output]] names its type, whose keys are all it takes);
// ok false when it does not know them.
type TableKeys interface {
	TableKeys(key toml.Key) (keys []string, name string, ok bool)
}

// unknownKeyHint says, for an undecoded key of v, which valid key it may
// be a misspelling of, and which keys its table takes: `did you mean
// "protocol"? (valid keys of [listener]: address, name, ...)`; "" when the
// table's keys are unknown (a free-form table).
func unknownKeyHint(v any, key toml.Key) string {
	if len(key) == 0 {
		return ""
	}
	table := []string(key[:len(key)-1])
	var keys []string
	name := ""
	ok := false
	if tk, is := v.(TableKeys); is {
		keys, name, ok = tk.TableKeys(key)
	}
	if !ok {
		keys, ok = StructKeysAt(reflect.TypeOf(v), table)
	}
	if !ok || len(keys) == 0 {
		return ""
	}
	switch {
	case name != "":
	case len(table) > 0:
		name = "[" + strings.Join(table, ".") + "]"
	default:
		name = "the top level"
	}
	return keysHint(key, keys, name)
}

// keysHint is `did you mean "k"? (valid keys of TABLE: ...)`, or the
// parenthesis alone when no valid key is close.
func keysHint(key toml.Key, keys []string, table string) string {
	hint := fmt.Sprintf("valid keys of %s: %s", table, strings.Join(keys, ", "))
	if best := suggest.Closest(key[len(key)-1], keys); best != "" {
		return fmt.Sprintf("did you mean %q? (%s)", best, hint)
	}
	return "(" + hint + ")"
}

// UnknownEntryKey is the error for key, written in the n-th (from 0)
// [[table]] of the document data (read from the file name), whose valid
// keys are keys: the one Decode gives an undecoded key, with the line of
// key in that entry. Decode cannot see it when another entry of the same
// array, of another kind, takes the key (BurntSushi/toml tells decoded
// keys by their path, which has no index): a file output's "path" in a
// syslog output.
func UnknownEntryKey(name string, data []byte, table string, n int, key string, keys []string, tableName string) error {
	k := toml.Key{table, key}
	return fmt.Errorf("%s: unknown key %q: %s", At(name, entryKeyLine(data, table, n, key)), k.String(), keysHint(k, keys, tableName))
}

// StructKeysAt returns the toml keys of the struct that table leads to in
// t (through pointers, slices and embedded structs), sorted; ok is false
// when the path leads to a map, a toml.Primitive or nothing.
func StructKeysAt(t reflect.Type, table []string) ([]string, bool) {
	for _, part := range table {
		t = deref(t)
		if t.Kind() != reflect.Struct || t == reflect.TypeOf(toml.Primitive{}) {
			return nil, false
		}
		f, ok := fieldByKey(t, part)
		if !ok {
			return nil, false
		}
		t = f
	}
	t = deref(t)
	if t.Kind() != reflect.Struct || t == reflect.TypeOf(toml.Primitive{}) {
		return nil, false
	}
	keys := StructKeys(t)
	return keys, len(keys) > 0
}

func deref(t reflect.Type) reflect.Type {
	for t.Kind() == reflect.Pointer || t.Kind() == reflect.Slice || t.Kind() == reflect.Array {
		t = t.Elem()
	}
	return t
}

// StructKeys lists the toml keys a struct type takes (embedded structs'
// keys included), sorted.
func StructKeys(t reflect.Type) []string {
	t = deref(t)
	var keys []string
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		tag, _, _ := strings.Cut(f.Tag.Get("toml"), ",")
		switch {
		case tag == "-" || !f.IsExported() && !f.Anonymous:
		case f.Anonymous && tag == "":
			if deref(f.Type).Kind() == reflect.Struct {
				keys = append(keys, StructKeys(f.Type)...)
			}
		case tag != "":
			keys = append(keys, tag)
		default:
			keys = append(keys, f.Name)
		}
	}
	slices.Sort(keys)
	return slices.Compact(keys)
}

func fieldByKey(t reflect.Type, key string) (reflect.Type, bool) {
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		tag, _, _ := strings.Cut(f.Tag.Get("toml"), ",")
		if tag == key || tag == "" && strings.EqualFold(f.Name, key) {
			return f.Type, true
		}
		if f.Anonymous && tag == "" && deref(f.Type).Kind() == reflect.Struct {
			if ft, ok := fieldByKey(deref(f.Type), key); ok {
				return ft, true
			}
		}
	}
	return nil, false
}

package config

import (
	"encoding"
	"fmt"
	"reflect"
	"sort"
	"strings"

	"github.com/BurntSushi/toml"
)

// decodeEach decodes data into v key by key, descending into tables, and
// returns the metadata, a message for every value that does not decode,
// not just the first: BurntSushi/toml stops decoding a document at its
// first bad value, so an operator fixing a config would meet its mistakes
// one run at a time, and nothing after the bad value (listeners, outputs,
// unknown keys) would be checked at all. Every value that does decode is
// set in v as Decode would set it. The messages are in valueError's form,
// ordered by line; unknown are the keys that match no field, at every
// level (the metadata counts them decoded: their table was read as a
// map); failed are the keys of tables that are not written as one
// ("[[limits]]" for [limits]): the keys inside them are not unknown.
// Only called on the error path (a value already failed).
func decodeEach(data []byte, v any, at func(int) string) (md toml.MetaData, msgs []string, unknown, failed []toml.Key, ok bool) {
	rv := reflect.ValueOf(v)
	if rv.Kind() != reflect.Pointer || rv.Elem().Kind() != reflect.Struct {
		return md, nil, nil, nil, false
	}
	var doc map[string]toml.Primitive
	md, err := toml.Decode(string(data), &doc)
	if err != nil {
		return md, nil, nil, nil, false
	}
	type lineMsg struct {
		line int
		msg  string
	}
	var found []lineMsg
	// report adds err, a value of keyPath that did not decode; lineOf,
	// when not nil, finds the line of the key (its last segment) better.
	report := func(err error, keyPath toml.Key, lineOf func(key string) int) {
		v, ok := parseValueErr(err)
		if !ok {
			found = append(found, lineMsg{0, fmt.Sprintf("%s: %s: %v", at(0), keyPath, err)})
			return
		}
		if lineOf != nil {
			if l := lineOf(v.key[strings.LastIndexByte(v.key, '.')+1:]); l > 0 {
				v.line = l
			}
		}
		found = append(found, lineMsg{v.line, v.format(at)})
	}
	var walk func(table map[string]toml.Primitive, into reflect.Value, path toml.Key)
	walk = func(table map[string]toml.Primitive, into reflect.Value, path toml.Key) {
		for key, p := range table {
			keyPath := append(path[:len(path):len(path)], key)
			f, ok := fieldOf(into, key)
			if !ok {
				unknown = append(unknown, keyPath)
				continue
			}
			// Only a table is walked: decoding anything else into a map
			// is no error to BurntSushi/toml (it leaves the map nil), so
			// "limits = 3" or "[[metrics]]" would pass unreported.
			if decodesAsTable(f.Type()) && md.Type(keyPath...) == "Hash" {
				var sub map[string]toml.Primitive
				if md.PrimitiveDecode(p, &sub) == nil {
					walk(sub, f, keyPath)
					continue
				}
			}
			// An array of tables entry by entry: each bad entry is
			// reported, on its own line (BurntSushi/toml gives the line of
			// the key in the last entry, whichever entry failed).
			if f.Kind() == reflect.Slice && decodesAsTable(f.Type().Elem()) {
				var entries []toml.Primitive
				if t := md.Type(keyPath...); (t == "ArrayHash" || t == "Array") && md.PrimitiveDecode(p, &entries) == nil {
					s := reflect.MakeSlice(f.Type(), len(entries), len(entries))
					for n, ep := range entries {
						if err := md.PrimitiveDecode(ep, s.Index(n).Addr().Interface()); err != nil {
							report(err, keyPath, func(k string) int { return entryKeyLine(data, keyPath.String(), n, k) })
						}
					}
					f.Set(s)
					continue
				}
			}
			err := md.PrimitiveDecode(p, f.Addr().Interface())
			if err == nil {
				continue
			}
			if decodesAsTable(f.Type()) { // not a table: its keys are not the struct's
				failed = append(failed, keyPath)
			}
			report(err, keyPath, nil)
		}
	}
	walk(doc, rv.Elem(), nil)
	sort.SliceStable(found, func(i, j int) bool {
		if found[i].line != found[j].line {
			return found[i].line < found[j].line
		}
		return found[i].msg < found[j].msg
	})
	for _, f := range found {
		msgs = append(msgs, f.msg)
	}
	return md, msgs, unknown, failed, true
}

// fieldOf is the field of struct v that the TOML key decodes into, by its
// toml tag or, without one, its name, the same name first and else one
// that differs in case only, as BurntSushi/toml matches them; embedded
// structs' fields count as v's.
func fieldOf(v reflect.Value, key string) (reflect.Value, bool) {
	if f, ok := fieldNamed(v, key, false); ok {
		return f, true
	}
	return fieldNamed(v, key, true)
}

func fieldNamed(v reflect.Value, key string, fold bool) (reflect.Value, bool) {
	t := v.Type()
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("toml"), ",")
		if name == "-" {
			continue
		}
		if f.Anonymous && name == "" && f.Type.Kind() == reflect.Struct {
			if fv, ok := fieldNamed(v.Field(i), key, fold); ok {
				return fv, true
			}
			continue
		}
		if !f.IsExported() {
			continue
		}
		if name == "" {
			name = f.Name
		}
		if name == key || fold && strings.EqualFold(name, key) {
			return v.Field(i), true
		}
	}
	return reflect.Value{}, false
}

// decodesAsTable reports whether values of t are TOML tables decoded field
// by field (a struct that does not decode itself from a string).
func decodesAsTable(t reflect.Type) bool {
	if t.Kind() != reflect.Struct || t == reflect.TypeFor[toml.Primitive]() {
		return false
	}
	p := reflect.PointerTo(t)
	return !p.Implements(reflect.TypeFor[encoding.TextUnmarshaler]()) &&
		!p.Implements(reflect.TypeFor[toml.Unmarshaler]())
}

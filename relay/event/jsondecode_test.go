package event

import (
	"encoding/json"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"
)

// A realistic document comes back as the same bytes, with its typed part
// restored (filters and stages read those, not fields).
func TestDecodeJSONRoundTrip(t *testing.T) {
	e := sample()
	e.ID = 42
	e.SD = MakeSD([]string{"meta@1", "sequenceId", "7", "x", "a\"b"}, []string{"empty"})
	e.Flags |= Truncated
	enc := Encoder{Observer: "edge-1"}
	doc := enc.AppendJSON(nil, e)

	got, observer, err := DecodeJSON(doc)
	if err != nil {
		t.Fatal(err)
	}
	if observer != "edge-1" {
		t.Errorf("observer = %q", observer)
	}
	if again := enc.AppendJSON(nil, got); string(again) != string(doc) {
		t.Fatalf("re-encoded differs:\n%s\n%s", doc, again)
	}
	if got.ID != 42 || !got.Time.Equal(e.Time) || !got.Received.Equal(e.Received) || got.Pri != e.Pri ||
		got.Hostname != "web1" || got.AppName != "sshd" || got.ProcID != "392" || got.Input != "syslog-udp" ||
		got.Peer != e.Peer || got.Format != "rfc3164" || got.Original != e.Original || got.Message != e.Message ||
		got.Flags != Truncated || got.SD.String() != e.SD.String() {
		t.Errorf("typed part not restored: %+v", got)
	}
	if v, _ := got.Get("source.port"); v.Type != TypeInt || v.Num != 49786 {
		t.Errorf("source.port = %+v", v)
	}
	if v, _ := got.Get("related.user"); v.Type != TypeStrings || len(v.List) != 1 {
		t.Errorf("related.user = %+v", v)
	}
	// Derived values are not stored twice.
	for _, f := range got.Fields {
		if _, derived := derivedIndex[f.Key]; derived {
			t.Errorf("derived field %s kept as a field", f.Key)
		}
	}
}

// A tag that is not a process (Windows "Security") stays one.
func TestDecodeJSONTagNotProcess(t *testing.T) {
	e := sample()
	e.Flags |= TagNotProcess
	e.SetStr("process.name", "lsass.exe")
	enc := Encoder{}
	doc := enc.AppendJSON(nil, e)
	got, _, err := DecodeJSON(doc)
	if err != nil {
		t.Fatal(err)
	}
	if again := enc.AppendJSON(nil, got); string(again) != string(doc) {
		t.Fatalf("re-encoded differs:\n%s\n%s", doc, again)
	}
}

func TestDecodeJSONErrors(t *testing.T) {
	for _, in := range []string{"", "[]", `"x"`, "{", `{"a":}`, `{"a":1}x`, `{"a":"\x01"}`, `{"a":01}`,
		`{"a":"\u12"}`, `{"a":[1,]}`, `{"a":{"b":}}`, `{"a" 1}`, `{"a":tru}`, strings.Repeat(`{"a":`, 100) + "1" + strings.Repeat("}", 100)} {
		if _, _, err := DecodeJSON([]byte(in)); err == nil {
			t.Errorf("%q: no error", in)
		}
	}
}

// Values the Encoder never writes keep their meaning: objects with keys
// that cannot be dotted and mixed arrays are kept whole, escapes decoded.
func TestDecodeJSONForeignShapes(t *testing.T) {
	in := `{"a":{"x.y":1,"z":2},"b":[1,"s"],"c":"\u00e9\ud83d\ude00\n","d":{},"e":null,"f":1.5,"g":-3,"@timestamp":"yesterday"}`
	e, _, err := DecodeJSON([]byte(in))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]Value{
		"a": RawJSON(`{"x.y":1,"z":2}`), "b": RawJSON(`[1,"s"]`), "c": String("é😀\n"), "d": RawJSON("{}"),
		"e": RawJSON("null"), "f": Float(1.5), "g": Int(-3), "@timestamp": String("yesterday"),
	}
	for k, v := range want {
		if got, ok := e.Field(k); !ok || !reflect.DeepEqual(got, v) {
			t.Errorf("%s = %+v, want %+v", k, got, v)
		}
	}
	if !e.Time.IsZero() {
		t.Errorf("time set from %q", "yesterday")
	}
}

// Every event the Encoder writes decodes to one it writes as the same JSON
// value: nothing is lost or changed (key order may differ only where a
// whole-kept object's key sorts differently from its members'), and only
// a derived value the document left out (a collision) may be added.
func TestDecodeJSONRandom(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	enc := Encoder{Observer: "obs"}
	for i := range 5000 {
		e := randEvent(r)
		if shadowsDerived(e) {
			continue
		}
		doc := enc.AppendJSON(nil, e)
		got, observer, err := DecodeJSON(doc)
		if err != nil {
			t.Fatalf("#%d: %v\n%s", i, err, doc)
		}
		again := (&Encoder{Observer: observer}).AppendJSON(nil, got)
		a, b := flatJSON(t, doc), flatJSON(t, again)
		for k, v := range a {
			if !reflect.DeepEqual(b[k], v) {
				t.Fatalf("#%d: %s changed\n%s\n%s", i, k, doc, again)
			}
		}
		for k := range b {
			if _, ok := a[k]; !ok && derivedIndex[k] == 0 && k != "@timestamp" {
				t.Fatalf("#%d: %s added\n%s\n%s", i, k, doc, again)
			}
		}
	}
}

// flatJSON is a document's values by dotted key.
func flatJSON(t *testing.T, doc []byte) map[string]any {
	var v any
	if err := json.Unmarshal(doc, &v); err != nil {
		t.Fatalf("%v\n%s", err, doc)
	}
	out := map[string]any{}
	var walk func(prefix string, v any)
	walk = func(prefix string, v any) {
		if m, ok := v.(map[string]any); ok && len(m) > 0 {
			for k, x := range m {
				walk(prefix+k+".", x)
			}
			return
		}
		out[strings.TrimSuffix(prefix, ".")] = v
	}
	walk("", v)
	return out
}

// shadowsDerived reports whether a key has an empty part, or whether a field holds an object at a derived key
// or at the path of one ("event" set to an object): the Encoder then
// leaves the derived ones out, which a document cannot say.
func shadowsDerived(e *Event) bool {
	for _, f := range e.Fields {
		if f.Key == "" || f.Key[0] == '.' || strings.Contains(f.Key, "..") {
			return true // an empty key in the document: not one a decoder sets
		}
		object := f.Val.Type == typeSD || f.Val.Type == TypeJSON && strings.HasPrefix(f.Val.Str, "{")
		for _, k := range derivedKeys {
			if object && (k == f.Key || strings.HasPrefix(k, f.Key+".")) {
				return true
			}
		}
	}
	return false
}

// Any input: an error or an event; what it encodes to decodes again to
// the same JSON value (bytes may differ: an invalid byte the Encoder
// wrote as \ufffd comes back as the valid rune, written as it is).
func FuzzDecodeJSON(f *testing.F) {
	enc := Encoder{Observer: "obs"}
	f.Add(enc.AppendJSON(nil, sample()))
	f.Add([]byte(`{"a":{"x.y":1},"b":[1,"s"],"c":"\ud800","log":{"syslog":{"structured_data":{"a":{"b":["1","2"]}}}}}`))
	f.Add([]byte(`{"@timestamp":"2026-11-22T10:15:02.123Z","nomen":{"id":"7","truncated":true}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		e, _, err := DecodeJSON(data)
		if err != nil {
			return
		}
		doc := enc.AppendJSON(nil, e)
		if !json.Valid(doc) {
			t.Fatalf("invalid JSON written: %s", doc)
		}
		e2, _, err := DecodeJSON(doc)
		if err != nil {
			t.Fatalf("own document does not decode: %v\n%s", err, doc)
		}
		if again := enc.AppendJSON(nil, e2); !reflect.DeepEqual(flatJSON(t, doc), flatJSON(t, again)) {
			t.Fatalf("not stable:\n%s\n%s", doc, again)
		}
	})
}

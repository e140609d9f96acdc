package live

import (
	"bufio"
	"encoding/json"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestParseQueryAccepts(t *testing.T) {
	for _, q := range []string{
		"",
		"where=event.category=authentication&where=source.ip=10.*",
		"where=event.outcome=failure,unknown",
		"where=winlog.event_data.TargetUserName=alice",
		"where=cisco.asa.message_id=106023",
		"where=nomen.gap.reason=*",
		"where=@timestamp=*",
		"where=message=*password*",
		"where=user.target.name=!",
		"where=labels.site=dc1",
	} {
		if _, err := ParseQuery(q, nil); err != nil {
			t.Errorf("%q: %v", q, err)
		}
	}
}

func TestParseQueryRefuses(t *testing.T) {
	for q, want := range map[string][]string{
		"were=event.kind=alert":               {`unknown query parameter "were"`},
		"where=event.kind=alert&b=1&a=2":      {`"a", "b"`},
		"where=evnt.category=authentication":  {`unknown field "evnt.category"`, `did you mean event?`},
		"where=event.categroy=iam":            {`not an ECS event.* field`, `did you mean event.category?`},
		"where=event=x":                       {`unknown field "event"`},
		"where=frobnicator.level=3":           {`nomen sets no field under "frobnicator"`, `README`},
		"where=source..ip=1":                  {`empty part between dots`},
		"where=source.ip =1":                  {`character ' '`},
		"where=novalue":                       {`want field=value`},
		"where=source.ip=1&where=source.ip=2": {`field given twice`},
		"where=evnt.kind=a&where=usr.name=b":  {`"evnt.kind"`, `"usr.name"`, `did you mean user?`},
		"where=%zz":                           {`query: invalid URL escape`},
	} {
		_, err := ParseQuery(q, nil)
		if err == nil {
			t.Errorf("%q: accepted", q)
			continue
		}
		for _, w := range want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("%q: error %q does not say %q", q, err, w)
			}
		}
	}
}

// TestParseQueryRuleFields: keys user rules set are accepted, and so is
// their namespace; without the rules they are not.
func TestParseQueryRuleFields(t *testing.T) {
	rules := []string{"backup.job", "event.duration_seconds"}
	for _, q := range []string{"where=backup.job=nightly", "where=backup.files=*", "where=event.duration_seconds=*"} {
		if _, err := ParseQuery(q, rules); err != nil {
			t.Errorf("%q with rule fields: %v", q, err)
		}
		if _, err := ParseQuery(q, nil); err == nil {
			t.Errorf("%q without rule fields: accepted", q)
		}
	}
}

// TestKnownFieldsCoverGoldenOutputs: every key of the golden outputs of
// the decoders, sequence tracking and correlation is a field a subscriber
// may filter on. A decoder that starts a namespace fails here: add it to
// vendorNamespaces. (The user-rule case is checked with its rule file's
// keys, as the API does.)
func TestKnownFieldsCoverGoldenOutputs(t *testing.T) {
	var files []string
	for _, pattern := range []string{
		"../../testdata/normalize/*/*/expected.jsonl",
		"../../testdata/correlate/*/expected.jsonl",
		"../../testdata/sequence/*/expected.jsonl",
	} {
		m, err := filepath.Glob(pattern)
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, m...)
	}
	if len(files) < 20 {
		t.Fatalf("only %d golden files found: is ../../testdata there?", len(files))
	}
	keys := 0
	for _, path := range files {
		var ruleFields []string
		if strings.Contains(filepath.ToSlash(path), "/normalize/rules/") {
			ruleFields = []string{"backup.bytes", "backup.files", "backup.job", "backup.seconds", "backup.warnings", "event.duration_seconds"}
		}
		f, err := os.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(f)
		sc.Buffer(nil, 1<<20)
		for n := 1; sc.Scan(); n++ {
			var doc map[string]json.RawMessage
			if len(strings.TrimSpace(sc.Text())) == 0 {
				continue
			}
			if err := json.Unmarshal(sc.Bytes(), &doc); err != nil {
				t.Fatalf("%s:%d: %v", path, n, err)
			}
			if _, isEvent := doc["@timestamp"]; !isEvent && !strings.Contains(path, "normalize") {
				continue // a test's summary line ({"input":20,"duplicate":true}), not a document
			}
			for _, k := range flatKeys("", doc) {
				keys++
				if err := checkField(k, ruleFields); err != nil {
					t.Errorf("%s:%d: %v", path, n, err)
				}
			}
		}
		f.Close()
	}
	if keys == 0 {
		t.Fatal("no keys checked")
	}
}

// flatKeys returns the dotted keys of a document, whether it is written
// flat ("event.kind") or nested ({"event":{"kind":...}}).
func flatKeys(prefix string, doc map[string]json.RawMessage) []string {
	var out []string
	for k, v := range doc {
		var sub map[string]json.RawMessage
		if json.Unmarshal(v, &sub) == nil && len(sub) > 0 && !strings.HasSuffix(k, "structured_data") {
			out = append(out, flatKeys(prefix+k+".", sub)...)
			continue
		}
		out = append(out, prefix+k)
	}
	return out
}

// FuzzParseQuery: the /v1/events query parser never panics, an accepted
// query names only known fields and only the where parameter, and the
// filter it builds can match an event.
func FuzzParseQuery(f *testing.F) {
	for _, s := range []string{
		"where=event.category=authentication&where=source.ip=10.*",
		"where=event.outcome=!",
		"where=winlog.event_data.TargetUserName=*adm*,root",
		"where=evnt.kind=alert",
		"where=%3D%3D",
		"where=a=b&where=a=c",
		"x=1&where=",
		"where=@timestamp=*",
	} {
		f.Add(s)
	}
	ev := authEvent(1, "10.0.0.5", "failure")
	f.Fuzz(func(t *testing.T, raw string) {
		flt, err := ParseQuery(raw, []string{"backup.job"})
		if err != nil {
			return
		}
		q, perr := url.ParseQuery(raw)
		if perr != nil {
			t.Fatalf("accepted %q that url.ParseQuery refuses: %v", raw, perr)
		}
		for name := range q {
			if name != "where" {
				t.Fatalf("accepted parameter %q in %q", name, raw)
			}
		}
		for _, term := range q["where"] {
			k, _, _ := strings.Cut(term, "=")
			if err := checkField(k, []string{"backup.job"}); err != nil {
				t.Fatalf("accepted field %q: %v", k, err)
			}
		}
		_ = flt.Match(ev)
		_ = flt.String()
	})
}

package sequence

import (
	"encoding/json"
	"reflect"
	"testing"
	"time"
)

// A stream as snapshots have written it since streams had a Began time:
// it loads into the compact stream, which writes it back the same.
const savedStreamJSON = `{"Key":"agent:a-7/Security","Kind":0,"Origin":"agent:a-7","Host":"dc1","Channel":"Security","Agent":"a-7","Epoch":3,"Last":120,` +
	`"Holes":[{"First":100,"Last":104,"Opened":"2026-11-22T10:15:03Z","Deadline":"2026-11-22T10:16:03Z","After":77}],` +
	`"First":90,"Began":"2026-11-22T10:15:01.5Z","Past":[{"Epoch":2,"Last":4000}],"Lease":9}`

func TestStreamJSONKeepsTheFormat(t *testing.T) {
	var s savedStream
	if err := json.Unmarshal([]byte(savedStreamJSON), &s); err != nil {
		t.Fatal(err)
	}
	if want := (streamNames{nameOrigin: "agent:a-7", nameHost: "dc1", nameChannel: "Security", nameAgent: "a-7"}); s.key != "agent:a-7/Security" || s.names != want {
		t.Fatalf("names %q", s.names)
	}
	if want := time.Date(2026, 11, 22, 10, 15, 1, 500_000_000, time.UTC).UnixNano(); s.began != want || s.First != 90 {
		t.Fatalf("run began %d at %d, want %d at 90", s.began, s.First, want)
	}
	if s.epoch() != 3 || s.Last != 120 || s.lease() != 9 || len(s.holes()) != 1 || s.holes()[0].After != 77 || len(s.past()) != 1 || s.past()[0].Last != 4000 {
		t.Fatalf("stream %+v", s)
	}
	out, err := json.Marshal(s)
	if err != nil {
		t.Fatal(err)
	}
	var got, want any
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal([]byte(savedStreamJSON), &want); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("written back as\n%s\nwant\n%s", out, savedStreamJSON)
	}
}

// A stream from before Began (zero: unknown) stays without one.
func TestStreamJSONWithoutBegan(t *testing.T) {
	var s savedStream
	if err := json.Unmarshal([]byte(`{"Key":"rfc5424:web1/app/1","Kind":1,"Origin":"host:web1","Host":"web1","Channel":"","Agent":"","Epoch":0,"Last":5,"Holes":null,"First":4}`), &s); err != nil {
		t.Fatal(err)
	}
	if s.began != 0 || s.First != 4 || s.names[nameHost] != "web1" || s.names[nameChannel] != "" {
		t.Fatalf("stream %+v", s)
	}
	// A number just below the run's first, of a run begun at an unknown
	// time, is not the run's late beginning.
	if v, _ := s.observe(observation{n: 3, at: time.Now()}, time.Minute, nil); v != duplicate {
		t.Fatalf("verdict %d, want duplicate", v)
	}
	out, _ := json.Marshal(s)
	var m map[string]any
	if err := json.Unmarshal(out, &m); err != nil {
		t.Fatal(err)
	}
	if _, ok := m["Began"]; ok {
		t.Fatalf("written with a Began: %s", out)
	}
}

package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	goldenfile "github.com/nomenhq/nomen/internal/golden"
	"github.com/nomenhq/nomen/relay/wire"
)

// goldenRecord is what a test case's expected.jsonl holds per record: what
// the agent will send, and what the relay will read out of it.
type goldenRecord struct {
	Channel  string `json:"channel"`
	RecordID uint64 `json:"record_id"`
	Computer string `json:"computer"`
	Time     string `json:"time,omitempty"`
	Message  string `json:"message,omitempty"`
	Original string `json:"original"`
}

// TestReadFiles runs every case under testdata/agent: input.* is read as
// replay reads it and compared with expected.jsonl (go test -update
// rewrites it).
func TestReadFiles(t *testing.T) {
	dirs, err := filepath.Glob("../../testdata/agent/*")
	if err != nil || len(dirs) == 0 {
		t.Fatalf("no test cases: %v", err)
	}
	for _, dir := range dirs {
		inputs, _ := filepath.Glob(filepath.Join(dir, "input.*"))
		if len(inputs) != 1 {
			continue
		}
		t.Run(filepath.Base(dir), func(t *testing.T) {
			recs, err := readRecordFile(inputs[0])
			if err != nil {
				t.Fatal(err)
			}
			var out bytes.Buffer
			enc := json.NewEncoder(&out)
			enc.SetEscapeHTML(false)
			for _, r := range recs {
				s := string(r.data)
				g := goldenRecord{Channel: r.channel, RecordID: r.seq, Computer: r.computer, Message: wire.RecordMessage(s), Original: s}
				if tm, ok := wire.RecordTime(s); ok {
					g.Time = tm.UTC().Format(time.RFC3339Nano)
				}
				enc.Encode(g)
			}
			golden := filepath.Join(dir, "expected.jsonl")
			if goldenfile.Updating() {
				if err := os.WriteFile(golden, out.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test -update to create it)", err)
			}
			if !bytes.Equal(out.Bytes(), want) {
				t.Errorf("records differ from %s (go test -update rewrites it):\n%s", golden, firstDiff(out.String(), string(want)))
			}
			// Every record is well-formed XML the relay can take apart.
			for _, r := range recs {
				if r.channel == "" || r.seq == 0 || !bytes.HasPrefix(r.data, []byte("<Event")) || !bytes.HasSuffix(r.data, []byte("</Event>")) {
					t.Errorf("record %d of %s: channel %q, %q...", r.seq, r.computer, r.channel, r.data[:min(len(r.data), 40)])
				}
			}
		})
	}
}

func firstDiff(got, want string) string {
	g, w := strings.Split(got, "\n"), strings.Split(want, "\n")
	for i := range max(len(g), len(w)) {
		var gl, wl string
		if i < len(g) {
			gl = g[i]
		}
		if i < len(w) {
			wl = w[i]
		}
		if gl != wl {
			return "line " + strconv.Itoa(i+1) + ":\n got " + gl + "\nwant " + wl
		}
	}
	return ""
}

func TestParseRecordErrors(t *testing.T) {
	for name, in := range map[string]string{
		"garbage":        "hello",
		"broken xml":     "<Event><System></Event>",
		"no events":      "<Events></Events>",
		"broken json":    `{"EventID": 4624`,
		"json not event": `[1,2]`,
	} {
		if _, err := parseRecords([]byte(in)); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	if recs, err := parseRecords([]byte("  \n")); err != nil || len(recs) != 0 {
		t.Errorf("empty file: %v %d", err, len(recs))
	}
}

// An element named Event inside a record (some providers' UserData has
// one) does not end the record.
func TestNestedEventElement(t *testing.T) {
	in := "<Events><Event xmlns='e'><System><EventRecordID>5</EventRecordID><Channel>Application</Channel></System>" +
		"<UserData><Event><Inner>x</Inner></Event></UserData></Event><Event><System><EventRecordID>6</EventRecordID></System></Event></Events>"
	recs, err := parseRecords([]byte(in))
	if err != nil || len(recs) != 2 {
		t.Fatalf("%v, %d records", err, len(recs))
	}
	if !strings.HasSuffix(string(recs[0].data), "</UserData></Event>") || recs[0].seq != 5 || recs[1].seq != 6 {
		t.Fatalf("%q", recs[0].data)
	}
}

func TestNXLogKeywords(t *testing.T) {
	for in, want := range map[string]string{
		"-9214364837600034816": "0x8020000000000000",
		"-9218868437227405312": "0x8010000000000000",
		"36028797018963968":    "0x80000000000000",
		"0x8020000000000000":   "0x8020000000000000",
		"":                     "",
	} {
		if got := nxlogKeywords(in); got != want {
			t.Errorf("%s -> %s, want %s", in, got, want)
		}
	}
}

func TestReplaySources(t *testing.T) {
	recs := []fileRecord{
		{channel: "Security", seq: 12, data: []byte("c")},
		{channel: "Security", seq: 10, data: []byte("a")},
		{channel: "System", seq: 0, data: []byte("s1")},
		{channel: "Security", seq: 10, data: []byte("a-again")},
		{channel: "", seq: 0, data: []byte("u1")},
		{channel: "System", seq: 0, data: []byte("s2")},
	}
	srcs, dups := replaySources(recs, "Unknown", 0)
	if dups != 1 || len(srcs) != 3 {
		t.Fatalf("dups %d, %d sources", dups, len(srcs))
	}
	sec := srcs[0]
	if sec.channel != "Security" || len(sec.recs) != 2 || sec.recs[0].seq != 10 || string(sec.recs[0].data) != "a" || sec.recs[1].seq != 12 {
		t.Fatalf("Security: %+v", sec.recs)
	}
	if sys := srcs[1]; sys.recs[0].seq != 1 || sys.recs[1].seq != 2 {
		t.Fatalf("System numbered %d, %d", sys.recs[0].seq, sys.recs[1].seq)
	}
	if srcs[2].channel != "Unknown" {
		t.Fatal(srcs[2].channel)
	}
	again, _ := replaySources(recs, "Unknown", 0)
	if again[0].epoch != sec.epoch || sec.epoch == srcs[1].epoch || sec.epoch == 0 || sec.epoch > wire.MaxSeq {
		t.Fatal("derived epochs are not stable per log")
	}
	fixed, _ := replaySources(recs, "Unknown", 77)
	if fixed[0].epoch != 77 {
		t.Fatal("-epoch ignored")
	}
}

func TestStateFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sub", "state.json")
	s, err := loadState(path)
	if err != nil {
		t.Fatal(err)
	}
	s.track("Security", 5)
	s.track("System", 1)
	s.acked("Security", 5, 100)
	s.acked("Security", 5, 90)  // never backwards
	s.acked("Security", 4, 200) // a late ACK of an old epoch changes nothing
	s.acked("System", 1, 7)
	if err := s.save(); err != nil {
		t.Fatal(err)
	}
	s2, err := loadState(path)
	if err != nil {
		t.Fatal(err)
	}
	if st := s2.stream("Security"); st.Epoch != 5 || st.Acked != 100 {
		t.Fatalf("%+v", st)
	}
	s2.track("Security", 6) // a new epoch replaces the old one
	s2.acked("Security", 6, 3)
	if st := s2.stream("Security"); st.Epoch != 6 || st.Acked != 3 {
		t.Fatalf("%+v", st)
	}
	os.WriteFile(path, []byte("{"), 0o600)
	if _, err := loadState(path); err == nil {
		t.Fatal("corrupt state accepted")
	}
}

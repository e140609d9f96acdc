package parse

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/nomenhq/nomen/internal/golden"
	"github.com/nomenhq/nomen/internal/testvec"
	"github.com/nomenhq/nomen/relay/event"
)

// corpusPath is the shared corpus of wire-format vectors. Most of them come
// from sources whose licence does not allow copying them here, so the test
// reads them at run time and the golden files hold only parsed header
// fields and a length + hash of the message text.
var corpusPath = testvec.SharedPath("corpus/syslog-wire.txt")

// wireReceived is the receive time every wire vector is parsed with; year
// inference is relative to it.
var wireReceived = time.Date(2026, 7, 1, 12, 0, 0, 0, time.UTC)

type vector struct {
	ID, Kind, Desc, Encoding string
	Payload                  []byte
}

// readCorpus parses syslog-wire.txt: "# key: value" lines, then one payload
// line, then a blank line.
func readCorpus(t testing.TB) []vector {
	t.Helper()
	data, err := os.ReadFile(corpusPath)
	if err != nil {
		t.Skipf("wire corpus %s not readable: %v", corpusPath, err)
	}
	var vs []vector
	var cur vector
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		switch {
		case strings.HasPrefix(line, "# id: "):
			cur = vector{ID: strings.TrimPrefix(line, "# id: ")}
		case strings.HasPrefix(line, "# kind: "):
			cur.Kind = strings.TrimPrefix(line, "# kind: ")
		case strings.HasPrefix(line, "# desc: "):
			cur.Desc = strings.TrimPrefix(line, "# desc: ")
		case strings.HasPrefix(line, "# encoding: "):
			cur.Encoding = strings.TrimPrefix(line, "# encoding: ")
		case strings.HasPrefix(line, "#"), line == "" && cur.Payload == nil:
		default:
			if cur.ID == "" || cur.Payload != nil {
				t.Fatalf("%s: unexpected line %q", corpusPath, line)
			}
			cur.Payload = []byte(line)
			if cur.Encoding == "c-escaped" {
				cur.Payload = cUnescape(t, line)
			}
			vs = append(vs, cur)
			cur = vector{}
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return vs
}

func cUnescape(t testing.TB, s string) []byte {
	t.Helper()
	b, err := testvec.CUnescape(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// wireResult is the golden record of one vector: the parsed header and a
// fingerprint of the message text (not the text: see corpusPath).
type wireResult struct {
	ID       string          `json:"id"`
	Desc     string          `json:"desc"` // what the reviewer checked against
	Format   string          `json:"format"`
	Pri      int             `json:"pri"`
	Time     string          `json:"time"` // RFC 3339 UTC, or "received"
	Hostname string          `json:"hostname,omitempty"`
	AppName  string          `json:"appname,omitempty"`
	ProcID   string          `json:"procid,omitempty"`
	MsgID    string          `json:"msgid,omitempty"`
	SD       []sdJSON        `json:"sd,omitempty"`
	Fields   json.RawMessage `json:"fields,omitempty"`
	Message  textPrint       `json:"message"`
}

type sdJSON struct {
	ID     string      `json:"id"`
	Params [][2]string `json:"params,omitempty"`
}

type textPrint struct {
	Len    int    `json:"len"`
	SHA256 string `json:"sha256,omitempty"` // first 12 hex digits
	Head   string `json:"head,omitempty"`   // first 8 bytes, to tell a leading space or BOM at a glance
}

func fingerprint(s string) textPrint {
	if s == "" {
		return textPrint{}
	}
	sum := sha256.Sum256([]byte(s))
	head := s
	if len(head) > 8 {
		head = head[:8]
	}
	return textPrint{Len: len(s), SHA256: hex.EncodeToString(sum[:])[:12], Head: head}
}

func wireRecord(v vector, e *event.Event) wireResult {
	r := wireResult{
		ID: v.ID, Desc: v.Desc, Format: e.Format, Pri: int(e.Pri),
		Hostname: e.Hostname, AppName: e.AppName, ProcID: e.ProcID, MsgID: e.MsgID,
		Message: fingerprint(e.Message),
	}
	r.Time = "received"
	if !e.Time.Equal(e.Received) {
		r.Time = e.Time.UTC().Format(time.RFC3339Nano)
	}
	for el := range e.SD.Elements() {
		j := sdJSON{ID: el.ID}
		for p := range el.Params() {
			j.Params = append(j.Params, [2]string{p.Name, p.Value})
		}
		r.SD = append(r.SD, j)
	}
	if len(e.Fields) > 0 {
		m := map[string]any{}
		for _, f := range e.Fields {
			switch f.Val.Type {
			case event.TypeInt:
				m[f.Key] = f.Val.Num
			case event.TypeBool:
				m[f.Key] = f.Val.Num != 0
			default:
				m[f.Key] = f.Val.String()
			}
		}
		r.Fields, _ = json.Marshal(m)
	}
	return r
}

// wirePayloads returns the messages a vector holds for the parser: the
// payload itself, or for an STRUCTURED-DATA fragment the fragment behind a
// nil RFC 5424 header. Framing vectors are relay/framing's.
func wirePayload(v vector) ([]byte, bool) {
	switch v.Kind {
	case "rfc5424", "rfc3164", "rfc3164-variant":
		if v.Encoding == "c-escaped" {
			return nil, false // a TCP stream (Cisco ASA framing)
		}
		return v.Payload, true
	case "sd-fragment":
		return append([]byte("<13>1 - - - - - "), v.Payload...), true
	}
	return nil, false
}

// TestWireCorpus parses every message vector of the shared corpus and
// compares the result with testdata/parse/wire/<id>.json. Each golden file
// was reviewed by hand against the vector's "desc" line (kept in the file);
// run with -update to rewrite them, then review the diff the same way.
func TestWireCorpus(t *testing.T) {
	vs := readCorpus(t)
	if len(vs) < 80 {
		t.Fatalf("%s: %d vectors, want the 84 documented", corpusPath, len(vs))
	}
	dir := filepath.Join("..", "testdata", "parse", "wire")
	p := New(Options{Location: time.UTC})
	seen := 0
	for _, v := range vs {
		raw, ok := wirePayload(v)
		if !ok {
			continue
		}
		seen++
		t.Run(v.ID, func(t *testing.T) {
			e := event.New(wireReceived)
			p.Parse(raw, e)
			if e.Original != string(raw) {
				t.Fatalf("Original = %q, want the frame", e.Original)
			}
			got, err := json.MarshalIndent(wireRecord(v, e), "", "  ")
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, '\n')
			path := filepath.Join(dir, v.ID+".json")
			if golden.Updating() {
				golden.Write(t, path, got)
				return
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test ./parse -run TestWireCorpus -update, then review)", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("%s differs:\ngot  %s\nwant %s", path, got, want)
			}
		})
	}
	if seen < 70 {
		t.Errorf("only %d message vectors", seen)
	}
}

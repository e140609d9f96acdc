package gateway

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/nomenhq/nomen/normalize/internal/normtest"
	"github.com/nomenhq/nomen/relay/event"
)

// Fuzz targets: whatever the input, no panic, a decoder that says no
// leaves the event untouched, a decoded event encodes to valid JSON.
//
//	go test ./normalize/gateway -run '^$' -fuzz FuzzGateway -fuzztime 60s
//	go test ./normalize/gateway -run '^$' -fuzz FuzzJSON -fuzztime 60s

func FuzzGateway(f *testing.F) {
	normtest.Seeds(f, "fortinet", "paloalto", "junos", "checkpoint", "cef", "leef", "sonicwall", "sophos")
	f.Fuzz(func(t *testing.T, msg string) {
		app := ""
		if i := strings.Index(msg, ": "); i > 0 && i < 40 {
			app = msg[:i]
		}
		for _, d := range Decoders() {
			normtest.FuzzDecode(t, d.Name, d.Decode, "", msg)
			normtest.FuzzDecode(t, d.Name, d.Decode, app, strings.TrimPrefix(msg, app+": "))
		}
	})
}

// FuzzJSON also checks that the JSON decoder takes exactly the messages
// that are one valid JSON object (within the size limit).
func FuzzJSON(f *testing.F) {
	normtest.Seeds(f, "json")
	for _, s := range []string{`{}`, `{"a":[]}`, `{"a":{"b":"\u00e9\ud83d\ude00"}}`, `@cee: {"x":1e400}`, `{"a":1}{`, `{"a":"\"}`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, msg string) {
		normtest.FuzzDecode(t, "json", decodeJSON, "app", msg)
		e := event.New(normtest.Received)
		e.AppName, e.Message = "app", msg
		body := strings.TrimRight(strings.TrimLeft(strings.TrimPrefix(msg, "@cee:"), " "), " \t\r\n")
		if !strings.HasPrefix(msg, "@cee:") {
			body = strings.TrimRight(msg, " \t\r\n")
		}
		want := len(body) <= jsonMaxBytes && strings.HasPrefix(body, "{") && json.Valid([]byte(body))
		if got := decodeJSON(e); got != want {
			t.Fatalf("decodeJSON(%q) = %v, want %v", msg, got, want)
		}
	})
}

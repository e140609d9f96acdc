package normalize

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nomenhq/nomen/relay/event"
)

// Fuzz targets for the network decoders (and the helpers the Windows one
// shares): whatever the input,
// no panic, a decoder that says no leaves the event untouched, and a
// decoded event encodes to valid JSON.
//
//	go test ./normalize -run '^$' -fuzz FuzzNetworkDecoders -fuzztime 60s

// fuzzSeeds adds the golden inputs of the given vendors as seeds.
func fuzzSeeds(f *testing.F, vendors ...string) {
	for _, v := range vendors {
		files, _ := filepath.Glob(filepath.Join(goldenRoot, v, "*", "input.txt"))
		for _, file := range files {
			b, err := os.ReadFile(file)
			if err != nil {
				f.Fatal(err)
			}
			for _, line := range strings.Split(string(b), "\n") {
				if line != "" {
					f.Add(line)
				}
			}
		}
	}
}

// fuzzDecode runs decode on an event carrying msg (as message, and with
// the text before the first ": " as the tag) and checks the invariants.
func fuzzDecode(t *testing.T, name string, decode func(*event.Event) bool, app, msg string) {
	e := event.New(goldenReceived)
	e.AppName, e.Message, e.Original = app, msg, msg
	if !decode(e) {
		if len(e.Fields) != 0 || e.Message != msg {
			t.Fatalf("%s said no but changed the event: %v", name, e.Fields)
		}
		return
	}
	var enc event.Encoder
	flatten(enc.AppendJSON(nil, e)) // panics on invalid JSON
}

func FuzzNetworkDecoders(f *testing.F) {
	fuzzSeeds(f, "cisco_asa", "cisco_ios", "iptables", "pfsense")
	f.Fuzz(func(t *testing.T, msg string) {
		app := ""
		if i := strings.Index(msg, ": "); i > 0 && i < 40 {
			app = msg[:i]
		}
		for _, d := range networkDecoders() {
			fuzzDecode(t, d.Name, d.Decode, "", msg)
			fuzzDecode(t, d.Name, d.Decode, app, strings.TrimPrefix(msg, app+": "))
		}
	})
}

package relay

import (
	"strings"
	"testing"
)

// An unknown key in an [[output]] or a [[listener]] is answered with the
// keys of that table's own type (protocol), not with those of every type
// (an output's were ~70), and with the closest of them.
func TestUnknownKeyListsItsOwnTypesKeys(t *testing.T) {
	doc := `state_dir = "/tmp/x"

[[listener]]
name = "tcp"
protocol = "tcp"
address = "127.0.0.1:0"
framin = "lf"

[[output]]
name = "archive"
type = "file"
path = "/tmp/x/out.json"

[[output]]
name = "siem"
type = "http"
kind = "ndjson"
url = "https://siem.example/ingest"
pth = "/x"
`
	_, err := ParseConfigData("nomen.toml", []byte(doc))
	if err == nil {
		t.Fatal("want an error")
	}
	lines := strings.Split(err.Error(), "\n")
	if len(lines) != 2 {
		t.Fatalf("want two errors, got %q", err)
	}
	listener, output := lines[0], lines[1]
	for _, want := range []string{
		`nomen.toml:7: unknown key "listener.framin": did you mean "framing"? (valid keys of [[listener]] of protocol "tcp": `,
		"address, ",
	} {
		if !strings.Contains(listener, want) {
			t.Errorf("%q does not say %q", listener, want)
		}
	}
	if strings.Contains(listener, "max_frame") || strings.Contains(listener, "stream") {
		t.Errorf("%q lists keys of the agent or nats listener", listener)
	}
	// "pth" is near "path" (the file output's) but http has no "path".
	if want := `nomen.toml:19: unknown key "output.pth": (valid keys of [[output]] of type "http": `; !strings.HasPrefix(output, want) {
		t.Errorf("%q does not start with %q", output, want)
	}
	for _, want := range []string{"batch_size", "url", "headers"} {
		if !strings.Contains(output, want) {
			t.Errorf("%q does not list %q", output, want)
		}
	}
	for _, other := range []string{"rotate_size", "topic", "dsn"} {
		if strings.Contains(output, other) {
			t.Errorf("%q lists %q, a key of another output type", output, other)
		}
	}
}

// A key that another [[output]]'s type takes is still unknown in an
// output whose type does not: the strict decoder marked "output.path"
// decoded for the file output, and the syslog output's "path" passed
// without a word (it configured nothing).
func TestKeyOfAnotherOutputsTypeIsUnknown(t *testing.T) {
	doc := `state_dir = "/tmp/x"

[[output]]
name = "archive"
type = "file"
path = "/tmp/x/out.json"

[[output]]
name = "siem"
type = "syslog"
address = "127.0.0.1:514"
path = "/tmp/x/siem.json"

[[listener]]
name = "agents"
protocol = "agent"
address = "127.0.0.1:0"
plaintext_for_testing = true
framing = "lf"

[[listener]]
name = "tcp"
protocol = "tcp"
address = "127.0.0.1:0"
framing = "lf"
`
	_, err := ParseConfigData("nomen.toml", []byte(doc))
	if err == nil {
		t.Fatal("want an error")
	}
	want := []string{
		`nomen.toml:19: unknown key "listener.framing": (valid keys of [[listener]] of protocol "agent": `,
		`nomen.toml:12: unknown key "output.path": (valid keys of [[output]] of type "syslog": address, `,
	}
	lines := strings.Split(err.Error(), "\n")
	if len(lines) != len(want) {
		t.Fatalf("errors %q, want %d", lines, len(want))
	}
	for i, w := range want {
		if !strings.HasPrefix(lines[i], w) {
			t.Errorf("error %q does not start with %q", lines[i], w)
		}
	}
}

// The inline form of the arrays (`output = [{...}, {...}]`) is answered
// as the table form is: an unknown key lists the keys of its own entry's
// type or protocol, and a key of another entry's type is unknown too. The
// strict decoder sees one "output" for all the entries there, and the
// message listed the keys of every output type.
func TestInlineEntriesListTheirOwnTypesKeys(t *testing.T) {
	doc := `state_dir = "/tmp/x"
listener = [
  {name = "agents", protocol = "agent", address = "127.0.0.1:0", plaintext_for_testing = true},
  {name = "tcp", protocol = "tcp", address = "127.0.0.1:0", framin = "lf"},
]
output = [
  {name = "archive", type = "file", path = "/tmp/x/out.json", tls = {ca = "/x"}},
  {name = "siem", type = "http", kind = "ndjson", url = "https://siem.example/ingest", pth = "/x"},
]
`
	_, err := ParseConfigData("nomen.toml", []byte(doc))
	if err == nil {
		t.Fatal("want an error")
	}
	lines := strings.Split(err.Error(), "\n")
	want := []string{
		`nomen.toml:4: unknown key "listener.framin": did you mean "framing"? (valid keys of [[listener]] of protocol "tcp": `,
		`nomen.toml:7: unknown key "output.tls": (valid keys of [[output]] of type "file": `,
		`nomen.toml:8: unknown key "output.pth": (valid keys of [[output]] of type "http": `,
	}
	if len(lines) != len(want) {
		t.Fatalf("errors %q, want %d", lines, len(want))
	}
	for i, w := range want {
		if !strings.HasPrefix(lines[i], w) {
			t.Errorf("error %q does not start with %q", lines[i], w)
		}
	}
	for _, other := range []string{"rotate_size", "topic", "dsn"} {
		if strings.Contains(lines[2], other) {
			t.Errorf("%q lists %q, a key of another output type", lines[2], other)
		}
	}
}

// A key that another inline entry's type takes is unknown in an entry
// whose type does not, as in the table form, and named with its line;
// also when it ends one entry and starts the next, and the entry has a
// table of its own.
func TestInlineKeyOfAnotherOutputsTypeIsUnknown(t *testing.T) {
	doc := `state_dir = "/tmp/x"
listener = [{name = "tcp", protocol = "tcp", address = "127.0.0.1:0"}]
output = [
  {name = "archive", type = "file", path = "/tmp/x/out.json"},
  # a comment with { and [ in it
  {path = "/tmp/x/siem.json", name = "siem", type = "syslog", format = "raw",
   tls = {server_name = "siem.example"}, transport = "tls", address = "127.0.0.1:514"},
]
`
	_, err := ParseConfigData("nomen.toml", []byte(doc))
	want := `nomen.toml:6: unknown key "output.path": (valid keys of [[output]] of type "syslog": address, `
	if err == nil || !strings.HasPrefix(err.Error(), want) || strings.Contains(err.Error(), "\n") {
		t.Errorf("error %v, want one starting %q", err, want)
	}
}

// A quoted key in an inline entry ("path" = ...) is found in its own
// entry, as a bare one is (the line of the first entry's path was given).
func TestInlineQuotedKeyLine(t *testing.T) {
	doc := `state_dir = "/tmp/x"
listener = [{name = "tcp", protocol = "tcp", address = "127.0.0.1:0"}]
output = [
  {name = "archive", type = "file", "path" = "/tmp/x/out.json"},
  {name = "siem", type = "syslog", format = "raw", address = "127.0.0.1:514",
   "path" = "/tmp/x/b.json"},
]
`
	_, err := ParseConfigData("nomen.toml", []byte(doc))
	want := `nomen.toml:6: unknown key "output.path": `
	if err == nil || !strings.HasPrefix(err.Error(), want) {
		t.Errorf("error %v, want one starting %q", err, want)
	}
}

package unix

import (
	"testing"

	"github.com/nomenhq/nomen/relay/event"
)

// sudo's log file starts a line with its time and " : ": cut only where
// the time has sudo's shape ("Mmm dd hh:mm:ss", log_year's " YYYY"), so
// that a user's message of another shape is read as it is.
func TestSudoFileTime(t *testing.T) {
	for in, want := range map[string]string{
		"Dec  7 12:01:47 : alice : TTY=pts/0":      "alice : TTY=pts/0",
		"Dec 17 02:01:47 2026 : alice : TTY=pts/0": "alice : TTY=pts/0",
		"alice : TTY=pts/0 ; COMMAND=/bin/ls":      "alice : TTY=pts/0 ; COMMAND=/bin/ls",
		"Dec  7 12:01:47 alice : TTY=pts/0":        "Dec  7 12:01:47 alice : TTY=pts/0",
		"Dec  7 1x:01:47 : alice : TTY=pts/0":      "Dec  7 1x:01:47 : alice : TTY=pts/0",
		"Dec  7 12:01:47 :":                        "Dec  7 12:01:47 :",
	} {
		if got := sudoFileTime(in); got != want {
			t.Errorf("sudoFileTime(%q) = %q, want %q", in, got, want)
		}
	}
}

// sudo's JSON: a value that imitates another member or item sets no
// field of its own (the text form's "USER=", a "from ADDR" in a name),
// and a message that is not one sudo event is not sudo's.
func TestSudoJSONForged(t *testing.T) {
	e := &event.Event{AppName: "sudo", Message: `@cee:{"sudo":{"accept":{"submituser":"alice from 192.0.2.9 port 22","runuser":"root ; USER=bob","command":"/bin/ls","runargv":["ls","COMMAND=/bin/sh"],"ttyname":"/dev/pts/0 ; TTY=x"}}}`}
	if !decodeSudo(e) {
		t.Fatal("not decoded")
	}
	for k, want := range map[string]string{
		"user.name":            "alice from 192.0.2.9 port 22",
		"user.effective.name":  "root ; USER=bob",
		"process.executable":   "/bin/ls",
		"process.command_line": "/bin/ls COMMAND=/bin/sh",
		"sudo.tty":             "pts/0 ; TTY=x",
		"source.ip":            "",
		"source.port":          "",
	} {
		if got := e.Str(k); got != want {
			t.Errorf("%s = %q, want %q", k, got, want)
		}
	}
	for _, m := range []string{
		`@cee:{"sudo":{"accept":{"submituser":"a"},"reject":{"submituser":"b"}}}`,
		`@cee:{"sudo":{"other":{"submituser":"a"}}}`,
		`@cee:{"app":{"accept":{"submituser":"a"}}}`,
		`@cee:{"sudo":{"accept":`,
	} {
		if e := (&event.Event{AppName: "sudo", Message: m}); decodeSudo(e) {
			t.Errorf("%q: decoded as sudo's", m)
		}
	}
}

package normalize

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Trace names the decoder that matched and how the dispatch chose it;
// Normalize and Trace decide alike.
func TestTraceBuiltin(t *testing.T) {
	n, err := New(Config{})
	if err != nil {
		t.Fatal(err)
	}
	var tr Trace
	e := msgEvent("sshd", "Failed password for root from 192.0.2.1 port 22 ssh2")
	got := n.Trace(e, &tr)
	if got != "sshd" || n.Normalize(msgEvent("sshd", "Failed password for root from 192.0.2.1 port 22 ssh2")) != got {
		t.Fatalf("decoder %q", got)
	}
	last := tr.Decoders[len(tr.Decoders)-1]
	if last.Decoder != "sshd" || !last.Matched || last.Step != StepProgram || last.Key != "sshd" || tr.None != "" {
		t.Errorf("trace %+v", tr)
	}
}

func TestTraceNone(t *testing.T) {
	n, err := New(Config{})
	if err != nil {
		t.Fatal(err)
	}
	var tr Trace
	if got := n.Trace(msgEvent("frobnicator", "the widget is wobbly"), &tr); got != "" {
		t.Fatalf("decoder %q", got)
	}
	if !strings.Contains(tr.None, `no built-in decoder is registered for program "frobnicator"`) {
		t.Errorf("none: %q", tr.None)
	}
	tr = Trace{}
	n.Trace(msgEvent("sshd", "something sshd never says"), &tr)
	if len(tr.Decoders) == 0 || tr.Decoders[0].Matched || !strings.Contains(tr.None, "declined") {
		t.Errorf("declined: %+v", tr)
	}
}

// The user rules of the program are tried one by one, with where a
// pattern stopped matching.
func TestTraceUserRules(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "r.toml"), []byte(`
[[rule]]
name = "app.ok"
program = "app"
pattern = "login ok user={u:word}"

[[rule]]
name = "app.failed"
program = "app"
pattern = "login failed user={u:word} from {src:ip}"
`), 0o644)
	n, err := New(Config{Rules: []string{filepath.Join(dir, "*.toml")}})
	if err != nil {
		t.Fatal(err)
	}
	var tr Trace
	if got := n.Trace(msgEvent("app", "login failed user=bob from nowhere"), &tr); got != "" {
		t.Fatalf("decoder %q", got)
	}
	if len(tr.Rules) != 2 || tr.Rules[0].Rule != "app.ok" || tr.Rules[0].Line != 2 || tr.Rules[1].Matched {
		t.Fatalf("rules %+v", tr.Rules)
	}
	if why := tr.Rules[1].Why; !strings.Contains(why, "byte 27") || !strings.Contains(why, "from |nowhere") {
		t.Errorf("why: %s", why)
	}
	tr = Trace{}
	if got := n.Trace(msgEvent("app", "login ok user=bob"), &tr); got != "app.ok" || !tr.Rules[0].Matched {
		t.Errorf("got %q, %+v", got, tr.Rules)
	}
}

// A "last message repeated N times" note is recognised as itself after
// the program's decoders declined it: the trace says no decoder failed.
func TestTraceLastRepeated(t *testing.T) {
	n, err := New(Config{})
	if err != nil {
		t.Fatal(err)
	}
	var tr Trace
	e := msgEvent("sshd", "last message repeated 3 times")
	if got := n.Trace(e, &tr); got != DecoderRepeat || tr.None != "" {
		t.Fatalf("decoder %q, none %q", got, tr.None)
	}
	if c, ok := e.Field(FieldRepeatCount); !ok || c.Num != 3 {
		t.Errorf("count %+v", c)
	}
}

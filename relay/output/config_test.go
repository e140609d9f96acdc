package output

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/nomenhq/nomen/internal/config"
	"github.com/nomenhq/nomen/relay/event"
)

// fileConfig is how an output type embeds Common.
type fileConfig struct {
	Common
	Path string `toml:"path"`
}

func TestCommonDecodesEmbeddedAndStrict(t *testing.T) {
	var doc struct {
		Output []fileConfig `toml:"output"`
	}
	err := config.Decode("t.toml", []byte(`
[[output]]
name = "archive"
type = "file"
path = "/var/log/nomen/events.jsonl"
where = { "event.kind" = "alert", "event.category" = ["authentication", "iam"] }
where_not = { "source.ip" = "10.*" }
batch_size = 1000
flush_interval = "250ms"
`), &doc, nil)
	if err != nil {
		t.Fatal(err)
	}
	c := doc.Output[0].Common.WithDefaults("/var/lib/nomen")
	if c.Name != "archive" || c.BatchSize != 1000 || c.FlushInterval.D() != 250*time.Millisecond ||
		doc.Output[0].Path != "/var/log/nomen/events.jsonl" || c.DeadLetter != "/var/lib/nomen/deadletter/archive.jsonl" {
		t.Fatalf("%+v", c)
	}
	if err := c.Validate(); err != nil {
		t.Fatal(err)
	}
	where, whereNot, err := c.Filters()
	if err != nil {
		t.Fatal(err)
	}
	e := event.New(time.Now())
	e.SetStr("event.kind", "alert")
	e.SetList("event.category", "iam")
	e.SetStr("source.ip", "192.0.2.1")
	if !where.Match(e) || whereNot.Match(e) {
		t.Fatal("filters do not match as configured")
	}

	err = config.Decode("t.toml", []byte("[[output]]\nname = \"a\"\nbatchsize = 3\n"), &doc, nil)
	if err == nil || !strings.Contains(err.Error(), "batchsize") {
		t.Fatalf("unknown key: %v", err)
	}
}

func TestCommonValidation(t *testing.T) {
	for _, c := range []Common{
		{},
		{Name: "a", BatchSize: -1},
		{Name: "a", BatchSize: 1_000_000},
		{Name: "a", FlushInterval: config.Duration(-time.Second)},
		{Name: "a", Where: map[string]any{"event.kind": map[string]any{}}},
		{Name: "a", WhereNot: map[string]any{"x": []any{}}},
	} {
		if err := c.WithDefaults("/s").Validate(); err == nil {
			t.Errorf("%+v: no error", c)
		}
	}
	if got := DefaultDeadLetterPath("/s", "../evil name"); got != "/s/deadletter/_._evil_name.jsonl" {
		t.Errorf("unsafe name mapped to %s", got)
	}
}

// The dead-letter file rotates once to .1; with .1 still there it is full:
// Write fails and nothing written before is deleted. Once .1 is moved
// away, writing goes on.
func TestDeadLetterRotatesOnceThenIsFull(t *testing.T) {
	path := filepath.Join(t.TempDir(), "dl", "x.jsonl")
	dl := NewDeadLetter(path, 2000, "relay1")
	written := 0
	var err error
	for ; written < 50; written++ {
		if err = dl.Write("x", time.Now(), []Rejected{{testEvent(written), os.ErrInvalid}}); err != nil {
			break
		}
	}
	if !errors.Is(err, ErrDeadLetterFull) || written == 0 {
		t.Fatalf("after %d writes: %v, want ErrDeadLetterFull", written, err)
	}
	dl.Close()
	cur, err1 := os.Stat(path)
	old, err2 := os.Stat(path + ".1")
	if err1 != nil || err2 != nil {
		t.Fatalf("%v %v", err1, err2)
	}
	if cur.Size() > 2000 || old.Size() > 2000 {
		t.Fatalf("sizes %d and %d over the 2000-byte limit", cur.Size(), old.Size())
	}
	lines := append(readDeadLetter(t, path+".1"), readDeadLetter(t, path)...)
	if len(lines) != written || lines[0]["error"] != os.ErrInvalid.Error() {
		t.Fatalf("%d lines in the two files for %d written: every one must be kept", len(lines), written)
	}
	// The operator takes .1 away: the next write rotates and succeeds.
	if err := os.Rename(path+".1", path+".read"); err != nil {
		t.Fatal(err)
	}
	if err := dl.Write("x", time.Now(), []Rejected{{testEvent(written), os.ErrInvalid}}); err != nil {
		t.Fatalf("after .1 was moved away: %v", err)
	}
	if n := len(readDeadLetter(t, path+".1")); n != len(lines)-len(readDeadLetter(t, path+".read")) {
		t.Fatalf(".1 has %d lines", n)
	}
}

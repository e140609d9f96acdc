package logging

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// journalEnv returns a JOURNAL_STREAM value naming f, as systemd would set
// it for a service whose stderr is f.
func journalEnv(t *testing.T, f *os.File) string {
	t.Helper()
	dev, ino, ok := fileID(f)
	if !ok {
		t.Skip("no device:inode on this system")
	}
	return fmt.Sprintf("%d:%d", dev, ino)
}

func tempFile(t *testing.T, name string) *os.File {
	t.Helper()
	f, err := os.Create(filepath.Join(t.TempDir(), name))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

func TestIsJournalStream(t *testing.T) {
	stderr := tempFile(t, "stderr")
	other := tempFile(t, "other")
	env := journalEnv(t, stderr)
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	defer w.Close()
	for _, c := range []struct {
		f    *os.File
		env  string
		want bool
	}{
		{stderr, env, true},
		{w, journalEnv(t, w), true}, // a pipe, as in the e2e test
		{other, env, false},         // stderr redirected elsewhere
		{stderr, "", false},         // not started by systemd
		{stderr, "12", false},
		{stderr, "x:y", false},
		{stderr, strings.Replace(env, ":", ":9", 1), false},
	} {
		if got := isJournalStream(c.f, c.env); got != c.want {
			t.Errorf("isJournalStream(%s, %q) = %v, want %v", c.f.Name(), c.env, got, c.want)
		}
	}
	t.Setenv("JOURNAL_STREAM", env)
	if !IsJournalStream(stderr) || IsJournalStream(other) {
		t.Errorf("IsJournalStream does not read JOURNAL_STREAM %q", env)
	}
}

func TestPriority(t *testing.T) {
	for _, c := range []struct {
		level slog.Level
		want  int
	}{
		{slog.LevelError + 4, 3}, {slog.LevelError, 3},
		{slog.LevelWarn + 2, 4}, {slog.LevelWarn, 4},
		{slog.LevelInfo + 1, 6}, {slog.LevelInfo, 6},
		{slog.LevelDebug, 7}, {slog.LevelDebug - 4, 7},
	} {
		if got := Priority(c.level); got != c.want {
			t.Errorf("Priority(%v) = %d, want %d", c.level, got, c.want)
		}
	}
}

// TestJournalLines: under a JOURNAL_STREAM naming the file written to,
// every line starts with its priority and has no time.
func TestJournalLines(t *testing.T) {
	for _, format := range []string{"text", "json"} {
		t.Run(format, func(t *testing.T) {
			f := tempFile(t, "stderr")
			t.Setenv("JOURNAL_STREAM", journalEnv(t, f))
			log := New(f, slog.LevelDebug, format).With("component", "output")
			log.Debug("polling", "n", 1)
			log.Info("output started", "output", "pg")
			log.Warn("slow", "output", "pg")
			log.Error("failed", "err", "boom")
			b, err := os.ReadFile(f.Name())
			if err != nil {
				t.Fatal(err)
			}
			lines := strings.Split(strings.TrimSuffix(string(b), "\n"), "\n")
			want := []string{"<7>", "<6>", "<4>", "<3>"}
			if len(lines) != len(want) {
				t.Fatalf("got %d lines, want %d:\n%s", len(lines), len(want), b)
			}
			for i, line := range lines {
				if !strings.HasPrefix(line, want[i]) {
					t.Errorf("line %d does not start with %s: %s", i, want[i], line)
				}
				if strings.Contains(line, "time") {
					t.Errorf("line %d has a time: %s", i, line)
				}
				if !strings.Contains(line, "component") {
					t.Errorf("line %d lost its With attribute: %s", i, line)
				}
			}
			if format == "text" && lines[2] != `<4>level=WARN msg=slow component=output output=pg` {
				t.Errorf("warning line = %q", lines[2])
			}
			if format == "json" && lines[2] != `<4>{"level":"WARN","msg":"slow","component":"output","output":"pg"}` {
				t.Errorf("warning line = %q", lines[2])
			}
		})
	}
}

// TestNotJournalUnchanged: without the journal, a record without repeated
// keys comes out byte for byte as slog's own handlers write it.
func TestNotJournalUnchanged(t *testing.T) {
	at := time.Date(2026, 3, 4, 5, 6, 7, 8000, time.UTC)
	for _, format := range []string{"text", "json"} {
		var got, want bytes.Buffer
		var h, std slog.Handler
		h = NewHandler(&got, Options{Format: format})
		if format == "json" {
			std = slog.NewJSONHandler(&want, nil)
		} else {
			std = slog.NewTextHandler(&want, nil)
		}
		for _, build := range []func(slog.Handler) slog.Handler{
			func(h slog.Handler) slog.Handler { return h },
			func(h slog.Handler) slog.Handler {
				return h.WithAttrs([]slog.Attr{slog.String("component", "journal")}).WithGroup("g").WithAttrs([]slog.Attr{slog.Int("x", 1)})
			},
		} {
			for _, level := range []slog.Level{slog.LevelInfo, slog.LevelError} {
				rec := slog.NewRecord(at, level, "a message\nwith a newline", 0)
				rec.AddAttrs(slog.String("output", "pg"), slog.Group("peer", "ip", "127.0.0.1", "port", 514), slog.Duration("d", time.Second))
				if err := build(h).Handle(context.Background(), rec); err != nil {
					t.Fatal(err)
				}
				build(std).Handle(context.Background(), rec)
			}
		}
		if got.String() != want.String() {
			t.Errorf("%s:\n got %s\nwant %s", format, got.String(), want.String())
		}
		if !strings.Contains(got.String(), "2026-03-04T05:06:07") {
			t.Errorf("%s: no time:\n%s", format, got.String())
		}
	}
}

func TestLevel(t *testing.T) {
	var buf bytes.Buffer
	log := slog.New(NewHandler(&buf, Options{Level: slog.LevelWarn}))
	log.Info("hidden")
	log.Warn("shown")
	if strings.Contains(buf.String(), "hidden") || !strings.Contains(buf.String(), "shown") {
		t.Errorf("level warn wrote:\n%s", buf.String())
	}
	buf.Reset()
	slog.New(NewHandler(&buf, Options{})).Debug("hidden by default")
	if buf.Len() != 0 {
		t.Errorf("default level wrote debug: %s", buf.String())
	}
}

// TestDuplicateKeys: a key appears once per group, with its first value.
func TestDuplicateKeys(t *testing.T) {
	type logFunc func(*slog.Logger)
	for _, c := range []struct {
		name string
		log  logFunc
		want string // JSON without time and level
	}{
		{"with then record", func(l *slog.Logger) {
			l.With("component", "output", "output", "pg").With("output", "pg").Info("m", "output", "other", "n", 1)
		}, `{"msg":"m","component":"output","output":"pg","n":1}`},
		{"within a record", func(l *slog.Logger) {
			l.Info("m", "a", 1, "b", 2, "a", 3)
		}, `{"msg":"m","a":1,"b":2}`},
		{"within one With", func(l *slog.Logger) {
			l.With("a", 1, "a", 2).Info("m")
		}, `{"msg":"m","a":1}`},
		{"same key in different groups is kept", func(l *slog.Logger) {
			l.With("a", 1).WithGroup("g").With("a", 2).Info("m", "a", 3, "b", 4)
		}, `{"msg":"m","a":1,"g":{"a":2,"b":4}}`},
		{"groups of the same name merge", func(l *slog.Logger) {
			l.Info("m", slog.Group("peer", "ip", "10.0.0.1"), slog.Group("peer", "port", 514, "ip", "10.0.0.2"))
		}, `{"msg":"m","peer":{"ip":"10.0.0.1","port":514}}`},
		{"With group and record group merge", func(l *slog.Logger) {
			l.With(slog.Group("g", "a", 1)).WithGroup("g").Info("m", "a", 2, "b", 3)
		}, `{"msg":"m","g":{"a":1,"b":3}}`},
		{"a value then a group of the same name", func(l *slog.Logger) {
			l.With("g", "plain").WithGroup("g").Info("m", "a", 1)
		}, `{"msg":"m","g":"plain"}`},
		{"inline group", func(l *slog.Logger) {
			l.With("a", 1).Info("m", slog.Group("", "a", 2, "b", 3))
		}, `{"msg":"m","a":1,"b":3}`},
		{"empty group left out", func(l *slog.Logger) {
			l.WithGroup("g").Info("m")
		}, `{"msg":"m"}`},
		{"log valuer resolved", func(l *slog.Logger) {
			l.Info("m", "v", valuer{}, "v", 2)
		}, `{"msg":"m","v":{"x":1}}`},
	} {
		t.Run(c.name, func(t *testing.T) {
			var buf bytes.Buffer
			c.log(slog.New(NewHandler(&buf, Options{Format: "json"})))
			var doc map[string]any
			if err := json.Unmarshal(buf.Bytes(), &doc); err != nil {
				t.Fatalf("%v: %s", err, buf.String())
			}
			line := buf.String()
			// Drop "time" and "level": they vary and are not the subject.
			line = line[:strings.Index(line, `"time"`)] + line[strings.Index(line, `"msg"`):]
			if got := strings.TrimSuffix(line, "\n"); got != c.want {
				t.Errorf("got  %s\nwant %s", got, c.want)
			}
		})
	}
}

// TestDuplicateKeysText: the text format, where the bug was seen
// (output=pg output=pg).
func TestDuplicateKeysText(t *testing.T) {
	var buf bytes.Buffer
	h := NewHandler(&buf, Options{Journal: true})
	slog.New(h).With("component", "output", "output", "pg").With("output", "pg").Warn("retrying", "output", "pg", "peer.ip", "1")
	if got, want := buf.String(), "<4>level=WARN msg=retrying component=output output=pg peer.ip=1\n"; got != want {
		t.Errorf("got  %q\nwant %q", got, want)
	}
}

type valuer struct{}

func (valuer) LogValue() slog.Value { return slog.GroupValue(slog.Int("x", 1)) }

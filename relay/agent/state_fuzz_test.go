package agent

import (
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/nomenhq/nomen/internal/atomicfile"
)

// FuzzCursorFile feeds the agent cursor file reader damaged files. It
// must never panic, and a file it accepts must hold only what Flush
// writes: the agent its name says, each stream once, with a position; and
// it must read back the same after being written again.
func FuzzCursorFile(f *testing.F) {
	used := time.Date(2026, 12, 6, 8, 0, 0, 0, time.UTC)
	a := &agentState{streams: map[streamKey]*streamState{
		{"Security", 5}: {durable: 1042, used: used},
		{"Microsoft-Windows-Sysmon/Operational", 1}: {durable: 7, used: used},
	}}
	f.Add("DC01.json", encodeCursorFile("DC01", a))
	f.Add("ws%2001.json", encodeCursorFile("ws 01", a))
	f.Add("DC01.json", []byte(`{"agent":"DC01","streams":[{"channel":"Security","epoch":5,"durable":9},{"channel":"Security","epoch":5,"durable":3}]}`))
	f.Add("DC01.json", []byte(`{"agent":"ws01","streams":[{"channel":"Security","epoch":5,"durable":9}]}`))
	f.Add("DC01.json", []byte(`{"agent":"DC01","streams":[{"channel":"","epoch":0,"durable":0,"used":"x"}]}`))
	f.Add("DC01.json", []byte(`{"agent":"DC01","streams":null}`))
	f.Add("DC01.json", []byte(`{"agent":"DC01","str`))
	f.Add("DC01.json", []byte(`null`))
	f.Fuzz(func(t *testing.T, name string, data []byte) {
		agent, st, err := decodeCursorFile(name, data)
		if err != nil {
			return
		}
		if agent == "" || cursorFileName(agent) != name {
			t.Fatalf("file %q accepted for agent %q", name, agent)
		}
		for k, s := range st.streams {
			if k.channel == "" || k.epoch == 0 || s.durable == 0 {
				t.Fatalf("accepted stream %+v at %d", k, s.durable)
			}
		}
		agent2, st2, err := decodeCursorFile(name, encodeCursorFile(agent, st))
		if err != nil || agent2 != agent || len(st2.streams) != len(st.streams) {
			t.Fatalf("written again: %q %d streams, %v; was %q %d streams", agent2, len(st2.streams), err, agent, len(st.streams))
		}
		for k, s := range st.streams {
			if s2 := st2.streams[k]; s2 == nil || s2.durable != s.durable || !s2.used.Equal(s.used) {
				t.Fatalf("stream %+v: %+v written again as %+v", k, s, s2)
			}
		}
	})
}

// A cursor file that claims another agent, or names a stream twice, is
// ignored (the agent resends: duplicates, never loss): before, ws01's
// file could set DC01's cursor, and DC01's new records were dropped as
// duplicates.
func TestCursorFileOfAnotherAgentIgnored(t *testing.T) {
	dir := t.TempDir()
	st, err := OpenState(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	st.Close()
	agents := dir + "/agents/"
	for name, body := range map[string]string{
		"ws01.json": `{"agent":"DC01","streams":[{"channel":"Security","epoch":5,"durable":999999}]}`,
		"DC02.json": `{"agent":"DC02","streams":[{"channel":"Security","epoch":5,"durable":9},{"channel":"Security","epoch":5,"durable":3}]}`,
	} {
		if err := atomicfile.WriteFile(agents+name, []byte(body), 0o640); err != nil {
			t.Fatal(err)
		}
	}
	var logged strings.Builder
	st, err = OpenState(dir, slog.New(slog.NewTextHandler(&logged, nil)))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	for _, agent := range []string{"DC01", "ws01", "DC02"} {
		if got := st.durable(agent, streamKey{"Security", 5}); got != 0 {
			t.Errorf("%s: cursor %d from a damaged file, want none", agent, got)
		}
	}
	if n := strings.Count(logged.String(), "unreadable cursor file ignored"); n != 2 {
		t.Errorf("%d files reported, want 2:\n%s", n, logged.String())
	}
}

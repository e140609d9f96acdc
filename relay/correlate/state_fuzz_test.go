package correlate

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/nomenhq/nomen/relay/event"
)

// statefulRules has a rule of every kind that keeps state; process
// tracking and script block reassembly are on by default.
const statefulRules = bruteforce + `
[[correlate.pair]]
name = "p"
first = { "event.action" = "logon" }
second = { "event.action" = "logoff" }
group_by = ["user.name"]
window = "1h"
[[correlate.first_seen]]
name = "fs"
where = { "event.category" = "authentication" }
fields = ["source.ip"]
`

// fuzzBatch touches every rule: failures, logons, process starts and
// ends, and parts of two script blocks that stay open (part 4 of 4 never
// comes).
func fuzzBatch(at time.Time, i int) []*event.Event {
	return []*event.Event{
		failure(at, "10.0.0."+strconv.Itoa(i%3)),
		ev(at, "event.action", "logon", "user.name", "u"+strconv.Itoa(i%2)),
		ev(at, "event.action", "logoff", "user.name", "u"+strconv.Itoa(i%2)),
		winProc(at, "4688", int64(500+i%4), `C:\Windows\notepad.exe`),
		winProc(at, "4689", int64(500+(i+2)%4), `C:\Windows\notepad.exe`),
		sbPart(at, "WS1", "{b"+strconv.Itoa(i%2)+"}", 1+i%3, 4, "part "+strconv.Itoa(i)),
	}
}

// FuzzEngineSnapshot restores the correlation engine from damaged
// snapshots of every rule kind, then drives it with events and time. It
// must never panic: a snapshot or a rule's state that cannot be used is
// dropped and logged (see Engine.restore), the engine running on.
func FuzzEngineSnapshot(f *testing.F) {
	dir := f.TempDir()
	p := newPipe(f, statefulRules, dir)
	for i := range 7 {
		p.send(fuzzBatch(p.now, i)...)
		p.tick(time.Second)
	}
	if err := p.en.Close(); err != nil {
		f.Fatal(err)
	}
	good, err := os.ReadFile(filepath.Join(dir, "correlate", "state.json"))
	if err != nil {
		f.Fatal(err)
	}
	f.Add(good)
	f.Add([]byte(`{"version":1,"stage":"correlate","applied":3,"state":{"rules":{}}}`))
	f.Add([]byte(`{"version":1,"stage":"correlate","applied":3,"state":{"rules":null}}`))
	f.Add([]byte(`{"version":1,"stage":"correlate","applied":3,"state":null}`))
	dir = f.TempDir()
	os.MkdirAll(filepath.Join(dir, "correlate"), 0o700)
	f.Fuzz(func(t *testing.T, data []byte) {
		os.Remove(filepath.Join(dir, "correlate", "state.json.corrupt"))
		if err := os.WriteFile(filepath.Join(dir, "correlate", "state.json"), data, 0o600); err != nil {
			t.Fatal(err)
		}
		p := newPipe(t, statefulRules, dir)
		checkScriptBlocks(t, p.en)
		for i := range 4 {
			p.send(fuzzBatch(p.now, i)...)
			p.tick(time.Minute)
		}
		p.tick(72 * time.Hour) // every window, timeout and lifetime ends
		p.send(fuzzBatch(p.now, 5)...)
		// What Close would save (without its fsyncs, which made an
		// execution take 0.2 s on a loaded disk).
		if _, err := json.Marshal(p.en.state()); err != nil {
			t.Fatal(err)
		}
	})
}

// checkScriptBlocks checks the open script blocks and the bytes they are
// counted for (max_bytes is kept by that count).
func checkScriptBlocks(t *testing.T, en *Engine) {
	t.Helper()
	for _, r := range en.rules {
		sb, ok := r.(*scriptBlocks)
		if !ok {
			continue
		}
		total := 0
		sb.open.All(func(k string, b *block) bool {
			if err := b.check(k); err != nil {
				t.Fatalf("restored: %v", err)
			}
			total += b.Bytes
			return true
		})
		if total != sb.bytes {
			t.Fatalf("open blocks hold %d bytes, counted %d", total, sb.bytes)
		}
	}
}

// A script block whose byte count is not its parts', or whose parts are
// out of order, is not restored, nor any block of that snapshot (before,
// it was: a negative count let the open blocks grow past max_bytes, and
// parts out of order were joined out of order).
func TestDamagedScriptBlocksNotRestored(t *testing.T) {
	for _, blocks := range []string{
		`[{"k":"ws1/{b1}","v":{"host":"WS1","id":"{b1}","total":3,"parts":[{"n":1,"t":"a"}],"bytes":49}},` +
			`{"k":"ws1/{b2}","v":{"host":"WS1","id":"{b2}","total":3,"parts":[{"n":1,"t":"a"}],"bytes":-100000000}}]`,
		`[{"k":"ws1/{b1}","v":{"host":"WS1","id":"{b1}","total":3,"parts":[{"n":2,"t":"b"},{"n":1,"t":"a"}],"bytes":98}}]`,
		`[{"k":"ws1/{b1}","v":{"host":"WS1","id":"{b9}","total":3,"parts":[{"n":1,"t":"a"}],"bytes":49}}]`,
	} {
		dir := t.TempDir()
		os.MkdirAll(filepath.Join(dir, "correlate"), 0o700)
		state := `{"version":1,"stage":"correlate","applied":0,"state":{"rules":{"` + scriptBlockHash + `":{"open":` + blocks + `}}}}`
		if err := os.WriteFile(filepath.Join(dir, "correlate", "state.json"), []byte(state), 0o600); err != nil {
			t.Fatal(err)
		}
		p := newPipe(t, "", dir)
		for _, r := range p.en.rules {
			if sb, ok := r.(*scriptBlocks); ok && (sb.open.Len() != 0 || sb.bytes != 0) {
				t.Errorf("%s: %d blocks, %d bytes restored", blocks, sb.open.Len(), sb.bytes)
			}
		}
	}
}

package correlate

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/nomenhq/nomen/relay/event"
	"github.com/prometheus/client_golang/prometheus"
)

// sbPart is a 4104 part as the Windows decoder leaves it.
func sbPart(at time.Time, host, id string, num, total int, text string) *event.Event {
	e := ev(at, "event.code", "4104", "winlog.channel", channelPowerShell, "host.name", host,
		"winlog.event_data.MessageNumber", strconv.Itoa(num), "winlog.event_data.MessageTotal", strconv.Itoa(total),
		"winlog.event_data.ScriptBlockText", text, "winlog.event_data.ScriptBlockId", id)
	e.Time = at
	return e
}

// labelled returns the value of metric name whose label has value.
func labelled(t testing.TB, reg *prometheus.Registry, name, label, value string) float64 {
	t.Helper()
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, mf := range mfs {
		if mf.GetName() != name {
			continue
		}
		for _, m := range mf.GetMetric() {
			for _, l := range m.GetLabel() {
				if l.GetName() == label && l.GetValue() == value {
					return metricValue(m)
				}
			}
		}
	}
	return 0
}

func TestScriptBlockMetrics(t *testing.T) {
	p := newPipe(t, "", t.TempDir())
	got := p.send(sbPart(p.now, "WS1", "a", 2, 2, "two"), sbPart(p.now, "WS1", "a", 1, 2, "one "),
		sbPart(p.now, "WS1", "a", 1, 2, "one "), // after the record: dropped
		sbPart(p.now, "WS1", "b", 1, 3, "b1"), sbPart(p.now, "WS1", "b", 1, 3, "b1"))
	if len(got) != 1 || got[0].Str("powershell.file.script_block_text") != "one two" {
		t.Fatalf("record: %v", encAll(got))
	}
	got = p.tick(61 * time.Second)
	if len(got) != 1 || got[0].Kind() != "alert" || got[0].Str(fieldSBMissing) != "2,3" || got[0].Str(fieldGapCount) != "2" ||
		got[0].Str(fieldSBDuplicates) != "1" {
		t.Fatalf("alert: %v", encAll(got))
	}
	for _, c := range []struct {
		name, label, value string
		want               float64
	}{
		{"nomen_correlate_script_blocks_total", "result", "complete", 1},
		{"nomen_correlate_script_blocks_total", "result", "incomplete", 1},
		{"nomen_correlate_script_block_parts_dropped_total", "reason", "after_close", 1},
		{"nomen_correlate_script_block_parts_dropped_total", "reason", "duplicate", 1},
		{"nomen_findings_total", "rule", ruleScriptBlockIncomplete, 1},
	} {
		if v := labelled(t, p.reg, c.name, c.label, c.value); v != c.want {
			t.Errorf("%s{%s=%q} = %v, want %v", c.name, c.label, c.value, v, c.want)
		}
	}
}

// TestScriptBlockIgnores: what is not a part of a multi-part block.
func TestScriptBlockIgnores(t *testing.T) {
	p := newPipe(t, "", t.TempDir())
	other := sbPart(p.now, "WS1", "c", 1, 2, "x")
	other.SetStr("winlog.channel", "Application")
	noTotal := ev(p.now, "event.code", "4104", "winlog.channel", channelPowerShell, "host.name", "WS1",
		"winlog.event_data.ScriptBlockId", "d", "winlog.event_data.MessageNumber", "1")
	p.send(sbPart(p.now, "WS1", "a", 1, 1, "whole"), other, noTotal,
		sbPart(p.now, "WS1", "e", 3, 2, "numbered past the total"), sbPart(p.now, "", "f", 1, 2, "no host"))
	if got := p.tick(time.Hour); len(got) != 0 {
		t.Errorf("tracked: %v", encAll(got))
	}
}

// TestScriptBlockElasticNames: parts that carry the Elastic integration's
// field names (powershell.*) instead of the raw EventData.
func TestScriptBlockElasticNames(t *testing.T) {
	p := newPipe(t, "", t.TempDir())
	part := func(n int64, text string) *event.Event {
		e := ev(p.now, "event.code", "4104", "winlog.channel", channelPowerShellCore, "host.name", "ws9",
			"powershell.file.script_block_id", "{AB}", "powershell.file.script_block_text", text, "file.path", `C:\x\y.ps1`)
		e.SetInt("powershell.sequence", n)
		e.SetInt("powershell.total", 2)
		return e
	}
	got := p.send(part(1, "a"), part(2, "b"))
	if len(got) != 1 || got[0].Str("powershell.file.script_block_text") != "ab" || got[0].Str("file.name") != "y.ps1" {
		t.Errorf("record: %v", encAll(got))
	}
}

// TestScriptBlockTruncated: max_block_bytes cuts the text (at a character
// boundary) and flags it; parts beyond the limit still count as arrived.
func TestScriptBlockTruncated(t *testing.T) {
	p := newPipe(t, "[correlate.powershell]\nmax_block_bytes = \"1KiB\"\nmax_bytes = \"1KiB\"\n", t.TempDir())
	big := strings.Repeat("é", 400) // 800 bytes
	got := p.send(sbPart(p.now, "WS1", "a", 1, 3, big), sbPart(p.now, "WS1", "a", 2, 3, big), sbPart(p.now, "WS1", "a", 3, 3, big))
	if len(got) != 1 {
		t.Fatalf("records: %v", encAll(got))
	}
	text := got[0].Str("powershell.file.script_block_text")
	if !strings.HasPrefix(text, big) || len(text) > 1024-2*partOverhead || !strings.HasSuffix(text, "é") {
		t.Errorf("text of %d bytes, want the first part and a cut of the second at a character", len(text))
	}
	if got[0].Str(fieldSBTruncated) != "true" || got[0].Str(fieldSBParts) != "2" {
		t.Errorf("record: %v", enc(got[0]))
	}
	if v := labelled(t, p.reg, "nomen_correlate_script_block_parts_dropped_total", "reason", "max_block_bytes"); v != 1 {
		t.Errorf("parts dropped at max_block_bytes: %v", v)
	}
	// Incomplete and truncated: the missing parts are counted, not listed.
	p.send(sbPart(p.now, "WS1", "b", 1, 4, big), sbPart(p.now, "WS1", "b", 2, 4, big), sbPart(p.now, "WS1", "b", 3, 4, big))
	got = p.tick(time.Minute)
	if len(got) != 1 || got[0].Has(fieldSBMissing) || got[0].Str(fieldGapCount) != "1" {
		t.Errorf("alert: %v", encAll(got))
	}
}

// TestScriptBlockLargePartKept: a 1 MiB part is kept whole by default.
func TestScriptBlockLargePartKept(t *testing.T) {
	p := newPipe(t, "", t.TempDir())
	big := strings.Repeat("Write-Output 'x'\r\n", (1<<20)/18+1)
	got := p.send(sbPart(p.now, "WS1", "a", 1, 2, big), sbPart(p.now, "WS1", "a", 2, 2, "end"))
	if len(got) != 1 || got[0].Str("powershell.file.script_block_text") != big+"end" || got[0].Has(fieldSBTruncated) {
		t.Errorf("the 1 MiB part was not kept whole")
	}
}

// TestScriptBlockBounds: beyond max_open and max_bytes the least recently
// used blocks are reported incomplete and counted as evicted.
func TestScriptBlockBounds(t *testing.T) {
	p := newPipe(t, "[correlate.powershell]\nmax_open = 2\n", t.TempDir())
	got := p.send(sbPart(p.now, "WS1", "a", 1, 2, "a"), sbPart(p.now, "WS1", "b", 1, 2, "b"),
		sbPart(p.now, "WS1", "a", 1, 2, "a"), // a is used last: b goes
		sbPart(p.now, "WS1", "c", 1, 2, "c"))
	if len(got) != 1 || got[0].Str("powershell.file.script_block_id") != "b" || got[0].Str(fieldSBClosedBy) != "max_open" {
		t.Fatalf("max_open: %v", encAll(got))
	}
	p = newPipe(t, "[correlate.powershell]\nmax_block_bytes = \"1KiB\"\nmax_bytes = \"2KiB\"\n", t.TempDir())
	text := strings.Repeat("x", 700)
	got = p.send(sbPart(p.now, "WS1", "a", 1, 2, text), sbPart(p.now, "WS1", "b", 1, 2, text), sbPart(p.now, "WS1", "c", 1, 2, text))
	if len(got) != 1 || got[0].Str("powershell.file.script_block_id") != "a" || got[0].Str(fieldSBClosedBy) != "max_bytes" {
		t.Fatalf("max_bytes: %v", encAll(got))
	}
	if v := counter(t, p.reg, "nomen_correlate_evicted_total", ruleScriptBlock); v != 1 {
		t.Errorf("evicted = %v", v)
	}
	// The rest still completes.
	got = p.send(sbPart(p.now, "WS1", "c", 2, 2, "!"))
	if len(got) != 1 || got[0].Str("powershell.file.script_block_text") != text+"!" {
		t.Errorf("after eviction: %v", encAll(got))
	}
}

// TestScriptBlockStateSurvivesRestartAndRetune: an open block outlives a
// restart and a change of the timeout; a crash's recovery counts nothing again.
func TestScriptBlockStateSurvivesRestartAndRetune(t *testing.T) {
	dir := t.TempDir()
	p := newPipe(t, "", dir)
	p.send(sbPart(p.now, "WS1", "a", 1, 3, "one "))
	if err := p.en.Close(); err != nil {
		t.Fatal(err)
	}
	p.open(decode(t, ""))
	if err := p.en.Reload(decode(t, "[correlate.powershell]\ntimeout = \"5m\"\n")); err != nil {
		t.Fatal(err)
	}
	if got := p.tick(2 * time.Minute); len(got) != 0 {
		t.Errorf("timeout not raised to 5m: %v", encAll(got))
	}
	p.send(sbPart(p.now, "WS1", "a", 2, 3, "two "))
	p.open(decode(t, "[correlate.powershell]\ntimeout = \"5m\"\n")) // a crash: the last snapshot and the journal
	got := p.send(sbPart(p.now, "WS1", "a", 3, 3, "three"))
	if len(got) != 1 || got[0].Str("powershell.file.script_block_text") != "one two three" || got[0].Str(FieldFindingEvents) != "1,2,3" {
		t.Errorf("record after restart and crash: %v", encAll(got))
	}
}

func TestScriptBlockConfigErrors(t *testing.T) {
	for src, want := range map[string]string{
		"[correlate.powershell]\nmax_block_bytes = \"8MiB\"\nmax_bytes = \"4MiB\"\n":                  "must not exceed max_bytes",
		"[correlate.powershell]\nmax_block_bytes = 100\n":                                             "too small",
		"[correlate.powershell]\nmax_open = -1\n":                                                     "must not be negative",
		"[[correlate.match]]\nname = \"powershell-script-block-incomplete\"\nwhere = { a = \"b\" }\n": "name already used",
	} {
		err := decode(t, src).Validate()
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: got %v, want %q", src, err, want)
		}
	}
	if err := decode(t, "[correlate.powershell]\nenabled = false\n").Validate(); err != nil {
		t.Error(err)
	}
}

func TestCutUTF8(t *testing.T) {
	for _, c := range []struct {
		s    string
		n    int
		want string
	}{{"abc", 5, "abc"}, {"abc", 2, "ab"}, {"aé", 2, "a"}, {"aé", 3, "aé"}, {"é", 0, ""}} {
		if got := cutUTF8(c.s, c.n); got != c.want {
			t.Errorf("cutUTF8(%q, %d) = %q, want %q", c.s, c.n, got, c.want)
		}
	}
}

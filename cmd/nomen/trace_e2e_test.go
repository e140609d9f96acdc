package main

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// parseRun runs `nomen parse` with args on input and returns stdout.
func parseRun(t *testing.T, input string, args ...string) string {
	t.Helper()
	cmd := exec.Command(nomenBin, append([]string{"parse"}, args...)...)
	cmd.Stdin = strings.NewReader(input)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("nomen parse %v: %v\n%s", args, err, stderr.String())
	}
	return string(out)
}

const (
	traceSSHD    = "<38>Nov 22 10:15:02 web1 sshd[392]: Failed password for invalid user admin from 10.0.0.5 port 4711 ssh2"
	traceCisco   = "<189>530470: *Mar  1 00:00:42.123: %SYS-5-CONFIG_I: Configured from console by vty0 (10.0.0.7)"
	traceUnknown = "<13>Nov 22 10:15:09 web1 frobnicator: the widget is wobbly"
)

// TestParseTrace shows every phase of an sshd line, a Cisco IOS line and a
// line no decoder knows, as text and as JSON.
func TestParseTrace(t *testing.T) {
	out := parseRun(t, traceSSHD+"\n"+traceCisco+"\n"+traceUnknown+"\n", "-trace")
	blocks := strings.Split(out, "\nline ")
	if len(blocks) != 3 {
		t.Fatalf("want 3 line blocks:\n%s", out)
	}
	want := [][]string{
		{"framing    line, 103 bytes", "parse      rfc3164", `hostname "web1"`, `program "sshd", pid 392`,
			"normalize  sshd", `built-in sshd (program "sshd"): matched`, `+ source.ip = "10.0.0.5"`, `+ event.outcome = "failure"`,
			`~ @timestamp:`, `event      {"@timestamp":"`},
		{"Cisco IOS sequence number prefix 530470", `"*" before the timestamp`, "+ event.sequence = 530470",
			"normalize  cisco_ios", `built-in cisco_ios (program prefix "%*"): matched`, `+ event.category = ["configuration"]`},
		{"normalize  no decoder", `no built-in decoder is registered for program "frobnicator"`, `+ process.name = "frobnicator"`},
	}
	for i, b := range blocks {
		for _, w := range want[i] {
			if !strings.Contains(b, w) {
				t.Errorf("line %d: trace lacks %q:\n%s", i+1, w, b)
			}
		}
	}

	out = parseRun(t, traceSSHD+"\n"+traceUnknown+"\n", "-trace", "-json")
	type lineTrace struct {
		Line    int `json:"line"`
		Framing struct {
			Mode   string `json:"mode"`
			Length int    `json:"length"`
		} `json:"framing"`
		Parse struct {
			Format string   `json:"format"`
			Notes  []string `json:"notes"`
		} `json:"parse"`
		Normalize struct {
			Decoder  string `json:"decoder"`
			Decoders []struct {
				Decoder string `json:"decoder"`
				Matched bool   `json:"matched"`
			} `json:"decoders"`
			None   string `json:"none"`
			Fields struct {
				Set map[string]any `json:"set"`
			} `json:"fields"`
		} `json:"normalize"`
		Event map[string]any `json:"event"`
	}
	var traces []lineTrace
	dec := json.NewDecoder(strings.NewReader(out))
	for dec.More() {
		var one lineTrace
		if err := dec.Decode(&one); err != nil {
			t.Fatal(err)
		}
		traces = append(traces, one)
	}
	if len(traces) != 2 {
		t.Fatalf("want 2 traces:\n%s", out)
	}
	s, u := traces[0], traces[1]
	if s.Line != 1 || s.Framing.Mode != "line" || s.Framing.Length != len(traceSSHD) || s.Parse.Format != "rfc3164" ||
		s.Normalize.Decoder != "sshd" || len(s.Normalize.Decoders) == 0 || !s.Normalize.Decoders[len(s.Normalize.Decoders)-1].Matched ||
		s.Normalize.Fields.Set["user.name"] != "admin" || get(s.Event, "nomen.decoder") != "sshd" {
		t.Errorf("sshd trace: %+v", s)
	}
	if u.Normalize.Decoder != "" || !strings.Contains(u.Normalize.None, "frobnicator") || get(u.Event, "process.name") != "frobnicator" {
		t.Errorf("unknown line trace: %+v", u)
	}
}

// TestParseCorrelate replays five failed sshd logons in event time through
// the example rules: one brute-force finding, after the events.
func TestParseCorrelate(t *testing.T) {
	dir := t.TempDir()
	examples, err := os.ReadFile("../../configs/correlate/examples.toml")
	if err != nil {
		t.Fatal(err)
	}
	config := filepath.Join(dir, "nomen.toml")
	body := strings.ReplaceAll(loggerConfig, "{{.Dir}}", dir) + "\n" + string(examples)
	if err := os.WriteFile(config, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	var in strings.Builder
	for i := 1; i <= 5; i++ {
		fmt.Fprintf(&in, "<38>Nov 22 10:15:0%d web1 sshd[392]: Failed password for root from 10.0.0.5 port 471%d ssh2\n", i, i)
	}
	out := parseRun(t, in.String(), "-correlate", "-config", config)
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 6 {
		t.Fatalf("want 5 events and 1 finding:\n%s", out)
	}
	var f map[string]any
	if err := json.Unmarshal([]byte(lines[5]), &f); err != nil {
		t.Fatal(err)
	}
	if getStr(f, "rule.name") != "auth-bruteforce" || getStr(f, "event.kind") != "alert" || getStr(f, "source.ip") != "10.0.0.5" ||
		!strings.HasSuffix(getStr(f, "@timestamp"), "-11-22T10:15:05.000Z") {
		t.Errorf("finding: %s", lines[5])
	}

	out = parseRun(t, in.String(), "-correlate", "-trace", "-config", config)
	if !strings.Contains(out, "line 5\n") || !strings.Contains(out, "  correlate  auth-bruteforce: 5 authentication failures from 10.0.0.5 within 60s") ||
		strings.Index(out, "correlate  auth-bruteforce") < strings.Index(out, "line 5\n") {
		t.Errorf("-trace: the finding should follow line 5:\n%s", out)
	}
}

// TestCheckCorrelateTestFails: a wrong expectation in a correlation rule's
// embedded test fails nomen check with the test's file and line.
func TestCheckCorrelateTestFails(t *testing.T) {
	dir := t.TempDir()
	rules := `
[[correlate.threshold]]
name = "ssh-brute"
where = { "event.provider" = "sshd", "event.outcome" = "failure" }
group_by = ["source.ip"]
count = 3
window = "1m"

[[correlate.threshold.test]]
lines = [
  "<38>Nov 22 10:15:01 web1 sshd[392]: Failed password for root from 10.0.0.5 port 4711 ssh2",
  "<38>Nov 22 10:15:02 web1 sshd[392]: Failed password for root from 10.0.0.5 port 4712 ssh2",
  "<38>Nov 22 10:15:03 web1 sshd[392]: Failed password for root from 10.0.0.5 port 4713 ssh2",
]
expect = [{ "rule.name" = "ssh-brute", "source.ip" = "10.0.0.5" }]

[[correlate.threshold.test]]
lines = ["<38>Nov 22 10:15:01 web1 sshd[392]: Failed password for root from 10.0.0.5 port 4711 ssh2"]
expect = [{ "rule.name" = "ssh-brute" }]
`
	base := strings.ReplaceAll(loggerConfig, "{{.Dir}}", dir)
	config := filepath.Join(dir, "nomen.toml")
	if err := os.WriteFile(config, []byte(base+rules), 0o644); err != nil {
		t.Fatal(err)
	}
	full := base + rules
	second := strings.LastIndex(full, "[[correlate.threshold.test]]")
	line := strings.Count(full[:second], "\n") + 1
	out, err := exec.Command(nomenBin, "check", "-config", config).CombinedOutput()
	want := fmt.Sprintf("%s:%d: correlate.threshold \"ssh-brute\" test 2 failed", config, line)
	if code := exitCode(err); code != 1 || !strings.Contains(string(out), want) || !strings.Contains(string(out), "got 0 finding(s), want 1") {
		t.Errorf("exit %d, output:\n%s\nwant exit 1 and %q", code, out, want)
	}
}

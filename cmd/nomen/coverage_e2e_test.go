package main

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// unknownLines are lines no decoder knows: two shapes of one program, in
// the rsyslog file format (no PRI) and the wire format.
var unknownLines = []string{
	"Jul  1 14:00:02 nas1 tapevault[77]: job nightly-home finished: 18211 files in 93.5s",
	"Jul  1 14:00:03 nas1 tapevault[77]: job offsite FAILED: connection refused by 203.0.113.200",
	"Jul  1 14:10:02 nas1 tapevault[78]: job nightly-home finished: 211 files in 3.5s",
	"<30>Jul  1 14:20:02 nas1 tapevault[79]: job nightly-home finished: 7 files in 0.2s",
	"Jul  1 14:20:03 nas1 tapevault[79]: job offsite FAILED: connection refused by 2001:db8::7",
}

// coverageInput is every golden normalization input and the unknown lines.
func coverageInput(t *testing.T) []string {
	t.Helper()
	inputs, err := filepath.Glob(filepath.Join("..", "..", "testdata", "normalize", "*", "*", "input.txt"))
	if err != nil || len(inputs) == 0 {
		t.Fatalf("no golden inputs: %v", err)
	}
	var lines []string
	for _, in := range inputs {
		data, err := os.ReadFile(in)
		if err != nil {
			t.Fatal(err)
		}
		for _, l := range strings.Split(string(data), "\n") {
			if strings.TrimRight(l, "\r") != "" {
				lines = append(lines, l)
			}
		}
	}
	return append(lines, unknownLines...)
}

// coverageReport is the part of `nomen coverage -json` the test reads.
type coverageReport struct {
	Lines, Normalized, Unrecognized int64
	Inputs                          []struct {
		Name, Compression string
		Lines             int64
	}
	Sources []struct {
		Name                            string
		Lines, Normalized, Unrecognized int64
		Decoders, Programs              map[string]int64
		TopShapes                       []struct {
			Shape, Example string
			Count          int64
		} `json:"top_shapes"`
	}
}

// TestCoverageCommand: nomen coverage on the golden inputs and a few
// unknown lines counts, per decoder, what `nomen parse` says the same
// lines are, and lists the unknown lines' shapes with their counts; a
// gzip-compressed copy gives the same counts.
func TestCoverageCommand(t *testing.T) {
	lines := coverageInput(t)
	text := strings.Join(lines, "\n") + "\n"
	dir := t.TempDir()
	plain := filepath.Join(dir, "messages")
	if err := os.WriteFile(plain, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	var z bytes.Buffer
	zw := gzip.NewWriter(&z)
	zw.Write([]byte(text))
	zw.Close()
	rotated := filepath.Join(dir, "messages.1") // no .gz: found by content
	if err := os.WriteFile(rotated, z.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}

	// What nomen parse says: the decoder of each line.
	parse := exec.Command(nomenBin, "parse")
	parse.Stdin = strings.NewReader(text)
	out, err := parse.Output()
	if err != nil {
		t.Fatal(err)
	}
	wantDecoders := map[string]int64{}
	wantNormalized := int64(0)
	for _, doc := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		var ev struct {
			Nomen struct{ Decoder string }
		}
		if err := json.Unmarshal([]byte(doc), &ev); err != nil {
			t.Fatal(err)
		}
		if ev.Nomen.Decoder != "" {
			wantDecoders[ev.Nomen.Decoder]++
			wantNormalized++
		}
	}

	for _, file := range []string{plain, rotated} {
		out, err := exec.Command(nomenBin, "coverage", "-json", "-top", "0", file).Output()
		if err != nil {
			t.Fatalf("%s: %v", file, err)
		}
		var r coverageReport
		if err := json.Unmarshal(out, &r); err != nil {
			t.Fatalf("%v: %s", err, out)
		}
		n := int64(len(lines))
		if r.Lines != n || r.Normalized != wantNormalized || r.Unrecognized != n-wantNormalized {
			t.Errorf("%s: lines %d normalized %d unrecognized %d, want %d %d %d",
				file, r.Lines, r.Normalized, r.Unrecognized, n, wantNormalized, n-wantNormalized)
		}
		if len(r.Inputs) != 1 || r.Inputs[0].Lines != n || (r.Inputs[0].Compression == "gzip") != (file == rotated) {
			t.Errorf("%s: inputs %+v", file, r.Inputs)
		}
		gotDecoders := map[string]int64{}
		for _, s := range r.Sources {
			for d, k := range s.Decoders {
				gotDecoders[d] += k
			}
		}
		for d, k := range wantDecoders {
			if gotDecoders[d] != k {
				t.Errorf("%s: decoder %s: %d lines normalized, nomen parse says %d", file, d, gotDecoders[d], k)
			}
		}
		if len(gotDecoders) != len(wantDecoders) {
			t.Errorf("%s: decoders %v, nomen parse says %v", file, gotDecoders, wantDecoders)
		}

		var shapes []string
		for _, s := range r.Sources {
			if s.Name != "tapevault" {
				continue
			}
			for _, sh := range s.TopShapes {
				shapes = append(shapes, sh.Shape+" x"+strconv.FormatInt(sh.Count, 10)+" e.g. "+sh.Example)
			}
		}
		want := []string{
			"job nightly-home finished: <num> files in <num>s x3 e.g. " + unknownLines[0],
			"job offsite FAILED: connection refused by <ip> x2 e.g. " + unknownLines[1],
		}
		if strings.Join(shapes, "\n") != strings.Join(want, "\n") {
			t.Errorf("%s: tapevault shapes\n%s\nwant\n%s", file, strings.Join(shapes, "\n"), strings.Join(want, "\n"))
		}
	}
}

// TestCoverageText: the text report from stdin ("-").
func TestCoverageText(t *testing.T) {
	cmd := exec.Command(nomenBin, "coverage", "-top", "1", "-")
	cmd.Stdin = strings.NewReader(strings.Join(unknownLines, "\n") + "\n" +
		"<38>Jul  1 10:15:03 web1 sshd[392]: Failed password for root from 203.0.113.77 port 51122 ssh2\n")
	out, err := cmd.Output()
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"lines           6  - (6 lines)",
		"normalized      1  16.6%",
		"tapevault: 5 unrecognized lines, 2 shapes",
		"         3  job nightly-home finished: <num> files in <num>s\n",
		"            e.g. " + unknownLines[0] + "\n",
	} {
		if !strings.Contains(string(out), want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(string(out), "job offsite") {
		t.Errorf("-top 1 printed a second shape:\n%s", out)
	}
	if code := exitCode(exec.Command(nomenBin, "coverage", filepath.Join(t.TempDir(), "missing")).Run()); code != 1 {
		t.Errorf("a missing file: exit status %d, want 1", code)
	}
}

// TestCoverageSameOnAnyCores: the report, text and JSON, is the same
// byte for byte whatever the cores nomen coverage decodes on (it counts
// in input order), on an input of many batches.
func TestCoverageSameOnAnyCores(t *testing.T) {
	lines := coverageInput(t)
	var text strings.Builder
	for range 4 {
		text.WriteString(strings.Join(lines, "\n") + "\n")
	}
	file := filepath.Join(t.TempDir(), "messages")
	if err := os.WriteFile(file, []byte(text.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{{"coverage", "-json", "-top", "0", file}, {"coverage", file}} {
		var outs []string
		for _, procs := range []string{"1", "2", "5"} {
			cmd := exec.Command(nomenBin, args...)
			cmd.Env = append(os.Environ(), "GOMAXPROCS="+procs)
			out, err := cmd.Output()
			if err != nil {
				t.Fatalf("%v: %v", args, err)
			}
			outs = append(outs, string(out))
		}
		if outs[0] != outs[1] || outs[0] != outs[2] {
			t.Errorf("%v: the report depends on GOMAXPROCS", args)
		}
	}
}

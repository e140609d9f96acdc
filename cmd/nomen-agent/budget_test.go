package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/nomenhq/nomen/internal/cputime"
	"github.com/nomenhq/nomen/internal/syncbuf"
)

// TestAgentBudget measures what a steadily sending agent costs: the built
// nomen-agent runs "replay -rate R -duration D" (the send path of the
// Windows agent: batching, lz4, mutual TLS 1.3) against the real nomen
// daemon with an agent listener, and the agent process is read from /proc:
// CPU time (utime+stime) over a window after a warm-up, its peak RSS
// (VmHWM) and its RSS at the end of the window (VmRSS).
//
// It is a measurement, not an assertion, so it runs only when asked:
//
//	NOMEN_AGENT_BUDGET=1 go test -run TestAgentBudget -v ./cmd/nomen-agent
//
// (AGENT=1 make bench runs it too.)
// NOMEN_AGENT_BUDGET_RATES (records/s, default "100,10000"),
// NOMEN_AGENT_BUDGET_RUNS (default 3), NOMEN_AGENT_BUDGET_SECONDS (the
// window, default 20) and NOMEN_AGENT_BUDGET_ARGS (more replay flags)
// vary it, and NOMEN_AGENT_BUDGET_ENV (VAR=value ...) is added to the
// agent's environment (GOGC, GOMAXPROCS, GODEBUG=gctrace=1...);
// NOMEN_AGENT_BUDGET_VERBOSE=1 shows the agent's log. Records are about 1 KiB of Windows event XML.
func TestAgentBudget(t *testing.T) {
	if os.Getenv("NOMEN_AGENT_BUDGET") == "" {
		t.Skip("a measurement: set NOMEN_AGENT_BUDGET=1 to run it")
	}
	rates := envInts(t, "NOMEN_AGENT_BUDGET_RATES", "100,10000")
	runs := envInts(t, "NOMEN_AGENT_BUDGET_RUNS", "3")[0]
	window := time.Duration(envInts(t, "NOMEN_AGENT_BUDGET_SECONDS", "20")[0]) * time.Second
	const warmup = 3 * time.Second
	extra := strings.Fields(os.Getenv("NOMEN_AGENT_BUDGET_ARGS"))

	dir := t.TempDir()
	nomen, agentBin := filepath.Join(dir, "nomen"), filepath.Join(dir, "nomen-agent")
	for bin, pkg := range map[string]string{nomen: "../nomen", agentBin: "."} {
		// As released (see the Makefile), and pure Go like the Windows agent.
		build := exec.Command("go", "build", "-trimpath", "-ldflags", "-s -w", "-o", bin, pkg)
		build.Env = append(os.Environ(), "CGO_ENABLED=0")
		if out, err := build.CombinedOutput(); err != nil {
			t.Fatalf("building %s: %v\n%s", pkg, err, out)
		}
	}
	r := newAgentRelay(t, dir, `compress = "none"`)
	pki, port, cfgPath := r.pki, r.port, r.cfgPath
	relay := startDaemon(t, nomen, cfgPath)
	defer relay.stop()
	if !relay.waitLog(regexp.MustCompile(`agent listener started`), 20*time.Second) {
		t.Fatalf("the relay did not start its agent listener:\n%s", relay.log())
	}
	file := synthetic(t, 1000)
	ccert, ckey := pki.Client(t, "bench01")

	t.Logf("load average before: %s", loadavg())
	for _, rate := range rates {
		var cpu, hwm, rss, got []float64
		for run := 0; run < runs; run++ {
			args := append([]string{"replay", "-relay", fmt.Sprintf("127.0.0.1:%d", port), "-cert", ccert, "-key", ckey,
				"-ca", pki.CAFile, "-rate", strconv.Itoa(rate), "-duration", (warmup + window + time.Second).String()}, extra...)
			cmd := exec.Command(agentBin, append(args, file)...)
			cmd.Env = append(os.Environ(), strings.Fields(os.Getenv("NOMEN_AGENT_BUDGET_ENV"))...)
			m := measureAgent(t, cmd, warmup, window)
			t.Logf("rate %d/s run %d: CPU %.2f %% of a core, VmHWM %.1f MiB, VmRSS %.1f MiB (anonymous %.1f), %.0f records/s sent",
				rate, run+1, m.cpuPct, m.hwmMiB, m.rssMiB, m.anonMiB, m.rate)
			cpu, hwm, rss, got = append(cpu, m.cpuPct), append(hwm, m.hwmMiB), append(rss, m.rssMiB), append(got, m.rate)
		}
		t.Logf("RESULT rate %6d/s: CPU %s %% of a core | VmHWM %s MiB | VmRSS %s MiB | sent %s records/s (median, min..max of %d runs)",
			rate, spread(cpu, "%.2f"), spread(hwm, "%.1f"), spread(rss, "%.1f"), spread(got, "%.0f"), runs)
	}
	t.Logf("load average after: %s", loadavg())
}

type agentFigures struct{ cpuPct, hwmMiB, rssMiB, anonMiB, rate float64 }

// measureAgent runs cmd, reads its /proc figures after warmup and again
// window later, and waits for it to finish (with success: the relay
// acknowledged everything).
func measureAgent(t *testing.T, cmd *exec.Cmd, warmup, window time.Duration) agentFigures {
	var stderr syncbuf.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	pid := cmd.Process.Pid
	time.Sleep(warmup)
	cpu0, _ := cputime.Of(pid)
	t0 := time.Now()
	time.Sleep(window)
	cpu1, _ := cputime.Of(pid)
	t1 := time.Now()
	hwm, rss, anon := procMem(pid)
	if err := cmd.Wait(); err != nil {
		t.Fatalf("agent: %v\n%s", err, stderr.String())
	}
	if os.Getenv("NOMEN_AGENT_BUDGET_VERBOSE") != "" {
		t.Logf("agent's log:\n%s", stderr.String())
	}
	m := agentFigures{cpuPct: 100 * (cpu1 - cpu0).Seconds() / t1.Sub(t0).Seconds(), hwmMiB: hwm, rssMiB: rss, anonMiB: anon}
	if s := regexp.MustCompile(`sent=(\d+)`).FindStringSubmatch(stderr.String()); s != nil {
		n, _ := strconv.Atoi(s[1])
		m.rate = float64(n) / (warmup + window + time.Second).Seconds() // the -duration
	}
	return m
}

// procMem is the peak (VmHWM) and current (VmRSS) resident size of a
// process and the anonymous part of the latter (the heap, stacks and
// runtime; the rest is the binary's pages), in MiB.
func procMem(pid int) (hwm, rss, anon float64) {
	b, _ := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	for _, line := range strings.Split(string(b), "\n") {
		f := strings.Fields(line)
		if len(f) < 2 {
			continue
		}
		kb, _ := strconv.ParseFloat(f[1], 64)
		switch f[0] {
		case "VmHWM:":
			hwm = kb / 1024
		case "VmRSS:":
			rss = kb / 1024
		case "RssAnon:":
			anon = kb / 1024
		}
	}
	return hwm, rss, anon
}

func loadavg() string {
	b, _ := os.ReadFile("/proc/loadavg")
	return strings.TrimSpace(string(b))
}

// spread formats the median and the range of xs.
func spread(xs []float64, format string) string {
	s := slices.Clone(xs)
	slices.Sort(s)
	return fmt.Sprintf(format+" ("+format+".."+format+")", s[len(s)/2], s[0], s[len(s)-1])
}

func envInts(t *testing.T, name, def string) []int {
	v := os.Getenv(name)
	if v == "" {
		v = def
	}
	var out []int
	for _, f := range strings.Split(v, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n <= 0 {
			t.Fatalf("%s=%q: want positive integers", name, v)
		}
		out = append(out, n)
	}
	return out
}

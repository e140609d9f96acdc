// Command benchdrive measures nomen end to end on this machine: a corpus of
// syslog messages is sent over TCP (or UDP at a fixed rate) to a freshly
// started nomen that parses, normalizes, journals and writes them to a file;
// it reports messages/s, MB/s, CPU seconds and peak RSS of the nomen process,
// and checks every message arrived exactly once. `make bench` runs it.
//
// For a side-by-side run with rsyslog and syslog-ng on the same corpus, use
// ../shared/bench with its custom peer (see README, "Performance").
package main

import (
	"bufio"
	"bytes"
	"errors"
	"flag"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/nomenhq/nomen/internal/cputime"
)

func main() {
	bin := flag.String("bin", "bin/nomen", "nomen binary")
	n := flag.Int("n", 1_000_000, "messages per TCP run")
	scenarios := flag.String("scenarios", "tcp-json,tcp-raw,udp-100000", "comma-separated: tcp-json, tcp-raw, tcp-oc-json, udp-RATE, tcp-mixed, tcp-mixed-rules, tcp-mixed-rules-noproc, tcp-postgres, tcp-idle-N (RSS added by N idle connections)")
	udpSeconds := flag.Int("udp-seconds", 10, "UDP run length")
	nRounds := flag.Int("rounds", 1, "run the scenarios this many times in turn and print medians (min..max), with CPU per message relative to the first scenario (rounds.go)")
	flag.Parse()

	fmt.Printf("%-16s %10s %9s %9s %8s %11s %9s %8s  %s\n", "scenario", "msg/s", "MiB/s in", "CPU s", "CPU %", "CPU µs/msg", "RSS MiB", "loss %", "check")
	failed := false
	names := strings.Split(*scenarios, ",")
	rs := newRounds(names)
	for range max(*nRounds, 1) {
		round := make([]*result, len(names))
		for i, sc := range names {
			rs.sampleLoad()
			r, err := runScenario(*bin, sc, *n, *udpSeconds)
			var skip skipped
			if errors.As(err, &skip) {
				fmt.Printf("%-16s skipped: %v\n", sc, err)
				continue
			}
			if err != nil {
				fmt.Printf("%-16s error: %v\n", sc, err)
				failed = true
				continue
			}
			fmt.Printf("%-16s %10.0f %9.1f %9.2f %8.0f %11.2f %9.1f %8.3f  %s\n", sc, r.rate, r.mibps, r.cpu, 100*r.cpu/r.elapsed, 1e6*r.cpu/r.msgs, r.rssMiB, r.lossPct, r.check)
			if !strings.HasPrefix(r.check, "ok") {
				failed = true
				continue
			}
			round[i] = &r
		}
		rs.add(round)
	}
	if *nRounds > 1 {
		rs.print()
	}
	if failed {
		os.Exit(1)
	}
}

type result struct {
	rate, mibps, cpu, elapsed, rssMiB, lossPct, msgs float64
	check                                            string
}

const configTmpl = `state_dir = "%[1]s/state"
[log]
level = "info"
[metrics]
listen = "%[6]s"
pprof = %[7]t
[journal]
max_bytes = "8GiB"
[[listener]]
name = "bench"
protocol = "%[2]s"
address = "127.0.0.1:0"
read_buffer = "8MiB"
%[5]s
%[4]s`

// fileOutput is the output of all scenarios but tcp-postgres.
const fileOutput = `[[output]]
name = "bench"
type = "file"
path = "%[1]s/out.log"
format = "%[2]s"
compress = "none"
batch_size = 2000`

// runScenario runs one benchmark scenario: a nomen with its configuration,
// the senders, the wait for the output, the numbers. Long because it is a
// script read top to bottom.
func runScenario(bin, sc string, n, udpSeconds int) (result, error) {
	dir, err := os.MkdirTemp("", "nomen-bench")
	if err != nil {
		return result{}, err
	}
	if os.Getenv("NOMEN_BENCH_KEEP") != "" {
		fmt.Fprintln(os.Stderr, "benchdrive: keeping", dir)
	} else {
		defer os.RemoveAll(dir)
	}
	proto, format, framing, rate := "tcp", "json", "lf", 0
	stages := "" // config of the sequence and correlation stages
	output := "" // the file output's, once format is known (below)
	metrics := ""
	var pg *pgBench
	switch {
	case sc == "tcp-postgres":
		framing = "mixed"
		stages = noStages
		if pg, err = newPGBench(); err != nil {
			return result{}, err
		}
		defer pg.close()
		output, metrics = pg.output(), pg.metrics
	case sc == "tcp-mixed":
		framing = "mixed"
		stages = noStages
	case sc == "tcp-mixed-rules":
		framing = "mixed"
		if stages, err = benchRules(); err != nil {
			return result{}, err
		}
	case sc == "tcp-mixed-rules-noproc":
		// tcp-mixed-rules without the built-in process tracking: its
		// lifetime records are most of what the stages add (performance.md,
		// corr26).
		framing = "mixed"
		if stages, err = benchRules(); err != nil {
			return result{}, err
		}
		if !strings.Contains(stages, procOn) {
			return result{}, errors.New("the examples no longer enable [correlate.process] as tcp-mixed-rules-noproc expects")
		}
		stages = strings.Replace(stages, procOn, procOff, 1)
	case sc == "tcp-json": // the defaults above
	case sc == "tcp-raw":
		format = "raw"
	case sc == "tcp-oc-json":
		framing = "oc"
	case strings.HasPrefix(sc, "tcp-idle-"):
		conns, ok := idleCount(sc)
		if !ok {
			return result{}, fmt.Errorf("bad connection count in %q", sc)
		}
		// Listener keys, before the [[output]] table.
		output = fmt.Sprintf("max_connections = %d\nmax_connections_per_source = %d\n", conns, conns) + fmt.Sprintf(fileOutput, dir, format)
	case strings.HasPrefix(sc, "udp-"):
		proto, format = "udp", "raw"
		if rate, err = strconv.Atoi(strings.TrimPrefix(sc, "udp-")); err != nil {
			return result{}, fmt.Errorf("bad UDP rate in %q", sc)
		}
		n = rate * udpSeconds
	default:
		return result{}, fmt.Errorf("unknown scenario %q", sc)
	}
	if output == "" {
		output = fmt.Sprintf(fileOutput, dir, format)
	}
	cfg := filepath.Join(dir, "nomen.toml")
	// $NOMEN_BENCH_PPROF=host:port serves nomen's metrics and /debug/pprof/
	// there, to profile a run (tcp-postgres has its own metrics address).
	pprof := os.Getenv("NOMEN_BENCH_PPROF")
	if pprof != "" && metrics == "" {
		metrics = pprof
	}
	// $NOMEN_BENCH_EXTRA is appended to the configuration (tables of
	// settings to compare, e.g. "[pipeline]\nqueue_batches = 64").
	stages += "\n" + os.Getenv("NOMEN_BENCH_EXTRA") + "\n"
	os.WriteFile(cfg, []byte(fmt.Sprintf(configTmpl, dir, proto, format, stages, output, metrics, pprof != "")), 0o644)
	cmd := exec.Command(bin, "run", "-config", cfg)
	cmd.Env = append(os.Environ(), "TZ=UTC")
	stderr, _ := cmd.StderrPipe()
	if err := cmd.Start(); err != nil {
		return result{}, err
	}
	defer func() { cmd.Process.Signal(syscall.SIGTERM); cmd.Wait() }()
	addr, err := waitListening(stderr)
	if err != nil {
		return result{}, err
	}
	if pprof != "" {
		// /debug/pprof/ is authenticated like the rest of the API.
		fmt.Fprintf(os.Stderr, "benchdrive: pprof at http://%s/debug/pprof/, bearer token in %s\n", pprof, filepath.Join(dir, "state", "api.token"))
	}
	if conns, ok := idleCount(sc); ok {
		return runIdle(cmd.Process.Pid, addr, conns)
	}
	var msgs [][]byte
	if framing == "mixed" {
		msgs = mixedCorpus(n)
	} else {
		msgs = corpus(n, framing)
	}
	wire := 0
	for _, m := range msgs {
		wire += len(m)
	}
	cpu0 := cpuSeconds(cmd.Process.Pid)
	t0 := time.Now()
	if proto == "tcp" {
		go sendTCP(addr, msgs)
	} else {
		go sendUDP(addr, msgs, rate)
	}
	if pg != nil {
		delivered, last := pg.wait(n, t0)
		return pg.result(newResult(n, delivered, last.Sub(t0).Seconds(), cpuSeconds(cmd.Process.Pid)-cpu0, peakRSS(cmd.Process.Pid), wire)), nil
	}
	out := filepath.Join(dir, "out.log")
	var mark []byte
	if framing == "mixed" {
		mark = inputMark // findings are lines too
	}
	lines, last := waitLines(out, n, t0, proto == "udp", mark)
	elapsed := last.Sub(t0).Seconds()
	cpu := cpuSeconds(cmd.Process.Pid) - cpu0
	rss := peakRSS(cmd.Process.Pid)
	if framing == "mixed" {
		return mixedResult(newResult(n, n, elapsed, cpu, rss, wire), out), nil
	}
	r := newResult(n, lines, elapsed, cpu, rss, wire)
	r.lossPct = 100 * float64(n-lines) / float64(n)
	unique, dups := countSeq(out)
	switch {
	case proto == "tcp" && lines != n:
		r.check = fmt.Sprintf("FAIL: %d of %d lines", lines, n)
	case dups > 0:
		r.check = fmt.Sprintf("FAIL: %d duplicates", dups)
	case unique != lines:
		r.check = fmt.Sprintf("FAIL: %d unique of %d", unique, lines)
	default:
		r.check = "ok"
	}
	return r, nil
}

// newResult is a run's figures: got of n messages of wire bytes in all
// arrived, the last elapsed seconds after the first was sent.
func newResult(n, got int, elapsed, cpu, rss float64, wire int) result {
	elapsed = max(elapsed, 1e-9)
	return result{msgs: float64(n), rate: float64(got) / elapsed, mibps: float64(wire) / elapsed / (1 << 20), cpu: cpu, elapsed: elapsed, rssMiB: rss}
}

var reListening = regexp.MustCompile(`msg=listening listener=bench protocol=\S+ address=(\S+)`)

func waitListening(stderr interface{ Read([]byte) (int, error) }) (string, error) {
	sc := bufio.NewScanner(stderr)
	addr := ""
	done := make(chan struct{})
	go func() {
		for sc.Scan() {
			if m := reListening.FindStringSubmatch(sc.Text()); m != nil && addr == "" {
				addr = m[1]
				close(done)
			}
		}
		if addr == "" {
			close(done)
		}
	}()
	select {
	case <-done:
	case <-time.After(15 * time.Second):
	}
	if addr == "" {
		return "", fmt.Errorf("nomen did not start listening")
	}
	return addr, nil
}

// corpus builds n messages of 200..300 bytes with a unique seq= token,
// like ../shared/bench's RFC 5424 corpus.
func corpus(n int, framing string) [][]byte {
	const pad = "Lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor incididunt ut labore et dolore magna aliqua Ut enim ad minim veniam quis nostrud exercitation ullamco laboris nisi ut aliquip ex ea commodo consequat Duis aute irure dolor in reprehenderit"
	msgs := make([][]byte, n)
	for i := range msgs {
		pri := (16+i%8)*8 + i%8
		hdr := fmt.Sprintf("<%d>1 2024-05-01T12:%02d:%02d.%06dZ host%03d.example.net app%d %d ID%d [meta@32473 seq=\"%d\" zone=\"eu-%d\"][origin ip=\"192.0.2.%d\"] seq=%010d ",
			pri, i/60%60, i%60, i*7919%1000000, i%200, i%12, 1000+i%977, i%100, i, i%4, i%250+1, i)
		want := 200 + i*37%101
		body := pad[i%40:]
		if len(hdr)+len(body) > want && want > len(hdr) {
			body = body[:want-len(hdr)]
		}
		m := hdr + body
		if framing == "oc" {
			msgs[i] = []byte(strconv.Itoa(len(m)) + " " + m)
		} else {
			msgs[i] = []byte(m + "\n")
		}
	}
	return msgs
}

func sendTCP(addr string, msgs [][]byte) {
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		fmt.Fprintln(os.Stderr, "benchdrive:", err)
		return
	}
	defer conn.Close()
	w := bufio.NewWriterSize(conn, 64<<10)
	for _, m := range msgs {
		w.Write(m)
	}
	w.Flush()
}

// sendUDP offers rate messages per second, paced per millisecond.
func sendUDP(addr string, msgs [][]byte, rate int) {
	conn, err := net.Dial("udp", addr)
	if err != nil {
		fmt.Fprintln(os.Stderr, "benchdrive:", err)
		return
	}
	defer conn.Close()
	start := time.Now()
	for i, m := range msgs {
		if due := start.Add(time.Duration(i) * time.Second / time.Duration(rate)); time.Until(due) > time.Millisecond {
			time.Sleep(time.Until(due))
		}
		conn.Write(bytes.TrimSuffix(m, []byte("\n")))
	}
}

// waitLines polls out until it has n lines (with mark, if not nil: lines
// holding it), or (UDP) until it stops growing for 2s, and returns the
// count and when the last line was seen.
func waitLines(path string, n int, t0 time.Time, udp bool, mark []byte) (int, time.Time) {
	lines, last := 0, t0
	var off int64
	buf := make([]byte, 1<<20)
	var partial []byte // a line not complete yet (mark counting)
	quiet := 15 * time.Second
	if udp {
		quiet = 2 * time.Second
	}
	for lines < n && time.Since(last) < quiet {
		f, err := os.Open(path)
		if err == nil {
			f.Seek(off, 0)
			for {
				k, err := f.Read(buf)
				if k > 0 {
					off += int64(k)
					last = time.Now()
					if mark == nil {
						lines += bytes.Count(buf[:k], []byte("\n"))
					} else {
						data := append(partial, buf[:k]...)
						end := bytes.LastIndexByte(data, '\n') + 1
						lines += bytes.Count(data[:end], mark)
						partial = append(partial[:0:0], data[end:]...)
					}
				}
				if err != nil {
					break
				}
			}
			f.Close()
		}
		if lines < n {
			time.Sleep(20 * time.Millisecond)
		}
	}
	return lines, last
}

var reSeq = regexp.MustCompile(`seq=(\d{10})`)

func countSeq(path string) (unique, dups int) {
	f, err := os.Open(path)
	if err != nil {
		return 0, 0
	}
	defer f.Close()
	seen := map[string]bool{}
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		m := reSeq.FindSubmatch(sc.Bytes())
		if m == nil {
			continue
		}
		if seen[string(m[1])] {
			dups++
		}
		seen[string(m[1])] = true
	}
	return len(seen), dups
}

// cpuSeconds is the CPU time process pid has used, in seconds (0 when
// unknown).
func cpuSeconds(pid int) float64 {
	d, _ := cputime.Of(pid)
	return d.Seconds()
}

func peakRSS(pid int) float64 {
	b, _ := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	for _, line := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(line, "VmHWM:") {
			kb, _ := strconv.ParseFloat(strings.Fields(line)[1], 64)
			return kb / 1024
		}
	}
	return 0
}

package main

// Fault tests of issue #6 (DESIGN.md, "Delivery guarantees"): the real
// nomen binary forwards to real downstreams (rsyslog, NATS JetStream,
// PostgreSQL) and to emulated ones (Elasticsearch _bulk, an NDJSON
// collector), while the test stops them, cuts or stalls the network in
// between (fltProxy), kills nomen, and fills the journal's disk budget.
// Every message carries its source and a sequence number, so that each
// output can be checked for loss, duplicates and order.

import (
	"bufio"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// ---------------------------------------------------------------------------
// Helpers (prefixed flt: the package is shared with other end-to-end tests).
// ---------------------------------------------------------------------------

// fltStartNomen starts nomen with the setup the fault tests share (state
// in the test's directory; metrics on a free port, for the lag, failure
// and drop counters the tests read; a journal that does not fsync: the
// faults under test are the network's and the process's, not the disk's;
// and the TCP listener fltSend sends to) followed by outputs, the tests'
// own [[output]] tables.
func fltStartNomen(t *testing.T, outputs string) *nomen {
	t.Helper()
	return startNomen(t, `
state_dir = "{{.Dir}}/state"
[metrics]
listen = "127.0.0.1:0"
[journal]
fsync = "never"
[[listener]]
name = "tcp"
protocol = "tcp"
address = "127.0.0.1:0"
`+outputs)
}

func fltSkipShort(t *testing.T) {
	t.Helper()
	if testing.Short() {
		t.Skip("slow fault test")
	}
}

// fltWait polls cond every 50ms until it reports true; after timeout it
// fails the test with what cond last said.
func fltWait(t testing.TB, timeout time.Duration, what string, cond func() (bool, string)) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		ok, state := cond()
		if ok {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: not reached within %v: %s", what, timeout, state)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// fltLine is one RFC 3164 message (LF framed) of source src, number seq.
// extra is appended to the text (padding).
func fltLine(src string, seq int, extra string) string {
	return fmt.Sprintf("<13>%s host-%s app[7]: flt src=%s seq=%06d%s\n",
		time.Now().UTC().Format(time.Stamp), src, src, seq, extra)
}

var fltRe = regexp.MustCompile(`flt src=(\w+) seq=(\d{6})`)

// fltPad returns n random hex characters (they do not compress: the
// journal fills as fast as the bytes come).
func fltPad(n int) string {
	b := make([]byte, (n+1)/2)
	rand.Read(b)
	return " pad=" + hex.EncodeToString(b)[:n]
}

// fltSend sends seq from..to-1 of each source, one TCP connection per
// source, the sources concurrently; it returns when every connection is
// closed.
func fltSend(t testing.TB, addr string, srcs []string, from, to int, padLen int) {
	t.Helper()
	var wg sync.WaitGroup
	errs := make(chan error, len(srcs))
	for _, src := range srcs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			conn, err := net.Dial("tcp", addr)
			if err != nil {
				errs <- err
				return
			}
			defer conn.Close()
			w := bufio.NewWriterSize(conn, 16<<10)
			for seq := from; seq < to; seq++ {
				pad := ""
				if padLen > 0 {
					pad = fltPad(padLen)
				}
				if _, err := w.WriteString(fltLine(src, seq, pad)); err != nil {
					errs <- fmt.Errorf("source %s seq %d: %w", src, seq, err)
					return
				}
			}
			if err := w.Flush(); err != nil {
				errs <- fmt.Errorf("source %s: %w", src, err)
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatalf("sending to nomen: %v", err)
	}
}

// fltCheck checks that msgs, in arrival order, hold every seq 0..want[src]-1
// of every source: exactly once (or at least once with dupsOK) and, if
// ordered, in send order per source (the first copy of each).
func fltCheck(t testing.TB, label string, msgs []string, want map[string]int, ordered, dupsOK bool) {
	t.Helper()
	count := map[string]map[int]int{}
	last := map[string]int{}
	var problems []string
	report := func(format string, args ...any) {
		if len(problems) < 15 {
			problems = append(problems, fmt.Sprintf(format, args...))
		} else if len(problems) == 15 {
			problems = append(problems, "...")
		}
	}
	for i, m := range msgs {
		sm := fltRe.FindStringSubmatch(m)
		if sm == nil {
			report("message %d is not one the test sent: %q", i, m)
			continue
		}
		src := sm[1]
		seq, _ := strconv.Atoi(sm[2])
		if count[src] == nil {
			count[src] = map[int]int{}
			last[src] = -1
		}
		count[src][seq]++
		if count[src][seq] > 1 {
			continue
		}
		if ordered && seq < last[src] {
			report("out of order: src=%s seq=%d arrived after seq=%d (message %d)", src, seq, last[src], i)
		}
		last[src] = max(last[src], seq)
	}
	for src, n := range want {
		missing, dups := 0, 0
		firstMissing, firstDup := -1, -1
		for seq := 0; seq < n; seq++ {
			switch c := count[src][seq]; {
			case c == 0:
				if missing++; firstMissing < 0 {
					firstMissing = seq
				}
			case c > 1 && !dupsOK:
				if dups++; firstDup < 0 {
					firstDup = seq
				}
			}
		}
		if missing > 0 {
			report("src=%s: %d of %d events missing (first: seq=%d)", src, missing, n, firstMissing)
		}
		if dups > 0 {
			report("src=%s: %d events delivered more than once (first: seq=%d)", src, dups, firstDup)
		}
		for seq := range count[src] {
			if seq >= n {
				report("src=%s: seq=%d was never sent", src, seq)
			}
		}
	}
	for src := range count {
		if _, ok := want[src]; !ok {
			report("unknown source %q", src)
		}
	}
	if len(problems) > 0 {
		t.Errorf("%s (%d messages): %s", label, len(msgs), strings.Join(problems, "; "))
	}
}

// fltMessages returns the message field of JSON documents.
func fltMessages(docs []map[string]any) []string {
	out := make([]string, len(docs))
	for i, d := range docs {
		out[i] = getStr(d, "message")
	}
	return out
}

// fltRanges describes the keys of have as ranges ("0-49 51-70").
func fltRanges(have map[int]int) string {
	var seqs []int
	for s := range have {
		seqs = append(seqs, s)
	}
	slices.Sort(seqs)
	var b strings.Builder
	for i := 0; i < len(seqs); {
		j := i
		for j+1 < len(seqs) && seqs[j+1] == seqs[j]+1 {
			j++
		}
		fmt.Fprintf(&b, " %d-%d", seqs[i], seqs[j])
		i = j + 1
	}
	return strings.TrimSpace(b.String())
}

// fltGrep returns the lines of log that contain any of words.
func fltGrep(log string, words ...string) string {
	var out []string
	for _, line := range strings.Split(log, "\n") {
		for _, w := range words {
			if strings.Contains(line, w) {
				out = append(out, line)
				break
			}
		}
	}
	return strings.Join(out, "\n")
}

// fltReadLines returns the lines of the files, one after the other
// (missing files: none).
func fltReadLines(paths ...string) []string {
	var lines []string
	for _, p := range paths {
		b, _ := os.ReadFile(p)
		if s := strings.TrimSuffix(string(b), "\n"); s != "" {
			lines = append(lines, strings.Split(s, "\n")...)
		}
	}
	return lines
}

package main

import (
	"fmt"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/nomenhq/nomen/internal/testpeer"
)

// ---------------------------------------------------------------------------
// 1. Downstreams stopped for a while and brought back.
// ---------------------------------------------------------------------------

// TestFaultDownstreamOutage: one nomen, two outputs: syslog over TCP to a
// real rsyslog, and NATS JetStream through a proxy. rsyslog is killed and
// the proxy cut while senders go on; then rsyslog is started again on the
// same port and the proxy restored. Every event arrives once per output,
// in send order per source, and the lag of both outputs returns to 0.
func TestFaultDownstreamOutage(t *testing.T) {
	fltSkipShort(t)
	natsAddr, js := fltNATS(t)
	if _, err := testpeer.FindRsyslog(); err != nil {
		t.Skip(err)
	}
	prefix, stream := fltStream(t, js)
	proxy := fltStartProxy(t, natsAddr)
	rport := testpeer.FreePort(t)
	raddr := fmt.Sprintf("127.0.0.1:%d", rport)
	rs1 := testpeer.StartRsyslog(t, fltRsyslogConf, map[string]any{"port": rport}, raddr)

	n := fltStartNomen(t, fmt.Sprintf(`
[[output]]
name = "siem"
type = "syslog"
address = %q
transport = "tcp"
framing = "octet"
format = "raw"
dial_timeout = "2s"
batch_size = 100
[[output]]
name = "stream"
type = "nats"
url = "nats://%s"
subject = "%s.{event.category}"
create_stream = true
stream = %q
duplicate_window = "10m"
ack_timeout = "2s"
batch_size = 100
`, raddr, proxy.addr, prefix, stream))

	srcs := []string{"a", "b", "c"}
	const before, during, after = 100, 400, 100
	received := func() []string {
		return fltReadLines(filepath.Join(rs1.Dir, "received.out"))
	}

	// Both downstreams up: the first events go through.
	fltSend(t, n.addr("tcp"), srcs, 0, before, 0)
	fltWait(t, 30*time.Second, "first events at rsyslog and in JetStream", func() (bool, string) {
		r, s := len(received()), fltStreamCount(t, js, stream)
		return r == 3*before && s == 3*before, fmt.Sprintf("rsyslog has %d, the stream %d, want %d", r, s, 3*before)
	})
	fltLagZero(t, n, "siem", "stream")

	// Outage: rsyslog killed, the NATS connection cut and refused. rsyslog
	// dies while the syslog output is idle: syslog over TCP has no
	// acknowledgements, so events written into the socket just before the
	// receiver vanished could be lost (forward/syslog.Config says so); what
	// the output must do is notice the closed connection before it sends
	// the next batch, and hold everything in the journal meanwhile.
	fltKillRsyslog(t, rs1, raddr)
	proxy.Cut()
	failSiem, failStream := fltFailures(n, "siem"), fltFailures(n, "stream")
	fltSend(t, n.addr("tcp"), srcs, before, before+during, 0)
	fltWait(t, 60*time.Second, "both outputs failing and behind", func() (bool, string) {
		fs, fn := fltFailures(n, "siem"), fltFailures(n, "stream")
		ls, ln := fltLag(n, "siem"), fltLag(n, "stream")
		return fs > failSiem && fn > failStream && ls == 3*during && ln == 3*during,
			fmt.Sprintf("failures siem %v->%v stream %v->%v, lag siem %v stream %v (want %d)", failSiem, fs, failStream, fn, ls, ln, 3*during)
	})
	if got := len(received()); got != 3*before {
		t.Errorf("the killed rsyslog's file grew to %d lines", got)
	}

	// Back: rsyslog on the same port, the proxy listening again; more
	// events follow those that waited in the journal.
	rs2 := testpeer.StartRsyslog(t, fltRsyslogConf, map[string]any{"port": rport}, raddr)
	proxy.Restore()
	fltSend(t, n.addr("tcp"), srcs, before+during, before+during+after, 0)
	total := 3 * (before + during + after)
	received = func() []string {
		return fltReadLines(filepath.Join(rs1.Dir, "received.out"), filepath.Join(rs2.Dir, "received.out"))
	}
	fltWait(t, 90*time.Second, "every event at rsyslog and in JetStream", func() (bool, string) {
		r, s := len(received()), fltStreamCount(t, js, stream)
		return r >= total && s >= total, fmt.Sprintf("rsyslog has %d, the stream %d, want %d", r, s, total)
	})
	fltLagZero(t, n, "siem", "stream")

	want := map[string]int{"a": before + during + after, "b": before + during + after, "c": before + during + after}
	fltCheck(t, "rsyslog (syslog output)", received(), want, true, false)
	docs := fltStreamDocs(t, js, stream)
	fltCheck(t, "JetStream (nats output)", fltMessages(docs), want, true, false)
	for _, d := range docs {
		if !strings.HasPrefix(getStr(d, "message"), "flt src=") || getStr(d, "nomen.id") == "" {
			t.Errorf("stream document without message or nomen.id: %v", d)
			break
		}
	}
	if d := n.metric("nomen_dropped_events_total", ""); d != 0 {
		t.Errorf("nomen_dropped_events_total = %v, want 0", d)
	}
	if proxy.accepted() < 2 {
		t.Errorf("the nats output connected %d times through the proxy: the outage was not seen", proxy.accepted())
	}
}

// ---------------------------------------------------------------------------
// 2. nomen killed while an output is behind.
// ---------------------------------------------------------------------------

// TestFaultKillWhileBehind: PostgreSQL and NATS JetStream are reached
// through proxies that stall (connections up, no byte moving) while events
// keep coming; a file output keeps up. nomen is killed with SIGKILL in that
// state, the network resumes, nomen restarts on the same state, and every
// output catches up: the file exactly once (its position is recorded with
// the data), JetStream exactly once (message ids deduplicate what is sent
// again, the journal identity survives the restart), PostgreSQL at least
// once (DESIGN: outputs are at-least-once; a copy sent again carries the
// same journal_id).
func TestFaultKillWhileBehind(t *testing.T) {
	fltSkipShort(t)
	pgUser := fltPostgres(t)
	natsAddr, js := fltNATS(t)
	directDSN := "postgres://" + pgUser + "@127.0.0.1:5432/test?sslmode=disable"
	schema := fltSchema(t, directDSN)
	prefix, stream := fltStream(t, js)
	pgProxy := fltStartProxy(t, "127.0.0.1:5432")
	natsProxy := fltStartProxy(t, natsAddr)

	n := fltStartNomen(t, fmt.Sprintf(`
[[output]]
name = "archive"
type = "file"
path = "{{.Dir}}/events.jsonl"
[[output]]
name = "db"
type = "postgres"
dsn = "postgres://%s@%s/test?sslmode=disable&connect_timeout=5"
schema = %q
batch_size = 200
[[output]]
name = "stream"
type = "nats"
url = "nats://%s"
subject = "%s.{event.category}"
create_stream = true
stream = %q
duplicate_window = "10m"
ack_timeout = "3s"
batch_size = 200
`, pgUser, pgProxy.addr, schema, natsProxy.addr, prefix, stream))

	t.Cleanup(pgProxy.Resume) // before nomen is stopped: let it drain
	t.Cleanup(natsProxy.Resume)

	srcs := []string{"a", "b", "c"}
	const first, behind, last = 200, 1000, 200
	archive := filepath.Join(n.dir, "events.jsonl")

	fltSend(t, n.addr("tcp"), srcs, 0, first, 0)
	fltWait(t, 60*time.Second, "first events in every output", func() (bool, string) {
		f, p, s := len(readJSONLines(t, archive)), len(fltPGRows(t, directDSN, schema)), fltStreamCount(t, js, stream)
		return f == 3*first && p == 3*first && s == 3*first, fmt.Sprintf("file %d, postgres %d, stream %d, want %d", f, p, s, 3*first)
	})
	fltLagZero(t, n, "archive", "db", "stream")

	// The network to PostgreSQL and NATS stalls; events keep coming.
	pgProxy.Pause()
	natsProxy.Pause()
	fltSend(t, n.addr("tcp"), srcs, first, first+behind, 0)
	fltWait(t, 60*time.Second, "file output caught up, postgres and nats behind", func() (bool, string) {
		f := len(readJSONLines(t, archive))
		ld, ls := fltLag(n, "db"), fltLag(n, "stream")
		return f == 3*(first+behind) && ld == 3*behind && ls == 3*behind,
			fmt.Sprintf("file %d (want %d), lag db %v stream %v (want %d)", f, 3*(first+behind), ld, ls, 3*behind)
	})
	if p := len(fltPGRows(t, directDSN, schema)); p != 3*first {
		t.Fatalf("postgres got %d rows through a stalled proxy, want %d", p, 3*first)
	}

	n.kill()
	pgProxy.Resume()
	natsProxy.Resume()
	n.start()
	fltSend(t, n.addr("tcp"), srcs, first+behind, first+behind+last, 0)

	per := first + behind + last
	total := 3 * per
	fltWait(t, 90*time.Second, "every event in every output after the restart", func() (bool, string) {
		f, s := len(readJSONLines(t, archive)), fltStreamCount(t, js, stream)
		distinct := map[string]bool{}
		for _, r := range fltPGRows(t, directDSN, schema) {
			distinct[r.message] = true
		}
		return f >= total && s >= total && len(distinct) >= total,
			fmt.Sprintf("file %d, stream %d, postgres %d distinct, want %d", f, s, len(distinct), total)
	})
	fltLagZero(t, n, "archive", "db", "stream")

	want := map[string]int{"a": per, "b": per, "c": per}
	docs := readJSONLines(t, archive)
	fltCheck(t, "file output", fltMessages(docs), want, true, false)
	idOf := map[string]string{} // message -> nomen.id (journal id) in the file
	for _, d := range docs {
		idOf[getStr(d, "message")] = getStr(d, "nomen.id")
	}
	fltCheck(t, "JetStream (nats output)", fltMessages(fltStreamDocs(t, js, stream)), want, true, false)

	rows := fltPGRows(t, directDSN, schema)
	msgs := make([]string, len(rows))
	dups := 0
	seen := map[string]bool{}
	for i, r := range rows {
		msgs[i] = r.message
		if seen[r.message] {
			dups++
		}
		seen[r.message] = true
		if id := idOf[r.message]; id != strconv.FormatInt(r.journalID, 10) {
			t.Errorf("postgres row %q has journal_id %d, the file output has nomen.id %s for it", r.message, r.journalID, id)
			break
		}
	}
	// Ordered by journal_id, the rows are in send order per source.
	fltCheck(t, "postgres output", msgs, want, true, true)
	t.Logf("postgres: %d rows for %d events (%d copies sent again after the kill, allowed: at-least-once)", len(rows), total, dups)
	if d := n.metric("nomen_dropped_events_total", ""); d != 0 {
		t.Errorf("nomen_dropped_events_total = %v, want 0", d)
	}
}

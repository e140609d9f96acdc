package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/nomenhq/nomen/internal/testpeer"
)

// The fault tests' downstreams: PostgreSQL, NATS JetStream, rsyslog and an
// NDJSON collector, and nomen's own view of its outputs (lag, failures).

// fltPostgres returns the DSN user@host of this machine's PostgreSQL
// (database test, trust authentication) or skips.
func fltPostgres(t testing.TB) (user string) {
	t.Helper()
	var last error
	for _, u := range []string{"postgres", "root"} {
		ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
		conn, err := pgx.Connect(ctx, "postgres://"+u+"@127.0.0.1:5432/test?sslmode=disable")
		cancel()
		if err == nil {
			conn.Close(context.Background())
			return u
		}
		last = err
	}
	t.Skipf("PostgreSQL not reachable at 127.0.0.1:5432 (database test, trust authentication): %v", last)
	return ""
}

// fltSchema returns a fresh schema name, dropped when the test ends.
func fltSchema(t testing.TB, dsn string) string {
	t.Helper()
	b := make([]byte, 4)
	rand.Read(b)
	schema := fmt.Sprintf("nomen_fault_%d_%s", os.Getpid(), hex.EncodeToString(b))
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		conn, err := pgx.Connect(ctx, dsn)
		if err != nil {
			return
		}
		defer conn.Close(ctx)
		conn.Exec(ctx, "DROP SCHEMA IF EXISTS "+pgx.Identifier{schema}.Sanitize()+" CASCADE")
	})
	return schema
}

// fltPGRow is one row of <schema>.events.
type fltPGRow struct {
	journalID int64
	message   string
}

// fltPGRows returns the events nomen wrote, by journal_id (nil while the
// schema does not exist yet).
func fltPGRows(t testing.TB, dsn, schema string) []fltPGRow {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	rows, err := conn.Query(ctx, fmt.Sprintf("SELECT journal_id, message FROM %s.events ORDER BY journal_id",
		pgx.Identifier{schema}.Sanitize()))
	if err != nil {
		if strings.Contains(err.Error(), "does not exist") {
			return nil
		}
		t.Fatal(err)
	}
	defer rows.Close()
	var out []fltPGRow
	for rows.Next() {
		var r fltPGRow
		var msg *string
		if err := rows.Scan(&r.journalID, &msg); err != nil {
			t.Fatal(err)
		}
		if msg != nil {
			r.message = *msg
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// fltNATS connects to this machine's NATS JetStream or skips.
func fltNATS(t testing.TB) (hostport string, js jetstream.JetStream) {
	t.Helper()
	const url = "nats://127.0.0.1:4222"
	nc, err := nats.Connect(url, nats.Timeout(2*time.Second))
	if err != nil {
		t.Skipf("NATS JetStream not reachable at %s: %v", url, err)
	}
	t.Cleanup(nc.Close)
	js, err = jetstream.New(nc)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	if _, err := js.AccountInfo(ctx); err != nil {
		t.Skipf("NATS at %s has no JetStream: %v", url, err)
	}
	return "127.0.0.1:4222", js
}

// fltStream returns a unique subject prefix and stream name; the stream is
// deleted when the test ends.
func fltStream(t testing.TB, js jetstream.JetStream) (prefix, stream string) {
	b := make([]byte, 4)
	rand.Read(b)
	id := hex.EncodeToString(b)
	prefix, stream = "nomenfault"+id, "NOMEN_FAULT_"+id
	t.Cleanup(func() { js.DeleteStream(context.Background(), stream) })
	return prefix, stream
}

// fltStreamCount is how many messages the stream holds (0 if it does not
// exist yet).
func fltStreamCount(t testing.TB, js jetstream.JetStream, stream string) int {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	st, err := js.Stream(ctx, stream)
	if errors.Is(err, jetstream.ErrStreamNotFound) {
		return 0
	}
	if err != nil {
		t.Fatal(err)
	}
	info, err := st.Info(ctx)
	if err != nil {
		t.Fatal(err)
	}
	return int(info.State.Msgs)
}

// fltStreamDocs reads the whole stream, in stream order.
func fltStreamDocs(t testing.TB, js jetstream.JetStream, stream string) []map[string]any {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	st, err := js.Stream(ctx, stream)
	if err != nil {
		t.Fatal(err)
	}
	info, err := st.Info(ctx)
	if err != nil {
		t.Fatal(err)
	}
	c, err := st.OrderedConsumer(ctx, jetstream.OrderedConsumerConfig{})
	if err != nil {
		t.Fatal(err)
	}
	var docs []map[string]any
	for uint64(len(docs)) < info.State.Msgs {
		batch, err := c.Fetch(int(info.State.Msgs)-len(docs), jetstream.FetchMaxWait(5*time.Second))
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for m := range batch.Messages() {
			var d map[string]any
			if err := json.Unmarshal(m.Data(), &d); err != nil {
				t.Fatalf("stream message is not JSON (%v): %q", err, m.Data())
			}
			docs = append(docs, d)
			n++
		}
		if n == 0 {
			t.Fatalf("fetched %d of %d stream messages", len(docs), info.State.Msgs)
		}
	}
	return docs
}

// fltRsyslogConf: rsyslog receives over TCP (octet counting or LF) and
// writes each message as it came (%rawmsg%), one per line.
const fltRsyslogConf = `
module(load="imptcp")
template(name="fltraw" type="string" string="%rawmsg%\n")
ruleset(name="fltin") {
	action(type="omfile" file="{{.Dir}}/received.out" template="fltraw")
}
input(type="imptcp" address="127.0.0.1" port="{{.Vars.port}}" ruleset="fltin")
`

// fltKillRsyslog kills rsyslogd with SIGKILL (its pid from its own pid
// file) and waits until its port refuses connections.
func fltKillRsyslog(t testing.TB, r *testpeer.Rsyslog, addr string) {
	t.Helper()
	var pid int
	fltWait(t, 10*time.Second, "rsyslogd's pid file", func() (bool, string) {
		b, err := os.ReadFile(filepath.Join(r.Dir, "rsyslogd.pid"))
		pid, _ = strconv.Atoi(strings.TrimSpace(string(b)))
		return pid > 0, fmt.Sprint(err)
	})
	p, _ := os.FindProcess(pid) // on unix it always finds one: Kill says whether it is there
	if err := p.Kill(); err != nil {
		t.Fatalf("kill rsyslogd %d: %v", pid, err)
	}
	fltWait(t, 10*time.Second, "rsyslogd gone", func() (bool, string) {
		c, err := net.DialTimeout("tcp", addr, time.Second)
		if err != nil {
			return true, ""
		}
		c.Close()
		return false, "still accepting on " + addr
	})
}

// fltLag is the output's lag gauge.
func fltLag(n *nomen, output string) float64 {
	return n.metric("nomen_output_lag_events", `output="`+output+`"`)
}

func fltFailures(n *nomen, output string) float64 {
	return n.metric("nomen_output_failures_total", `output="`+output+`"`)
}

// fltLagZero waits until every output's lag is 0.
func fltLagZero(t testing.TB, n *nomen, outputs ...string) {
	t.Helper()
	fltWait(t, 30*time.Second, "output lag back to 0", func() (bool, string) {
		var s []string
		for _, o := range outputs {
			if l := fltLag(n, o); l != 0 {
				s = append(s, fmt.Sprintf("%s=%v", o, l))
			}
		}
		return len(s) == 0, "lag " + strings.Join(s, " ")
	})
}

// fltCollector is an NDJSON endpoint (the http output's kind "ndjson")
// that records the message of every document it is sent.
type fltCollector struct {
	mu   sync.Mutex
	msgs []string
}

func (c *fltCollector) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, line := range strings.Split(strings.TrimSuffix(string(body), "\n"), "\n") {
		var d map[string]any
		if err := json.Unmarshal([]byte(line), &d); err != nil {
			c.msgs = append(c.msgs, "not JSON: "+line) // flagged by the checks
			continue
		}
		c.msgs = append(c.msgs, getStr(d, "message"))
	}
	w.WriteHeader(http.StatusOK)
}

func (c *fltCollector) messages() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]string(nil), c.msgs...)
}

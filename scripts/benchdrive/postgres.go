package main

import (
	"bufio"
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
)

// The tcp-postgres scenario sends the mixed corpus to nomen, which writes
// it to the postgres output with its defaults (2 connections, batches of
// 5000) on this machine's PostgreSQL ($NOMEN_BENCH_PG_DSN, default
// postgres://postgres@127.0.0.1:5432/test?sslmode=disable), into a schema of its own that
// is dropped afterwards (unless $NOMEN_BENCH_KEEP is set). The run ends when nomen counts every event
// written (nomen_output_events_total); the rows are then counted in the
// database. CPU is nomen's; the server's is reported in the check column.

type pgBench struct {
	dsn, schema string
	metrics     string // nomen's metrics address
	conn        *pgx.Conn
	backends    []int32 // nomen's server processes, found when the run starts
	serverCPU0  float64
}

func newPGBench() (*pgBench, error) {
	dsn := os.Getenv("NOMEN_BENCH_PG_DSN")
	if dsn == "" {
		dsn = "postgres://postgres@127.0.0.1:5432/test?sslmode=disable" // as the forward package's tests
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		return nil, skipped{fmt.Sprintf("PostgreSQL not reachable ($NOMEN_BENCH_PG_DSN): %v", err)}
	}
	l, err := net.Listen("tcp", "127.0.0.1:0") // a free port for nomen's metrics
	if err != nil {
		conn.Close(context.Background())
		return nil, err
	}
	addr := l.Addr().String()
	l.Close()
	return &pgBench{dsn: dsn, schema: fmt.Sprintf("nomen_bench_%d", os.Getpid()), metrics: addr, conn: conn}, nil
}

func (p *pgBench) output() string {
	return fmt.Sprintf("[[output]]\nname = \"bench\"\ntype = \"postgres\"\ndsn = %q\nschema = %q\n", p.dsn, p.schema)
}

// wait polls nomen's count of events written until it reaches n or stops
// growing for 15 s, and returns it and when it last grew.
func (p *pgBench) wait(n int, t0 time.Time) (int, time.Time) {
	p.findBackends()
	p.serverCPU0 = p.serverCPU()
	got, last := 0, t0
	for got < n && time.Since(last) < 15*time.Second {
		if v := p.delivered(); v > got {
			got, last = v, time.Now()
		}
		if got < n {
			time.Sleep(100 * time.Millisecond) // scraping nomen costs it CPU
		}
	}
	return got, last
}

func (p *pgBench) delivered() int {
	resp, err := http.Get("http://" + p.metrics + "/metrics")
	if err != nil {
		return 0
	}
	defer resp.Body.Close()
	sc := bufio.NewScanner(resp.Body)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), `nomen_output_events_total{output="bench"} `); ok {
			f, _ := strconv.ParseFloat(v, 64)
			return int(f)
		}
	}
	return 0
}

// findBackends notes the server processes of the other sessions on this
// database (nomen's connections, when nothing else uses it), once nomen
// has connected. Their CPU is what "server CPU" reports: the backends
// only, not the WAL writer or checkpointer.
func (p *pgBench) findBackends() {
	for range 50 {
		rows, err := p.conn.Query(context.Background(), `SELECT pid FROM pg_stat_activity
			WHERE backend_type = 'client backend' AND datname = current_database() AND pid <> pg_backend_pid()`)
		if err != nil {
			return
		}
		p.backends, _ = pgx.CollectRows(rows, pgx.RowTo[int32])
		if len(p.backends) > 0 {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// serverCPU is the CPU seconds of the backends so far (0 unless
// PostgreSQL runs on this machine, in this process namespace).
func (p *pgBench) serverCPU() float64 {
	sum := 0.0
	for _, pid := range p.backends {
		sum += cpuSeconds(int(pid))
	}
	return sum
}

// result checks the table and completes r.
func (p *pgBench) result(r result) result {
	serverCPU := p.serverCPU() - p.serverCPU0
	n := int(r.msgs)
	var rows, ids int
	err := p.conn.QueryRow(context.Background(), fmt.Sprintf("SELECT count(*), count(DISTINCT journal_id) FROM %s.events_data WHERE fields->'nomen'->>'input' = 'bench'",
		pgx.Identifier{p.schema}.Sanitize())).Scan(&rows, &ids)
	r.lossPct = 100 * float64(n-ids) / float64(n)
	switch {
	case err != nil:
		r.check = "FAIL: " + err.Error()
	case ids != n:
		r.check = fmt.Sprintf("FAIL: %d of %d events in the table", ids, n)
	default:
		r.check = fmt.Sprintf("ok (%d rows; server backends' CPU %.1f µs/event)", rows, 1e6*serverCPU/float64(n))
	}
	return r
}

func (p *pgBench) close() {
	if os.Getenv("NOMEN_BENCH_KEEP") != "" {
		fmt.Fprintln(os.Stderr, "benchdrive: keeping schema", p.schema)
		p.conn.Close(context.Background())
		return
	}
	p.conn.Exec(context.Background(), "DROP SCHEMA IF EXISTS "+pgx.Identifier{p.schema}.Sanitize()+" CASCADE")
	p.conn.Close(context.Background())
}

// skipped is a scenario that cannot run here (a service it needs is not).
type skipped struct{ why string }

func (s skipped) Error() string { return s.why }

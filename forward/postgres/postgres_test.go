package postgres

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/nomenhq/nomen/forward"
	"github.com/nomenhq/nomen/forward/sinktest"
	"github.com/nomenhq/nomen/internal/config"
	"github.com/nomenhq/nomen/internal/cputime"
	"github.com/nomenhq/nomen/relay/event"
)

// testDSN finds the PostgreSQL of this machine ($NOMEN_TEST_POSTGRES, else
// 127.0.0.1:5432 database test as postgres or root) or skips.
func testDSN(t testing.TB) string {
	t.Helper()
	cands := []string{os.Getenv("NOMEN_TEST_POSTGRES")}
	if cands[0] == "" {
		cands = []string{"postgres://postgres@127.0.0.1:5432/test?sslmode=disable", "postgres://root@127.0.0.1:5432/test?sslmode=disable"}
	}
	var last error
	for _, dsn := range cands {
		ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
		conn, err := pgx.Connect(ctx, dsn)
		cancel()
		if err == nil {
			conn.Close(context.Background())
			return dsn
		}
		last = err
	}
	t.Skipf("PostgreSQL not reachable at 127.0.0.1:5432 (database test; set NOMEN_TEST_POSTGRES): %v", last)
	return ""
}

// testSchema returns a fresh schema name, dropped when the test ends.
func testSchema(t testing.TB, dsn string) string {
	t.Helper()
	schema := fmt.Sprintf("nomen_test_%d_%d", os.Getpid(), rand.Uint32())
	t.Cleanup(func() {
		conn, err := pgx.Connect(context.Background(), dsn)
		if err != nil {
			return
		}
		defer conn.Close(context.Background())
		conn.Exec(context.Background(), "DROP SCHEMA IF EXISTS "+pgx.Identifier{schema}.Sanitize()+" CASCADE")
	})
	return schema
}

func openPostgres(t testing.TB, cfg Config) *Postgres {
	t.Helper()
	s, err := New(cfg, forward.Runtime{Hostname: "relay1"})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Open(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func query(t testing.TB, dsn, sql string, args ...any) [][]any {
	t.Helper()
	conn, err := pgx.Connect(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.Background())
	rows, err := conn.Query(context.Background(), sql, args...)
	if err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
	var out [][]any
	for rows.Next() {
		v, err := rows.Values()
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, v)
	}
	if err := rows.Err(); err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
	return out
}

// pgEvents are the sample events plus ones that test the edges: a NUL and
// invalid UTF-8 (stored as U+FFFD, like the JSON documents), the template
// placeholder inside a message, a host.name that differs from the syslog
// hostname, a non-canonical address.
func pgEvents(t testing.TB) []*event.Event {
	evs := sinktest.SampleEvents(t, 1, 3)
	evs = append(evs, sinktest.TrickyEvent(t, 4))
	add := func(spec sinktest.Spec) {
		evs = append(evs, sinktest.BuildEvent(t, uint64(len(evs)+1), spec))
	}
	add(sinktest.Spec{Raw: "<13>Nov 22 10:15:09 host9 app: nul \x00 and bad \xff bytes, and \x01 the placeholder"})
	add(sinktest.Spec{Raw: "<13>Nov 22 10:15:10 shortname app[7]: user bob logged in from 2001:db8::1",
		Fields: map[string]any{"host.name": "shortname.example.org", "user.name": "bob", "source.ip": "2001:DB8::1", "event.category": []any{"authentication", "session"}}})
	add(sinktest.Spec{Raw: "no header at all 12345"})
	add(sinktest.Spec{Raw: "<14>1 2026-11-22T10:16:02.123456+01:00 host3 app - ID47 - microseconds"})
	add(sinktest.Spec{Raw: "<14>1 2026-11-22T10:16:02.123456789Z host3 app - ID47 - nanoseconds", Received: "2026-11-22T10:16:02.5000001Z"})
	return evs
}

func TestPostgresRoundTrip(t *testing.T) {
	dsn := testDSN(t)
	schema := testSchema(t, dsn)
	s := openPostgres(t, Config{DSN: dsn, Schema: schema})
	evs := pgEvents(t)
	sinktest.MustWrite(t, s, evs[:2])
	sinktest.MustWrite(t, s, evs[2:])

	// Every document comes back complete through the view.
	rows := query(t, dsn, fmt.Sprintf("SELECT journal_id, doc, message FROM %s.events ORDER BY journal_id", schema))
	if len(rows) != len(evs) {
		t.Fatalf("%d rows, want %d", len(rows), len(evs))
	}
	enc := event.Encoder{Observer: "relay1"}
	for i, e := range evs {
		want := enc.AppendJSON(nil, e)
		fixJSONNul(want)
		var wantDoc map[string]any
		if err := json.Unmarshal(want, &wantDoc); err != nil {
			t.Fatal(err)
		}
		got := rows[i][1].(map[string]any)
		if !reflect.DeepEqual(got, wantDoc) {
			gj, _ := json.Marshal(got)
			t.Errorf("event %d: doc differs\n got %s\nwant %s", i+1, gj, want)
		}
		if msg, _ := rows[i][2].(string); msg != pgText(e.Message) {
			t.Errorf("event %d: message %q, want %q", i+1, msg, e.Message)
		}
	}

	// Times to the nanosecond live in columns (migration 3), not in
	// fields, where each would be a GIN key of its own.
	inFields := query(t, dsn, fmt.Sprintf(`SELECT count(*) FROM %s.events_data WHERE fields ? '@timestamp' OR fields->'event' ? 'created'`, schema))
	ns := query(t, dsn, fmt.Sprintf(`SELECT count(*) FROM %s.events_data WHERE time_ns IS NOT NULL AND received_ns IS NOT NULL`, schema))
	if inFields[0][0].(int64) != 0 || ns[0][0].(int64) != 1 {
		t.Errorf("%v rows keep a time in fields, %v have nanoseconds in both columns; want 0 and 1", inFields[0][0], ns[0][0])
	}

	// Query by user and by source address through the view.
	byUser := query(t, dsn, fmt.Sprintf("SELECT journal_id, host, action, outcome FROM %s.events WHERE user_name = $1", schema), "alice")
	if len(byUser) != 1 || byUser[0][0].(int64) != 2 || byUser[0][1] != "db2" || byUser[0][2] != "sudo" || byUser[0][3] != "success" {
		t.Errorf("by user alice: %v", byUser)
	}
	byIP := query(t, dsn, fmt.Sprintf("SELECT journal_id, category FROM %s.events WHERE source_ip = '10.0.0.5' ORDER BY 1", schema))
	if len(byIP) != 1 || byIP[0][0].(int64) != 1 || byIP[0][1] != "authentication" {
		t.Errorf("by source ip: %v", byIP)
	}
	byIP6 := query(t, dsn, fmt.Sprintf("SELECT journal_id, category, host FROM %s.events WHERE source_ip <<= '2001:db8::/32'", schema))
	if len(byIP6) != 1 || byIP6[0][1] != "authentication,session" || byIP6[0][2] != "shortname.example.org" {
		t.Errorf("by IPv6 network: %v", byIP6)
	}
	// Any other field, through fields (GIN).
	byPort := query(t, dsn, fmt.Sprintf(`SELECT journal_id FROM %s.events WHERE fields @> '{"destination":{"port":443}}'`, schema))
	if len(byPort) != 1 || byPort[0][0].(int64) != 3 {
		t.Errorf("by destination.port: %v", byPort)
	}
}

func TestPostgresDictionaryShared(t *testing.T) {
	dsn := testDSN(t)
	schema := testSchema(t, dsn)
	s := openPostgres(t, Config{DSN: dsn, Schema: schema, CacheSize: 10})
	const n = 1000
	evs := make([]*event.Event, n)
	for i := range evs {
		evs[i] = sinktest.BuildEvent(t, uint64(i+1), sinktest.Spec{
			Raw: fmt.Sprintf("<38>Nov 22 10:15:02 web7 sshd[%d]: Failed password for invalid user u%d from 10.1.%d.%d port %d ssh2",
				1000+i, i%50, i%200, i%250, 40000+i),
			Fields: map[string]any{"event.category": []any{"authentication"}, "event.action": "ssh_login", "event.outcome": "failure"},
		})
	}
	for i := 0; i < n; i += 100 {
		sinktest.MustWrite(t, s, evs[i:i+100])
	}
	// More of the same, so that the dictionary's fixed size (its indexes'
	// first pages) is amortized as in real use.
	for i := 0; i < 20; i++ {
		sinktest.MustWrite(t, s, sinktest.WithIDs(evs, uint64(n*(i+1)+1)))
	}
	count := func(kind int, value string) int64 {
		r := query(t, dsn, fmt.Sprintf("SELECT count(*) FROM %s.strings WHERE kind = $1 AND value = $2", schema), kind, value)
		return r[0][0].(int64)
	}
	if c := count(dictHost, "web7"); c != 1 {
		t.Errorf("host web7 stored %d times, want once", c)
	}
	if c := count(dictTemplate, "Failed password for invalid user \x01 from \x01 port \x01 \x01"); c != 1 {
		t.Errorf("the message template is stored %d times, want once", c)
	}
	rows := query(t, dsn, fmt.Sprintf("SELECT count(*) FROM %s.events WHERE host = 'web7' AND program = 'sshd'", schema))
	if rows[0][0].(int64) != 21*n {
		t.Errorf("%v events of web7, want %d", rows[0][0], 21*n)
	}
	rep := query(t, dsn, fmt.Sprintf("SELECT events, inline_bytes::float8, referenced_bytes::float8, saved_percent::float8 FROM %s.storage_report()", schema))
	t.Logf("storage_report: events %v, inline %v bytes, referenced %v bytes, saved %v%%", rep[0][0], rep[0][1], rep[0][2], rep[0][3])
	if rep[0][0].(int64) != 21*n || rep[0][3] == nil || rep[0][3].(float64) <= 0 {
		t.Errorf("storage_report %v: want %d events and a saving", rep[0], n)
	}
	inline, stored := counterVecValue(s.m.stringBytes, "inline"), counterVecValue(s.m.stringBytes, "dictionary")
	if inline <= stored {
		t.Errorf("metric: inline %v bytes, dictionary %v bytes: no saving", inline, stored)
	}
}

func TestPostgresRetention(t *testing.T) {
	dsn := testDSN(t)
	schema := testSchema(t, dsn)
	s := openPostgres(t, Config{DSN: dsn, Schema: schema, Retention: config.Duration(90 * 24 * time.Hour)})
	old := time.Now().Add(-100 * 24 * time.Hour).UTC()
	evs := sinktest.SeqEvents(1, 4)
	for i, e := range evs {
		if i < 2 {
			e.Time = old
		} else {
			e.Time = time.Now()
		}
	}
	sinktest.MustWrite(t, s, evs)
	oldPart := partitionName(utcDay(old))
	exists := func() bool {
		r := query(t, dsn, "SELECT count(*) FROM pg_tables WHERE schemaname = $1 AND tablename = $2", schema, oldPart)
		return r[0][0].(int64) == 1
	}
	if !exists() {
		t.Fatalf("partition %s was not created for the old events", oldPart)
	}
	// Pruning runs on open (and every hour).
	s2 := openPostgres(t, Config{DSN: dsn, Schema: schema, Retention: config.Duration(90 * 24 * time.Hour)})
	if exists() {
		t.Errorf("partition %s survived retention 90d", oldPart)
	}
	if sinktest.CounterValue(s2.m.dropped) != 1 {
		t.Errorf("dropped partitions counted %v, want 1", sinktest.CounterValue(s2.m.dropped))
	}
	r := query(t, dsn, fmt.Sprintf("SELECT count(*) FROM %s.events", schema))
	if r[0][0].(int64) != 2 {
		t.Errorf("%v events left, want the 2 recent ones", r[0][0])
	}
	// A late event for the dropped day recreates it (it goes at the next prune).
	late := sinktest.SeqEvents(5, 1)
	late[0].Time = old
	sinktest.MustWrite(t, s, late)
}

func TestPostgresMigrationIdempotent(t *testing.T) {
	dsn := testDSN(t)
	schema := testSchema(t, dsn)
	// Several instances starting at once.
	var wg sync.WaitGroup
	errs := make(chan error, 3)
	for i := 0; i < 3; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			conn, err := pgx.Connect(context.Background(), dsn)
			if err != nil {
				errs <- err
				return
			}
			defer conn.Close(context.Background())
			_, err = migrate(context.Background(), conn, schema)
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	s := openPostgres(t, Config{DSN: dsn, Schema: schema})
	sinktest.MustWrite(t, s, sinktest.SeqEvents(1, 3))
	s.Close()
	s = openPostgres(t, Config{DSN: dsn, Schema: schema})
	sinktest.MustWrite(t, s, sinktest.SeqEvents(4, 3))
	r := query(t, dsn, fmt.Sprintf("SELECT count(*), max(version) FROM %s.migrations", schema))
	if r[0][0].(int64) != int64(len(migrations)) || r[0][1].(int32) != int32(len(migrations)) {
		t.Errorf("migrations table %v, want each of %d versions once", r[0], len(migrations))
	}
	r = query(t, dsn, fmt.Sprintf("SELECT count(*) FROM %s.events", schema))
	if r[0][0].(int64) != 6 {
		t.Errorf("%v events, want 6", r[0][0])
	}
}

func TestPostgresConfigValidate(t *testing.T) {
	for _, tc := range []struct {
		cfg  Config
		want string
	}{
		{Config{}, "dsn is required"},
		{Config{DSN: "postgres://x/y", Schema: "Bad-Name"}, "schema"},
		{Config{DSN: "postgres://x/y", Retention: config.Duration(time.Hour)}, "at least 1d"},
		{Config{DSN: "::bogus::"}, "dsn"},
	} {
		err := tc.cfg.Validate()
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%+v: got %v, want an error containing %q", tc.cfg, err, tc.want)
		}
	}
}

func TestMessageTemplate(t *testing.T) {
	for _, tc := range []struct {
		msg, tmpl string
		params    []string
		known     []string
	}{
		{"Failed password for invalid user ftp from 10.0.0.5 port 49786 ssh2",
			"Failed password for invalid user \x01 from \x01 port \x01 \x01", []string{"ftp", "10.0.0.5", "49786", "ssh2"}, []string{"ftp"}},
		{"session opened for user root by (uid=0)", "session opened for user \x01 by (uid=\x01)", []string{"root", "0"}, []string{"root"}},
		{"Built inbound TCP connection 90301 for outside:198.51.100.7/51234 (198.51.100.7/51234)",
			"Built inbound TCP connection \x01 for \x01/\x01 (\x01/\x01)", []string{"90301", "outside:198.51.100.7", "51234", "198.51.100.7", "51234"}, nil},
		{"done at 10:15:02.", "done at \x01.", []string{"10:15:02"}, nil},
		{"has \x01 inside", "\x01", []string{"has \x01 inside"}, nil},
		{"", "", nil, nil},
	} {
		tmpl, params := messageTemplate(nil, nil, tc.msg, tc.known)
		if string(tmpl) != tc.tmpl || !reflect.DeepEqual(params, tc.params) {
			t.Errorf("%q: got %q %q, want %q %q", tc.msg, tmpl, params, tc.tmpl, tc.params)
		}
	}
}

func TestFixJSONNul(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{`{"a":"x\u0000y","b":"\\u0000"}`, `{"a":"x\ufffdy","b":"\\u0000"}`},
		{`"\\\u0000\u0000"`, `"\\\ufffd\ufffd"`}, // an escaped backslash, then escapes
		{`"\"\u0000`, `"\"\ufffd`},               // at the very end
		{`"\u000`, `"\u000`},
		{`{}`, `{}`},
	} {
		doc := []byte(tc.in)
		fixJSONNul(doc)
		if string(doc) != tc.want {
			t.Errorf("%s: got %s, want %s", tc.in, doc, tc.want)
		}
	}
}

// BenchmarkPostgresCopy: events/s into PostgreSQL (one op is one event),
// with the output's defaults: batches of DefaultBatchSize, 2
// connections ($NOMEN_BENCH_PG_BATCH and $NOMEN_BENCH_PG_CONNECTIONS to
// compare). It also reports the CPU
// time per event of the server processes (when PostgreSQL runs on this
// machine) and of this process: on a busy machine they tell what an idle
// one would do better than wall time.
func BenchmarkPostgresCopy(b *testing.B) {
	dsn := testDSN(b)
	schema := testSchema(b, dsn)
	conns, _ := strconv.Atoi(os.Getenv("NOMEN_BENCH_PG_CONNECTIONS")) // 0: the default
	s := openPostgres(b, Config{DSN: dsn, Schema: schema, Connections: conns})
	batchSize := DefaultBatchSize // the worker's batches
	if n, _ := strconv.Atoi(os.Getenv("NOMEN_BENCH_PG_BATCH")); n > 0 {
		batchSize = n
	}
	base := sinktest.SampleEvents(b, 1, batchSize)
	// Vary the numbers in the messages a little, as real traffic does.
	for i, e := range base {
		if i%3 == 0 {
			base[i] = sinktest.BuildEvent(b, e.ID, sinktest.Spec{
				Raw:    fmt.Sprintf("<38>Nov 22 10:15:02 web%d sshd[%d]: Failed password for invalid user u%d from 10.0.%d.%d port %d ssh2", i%20, 300+i, i%40, i%250, i%200, 40000+i),
				Fields: sinktest.SampleSpecs[0].Fields,
			})
		}
	}
	if err := s.connect(context.Background()); err != nil {
		b.Fatal(err)
	}
	var pids []int
	for _, l := range s.lanes {
		var pid int
		if err := l.conn.QueryRow(context.Background(), "SELECT pg_backend_pid()").Scan(&pid); err != nil {
			b.Fatal(err)
		}
		pids = append(pids, pid)
	}
	serverCPU := func() (time.Duration, bool) {
		var sum time.Duration
		for _, pid := range pids {
			d, ok := cputime.Of(pid)
			if !ok {
				return 0, false
			}
			sum += d
		}
		return sum, true
	}
	server0, serverOK := serverCPU()
	self0 := cputime.Self()
	b.ReportAllocs()
	b.ResetTimer()
	id := uint64(1)
	start := time.Now()
	for done := 0; done < b.N; {
		n := min(len(base), b.N-done)
		batch := sinktest.WithIDs(base[:n], id)
		for i, e := range batch { // distinct times, as in real traffic
			e.Time = start.Add(time.Duration(done+i) * 137 * time.Microsecond)
			e.Received = e.Time.Add(2 * time.Millisecond)
		}
		if err := s.Write(context.Background(), batch); err != nil {
			b.Fatal(err)
		}
		id += uint64(n)
		done += n
	}
	b.StopTimer()
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "events/s")
	if server1, ok := serverCPU(); ok && serverOK {
		b.ReportMetric(float64((server1-server0).Nanoseconds())/1e3/float64(b.N), "server-cpu-µs/event")
	}
	b.ReportMetric(float64((cputime.Self()-self0).Nanoseconds())/1e3/float64(b.N), "client-cpu-µs/event")
}

// TestPostgresNamesMatchEventPackage: the view rebuilds facility and
// severity names with SQL arrays that must stay the event package's.
func TestPostgresNamesMatchEventPackage(t *testing.T) {
	sql := migrations[0].sql
	var fac, sev []string
	for i := 0; i < 24; i++ {
		fac = append(fac, event.FacilityName(i))
	}
	for i := 0; i < 8; i++ {
		sev = append(sev, event.SeverityName(i))
	}
	for _, want := range []string{"'{" + strings.Join(fac, ",") + "}'", "'{" + strings.Join(sev, ",") + "}'"} {
		if !strings.Contains(sql, want) {
			t.Errorf("the view's names are not %s", want)
		}
	}
}

// TestPostgresECSVersion: rows with flag 512 get the view's ecs.version;
// when the event package moves on, a migration must teach the view.
func TestPostgresECSVersion(t *testing.T) {
	if pgECSVersion != event.ECSVersion {
		t.Fatalf("ecs.version %s, the view writes %s: add a migration", event.ECSVersion, pgECSVersion)
	}
	if !strings.Contains(migrations[1].sql, `'"`+pgECSVersion+`"'`) {
		t.Errorf("migration 2 does not write ecs.version %s", pgECSVersion)
	}
}

// TestPostgresUpgradeFromV1: rows written before migration 2 (nomen.id and
// ecs.version kept in fields, flags without 256 and 512) read back the same
// through the new view, next to rows written after it.
func TestPostgresUpgradeFromV1(t *testing.T) {
	dsn := testDSN(t)
	schema := testSchema(t, dsn)
	conn, err := pgx.Connect(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.Background())
	// Version 1 and a row as version 1's nomen wrote it.
	for _, sql := range []string{
		"CREATE SCHEMA <S>",
		"CREATE TABLE <S>.migrations (version int PRIMARY KEY, description text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())",
		migrations[0].sql,
		"INSERT INTO <S>.migrations (version, description) VALUES (1, 'v1')",
		"CREATE TABLE <S>.events_data_20261122 PARTITION OF <S>.events_data FOR VALUES FROM ('2026-11-22T00:00:00Z') TO ('2026-11-23T00:00:00Z')",
		`INSERT INTO <S>.events_data (time, journal_id, flags, fields) VALUES ('2026-11-22T10:00:00Z', 7, 4, '{"ecs":{"version":"8.17.0"},"nomen":{"id":"7"}}')`,
	} {
		if _, err := conn.Exec(context.Background(), schemaSQL(sql, schema)); err != nil {
			t.Fatalf("%s: %v", sql, err)
		}
	}
	s := openPostgres(t, Config{DSN: dsn, Schema: schema}) // migrates to the newest
	defer s.Close()
	e := sinktest.SeqEvents(8, 1)[0]
	e.Time = time.Date(2026, 11, 22, 11, 0, 0, 0, time.UTC)
	sinktest.MustWrite(t, s, []*event.Event{e})
	r := query(t, dsn, fmt.Sprintf(`SELECT v.journal_id, d.flags, v.doc->'nomen'->>'id', v.doc->'ecs'->>'version', v.fields ? 'ecs'
		FROM %[1]s.events v JOIN %[1]s.events_data d USING (journal_id) ORDER BY v.journal_id`, pgx.Identifier{schema}.Sanitize()))
	if len(r) != 2 {
		t.Fatalf("%d rows, want 2", len(r))
	}
	for i, want := range []struct {
		id    string
		flags int16
		inDoc bool
	}{{"7", 4, true}, {"8", -1, false}} {
		row := r[i]
		if row[2] != want.id || row[3] != pgECSVersion {
			t.Errorf("row %d: nomen.id %v, ecs.version %v; want %s, %s", i, row[2], row[3], want.id, pgECSVersion)
		}
		if row[4] != want.inDoc {
			t.Errorf("row %d: ecs.version stored in fields: %v, want %v", i, row[4], want.inDoc)
		}
		if want.flags >= 0 && row[1] != want.flags {
			t.Errorf("row %d: flags %v, want %d", i, row[1], want.flags)
		}
		if want.flags < 0 && row[1].(int16)&(flagNomenID|flagECS) != flagNomenID|flagECS {
			t.Errorf("row %d: flags %v, want 256 and 512 set", i, row[1])
		}
	}
}

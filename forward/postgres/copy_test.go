package postgres

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/nomenhq/nomen/forward"
	"github.com/nomenhq/nomen/forward/sinktest"
	"github.com/nomenhq/nomen/relay/event"
)

// copyTestEvents are pgEvents plus rows that test the encoder's edges:
// times before PostgreSQL's epoch and before Unix's (with digits finer
// than microseconds, which must be truncated toward the past), no
// received time, addresses of both families (one IPv4-mapped), a message
// without parameters, one with non-ASCII text and invalid bytes, and a row
// larger than a COPY chunk.
func copyTestEvents(t testing.TB) []*event.Event {
	evs := pgEvents(t)
	add := func(spec sinktest.Spec, edit func(e *event.Event)) {
		e := sinktest.BuildEvent(t, uint64(len(evs)+1), spec)
		if edit != nil {
			edit(e)
		}
		evs = append(evs, e)
	}
	add(sinktest.Spec{Raw: "<13>Nov 22 10:15:09 host9 app: before 2000"}, func(e *event.Event) {
		e.Time = time.Date(1999, 12, 31, 23, 59, 59, 999999000, time.UTC)
	})
	add(sinktest.Spec{Raw: "<13>Nov 22 10:15:09 host9 app: before 1970, finer than µs"}, func(e *event.Event) {
		e.Time = time.Date(1969, 12, 31, 23, 59, 59, 999999999, time.UTC)
		e.Received = time.Date(1969, 7, 20, 20, 17, 40, 123456789, time.FixedZone("X", 3600))
	})
	add(sinktest.Spec{Raw: "<13>Nov 22 10:15:09 host9 app: nothing variable here"}, func(e *event.Event) {
		e.Received = time.Time{}
	})
	add(sinktest.Spec{Raw: "<13>Nov 22 10:15:09 host9 app: from v4-mapped 10.9.8.7",
		Fields: map[string]any{"source.ip": "::ffff:10.9.8.7", "event.outcome": "unknown"}}, nil)
	add(sinktest.Spec{Raw: "<13>Nov 22 10:15:09 host9 app: from fe80::1",
		Fields: map[string]any{"source.ip": "fe80::1", "event.category": []any{"network", "session"}}}, nil)
	add(sinktest.Spec{Raw: "<13>Nov 22 10:15:09 host9 app: not an address",
		Fields: map[string]any{"source.ip": "bogus"}}, nil)
	add(sinktest.Spec{Raw: "<13>Nov 22 10:15:09 hôte app: übel 42 \xc3 ß\x00x"}, nil)
	add(sinktest.Spec{Raw: "<13>Nov 22 10:15:09 host9 app: big " + strings.Repeat("word 123 ", 12000)}, nil)
	return evs
}

// TestPostgresCopyBinary writes rows with the binary COPY encoder and the
// same rows with pgx's generic CopyFrom (what the output used before), and
// compares what the server stored, column by column as text. Enough rows
// to be split over both connections (lanes) and into several COPY chunks.
func TestPostgresCopyBinary(t *testing.T) {
	dsn := testDSN(t)
	schema := testSchema(t, dsn)
	s := openPostgres(t, Config{DSN: dsn, Schema: schema})
	evs := copyTestEvents(t)
	for len(evs) < 3*minLaneRows {
		evs = append(evs, sinktest.WithIDs(evs, uint64(len(evs)+1))...)
	}
	ctx := context.Background()
	if err := s.Write(ctx, evs); err != nil {
		t.Fatal(err)
	}
	// The same rows again, all on one lane, for pgx (the dictionary ids
	// are cached now: prepare and resolve give what the lanes wrote).
	l := s.lanes[0]
	l.prepare(evs, s.observer)
	if err := s.resolve(ctx, l); err != nil {
		t.Fatal(err)
	}

	ref := pgx.Identifier{schema, "ref"}
	if _, err := s.conn.Exec(ctx, fmt.Sprintf("CREATE TABLE %s (LIKE %s)", ref.Sanitize(),
		pgx.Identifier{schema, "events_data"}.Sanitize())); err != nil {
		t.Fatal(err)
	}
	i := 0
	if _, err := s.conn.CopyFrom(ctx, ref, copyColumns, pgx.CopyFromFunc(func() ([]any, error) {
		if i == len(l.rows) {
			return nil, nil
		}
		i++
		return pgxCopyValues(&l.rows[i-1], s.observer), nil
	})); err != nil {
		t.Fatal(err)
	}

	cols := make([]string, len(copyColumns))
	for i, c := range copyColumns {
		cols[i] = pgx.Identifier{c}.Sanitize() + "::text"
	}
	sel := "SELECT " + strings.Join(cols, ", ") + " FROM %s ORDER BY journal_id"
	got := query(t, dsn, fmt.Sprintf(sel, pgx.Identifier{schema, "events_data"}.Sanitize()))
	want := query(t, dsn, fmt.Sprintf(sel, ref.Sanitize()))
	if len(got) != len(evs) || len(want) != len(evs) {
		t.Fatalf("%d rows stored by the encoder, %d by pgx, want %d", len(got), len(want), len(evs))
	}
	for r := range got {
		for c := range copyColumns {
			if !reflect.DeepEqual(got[r][c], want[r][c]) {
				t.Errorf("row %d (journal_id %v), %s: stored %.200v, pgx stored %.200v", r, got[r][2], copyColumns[c], got[r][c], want[r][c])
			}
		}
	}
	// Make sure the edges were there to compare.
	seen := map[string]bool{}
	for _, row := range got {
		if row[1] == nil {
			seen["received NULL"] = true
		}
		if ip, _ := row[10].(string); strings.Contains(ip, ":") {
			seen["IPv6"] = true
		} else if ip != "" {
			seen["IPv4"] = true
		}
		if row[12] == "{}" {
			seen["empty params"] = true
		}
		if row[16] != nil && row[17] != nil { // time_ns, received_ns
			seen["nanoseconds"] = true
		}
	}
	for i := range l.rows {
		if len(l.appendRow(nil, &l.rows[i])) > 65536 {
			seen["row larger than a chunk"] = true
		}
	}
	for _, k := range []string{"received NULL", "IPv6", "IPv4", "empty params", "nanoseconds", "row larger than a chunk"} {
		if !seen[k] {
			t.Errorf("no row with %s", k)
		}
	}
}

// pgxCopyValues is the row as the output gave it to pgx's CopyFrom before
// it encoded the COPY stream itself.
func pgxCopyValues(r *pgRow, observer string) []any {
	id := func(id int64) any {
		if id == 0 {
			return nil
		}
		return int32(id)
	}
	text := func(s string, ok bool) any {
		if !ok {
			return nil
		}
		return s
	}
	v := []any{r.time, nil, int64(r.journal)}
	if !r.received.IsZero() {
		v[1] = r.received
	}
	for _, k := range []int{dictHost, dictUser, dictProgram, dictCategory, dictAction, dictObserver} {
		v = append(v, id(r.ids[k]))
	}
	v = append(v, text(r.outcome, r.outcome != ""))
	if r.ip.IsValid() {
		v = append(v, netip.PrefixFrom(r.ip, r.ip.BitLen()))
	} else {
		v = append(v, nil)
	}
	v = append(v, id(r.ids[dictTemplate]))
	switch {
	case !r.hasTmpl:
		v = append(v, nil)
	case r.params == nil:
		// A template without parameters: pgx wrote NULL for a nil slice,
		// which the output passed when no row of the batch had
		// parameters, and '{}' otherwise; the encoder always writes '{}'
		// (<schema>.render treats both alike).
		v = append(v, []string{})
	default:
		v = append(v, r.params)
	}
	if r.flags&flagPri != 0 {
		v = append(v, r.pri)
	} else {
		v = append(v, nil)
	}
	enc := event.Encoder{Observer: observer, Omit: func(key string) bool { return r.omit&omitBit(key) != 0 }}
	doc := enc.AppendJSON(nil, r.ev)
	fixJSONNul(doc)
	ns := func(ns int16) any {
		if ns == 0 {
			return nil
		}
		return ns
	}
	return append(v, text(r.rawHead, r.hasHead), text(r.raw, r.hasRaw), r.flags, ns(r.timeNS), ns(r.recvNS), doc)
}

// TestEventKeys: prepare's one-pass lookups answer as the event's own
// Field, Has and Get do, decoder-set values overriding derived ones.
func TestEventKeys(t *testing.T) {
	probe := event.New(time.Time{})
	for _, name := range keyNames {
		probe.SetStr(name, "x")
	}
	probe.SetStr("host.hostname", "x") // a key prepare does not read
	var at [numKeys]int32
	prepareKeys.Find(probe, at[:])
	for i, name := range keyNames {
		if at[i] != int32(i) {
			t.Errorf("prepareKeys finds %q at field %d, want %d", name, at[i], i)
		}
	}
	evs := append(copyTestEvents(t), sinktest.SampleEvents(t, 100, 3)...)
	over := sinktest.BuildEvent(t, 200, sinktest.Spec{Raw: "<13>Nov 22 10:15:09 host9 app[12]: overridden", Fields: map[string]any{
		"host.name": "other", "process.name": "proc", "process.pid": float64(13), "message": "msg",
		"@timestamp": "2026-01-01T00:00:00Z", "log.syslog.severity.name": "bad", "observer.product": "x",
		"event.kind": "alert", "user.target.name": "root", "source.user.name": "a", "destination.user.name": "b",
	}})
	over.SetStr("host.name", "last") // the last value set wins
	evs = append(evs, over)
	var k eventKeys
	for _, e := range evs {
		k.reset(e)
		for key, name := range keyNames {
			gv, gok := k.get(key)
			wv, wok := e.Get(name)
			if gok != wok || !reflect.DeepEqual(gv, wv) {
				t.Errorf("event %d, get %s: %v %v, want %v %v", e.ID, name, gv, gok, wv, wok)
			}
			fv, fok := k.field(key)
			wv, wok = e.Field(name)
			if fok != wok || !reflect.DeepEqual(fv, wv) {
				t.Errorf("event %d, field %s: %v %v, want %v %v", e.ID, name, fv, fok, wv, wok)
			}
			if k.has(key) != e.Has(name) {
				t.Errorf("event %d, has %s: %v", e.ID, name, k.has(key))
			}
		}
	}
}

// TestPostgresLaneErrors: with several connections, each part of a batch
// is retried or dead-lettered by its own lane's error; a batch that failed
// on every lane for a retryable reason is retried whole.
func TestPostgresLaneErrors(t *testing.T) {
	s := &Postgres{lanes: []*copyLane{{}, {}, {}}, dict: newDictCache(10)}
	down := errors.New("connection reset")
	data := &pgconn.PgError{Code: "22P02", Message: "invalid input syntax"}
	const per, total = 4, 10 // parts: 0-3, 4-7, 8-9
	for _, tc := range []struct {
		name  string
		errs  []error
		items map[int]bool // failed index -> permanent; nil: no forward.BatchError
		plain bool         // a plain retryable error
	}{
		{"all written", []error{nil, nil, nil}, nil, false},
		{"one lane's data error", []error{nil, data, nil}, map[int]bool{4: true, 5: true, 6: true, 7: true}, false},
		{"one lane down, one data error", []error{down, data, nil},
			map[int]bool{0: false, 1: false, 2: false, 3: false, 4: true, 5: true, 6: true, 7: true}, false},
		{"every lane down", []error{down, down, down}, nil, true},
		{"last lane down", []error{nil, nil, down}, map[int]bool{8: false, 9: false}, false},
	} {
		err := s.laneErrors(tc.errs, per, total)
		var be *forward.BatchError
		switch {
		case tc.items == nil && !tc.plain:
			if err != nil {
				t.Errorf("%s: %v, want nil", tc.name, err)
			}
		case tc.plain:
			if err == nil || errors.As(err, &be) || forward.IsPermanent(err) {
				t.Errorf("%s: %v, want the retryable error itself", tc.name, err)
			}
		default:
			if !errors.As(err, &be) {
				t.Fatalf("%s: %v, want a BatchError", tc.name, err)
			}
			got := map[int]bool{}
			for _, it := range be.Items {
				got[it.Index] = forward.IsPermanent(it.Err)
			}
			if !reflect.DeepEqual(got, tc.items) {
				t.Errorf("%s: failed items (index: permanent) %v, want %v", tc.name, got, tc.items)
			}
		}
	}
}

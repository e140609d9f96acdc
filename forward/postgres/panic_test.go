package postgres

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/nomenhq/nomen/forward"
	"github.com/nomenhq/nomen/forward/sinktest"
	"github.com/nomenhq/nomen/internal/panics"
)

// TestPostgresLanePanicKeepsTheOtherLanesPart: a batch written on two
// lanes, one of which panics (a nil event stands for any bug one event
// finds), is not raised as a panic of the whole batch, which the worker
// would write again event by event, the committed lane's part with it (a
// second copy of each of its rows). The panicking lane's events are the
// batch's failed items, with the panic; the other lane's are stored once.
func TestPostgresLanePanicKeepsTheOtherLanesPart(t *testing.T) {
	dsn := testDSN(t)
	schema := testSchema(t, dsn)
	s := openPostgres(t, Config{DSN: dsn, Schema: schema, Connections: 2})
	batch := sinktest.SampleEvents(t, 1, 2*minLaneRows)
	per := len(batch) / 2
	batch[len(batch)-1] = nil // in the second lane's part
	var err error
	var raised *panics.Panic
	func() {
		defer panics.Catch(&raised)
		err = s.Write(context.Background(), batch)
	}()
	if raised != nil {
		t.Fatalf("Write raised the panic of one lane (%v): the worker would write the other lane's committed part again", raised.Value)
	}
	var be *forward.BatchError
	if !errors.As(err, &be) || len(be.Items) != per {
		t.Fatalf("Write = %v, want a BatchError of the second lane's %d events", err, per)
	}
	for _, it := range be.Items {
		var p *panics.Panic
		if it.Index < per || !errors.As(it.Err, &p) {
			t.Fatalf("item %d: %v, want an item of the second lane with its panic", it.Index, it.Err)
		}
	}
	rows := query(t, dsn, fmt.Sprintf("SELECT count(*), min(journal_id), max(journal_id) FROM %s.events_data", schema))
	if n, lo, hi := rows[0][0].(int64), rows[0][1].(int64), rows[0][2].(int64); n != int64(per) || lo != 1 || hi != int64(per) {
		t.Errorf("stored %d rows, ids %d..%d; want the first lane's %d", n, lo, hi, per)
	}
	// The lane goes on: the second part, without the bug, is written.
	sinktest.MustWrite(t, s, batch[per:len(batch)-1])
	if n := query(t, dsn, fmt.Sprintf("SELECT count(*) FROM %s.events_data", schema))[0][0].(int64); n != int64(len(batch)-1) {
		t.Errorf("%d rows after writing the rest, want %d", n, len(batch)-1)
	}
}

package postgres

import (
	"fmt"
	"net"
	"net/url"
	"testing"

	"github.com/nomenhq/nomen/forward"
	"github.com/nomenhq/nomen/forward/sinktest"
	"github.com/nomenhq/nomen/relay/event"
)

// TestConformance runs the shared sink checks against PostgreSQL on
// 127.0.0.1:5432 (database test), a schema of its own per check, dropped
// after. A record is what the events view gives back: the journal ID and
// event.original of the assembled document.
func TestConformance(t *testing.T) {
	dsn := testDSN(t)
	rt := forward.Runtime{Hostname: "relay1"}
	sinktest.Run(t, sinktest.Suite{
		Want: func(e *event.Event) string { return fmt.Sprintf("%d %s", e.ID, e.Original) },
		Receiver: func(t *testing.T) sinktest.Receiver {
			schema := testSchema(t, dsn)
			return sinktest.Receiver{
				NewSink: func() (forward.Sink, error) { return New(Config{DSN: dsn, Schema: schema}, rt) },
				Got: func() ([]string, error) {
					var got []string
					for _, row := range query(t, dsn, fmt.Sprintf("SELECT journal_id, doc->'event'->>'original' FROM %s.events ORDER BY journal_id", schema)) {
						got = append(got, fmt.Sprintf("%d %s", row[0], row[1]))
					}
					return got, nil
				},
			}
		},
		// The schema exists and belongs to another role, on which the
		// output's role has no privilege.
		Misconfigured: func(t *testing.T) forward.Sink {
			schema := testSchema(t, dsn)
			role := schema + "_role"
			query(t, dsn, "CREATE SCHEMA "+schema)
			query(t, dsn, "CREATE ROLE "+role+" LOGIN")
			t.Cleanup(func() { query(t, dsn, "DROP ROLE IF EXISTS "+role) })
			u, err := url.Parse(dsn)
			if err != nil {
				t.Fatal(err)
			}
			u.User = url.User(role)
			s, err := New(Config{DSN: u.String(), Schema: schema}, rt)
			if err != nil {
				t.Fatal(err)
			}
			return s
		},
		Unreachable: func(t *testing.T) forward.Sink {
			l, err := net.Listen("tcp", "127.0.0.1:0")
			if err != nil {
				t.Fatal(err)
			}
			l.Close() // nothing listens there any more
			s, err := New(Config{DSN: "postgres://nomen@" + l.Addr().String() + "/test?sslmode=disable&connect_timeout=5"}, rt)
			if err != nil {
				t.Fatal(err)
			}
			return s
		},
	})
}

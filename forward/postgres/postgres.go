// Package postgres is the postgres output: events COPYed into daily
// partitions of a schema nomen creates and migrates itself (schema.go),
// with the repeated strings (hosts, users, programs, message templates)
// held once in dictionaries (dict.go). Query through the view
// <schema>.events.
//
//	[[output]]
//	name = "db"
//	type = "postgres"
//	dsn = "postgres://nomen@db.example.net/logs?sslmode=verify-full"
//	schema = "nomen"
//	retention = "90d"
//	# connections = 2
//	# batch_size = 5000       (this type's default)
package postgres

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/nomenhq/nomen/forward"
	"github.com/nomenhq/nomen/internal/config"
	"github.com/nomenhq/nomen/internal/panics"
	"github.com/nomenhq/nomen/relay/event"
	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
)

// Config is an `[[output]]` table of type "postgres". A zero value
// of an optional key means its default. The schema is described in
// schema.go; query through the view <schema>.events.
//
// Delivery is at-least-once: a batch whose COPY failed is written again
// whole (journal_id tells duplicates apart, should a retry follow a COPY
// that did commit before the connection broke).
type Config struct {
	// DSN is a libpq connection string or URL (required):
	// "postgres://nomen@db.example.org/logs?sslmode=verify-full".
	DSN string `toml:"dsn"`
	// Schema holds nomen's tables (default "nomen"); created and migrated
	// by nomen.
	Schema string `toml:"schema"`
	// Retention drops daily partitions whose every event is older than
	// this ("90d"); checked when the output opens and every hour. 0 keeps
	// everything.
	Retention config.Duration `toml:"retention"`
	// CacheSize bounds the dictionary strings cached in memory (default
	// 100000 per generation; see dictCache).
	CacheSize int `toml:"cache_size"`
	// Connections is how many connections write a batch, each its part,
	// at the same time: preparing rows, adding new dictionary strings,
	// creating partitions and COPYing (default 2: the server's work per
	// row, indexes above all, is what limits throughput, and one
	// connection keeps one server core busy). With 1, a batch is one
	// transaction. With more, each part commits on its own: the parts of
	// the connections that failed are retried (or dead-lettered, for data
	// errors) by their own error; when all failed, the batch is retried
	// whole. At-least-once: a part whose commit was not confirmed is
	// written again (journal_id identifies copies).
	Connections int `toml:"connections"`
}

var schemaName = regexp.MustCompile(`^[a-z_][a-z0-9_]{0,62}$`)

func (c Config) withDefaults() Config {
	if c.Schema == "" {
		c.Schema = "nomen"
	}
	if c.CacheSize == 0 {
		c.CacheSize = 100000
	}
	if c.Connections == 0 {
		c.Connections = 2
	}
	return c
}

// Validate checks the configuration.
func (c Config) Validate() error {
	c = c.withDefaults()
	if c.DSN == "" {
		return errors.New("postgres: dsn is required")
	}
	if _, err := pgx.ParseConfig(c.DSN); err != nil {
		return fmt.Errorf("postgres: dsn: %w", err)
	}
	if !schemaName.MatchString(c.Schema) {
		return fmt.Errorf("postgres: schema %q: want a lower-case SQL name (letters, digits, _)", c.Schema)
	}
	if c.Retention < 0 || (c.Retention > 0 && c.Retention.D() < 24*time.Hour) {
		return fmt.Errorf("postgres: retention %v: want at least 1d (partitions are daily), or 0 to keep everything", c.Retention)
	}
	if c.CacheSize < 0 {
		return errors.New("postgres: cache_size must not be negative")
	}
	if c.Connections < 0 || c.Connections > 16 {
		return fmt.Errorf("postgres: connections %d: want 1 to 16", c.Connections)
	}
	return nil
}

type postgresMetrics struct {
	stringBytes *prometheus.CounterVec
	dropped     prometheus.Counter
}

func newPostgresMetrics(rt forward.Runtime) *postgresMetrics {
	return &postgresMetrics{
		stringBytes: rt.CounterVec("nomen_postgres_string_bytes_total",
			"Bytes of the dictionary-held strings (host, user, program, category, action, message template, observer) of the events written: "+
				"storage=\"inline\" is what storing them in every row would take, storage=\"dictionary\" what the ids and the new dictionary entries took.",
			"storage"),
		dropped: rt.Counter("nomen_postgres_partitions_dropped_total",
			"Daily partitions dropped by retention."),
	}
}

// Postgres writes events into PostgreSQL with COPY.
type Postgres struct {
	cfg      Config
	observer string // observer.hostname: the relay's
	log      *slog.Logger
	m        *postgresMetrics
	lanes    []*copyLane // lanes[0] uses conn
	copySQL  string      // the COPY statement (copyStatement)

	conn  *pgx.Conn
	ready bool // schema migrated on this connection's database

	dictMu sync.Mutex // lanes resolve at the same time
	dict   *dictCache

	partsMu  sync.Mutex
	parts    map[time.Time]bool // days known to have a partition
	createMu sync.Mutex         // held while lanes create partitions

	stop chan struct{}
	done chan struct{}
}

// minLaneRows: smaller batches are not split.
const minLaneRows = 128

// DefaultBatchSize is the postgres output's batch_size unless
// configured: each batch is a COPY per connection and a commit, and on the
// 2-core development machine 5000-event batches wrote ~15 % more events
// per second than 1000-event ones (BenchmarkPostgresCopy).
const DefaultBatchSize = 5000

type dictMiss struct {
	kind  int
	value string
}

// NewSink builds the postgres sink of c (forward.Config).
func (c *Config) NewSink(rt forward.Runtime) (forward.Sink, error) { return New(*c, rt) }

// New returns a postgres sink; rt.Hostname is observer.hostname.
func New(cfg Config, rt forward.Runtime) (*Postgres, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	cfg = cfg.withDefaults()
	s := &Postgres{
		cfg:      cfg,
		observer: rt.Hostname,
		log:      rt.Log().With("sink", "postgres", "schema", cfg.Schema),
		m:        newPostgresMetrics(rt),
		dict:     newDictCache(cfg.CacheSize),
		parts:    map[time.Time]bool{},
		copySQL:  copyStatement(cfg.Schema),
	}
	for range cfg.Connections {
		l := &copyLane{}
		l.enc = event.Encoder{Observer: s.observer, Omit: l.omit}
		s.lanes = append(s.lanes, l)
	}
	return s, nil
}

// Open connects, migrates the schema, creates partitions for yesterday to
// the day after tomorrow, prunes by retention and starts the hourly
// maintenance.
func (s *Postgres) Open(ctx context.Context) error {
	if err := s.connect(ctx); err != nil {
		return err
	}
	if err := s.maintain(ctx, s.conn); err != nil {
		return classifyPG(fmt.Errorf("postgres: %w", err))
	}
	if s.stop == nil {
		s.stop, s.done = make(chan struct{}), make(chan struct{})
		go s.maintenanceLoop()
	}
	return nil
}

func (s *Postgres) connect(ctx context.Context) error {
	if err := s.connectMain(ctx); err != nil {
		return err
	}
	s.lanes[0].conn = s.conn
	for _, l := range s.lanes[1:] {
		if l.conn != nil && !l.conn.IsClosed() {
			continue
		}
		conn, err := pgx.Connect(ctx, s.cfg.DSN)
		if err != nil {
			return classifyPG(fmt.Errorf("postgres: connect: %w", err))
		}
		l.conn = conn
	}
	return nil
}

// connectMain connects the main connection (dictionary, partitions, first
// lane) and migrates the schema.
func (s *Postgres) connectMain(ctx context.Context) error {
	if s.conn != nil && !s.conn.IsClosed() && s.ready {
		return nil
	}
	if s.conn != nil {
		s.conn.Close(ctx)
		s.conn = nil
	}
	conn, err := pgx.Connect(ctx, s.cfg.DSN)
	if err != nil {
		return classifyPG(fmt.Errorf("postgres: connect: %w", err))
	}
	applied, err := migrate(ctx, conn, s.cfg.Schema)
	if err != nil {
		conn.Close(ctx)
		return classifyPG(fmt.Errorf("postgres: migrate schema %s: %w", s.cfg.Schema, err))
	}
	if applied > 0 {
		s.log.Info("postgres: schema migrated", "migrations", applied)
	}
	s.conn, s.ready = conn, true
	return nil
}

// maintain creates upcoming partitions and applies retention.
func (s *Postgres) maintain(ctx context.Context, conn *pgx.Conn) error {
	today := utcDay(time.Now())
	if err := ensurePartitions(ctx, conn, s.cfg.Schema, []time.Time{today.AddDate(0, 0, -1), today, today.AddDate(0, 0, 1), today.AddDate(0, 0, 2)}); err != nil {
		return err
	}
	if s.cfg.Retention > 0 {
		dropped, err := dropPartitionsBefore(ctx, conn, s.cfg.Schema, time.Now().Add(-s.cfg.Retention.D()))
		if err != nil {
			return err
		}
		for _, d := range dropped {
			s.m.dropped.Inc()
			s.log.Info("postgres: retention dropped a partition", "partition", partitionName(d))
		}
	}
	days, err := listPartitions(ctx, conn, s.cfg.Schema)
	if err != nil {
		return err
	}
	s.partsMu.Lock()
	defer s.partsMu.Unlock()
	clear(s.parts)
	for _, d := range days {
		s.parts[d] = true
	}
	return nil
}

// maintenanceLoop runs maintain every hour on its own connection (the
// write connection belongs to the worker) and logs what the dictionary saved.
func (s *Postgres) maintenanceLoop() {
	defer close(s.done)
	t := time.NewTicker(time.Hour)
	defer t.Stop()
	for {
		select {
		case <-s.stop:
			return
		case <-t.C:
		}
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
		conn, err := pgx.Connect(ctx, s.cfg.DSN)
		if err == nil {
			err = s.maintain(ctx, conn)
			conn.Close(ctx)
		}
		cancel()
		if err != nil {
			s.log.Error("postgres: maintenance (partitions, retention)", "err", err)
		}
		s.logSaving()
	}
}

func (s *Postgres) logSaving() {
	inline := counterVecValue(s.m.stringBytes, "inline")
	stored := counterVecValue(s.m.stringBytes, "dictionary")
	if inline > 0 {
		s.log.Info("postgres: dictionary storage", "inline_bytes", int64(inline), "stored_bytes", int64(stored),
			"saved_percent", fmt.Sprintf("%.1f", 100*(1-stored/inline)))
	}
}

// Close stops the maintenance and closes the connection.
func (s *Postgres) Close() error {
	if s.stop != nil {
		close(s.stop)
		<-s.done
		s.stop = nil
	}
	s.logSaving()
	var errs []error
	for _, l := range s.lanes[1:] {
		if l.conn != nil {
			errs = append(errs, l.conn.Close(context.Background()))
			l.conn = nil
		}
	}
	if s.conn != nil {
		errs = append(errs, s.conn.Close(context.Background()))
		s.conn = nil
	}
	s.lanes[0].conn = nil
	return errors.Join(errs...)
}

// copyColumns are the columns COPY writes, in the order appendRow
// (copy.go) encodes them.
var copyColumns = []string{"time", "received", "journal_id", "host_id", "user_id", "program_id", "category_id", "action_id",
	"observer_id", "outcome", "source_ip", "template_id", "params", "pri", "raw_head", "raw", "flags", "time_ns", "received_ns", "fields"}

// Write stores the batch, split over the lanes when it is large enough.
// Each lane writes its part on its own connection, at the same time as the
// others: rows prepared, dictionary strings not cached upserted in one
// round trip, missing partitions created, then the rows sent with COPY.
// Lanes overlap one's preparing with another's COPY, and each COPY's
// commit with the others' work.
func (s *Postgres) Write(ctx context.Context, batch []*event.Event) error {
	if len(batch) == 0 {
		return nil
	}
	if err := s.connect(ctx); err != nil {
		return err
	}
	n := len(s.lanes)
	if len(batch) < n*minLaneRows {
		n = max(1, len(batch)/minLaneRows)
	}
	if n == 1 {
		if err := s.writeLane(ctx, s.lanes[0], batch); err != nil {
			return s.fail(err)
		}
		return nil
	}
	errs := make([]error, n)
	// A lane's panic (a bug one event found) is caught on the lane's
	// goroutine, where it would end the process, and reported as its
	// lane's items' error (a *panics.Panic in a forward.BatchError): the
	// worker writes those events again an event at a time, and the parts
	// the other lanes committed are not written twice.
	caught := make([]*panics.Panic, n)
	var wg sync.WaitGroup
	per := (len(batch) + n - 1) / n
	for i := 0; i < n; i++ {
		part := batch[i*per : min(len(batch), (i+1)*per)]
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer panics.Catch(&caught[i])
			errs[i] = s.writeLane(ctx, s.lanes[i], part)
		}()
	}
	wg.Wait()
	for i, p := range caught {
		if p != nil {
			errs[i] = p
		}
	}
	return s.laneErrors(errs, per, len(batch))
}

// laneErrors reports the lanes' failures: each lane's events by that
// lane's own error (permanent, retryable, or the lane's panic), the other
// lanes' parts being committed. When every lane failed and none
// permanently or by a panic (the server is down, say), it is the first
// error, for the worker to reconnect and retry the whole batch.
func (s *Postgres) laneErrors(errs []error, per, total int) error {
	var first error
	var items []forward.ItemError
	itemized := false // a lane's error the worker must see per item (permanent, a panic)
	for i, err := range errs {
		if err == nil {
			continue
		}
		var p *panics.Panic
		if errors.As(err, &p) {
			itemized = true // never the whole batch again: its panic is the worker's to isolate
		} else {
			err = s.fail(err)
			itemized = itemized || forward.IsPermanent(err)
		}
		if first == nil {
			first = err
		}
		for j := i * per; j < min(total, (i+1)*per); j++ {
			items = append(items, forward.ItemError{Index: j, Err: err})
		}
	}
	switch {
	case first == nil:
		return nil
	case len(items) == total && !itemized:
		return first
	}
	return &forward.BatchError{Items: items}
}

// writeLane writes part of a batch on lane l.
func (s *Postgres) writeLane(ctx context.Context, l *copyLane, part []*event.Event) error {
	defer l.release()
	l.prepare(part, s.observer)
	if err := s.resolve(ctx, l); err != nil {
		return err
	}
	if err := s.ensureDays(ctx, l.conn, l.rows); err != nil {
		return err
	}
	err := l.copyRows(ctx, s.copySQL, l.rows)
	var pe *pgconn.PgError
	if errors.As(err, &pe) && pe.Code == "23514" {
		// No partition for a row: retention (here or in another nomen)
		// dropped one that the cache still knew. Learn them again, retry once.
		s.partsMu.Lock()
		clear(s.parts)
		s.partsMu.Unlock()
		if err = s.reloadPartitions(ctx, l.conn); err == nil {
			if err = s.ensureDays(ctx, l.conn, l.rows); err == nil {
				err = l.copyRows(ctx, s.copySQL, l.rows)
			}
		}
	}
	if err != nil {
		return fmt.Errorf("postgres: copy: %w", err)
	}
	return nil
}

func (s *Postgres) reloadPartitions(ctx context.Context, conn *pgx.Conn) error {
	days, err := listPartitions(ctx, conn, s.cfg.Schema)
	if err != nil {
		return err
	}
	s.partsMu.Lock()
	defer s.partsMu.Unlock()
	for _, d := range days {
		s.parts[d] = true
	}
	return nil
}

// fail classifies err and drops a connection that cannot go on.
func (s *Postgres) fail(err error) error {
	if s.conn != nil && s.conn.IsClosed() {
		s.conn = nil
	}
	for _, l := range s.lanes[1:] {
		if l.conn != nil && l.conn.IsClosed() {
			l.conn = nil
		}
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) && pe.Code == "42P01" { // a table vanished: migrate again
		s.ready = false
		s.dict.reset()
	}
	return classifyPG(err)
}

// classifyPG makes data errors permanent (the batch would fail the same
// way again) and errors of the configuration (a role without privileges on
// the schema, a schema owned by another role, a wrong password or
// database) configuration errors; everything else (connections, locks,
// resources) is retryable.
func classifyPG(err error) error {
	var pe *pgconn.PgError
	if !errors.As(err, &pe) {
		return err
	}
	switch {
	case strings.HasPrefix(pe.Code, "22") || strings.HasPrefix(pe.Code, "23") && pe.Code != "23514":
		return forward.Permanent(err)
	case pe.Code == "42501": // insufficient_privilege
		return forward.Misconfigured(err, "the dsn's role needs CREATE and USAGE on the output's schema (or its own schema): "+
			"GRANT them, or set schema to one that role owns")
	case strings.HasPrefix(pe.Code, "28"): // invalid authorization
		return forward.Misconfigured(err, "check the user and password of the output's dsn")
	case pe.Code == "3D000", pe.Code == "3F000": // no such database, schema
		return forward.Misconfigured(err, "check the database and schema of the output's dsn and schema keys")
	}
	return err
}

// missingDays returns the days of rows not known to have a partition.
func (s *Postgres) missingDays(rows []pgRow) []time.Time {
	var need []time.Time
	s.partsMu.Lock()
	defer s.partsMu.Unlock()
	for i := range rows {
		if d := utcDay(rows[i].time); !s.parts[d] && !slices.Contains(need, d) {
			need = append(need, d)
		}
	}
	return need
}

// ensureDays creates the partitions rows need (on conn: the calling lane's).
func (s *Postgres) ensureDays(ctx context.Context, conn *pgx.Conn, rows []pgRow) error {
	need := s.missingDays(rows)
	if len(need) == 0 {
		return nil
	}
	// A lane needing a day that another is creating waits for it, rather
	// than COPYing into a partition that is not there yet.
	s.createMu.Lock()
	defer s.createMu.Unlock()
	if need = s.missingDays(rows); len(need) == 0 {
		return nil // another lane created them meanwhile
	}
	if err := ensurePartitions(ctx, conn, s.cfg.Schema, need); err != nil {
		return fmt.Errorf("postgres: %w", err)
	}
	s.partsMu.Lock()
	for _, d := range need {
		s.parts[d] = true
	}
	s.partsMu.Unlock()
	return nil
}

// counterVecValue reads one child of a counter vector (for log lines).
func counterVecValue(v *prometheus.CounterVec, labels ...string) float64 {
	var m dto.Metric
	if err := v.WithLabelValues(labels...).Write(&m); err != nil {
		return 0
	}
	return m.GetCounter().GetValue()
}

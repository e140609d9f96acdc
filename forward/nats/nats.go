// Package nats is the nats output: ECS JSON documents published to
// JetStream on a subject templated from the event's fields, each with a
// message id that lets JetStream drop the copies a retry sends.
//
//	[[output]]
//	name = "bus"
//	type = "nats"
//	url = "nats://127.0.0.1:4222"
//	subject = "nomen.events.{event.category}"
//	create_stream = true
//	stream = "NOMEN"
package nats

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/nomenhq/nomen/forward"
	"github.com/nomenhq/nomen/internal/config"
	"github.com/nomenhq/nomen/internal/retry"
	"github.com/nomenhq/nomen/relay/event"
	"github.com/prometheus/client_golang/prometheus"
)

// Config is an `[[output]]` table of type "nats": JetStream publish of
// ECS JSON documents. A zero value of an optional key means its default.
//
// Delivery: a batch succeeds only when JetStream acknowledged every
// message (so the journal cursor advances only then). Every message
// carries Nats-Msg-Id = "<journal id>-<event id>", stable across restarts
// and retries, so JetStream drops the copies a retry sends within the
// stream's duplicate window; a finding nomen made (event.module "nomen",
// with a deterministic event.id) carries "nomen-finding-<event.id>"
// instead, so that the same finding made by two instances is stored once.
type Config struct {
	// URL of the server(s), comma-separated (default nats://127.0.0.1:4222).
	URL string `toml:"url"`
	// Subject is a template: {field.path} is replaced by the event's value
	// (the first item of a list), with '.', '*', '>' and white space turned
	// into '_' so that it stays one token, or by subject_missing when the
	// event has no such field (default "nomen.events.{event.category}").
	Subject string `toml:"subject"`
	// SubjectMissing is the token for absent fields (default "unknown").
	SubjectMissing string `toml:"subject_missing"`
	// CreateStream creates the stream Stream covering the subject (each
	// templated token a '*') when no stream covers it.
	CreateStream bool `toml:"create_stream"`
	// Stream is the name of the stream created (default "NOMEN").
	Stream string `toml:"stream"`
	// DuplicateWindow of a created stream (default 2m, JetStream's): how
	// long message ids are remembered for deduplication.
	DuplicateWindow config.Duration `toml:"duplicate_window"`
	// MaxPending bounds the messages awaiting an acknowledgement (default 1024).
	MaxPending int `toml:"max_pending"`
	// AckTimeout bounds waiting for a batch's acknowledgements (default
	// 30s). Within it, a message without an answer for 2s, or lost to a
	// reconnect or to a stream electing its leader, is published again
	// with the same Nats-Msg-Id: the stream's duplicate window must be at
	// least ack_timeout (Open warns if it is not).
	AckTimeout config.Duration `toml:"ack_timeout"`
	// TLS options (implied by a tls:// URL).
	TLS forward.TLSConfig `toml:"tls"`
	// Credentials: a .creds file (JWT + nkey seed), an nkey seed file,
	// user and password, or a token.
	Creds    string `toml:"creds"`
	NKey     string `toml:"nkey"`
	User     string `toml:"user"`
	Password string `toml:"password"`
	Token    string `toml:"token"`
}

func (c Config) withDefaults() Config {
	if c.URL == "" {
		c.URL = nats.DefaultURL
	}
	if c.Subject == "" {
		c.Subject = "nomen.events.{event.category}"
	}
	if c.SubjectMissing == "" {
		c.SubjectMissing = "unknown"
	}
	if c.Stream == "" {
		c.Stream = "NOMEN"
	}
	if c.DuplicateWindow == 0 {
		c.DuplicateWindow = config.Duration(2 * time.Minute)
	}
	if c.MaxPending == 0 {
		c.MaxPending = 1024
	}
	if c.AckTimeout == 0 {
		c.AckTimeout = config.Duration(30 * time.Second)
	}
	return c
}

// Validate checks the configuration.
func (c Config) Validate() error {
	c = c.withDefaults()
	if _, err := parseSubject(c.Subject); err != nil {
		return err
	}
	if !validToken(c.SubjectMissing) {
		return fmt.Errorf("nats: subject_missing %q: want one subject token (no '.', '*', '>' or spaces)", c.SubjectMissing)
	}
	if strings.ContainsAny(c.Stream, " .*>\t/\\") {
		return fmt.Errorf("nats: stream %q: a name without '.', '*', '>', '/', '\\' or spaces", c.Stream)
	}
	creds := 0
	for _, set := range []bool{c.Creds != "", c.NKey != "", c.User != "" || c.Password != "", c.Token != ""} {
		if set {
			creds++
		}
	}
	if creds > 1 {
		return errors.New("nats: give one of creds, nkey, user/password and token")
	}
	if err := c.TLS.Validate(); err != nil {
		return fmt.Errorf("nats: %w", err)
	}
	if c.MaxPending < 1 || c.DuplicateWindow < 0 || c.AckTimeout < 0 {
		return errors.New("nats: max_pending must be positive, durations not negative")
	}
	return nil
}

// subjectTemplate is a parsed subject (forward.Template) and the wildcard
// a stream must cover.
type subjectTemplate struct {
	forward.Template
	wildcard string // the subject with every templated token a '*'
}

func parseSubject(s string) (subjectTemplate, error) {
	tp, err := forward.ParseTemplate(s)
	if err != nil {
		return subjectTemplate{}, fmt.Errorf("nats: subject %q: %w", s, err)
	}
	t := subjectTemplate{Template: tp}
	// Check the shape with every field a plain token, and build the
	// wildcard that a stream must cover.
	tokens := strings.Split(tp.Shape("\x00"), ".")
	for i, tok := range tokens {
		if strings.Contains(tok, "\x00") {
			tokens[i] = "*"
			continue
		}
		if !validToken(tok) {
			return t, fmt.Errorf("nats: subject %q: token %q is empty or holds '*', '>' or spaces", s, tok)
		}
	}
	t.wildcard = strings.Join(tokens, ".")
	return t, nil
}

func validToken(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; c <= ' ' || c == '.' || c == '*' || c == '>' || c == 0x7f {
			return false
		}
	}
	return true
}

// appendSubject renders the subject of e: each value one token.
func (t *subjectTemplate) appendSubject(dst []byte, e *event.Event, missing string) []byte {
	return t.Append(dst, e, missing, subjectByte)
}

// subjectByte maps a byte of a field's value to one a token may hold.
func subjectByte(c byte) byte {
	if c <= ' ' || c == '.' || c == '*' || c == '>' || c == 0x7f {
		return '_'
	}
	return c
}

type natsMetrics struct {
	duplicates prometheus.Counter
	resent     prometheus.Counter
}

func newNATSMetrics(rt forward.Runtime) *natsMetrics {
	return &natsMetrics{
		duplicates: rt.Counter("nomen_nats_duplicate_events_total",
			"Events JetStream acknowledged as duplicates (already stored: a retry after a lost acknowledgement)."),
		resent: rt.Counter("nomen_nats_resent_events_total",
			"Events published again within a batch: no acknowledgement within 2s (a stream leader that died), a reconnect, or no stream leader."),
	}
}

// NATS publishes events to JetStream.
type NATS struct {
	cfg     Config
	log     *slog.Logger
	m       *natsMetrics
	subject subjectTemplate
	enc     event.Encoder
	journal string // the journal id in message ids (Nats-Msg-Id)

	nc *nats.Conn
	js jetstream.JetStream

	data    []byte
	subj    []byte
	futures []jetstream.PubAckFuture // one round's, in the order of its indexes
}

// NewSink builds the nats sink of c (forward.Config).
func (c *Config) NewSink(rt forward.Runtime) (forward.Sink, error) { return New(*c, rt) }

// New returns a nats sink. rt.Hostname is observer.hostname in the
// documents; rt.JournalID names the journal the events' IDs belong to, in
// message ids (it must survive restarts as long as the IDs do; empty:
// rt.Hostname, then "nomen").
func New(cfg Config, rt forward.Runtime) (*NATS, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	cfg = cfg.withDefaults()
	subj, _ := parseSubject(cfg.Subject)
	return &NATS{
		cfg:     cfg,
		log:     rt.Log().With("sink", "nats", "subject", cfg.Subject),
		m:       newNATSMetrics(rt),
		subject: subj,
		enc:     event.Encoder{Observer: rt.Hostname},
		journal: cmp.Or(rt.JournalID, rt.Hostname, "nomen"),
	}, nil
}

// Open connects and makes sure a stream covers the subject.
func (s *NATS) Open(ctx context.Context) error {
	if s.nc == nil {
		opts := []nats.Option{
			nats.Name("nomen"),
			nats.MaxReconnects(-1),
			nats.ReconnectWait(time.Second),
			nats.DisconnectErrHandler(func(_ *nats.Conn, err error) {
				if err != nil {
					s.log.Warn("nats: disconnected", "err", err)
				}
			}),
			nats.ReconnectHandler(func(nc *nats.Conn) { s.log.Info("nats: reconnected", "server", nc.ConnectedUrlRedacted()) }),
		}
		if !s.cfg.TLS.IsZero() {
			tc, err := s.cfg.TLS.Build("")
			if err != nil {
				return fmt.Errorf("nats: %w", err)
			}
			opts = append(opts, nats.Secure(tc))
		}
		switch {
		case s.cfg.Creds != "":
			opts = append(opts, nats.UserCredentials(s.cfg.Creds))
		case s.cfg.NKey != "":
			o, err := nats.NkeyOptionFromSeed(s.cfg.NKey)
			if err != nil {
				return forward.Permanent(fmt.Errorf("nats: nkey: %w", err))
			}
			opts = append(opts, o)
		case s.cfg.User != "" || s.cfg.Password != "":
			opts = append(opts, nats.UserInfo(s.cfg.User, s.cfg.Password))
		case s.cfg.Token != "":
			opts = append(opts, nats.Token(s.cfg.Token))
		}
		nc, err := nats.Connect(s.cfg.URL, opts...)
		if errors.Is(err, nats.ErrAuthorization) || errors.Is(err, nats.ErrAuthExpired) || errors.Is(err, nats.ErrAuthRevoked) {
			return forward.Misconfigured(fmt.Errorf("nats: connect %s: %w", s.cfg.URL, err),
				"check the output's credentials (creds, nkey, user/password or token)")
		}
		if err != nil {
			return fmt.Errorf("nats: connect %s: %w", s.cfg.URL, err)
		}
		// Each copy waits at most resendAfter for its acknowledgement
		// (then Write publishes it again), freeing its max_pending slot.
		js, err := jetstream.New(nc, jetstream.WithPublishAsyncMaxPending(s.cfg.MaxPending),
			jetstream.WithPublishAsyncTimeout(min(resendAfter, s.cfg.AckTimeout.D())))
		if err != nil {
			nc.Close()
			return fmt.Errorf("nats: %w", err)
		}
		s.nc, s.js = nc, js
	}
	return s.ensureStream(ctx)
}

func (s *NATS) ensureStream(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	name, err := s.js.StreamNameBySubject(ctx, s.subject.wildcard)
	if err == nil {
		s.log.Debug("nats: stream found", "stream", name)
		s.checkDuplicateWindow(ctx, name)
		return nil
	}
	if !errors.Is(err, jetstream.ErrStreamNotFound) {
		return fmt.Errorf("nats: look up the stream for %s: %w", s.subject.wildcard, err)
	}
	if !s.cfg.CreateStream {
		return forward.Misconfigured(fmt.Errorf("nats: no JetStream stream covers %s", s.subject.wildcard),
			"create a stream with subject "+s.subject.wildcard+", or set create_stream = true")
	}
	_, err = s.js.CreateStream(ctx, jetstream.StreamConfig{
		Name:        s.cfg.Stream,
		Description: "nomen events",
		Subjects:    []string{s.subject.wildcard},
		Storage:     jetstream.FileStorage,
		Duplicates:  s.cfg.DuplicateWindow.D(),
	})
	if errors.Is(err, jetstream.ErrStreamNameAlreadyInUse) {
		return forward.Misconfigured(fmt.Errorf("nats: create stream %s for %s: %w (a stream of that name has other subjects)", s.cfg.Stream, s.subject.wildcard, err),
			"set stream to a name no other stream uses, or add "+s.subject.wildcard+" to the subjects of stream "+s.cfg.Stream)
	}
	var apiErr *jetstream.APIError
	if errors.As(err, &apiErr) && apiErr.Code >= 400 && apiErr.Code < 500 && apiErr.Code != 408 && apiErr.Code != 429 {
		return forward.Misconfigured(fmt.Errorf("nats: create stream %s for %s: %w", s.cfg.Stream, s.subject.wildcard, err),
			"check stream, subject and the account's JetStream permissions and limits")
	}
	if err != nil {
		return fmt.Errorf("nats: create stream %s for %s: %w", s.cfg.Stream, s.subject.wildcard, err)
	}
	s.log.Info("nats: stream created", "stream", s.cfg.Stream, "subjects", s.subject.wildcard)
	s.checkDuplicateWindow(ctx, s.cfg.Stream)
	return nil
}

// checkDuplicateWindow warns when the stream forgets message ids sooner
// than Write may publish a message again (ack_timeout after its first
// copy): a copy stored by a leader that died before answering and sent
// again after the window would be stored twice.
func (s *NATS) checkDuplicateWindow(ctx context.Context, name string) {
	st, err := s.js.Stream(ctx, name)
	if err != nil {
		s.log.Debug("nats: stream info", "stream", name, "err", err)
		return
	}
	if w := st.CachedInfo().Config.Duplicates; w < s.cfg.AckTimeout.D() {
		s.log.Warn("nats: the stream's duplicate window is shorter than ack_timeout: a message published again late in a batch may be stored twice",
			"stream", name, "duplicate_window", w, "ack_timeout", s.cfg.AckTimeout.D())
	}
}

// findingID is the message id of an event nomen made itself (a finding,
// a gap alert: event.module "nomen") that carries a deterministic id:
// "nomen-finding-<event.id>", the same wherever the finding is made, so
// that JetStream stores once a finding that two tier instances (or one,
// replaying after a takeover) published. "" for any other event.
func findingID(e *event.Event) string {
	if e.Str("event.module") != "nomen" {
		return ""
	}
	if id := e.Str("event.id"); id != "" { // findingid.Field, the ECS field (a forward package imports no stage)
		return "nomen-finding-" + id
	}
	return ""
}

// msgID is the stable id of an event for JetStream's deduplication.
func (s *NATS) msgID(dst []byte, id uint64) []byte {
	dst = append(dst, s.journal...)
	dst = append(dst, '-')
	return strconv.AppendUint(dst, id, 10)
}

// resendAfter is how long one copy of a message waits for its
// acknowledgement before it is published again (same Nats-Msg-Id), within
// the batch's ack_timeout. JetStream acknowledges in milliseconds; no
// answer for seconds means the copy went to a stream leader that died
// (nothing else tells a client connected to a surviving node), and the
// copy sent after the election is stored or answered "duplicate". The
// stream's duplicate window must cover ack_timeout (Open warns).
const resendAfter = 2 * time.Second

// Write publishes the batch asynchronously (at most max_pending messages
// unacknowledged) and returns once JetStream acknowledged them all. A
// message not acknowledged within resendAfter, or lost to a reconnect or
// a stream without a leader, is published again until ack_timeout.
func (s *NATS) Write(ctx context.Context, batch []*event.Event) error {
	if s.js == nil {
		if err := s.Open(ctx); err != nil {
			return err
		}
	}
	// One buffer for the batch's documents: messages are kept until
	// acknowledged (the client may publish them again), so nothing is
	// reused before the end of Write.
	s.data = s.data[:0]
	offs := make([]int, 0, len(batch)+1)
	for _, e := range batch {
		offs = append(offs, len(s.data))
		s.data = s.enc.AppendJSON(s.data, e)
	}
	offs = append(offs, len(s.data))
	msgs := make([]*nats.Msg, len(batch))
	var idbuf []byte
	for i, e := range batch {
		s.subj = s.subject.appendSubject(s.subj[:0], e, s.cfg.SubjectMissing)
		msgs[i] = &nats.Msg{Subject: string(s.subj), Data: s.data[offs[i]:offs[i+1]:offs[i+1]], Header: nats.Header{}}
		if id := findingID(e); id != "" {
			msgs[i].Header.Set(jetstream.MsgIDHeader, id)
		} else if e.ID != 0 {
			idbuf = s.msgID(idbuf[:0], e.ID)
			msgs[i].Header.Set(jetstream.MsgIDHeader, string(idbuf))
		}
	}
	deadline := time.Now().Add(s.cfg.AckTimeout.D())
	actx, cancel := context.WithDeadline(ctx, deadline)
	defer cancel()
	pending := make([]int, len(batch)) // indexes of the messages not acknowledged yet
	for i := range pending {
		pending[i] = i
	}
	var be forward.BatchError
	// The pause between rounds matters only when copies failed at once
	// (a reconnect, no stream leader): a lost copy already waited resendAfter.
	err := retry.Do(actx, retry.Policy{Max: resendAfter}, func(round int) error {
		if round > 0 {
			s.m.resent.Add(float64(len(pending)))
		}
		var failed []forward.ItemError
		pending, failed = s.publish(actx, msgs, pending)
		be.Items = append(be.Items, failed...)
		if len(pending) > 0 {
			return errNotAcked
		}
		return nil
	})
	if ctx.Err() != nil {
		return fmt.Errorf("nats: %w", ctx.Err())
	}
	if err != nil {
		return fmt.Errorf("nats: %d of %d messages without acknowledgement from JetStream within %v", len(pending), len(batch), s.cfg.AckTimeout)
	}
	if len(be.Items) == 0 {
		return nil
	}
	if len(be.Items) == len(batch) && !forward.IsPermanent(be.Items[0].Err) {
		return be.Items[0].Err // all failed (no stream, stream full...): retry the batch
	}
	slices.SortFunc(be.Items, func(a, b forward.ItemError) int { return a.Index - b.Index })
	return &be
}

var errNotAcked = errors.New("not acknowledged yet")

// publish publishes msgs[i] for each i in idx and waits for their
// answers: it returns the indexes to publish again (no answer within
// resendAfter, a reconnect, no stream leader: see resendable) and the
// items that failed otherwise. It stops early when ctx ends.
func (s *NATS) publish(ctx context.Context, msgs []*nats.Msg, idx []int) (again []int, failed []forward.ItemError) {
	s.futures = s.futures[:0]
	for _, i := range idx {
		f, err := s.js.PublishMsgAsync(msgs[i], jetstream.WithStallWait(max(ctxLeft(ctx), time.Millisecond)))
		switch {
		case errors.Is(err, nats.ErrMaxPayload):
			failed = append(failed, forward.ItemError{Index: i, Err: forward.Permanentf("nats: event of %d bytes exceeds the server's max_payload", len(msgs[i].Data))})
		case err != nil:
			// The connection is closed or the client's window stayed
			// full until the deadline: try the rest again later.
			again = append(again, i)
		}
		s.futures = append(s.futures, f)
	}
	for k, f := range s.futures {
		i := idx[k]
		if f == nil {
			continue
		}
		select {
		case ack := <-f.Ok():
			if ack.Duplicate && ack.Sequence == 0 {
				// The first copy is being stored (a resend arrived
				// while it was replicated): only its own
				// acknowledgement, or a later duplicate naming its
				// sequence, says it is stored.
				again = append(again, i)
			} else if ack.Duplicate {
				s.m.duplicates.Inc()
			}
		case err := <-f.Err():
			// A message without an id (not from a journal) is not
			// sent again here: JetStream could not drop the copy.
			if resendable(err) && msgs[i].Header.Get(jetstream.MsgIDHeader) != "" {
				again = append(again, i)
			} else {
				failed = append(failed, forward.ItemError{Index: i, Err: fmt.Errorf("nats: publish: %w", err)})
			}
		case <-ctx.Done():
			// The unanswered copies time out in the client (resendAfter).
			clear(s.futures)
			again = append(again, idx[k:]...)
			slices.Sort(again)
			return slices.Compact(again), failed
		}
	}
	clear(s.futures)
	slices.Sort(again)
	return again, failed
}

// resendable reports whether a copy's error means only that this copy
// is lost: no answer within resendAfter (a dead stream leader), the
// connection reconnecting, or no stream leader to answer (an election).
// The copy is published again with the same message id.
func resendable(err error) bool {
	return errors.Is(err, jetstream.ErrAsyncPublishTimeout) || errors.Is(err, nats.ErrDisconnected) ||
		errors.Is(err, jetstream.ErrNoStreamResponse) || errors.Is(err, nats.ErrNoResponders)
}

func ctxLeft(ctx context.Context) time.Duration {
	if d, ok := ctx.Deadline(); ok {
		return time.Until(d)
	}
	return resendAfter
}

// Close waits briefly for outstanding acknowledgements and disconnects.
func (s *NATS) Close() error {
	if s.nc == nil {
		return nil
	}
	if s.js != nil {
		select {
		case <-s.js.PublishAsyncComplete():
		case <-time.After(5 * time.Second):
		}
	}
	s.nc.Close()
	s.nc, s.js = nil, nil
	return nil
}

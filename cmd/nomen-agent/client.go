package main

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net"
	"strings"
	"sync"
	"time"

	"github.com/nomenhq/nomen/internal/retry"
)

// Options configure the agent's connection and batching.
type Options struct {
	Relay        string      // host:port
	TLS          *tls.Config // nil: plaintext (-plaintext-for-testing only)
	AgentID      string      // the client certificate's CN
	Host         string
	OS           string
	AgentVersion string

	// Batching, like Nagle: a batch is sent when it has BatchEvents
	// records or BatchBytes bytes, or BatchDelay after its first record.
	// BatchBytes bounds the agent's buffers (the batch, its lz4 block and
	// its frame: about three times BatchBytes).
	BatchEvents int
	BatchBytes  int
	BatchDelay  time.Duration
	// Window bounds the batches sent and not yet acknowledged.
	Window int

	BackoffMin, BackoffMax time.Duration
	DialTimeout            time.Duration

	// Finite: stop once every source is exhausted and acknowledged
	// (replay). Otherwise run until the context ends.
	Finite bool

	Log *slog.Logger
}

// defaultBatchBytes: 256 KiB batches take 10,000 records of 1 KiB a
// second in 40 batches, with buffers of under a MiB.
const defaultBatchBytes = 256 << 10

func (o *Options) setDefaults() {
	if o.BatchEvents <= 0 {
		o.BatchEvents = 1000
	}
	if o.BatchBytes <= 0 {
		o.BatchBytes = defaultBatchBytes
	}
	if o.BatchDelay <= 0 {
		o.BatchDelay = 200 * time.Millisecond
	}
	if o.Window <= 0 {
		o.Window = 16
	}
	if o.BackoffMin <= 0 {
		o.BackoffMin = 500 * time.Millisecond
	}
	if o.BackoffMax <= 0 {
		o.BackoffMax = 30 * time.Second
	}
	if o.DialTimeout <= 0 {
		o.DialTimeout = 10 * time.Second
	}
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
}

// Agent sends its sources' records to the relay, reconnecting with
// backoff, until its context ends (or, Finite, until all is acknowledged).
type Agent struct {
	opt     Options
	sources []Source
	state   *agentState

	mu     sync.Mutex
	acked  int // records acknowledged (duplicates included)
	sent   int // records sent (resends included)
	closed map[streamKey]bool
}

type streamKey struct {
	channel string
	epoch   uint64
}

// newAgent returns an agent for the sources.
func newAgent(opt Options, state *agentState, sources ...Source) *Agent {
	opt.setDefaults()
	return &Agent{opt: opt, sources: sources, state: state, closed: map[streamKey]bool{}}
}

// Run runs sessions until ctx ends or, for a finite agent, everything is
// acknowledged. A finite agent gives up on a permanent refusal (identity,
// version); a service keeps trying at the longest backoff, so an operator
// can fix the relay side without touching the agent.
func (a *Agent) Run(ctx context.Context) error {
	log := a.opt.Log
	delay := a.opt.BackoffMin
	defer a.state.save()
	for {
		start := time.Now()
		done, progressed, err := a.session(ctx)
		a.state.save()
		if done {
			return nil
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if retry.IsPermanent(err) {
			if a.opt.Finite {
				return err
			}
			log.Error("relay refused this agent; retrying", "relay", a.opt.Relay, "err", err, "in", a.opt.BackoffMax)
			delay = a.opt.BackoffMax
		} else {
			if progressed || time.Since(start) > time.Minute {
				delay = a.opt.BackoffMin
			}
			log.Warn("relay session ended; reconnecting", "relay", a.opt.Relay, "err", err, "in", delay.Round(time.Millisecond))
		}
		// Full jitter between half and all of the delay: agents that lost the
		// relay together do not come back in lockstep.
		if err := retry.Sleep(ctx, delay/2+rand.N(delay/2+1)); err != nil {
			return err
		}
		delay = min(2*delay, a.opt.BackoffMax)
	}
}

func (a *Agent) dial(ctx context.Context) (net.Conn, error) {
	d := net.Dialer{Timeout: a.opt.DialTimeout, KeepAlive: 30 * time.Second}
	conn, err := d.DialContext(ctx, "tcp", a.opt.Relay)
	if err != nil {
		return nil, err
	}
	if a.opt.TLS == nil {
		return conn, nil
	}
	tc := tls.Client(conn, a.opt.TLS)
	hctx, cancel := context.WithTimeout(ctx, a.opt.DialTimeout)
	defer cancel()
	if err := tc.HandshakeContext(hctx); err != nil {
		conn.Close()
		return nil, classifyTLS(fmt.Errorf("TLS handshake with %s: %w", a.opt.Relay, err))
	}
	return tc, nil
}

// classifyTLS marks certificate refusals permanent: the relay's
// certificate failed verification here, or the relay refused ours (with
// TLS 1.3 that arrives as an alert on the first read, after the
// handshake).
func classifyTLS(err error) error {
	var verr *tls.CertificateVerificationError
	if errors.As(err, &verr) {
		return retry.Permanent(err)
	}
	var op *net.OpError
	if errors.As(err, &op) && op.Op == "remote error" {
		if m := op.Err.Error(); strings.Contains(m, "certificate") || strings.Contains(m, "access denied") {
			return retry.Permanentf("the relay refused this agent's certificate: %w", err)
		}
	}
	return err
}

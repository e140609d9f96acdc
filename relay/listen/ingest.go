package listen

import (
	"context"
	"slices"
	"time"

	"github.com/nomenhq/nomen/internal/logthrottle"
	"github.com/nomenhq/nomen/relay/decode"
	"github.com/nomenhq/nomen/relay/event"
	"github.com/nomenhq/nomen/relay/pipeline"
	"github.com/prometheus/client_golang/prometheus"
)

// maxBatch bounds how many events one reader collects before handing them to
// the pipeline; readers also flush whenever their socket has nothing more to
// read, so latency stays low at low rates. A datagram reader's batch is
// also what a full queue drops at once.
const maxBatch = 256

// maxStreamBatch is maxBatch for a stream reader, which waits for room
// instead of dropping: one busy connection's batch of 1,024 (a few socket
// reads) halves the journal's appends and writes of a raw run and takes
// ~4 % of its CPU off (twelfth session, docs/performance.md); the
// pipeline's queue (pipeline.queue_events, 4,096 by default) takes any
// batch when it is empty, so a smaller queue only holds fewer of them.
// The price: a connection that waits for room in the queue holds its
// batch meanwhile, outside queue_events, ~630 KB of decoded events of
// ~250 bytes (was ~160 KB), for each busy connection; larger frames
// make smaller batches (maxBatchBytes).
const maxStreamBatch = 1024

// maxBatchBytes bounds a batch by the frames' size as well: at ~250-byte
// lines a stream batch fills its 1,024 events first (256,000 bytes), but
// 1,024 Windows events of 4 KiB would be 4 MiB of frames (and their
// decoded fields) held by each busy connection waiting for room in the
// queue. A batch is handed on once its frames reach 256 KiB.
const maxBatchBytes = 256 << 10

// ingester turns frames from one reader (a connection or a datagram
// reader goroutine) into events through the decode step and hands them to
// the pipeline in batches. It is used by one goroutine.
type ingester struct {
	listener  string
	input     *decode.Input
	dec       *decode.Decoder // lent by input while a batch is collected (nil between batches)
	sub       Submitter
	blocking  bool
	warn      *logthrottle.Logger
	dropped   prometheus.Counter // the pipeline's queue was full (datagrams)
	stopped   prometheus.Counter // the pipeline stopped before taking them
	refused   bool               // Submit failed: the pipeline has stopped
	localHost string             // host.name of a message that names none (unix listeners)
	batch     []*event.Event     // nil between batches (stream readers) or empty (datagram readers)
	started   time.Time          // when the batch's first frame was received
	bytes     int                // the batch's frames' size (maxBatchBytes)
	// reuse: batch is this reader's to keep between batches, and each
	// batch handed on is a copy of its size. A datagram reader's batches
	// are mostly part full (~100 events a linger at 100,000 a second),
	// and a new slice of maxBatch for each cost ~20 bytes a datagram
	// (what is allocated per datagram paces the collector: issue #17).
	// Stream readers, one a connection, hold no batch while they wait
	// (an idle connection's cost), and fill theirs under load.
	reuse bool
	limit int // maxBatch or maxStreamBatch
}

func newIngester(l *listenerRuntime, blocking bool) *ingester {
	limit := maxBatch
	if blocking {
		limit = maxStreamBatch
	}
	return &ingester{
		listener:  l.cfg.Name,
		input:     l.input,
		sub:       l.sub,
		blocking:  blocking,
		reuse:     !blocking,
		limit:     limit,
		warn:      l.warn,
		localHost: l.localHost,
		dropped:   l.metrics.Dropped.WithLabelValues("listener", "queue_full"),
		stopped:   l.metrics.Dropped.WithLabelValues("listener", "stopping"),
	}
}

// Fields that say who sent a datagram to a unix listener, from the kernel
// (SCM_CREDENTIALS): unlike the message's own process.pid and user, the
// sender cannot forge them.
const (
	FieldPeerPID = "nomen.peer_pid"
	FieldPeerUID = "nomen.peer_uid"
	FieldPeerGID = "nomen.peer_gid"
)

// peerCred is the sender of a unix datagram, if the kernel said (ok).
type peerCred struct {
	pid, uid, gid int64
	ok            bool
}

// add decodes one frame. raw is copied.
func (in *ingester) add(raw []byte, truncated bool, peer string, now time.Time, cred peerCred) {
	if in.dec == nil {
		in.dec = in.input.TakeDecoder()
		if in.batch == nil {
			in.batch = make([]*event.Event, 0, in.limit)
		}
		in.started = now
	}
	e := in.dec.Frame(raw, truncated, peer, now)
	if in.localHost != "" && e.Hostname == "" {
		if _, named := e.Field("host.name"); !named {
			// log.syslog.hostname stays absent: the message sent none.
			e.SetStr("host.name", in.localHost)
		}
	}
	if cred.ok {
		e.SetInt(FieldPeerPID, cred.pid)
		e.SetInt(FieldPeerUID, cred.uid)
		e.SetInt(FieldPeerGID, cred.gid)
	}
	in.batch = append(in.batch, e)
	in.bytes += len(raw)
	if len(in.batch) >= in.limit || in.bytes >= maxBatchBytes {
		in.flush(context.Background())
	}
}

// pending reports whether events are collected and not yet flushed.
func (in *ingester) pending() bool { return len(in.batch) > 0 }

// flush hands the collected events to the pipeline, and the decoder back
// to the input: a reader that waits for input holds no decoding memory.
func (in *ingester) flush(ctx context.Context) {
	if len(in.batch) == 0 {
		return
	}
	in.dec.Flush()
	in.input.PutDecoder(in.dec)
	in.bytes = 0
	b := &pipeline.Batch{Events: in.batch}
	if in.reuse {
		b.Events = slices.Clone(in.batch)
		clear(in.batch) // the events are the pipeline's now: keep none alive
		in.dec, in.batch = nil, in.batch[:0]
	} else {
		in.dec, in.batch = nil, nil
	}
	if in.blocking {
		if err := in.sub.Submit(ctx, b); err != nil {
			// Only a stop that ran out of time stops the pipeline before
			// the listeners have flushed (relay.Stop).
			in.stopped.Add(float64(len(b.Events)))
			in.refused = true
			in.warn.Warn("events dropped: the pipeline stopped before taking them (shutdown_timeout ran short)", "listener", in.listener, "count", len(b.Events))
		}
		return
	}
	if in.sub.TrySubmit(b) {
		return
	}
	// The queue is full. A datagram sender cannot be slowed down, but the
	// socket's receive buffer holds what arrives while this reader waits
	// for room: a stall of the pipeline shorter than the wait (a
	// collection, a slow disk write) then costs no datagram, where
	// dropping at once wasted the buffer. A longer one drops this batch
	// here, and the kernel what overflows the buffer meanwhile (counted as
	// socket_buffer). A local sender on the unix socket waits meanwhile.
	wait, cancel := context.WithTimeout(ctx, datagramQueueWait)
	err := in.sub.Submit(wait, b)
	cancel()
	if err != nil {
		in.dropped.Add(float64(len(b.Events)))
		in.warn.Warn("events dropped: pipeline queue full (datagram listener cannot apply backpressure)",
			"listener", in.listener, "count", len(b.Events), "waited", datagramQueueWait)
	}
}

// datagramQueueWait bounds how long a datagram reader waits for room in a
// full pipeline queue before it drops its batch: about what the default
// 8 MiB receive buffer holds at 100,000 datagrams of 256 bytes a second
// (~8,000 of them with the kernel's ~768 bytes of overhead each).
const datagramQueueWait = 80 * time.Millisecond

package natsin

import (
	"errors"
	"fmt"
	"time"

	"github.com/nomenhq/nomen/relay/decode"
	"github.com/nomenhq/nomen/relay/event"
	"github.com/prometheus/client_golang/prometheus"
)

// Fields the nats listener sets.
const (
	// FieldID is the message's id: its Nats-Msg-Id (a nomen edge's
	// "<journal id>-<event id>"), else "<stream>:<stream sequence>". The
	// listener drops a message whose id it has journaled (a redelivery),
	// and finds the ids journaled before a restart by this field.
	FieldID = "nomen.nats.id"
	// FieldSeq is the message's stream sequence: the position in the
	// stream a correlation tier's partition states are saved at, and
	// replayed from after a takeover (relay/tierstate.go).
	FieldSeq = "nomen.nats.seq"
	// FieldEdgeInput is the edge's nomen.input (nomen.input is the tier's
	// listener).
	FieldEdgeInput = "nomen.edge.input"
)

// converter turns messages into events. One goroutine uses it.
type converter struct {
	listener string
	format   string
	maxSize  int
	dec      *decode.Decoder
	// nomen_received_events_total and _bytes for ECS JSON messages (the
	// decoder counts syslog ones); nil without metrics.
	received, receivedBytes prometheus.Counter
}

// convert returns the event of a message, or why it is malformed.
func (c *converter) convert(data []byte, subject string, now time.Time) (*event.Event, error) {
	if len(data) == 0 {
		return nil, errors.New("empty message")
	}
	nomen := c.format == FormatNomen
	if c.format == FormatAuto {
		nomen = firstNonSpace(data) == '{'
	}
	if !nomen {
		raw, truncated := data, false
		if len(raw) > c.maxSize {
			raw, truncated = raw[:c.maxSize], true
		}
		return c.dec.Frame(raw, truncated, subject, now), nil
	}
	if c.received != nil {
		c.received.Inc()
		c.receivedBytes.Add(float64(len(data)))
	}
	e, observer, err := event.DecodeJSON(data)
	if err != nil {
		return nil, fmt.Errorf("not nomen's ECS JSON: %w", err)
	}
	if observer == "" || e.Received.IsZero() || e.Has("observer.product") {
		return nil, errors.New("not a nomen document: observer.hostname, event.created or observer.product = \"nomen\" missing")
	}
	// Normalized at the edge: kept as it is, with the edge as observer
	// and its listener under nomen.edge.input. Its journal id is the
	// edge's, in the message id (FieldID).
	e.ID = 0
	e.Set("observer.hostname", event.String(observer))
	e.SetStr(FieldEdgeInput, e.Input)
	e.Input = c.listener
	return e, nil
}

func firstNonSpace(b []byte) byte {
	for _, c := range b {
		switch c {
		case ' ', '\t', '\r', '\n':
			continue
		}
		return c
	}
	return 0
}

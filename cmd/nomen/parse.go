package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"time"

	"github.com/nomenhq/nomen/relay"
	"github.com/nomenhq/nomen/relay/event"
	"github.com/nomenhq/nomen/relay/framing"
)

// parseOptions are nomen parse's flags.
type parseOptions struct {
	config    string
	trace     bool   // show each phase of each frame
	json      bool   // -trace as JSON lines
	correlate bool   // run sequence tracking and correlation in event time
	framing   string // "": one frame per line; auto, lf, octet: as a TCP listener
}

// maxLine is the longest frame nomen parse reads.
const maxLine = 16 << 20

// parseCmd reads raw lines (syslog wire format or a bare message) on stdin
// and prints one normalized ECS JSON event per line: the way to develop and
// debug a rule. -trace shows how each frame was decoded, -correlate what
// the stages after normalization make of the input.
func parseCmd(o parseOptions, stdin io.Reader, stdout, stderr io.Writer) int {
	if o.json && !o.trace {
		fmt.Fprintln(stderr, "nomen: parse: -json goes with -trace (without it the output is JSON already)")
		return 2
	}
	if o.correlate && o.config == "" {
		fmt.Fprintln(stderr, "nomen: parse: -correlate needs -config FILE (the [correlate] rules and [sequence] settings)")
		return 2
	}
	next, err := frames(o.framing, stdin)
	if err != nil {
		fmt.Fprintln(stderr, "nomen: parse:", err)
		return 2
	}
	p, err := relay.NewLineParser(o.config)
	if err != nil {
		fmt.Fprintln(stderr, "nomen:", err)
		return 1
	}
	var replay *relay.Replay
	if o.correlate {
		if replay, err = relay.NewReplay(o.config); err != nil {
			fmt.Fprintln(stderr, "nomen:", err)
			return 1
		}
		defer replay.Close()
	}
	out := bufio.NewWriter(stdout)
	defer out.Flush()
	w := parseWriter{o: o, p: p, out: out}
	var later []*event.Event // -correlate without -trace: findings after the events
	for n := 1; ; n++ {
		f, err := next()
		if err == io.EOF {
			break
		}
		if err != nil {
			fmt.Fprintln(stderr, "nomen: reading stdin:", err)
			return 1
		}
		var found []*event.Event
		if o.trace {
			t := p.Trace(n, f, time.Now())
			if replay != nil {
				found = replay.Add(t.TracedEvent())
			}
			w.trace(t, found)
		} else {
			e := p.FrameEvent(f, time.Now())
			if replay != nil {
				later = append(later, replay.Add(e)...)
			}
			w.event(e)
		}
		if w.err != nil {
			fmt.Fprintln(stderr, "nomen:", w.err)
			return 1
		}
	}
	if replay != nil {
		end := replay.End()
		if o.trace {
			w.traceEnd(end)
		} else {
			for _, e := range append(later, end...) {
				w.event(e)
			}
		}
	}
	if w.err != nil {
		fmt.Fprintln(stderr, "nomen:", w.err)
		return 1
	}
	return 0
}

// frames returns a function giving stdin's frames: lines (the default),
// or cut as a TCP listener with framing = mode would.
func frames(mode string, stdin io.Reader) (func() (relay.Frame, error), error) {
	if mode == "" {
		in := bufio.NewScanner(stdin)
		in.Buffer(make([]byte, 64<<10), maxLine)
		return func() (relay.Frame, error) {
			if in.Scan() {
				return relay.Frame{Data: in.Bytes()}, nil
			}
			if err := in.Err(); err != nil {
				return relay.Frame{}, err
			}
			return relay.Frame{}, io.EOF
		}, nil
	}
	m, err := framing.ParseMode(mode)
	if err != nil {
		return nil, err
	}
	r := framing.NewReader(stdin, maxLine)
	r.SetMode(m)
	return func() (relay.Frame, error) {
		octets := r.Stats().Octet
		data, truncated, err := r.Next()
		if err != nil {
			return relay.Frame{}, err
		}
		return relay.Frame{Data: data, Truncated: truncated, Octet: r.Stats().Octet > octets, Mode: mode}, nil
	}, nil
}

// parseWriter prints events and traces; the first write error sticks.
type parseWriter struct {
	o   parseOptions
	p   *relay.LineParser
	out *bufio.Writer
	buf []byte
	err error
}

func (w *parseWriter) write(b []byte) {
	if w.err == nil {
		_, w.err = w.out.Write(b)
	}
}

// event prints e as `nomen parse` always has: one ECS JSON document a line.
func (w *parseWriter) event(e *event.Event) {
	w.buf = append(w.p.AppendEventJSON(w.buf[:0], e), '\n')
	w.write(w.buf)
}

// trace prints one frame's trace and what the stages raised after it.
func (w *parseWriter) trace(t *relay.LineTrace, found []*event.Event) {
	if w.o.json {
		t.Correlate = w.rawEvents(found)
		w.jsonLine(t)
		return
	}
	w.buf = appendTraceText(w.buf[:0], t)
	w.buf = w.appendFound(w.buf, found)
	w.write(w.buf)
}

// traceEnd prints what the stages raised when the input ended.
func (w *parseWriter) traceEnd(found []*event.Event) {
	if w.o.json {
		w.jsonLine(struct {
			End       bool              `json:"end"`
			Correlate []json.RawMessage `json:"correlate"`
		}{true, w.rawEvents(found)})
		return
	}
	w.buf = append(w.buf[:0], "end of input (the clock moved on one hour)\n"...)
	w.buf = w.appendFound(w.buf, found)
	w.write(w.buf)
}

func (w *parseWriter) jsonLine(v any) {
	b, err := json.Marshal(v)
	if err != nil {
		w.err = err
		return
	}
	w.write(append(b, '\n'))
}

func (w *parseWriter) rawEvents(evs []*event.Event) []json.RawMessage {
	out := make([]json.RawMessage, 0, len(evs))
	for _, e := range evs {
		out = append(out, w.p.AppendEventJSON(nil, e))
	}
	return out
}

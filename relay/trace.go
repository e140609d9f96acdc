package relay

import (
	"bytes"
	"encoding/json"
	"slices"
	"time"

	"github.com/nomenhq/nomen/normalize"
	"github.com/nomenhq/nomen/normalize/rules"
	"github.com/nomenhq/nomen/parse"
	"github.com/nomenhq/nomen/relay/event"
)

// LineTrace is what `nomen parse -trace` shows of one frame: each phase of
// the decode step, what it decided and the fields it set, then the event.
// Its JSON form is the -trace -json output.
type LineTrace struct {
	Line      int            `json:"line"`
	Framing   FramingTrace   `json:"framing"`
	Parse     ParseTrace     `json:"parse"`
	Normalize NormalizeTrace `json:"normalize"`
	// Event is the final ECS JSON document, as `nomen parse` prints it.
	Event json.RawMessage `json:"event"`
	// Correlate is what sequence tracking and correlation raised after
	// the event (nomen parse -correlate): findings and gap alerts.
	Correlate []json.RawMessage `json:"correlate,omitempty"`

	ev *event.Event
}

// FramingTrace is how the frame was cut from the input.
type FramingTrace struct {
	// Mode is "line" (one line of the input, the default), "lf" (ended
	// by LF or NUL) or "octet" (RFC 6587 octet counting: MSG-LEN SP MSG);
	// Setting the -framing given (auto, lf, octet; "" for lines).
	Mode    string `json:"mode"`
	Setting string `json:"setting,omitempty"`
	// Length is the frame's length in bytes (without its trailer or
	// MSG-LEN).
	Length    int  `json:"length"`
	Truncated bool `json:"truncated,omitempty"`
}

// ParseTrace is the parse phase.
type ParseTrace struct {
	Format string     `json:"format"`
	Notes  []string   `json:"notes"`
	Fields FieldsDiff `json:"fields"`
}

// NormalizeTrace is the normalize phase.
type NormalizeTrace struct {
	// Decoder is the built-in decoder or user rule that recognised the
	// event ("" for none).
	Decoder  string                   `json:"decoder"`
	Program  string                   `json:"program"`
	Repeated int64                    `json:"repeated,omitempty"`
	Rules    []rules.Trial            `json:"rules,omitempty"`
	Decoders []normalize.DecoderTrial `json:"decoders,omitempty"`
	None     string                   `json:"none,omitempty"`
	Fields   FieldsDiff               `json:"fields"`
}

// FieldsDiff is what a phase changed, by dotted ECS key (values as JSON).
type FieldsDiff struct {
	Set     map[string]json.RawMessage    `json:"set,omitempty"`
	Changed map[string][2]json.RawMessage `json:"changed,omitempty"`
	Removed []string                      `json:"removed,omitempty"`
}

// Frame is one frame of nomen parse's input and how it was cut.
type Frame struct {
	Data []byte
	// Mode is the framing setting ("" for lines, auto, lf, octet); Octet
	// says the frame was octet-counted, Truncated that it was cut at the
	// maximum size.
	Mode      string
	Octet     bool
	Truncated bool
}

// Trace decodes one frame as Event does and records each phase.
func (p *LineParser) Trace(n int, f Frame, received time.Time) *LineTrace {
	t := &LineTrace{Line: n, Framing: FramingTrace{Mode: "line", Setting: f.Mode, Length: len(f.Data), Truncated: f.Truncated}}
	switch {
	case f.Octet:
		t.Framing.Mode = "octet"
	case f.Mode != "":
		t.Framing.Mode = "lf"
	}
	e := frameEvent(f, received)
	before := p.flatFields(e)
	p.dec.Parse(f.Data, e)
	parsed := p.flatFields(e)
	t.Parse = ParseTrace{Format: e.Format, Notes: parse.Explain(f.Data, e), Fields: diffFields(before, parsed)}

	name, nt := p.dec.NormalizeTrace(e)
	if name != "" {
		e.SetStr("nomen.decoder", name)
	}
	t.Normalize = NormalizeTrace{Decoder: name, Program: nt.Program, Repeated: nt.Repeated, Rules: nt.Rules,
		Decoders: nt.Decoders, None: nt.None, Fields: diffFields(parsed, p.flatFields(e))}
	t.Event = p.enc.AppendJSON(nil, e)
	t.ev = e
	return t
}

// FrameEvent parses and normalizes one frame (Event, for a frame that may
// have been truncated).
func (p *LineParser) FrameEvent(f Frame, received time.Time) *event.Event {
	e := frameEvent(f, received)
	if name := p.dec.Decode(f.Data, e); name != "" {
		e.SetStr("nomen.decoder", name)
	}
	return e
}

func frameEvent(f Frame, received time.Time) *event.Event {
	e := event.New(received)
	e.Input = "stdin"
	if f.Truncated {
		e.Flags |= event.Truncated
	}
	return e
}

// AppendEventJSON appends e's ECS JSON as nomen parse prints it.
func (p *LineParser) AppendEventJSON(dst []byte, e *event.Event) []byte {
	return p.enc.AppendJSON(dst, e)
}

// TracedEvent is the event the trace decoded (for -correlate).
func (t *LineTrace) TracedEvent() *event.Event { return t.ev }

// flatFields is e's ECS JSON as dotted keys and JSON values.
func (p *LineParser) flatFields(e *event.Event) map[string]json.RawMessage {
	out := map[string]json.RawMessage{}
	var doc map[string]json.RawMessage
	if err := json.Unmarshal(p.enc.AppendJSON(nil, e), &doc); err != nil {
		return out
	}
	flatten("", doc, out)
	return out
}

func flatten(prefix string, doc map[string]json.RawMessage, out map[string]json.RawMessage) {
	for k, v := range doc {
		if bytes.HasPrefix(v, []byte("{")) {
			var sub map[string]json.RawMessage
			if json.Unmarshal(v, &sub) == nil {
				flatten(prefix+k+".", sub, out)
				continue
			}
		}
		out[prefix+k] = v
	}
}

func diffFields(before, after map[string]json.RawMessage) FieldsDiff {
	var d FieldsDiff
	for k, v := range after {
		old, had := before[k]
		switch {
		case !had:
			if d.Set == nil {
				d.Set = map[string]json.RawMessage{}
			}
			d.Set[k] = v
		case !bytes.Equal(old, v):
			if d.Changed == nil {
				d.Changed = map[string][2]json.RawMessage{}
			}
			d.Changed[k] = [2]json.RawMessage{old, v}
		}
	}
	for k := range before {
		if _, ok := after[k]; !ok {
			d.Removed = append(d.Removed, k)
		}
	}
	slices.Sort(d.Removed)
	return d
}

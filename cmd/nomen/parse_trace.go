package main

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/nomenhq/nomen/relay"
	"github.com/nomenhq/nomen/relay/event"
)

// The text form of `nomen parse -trace`: one block per frame,
//
//	line 1
//	  framing    line, 84 bytes
//	  parse      rfc3164
//	             PRI <38>: facility auth, severity info
//	             ...
//	             + host.hostname = "web1"
//	  normalize  sshd
//	             built-in sshd (program "sshd"): matched
//	             + event.category = ["authentication"]
//	  event      {"@timestamp":...}
//
// Phases are labelled in a column of their own so that a reader can scan
// for them; "+" is a field the phase set, "~" one it changed, "-" one it
// removed.

const traceIndent = "             " // under the text after a phase label

func appendTraceText(b []byte, t *relay.LineTrace) []byte {
	b = fmt.Appendf(b, "line %d\n", t.Line)
	fr := t.Framing
	b = fmt.Appendf(b, "  framing    %s, %d bytes", fr.Mode, fr.Length)
	if fr.Setting != "" {
		b = fmt.Appendf(b, " (-framing %s)", fr.Setting)
	}
	if fr.Truncated {
		b = append(b, ", truncated"...)
	}
	b = append(b, '\n')

	b = fmt.Appendf(b, "  parse      %s\n", t.Parse.Format)
	for _, n := range t.Parse.Notes {
		b = append(append(append(b, traceIndent...), n...), '\n')
	}
	b = appendFieldsDiff(b, t.Parse.Fields)

	nt := t.Normalize
	name := nt.Decoder
	if name == "" {
		name = "no decoder"
	}
	b = fmt.Appendf(b, "  normalize  %s\n", name)
	if nt.Repeated > 0 {
		b = fmt.Appendf(b, "%s\"message repeated %d times\": the inner message was decoded\n", traceIndent, nt.Repeated)
	}
	for _, r := range nt.Rules {
		verdict := "matched"
		if !r.Matched {
			verdict = "no match: " + r.Why
		}
		if r.Matched && r.Rule != nt.Decoder {
			verdict = "matched, but rule " + nt.Decoder + " took precedence"
		}
		b = fmt.Appendf(b, "%srule %s (%s:%d, %s): %s\n", traceIndent, r.Rule, r.File, r.Line, groupText(r.Group), verdict)
	}
	for _, d := range nt.Decoders {
		verdict := "matched"
		if !d.Matched {
			verdict = "declined (not a form it knows)"
		}
		by := d.Step
		if d.Key != "" {
			by = fmt.Sprintf("%s %q", d.Step, d.Key)
		}
		b = fmt.Appendf(b, "%sbuilt-in %s (%s): %s\n", traceIndent, d.Decoder, by, verdict)
	}
	if nt.None != "" {
		b = fmt.Appendf(b, "%s%s\n", traceIndent, nt.None)
	}
	b = appendFieldsDiff(b, nt.Fields)
	b = append(append(b, "  event      "...), t.Event...)
	return append(b, '\n')
}

func groupText(g string) string {
	if g == "" {
		return "any program"
	}
	return "program " + g
}

func appendFieldsDiff(b []byte, d relay.FieldsDiff) []byte {
	for _, k := range slices.Sorted(maps.Keys(d.Set)) {
		b = fmt.Appendf(b, "%s+ %s = %s\n", traceIndent, k, d.Set[k])
	}
	for _, k := range slices.Sorted(maps.Keys(d.Changed)) {
		c := d.Changed[k]
		b = fmt.Appendf(b, "%s~ %s: %s -> %s\n", traceIndent, k, c[0], c[1])
	}
	for _, k := range d.Removed {
		b = fmt.Appendf(b, "%s- %s\n", traceIndent, k)
	}
	return b
}

// appendFound writes what the stages raised (-correlate -trace): a line
// naming each finding or gap, then its document.
func (w *parseWriter) appendFound(b []byte, found []*event.Event) []byte {
	for _, e := range found {
		what := e.Str("rule.name")
		if what == "" {
			what = e.Str("event.action")
		}
		msg := strings.ReplaceAll(e.Message, "\n", " ")
		b = fmt.Appendf(b, "  correlate  %s: %s\n%s", what, msg, traceIndent)
		b = append(w.p.AppendEventJSON(b, e), '\n')
	}
	return b
}

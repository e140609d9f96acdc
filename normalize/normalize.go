// Package normalize turns every vendor's dialect into one nomenclature: it
// sets Elastic Common Schema fields (event.category/type/outcome/action,
// user.*, source.*, ...) on events parsed by package parse.
//
// Dispatch is cheap and happens in this order, first match wins:
//
//  1. user rules (TOML files), by program name and literal prefix;
//  2. built-in decoders registered for the event's program name;
//  3. built-in decoders registered for a literal prefix of the message;
//  4. built-in sniffers (content checks for events whose program name says
//     nothing: bare Apache lines, Windows records in JSON or XML, ...),
//     each asked only if the event passes its gate (sniff.go).
//
// An event no decoder recognises keeps its syslog fields and raw text and
// gets no invented category.
package normalize

import (
	"strings"

	"github.com/nomenhq/nomen/normalize/ecs"
	"github.com/nomenhq/nomen/normalize/rules"
	"github.com/nomenhq/nomen/relay/event"
)

// Config is the [normalize] section.
type Config struct {
	// Rules are glob patterns of user rule files.
	Rules []string `toml:"rules"`
}

// Normalizer applies user rules and built-in decoders. It is safe for
// concurrent use once built.
type Normalizer struct {
	exact map[string][]*ecs.Decoder
	// exactShape has bit min(len(p), 63) of entry p[0] set for each
	// program p of exact: most programs no decoder names ("app1") are
	// told from it without hashing them (see exactFor).
	exactShape [256]uint64
	prefixed   [256][]progPrefix // "postfix/*", "%asa-*", by the prefix's first byte
	byMsg      [256][]msgPrefix  // by the prefix's first byte: a line is compared with its own few
	sniffers   sniffIndex
	rules      *rules.Set
}

type progPrefix struct {
	prefix  string
	pattern string // prefix + "*", as the trace names it (built once, not per event)
	d       *ecs.Decoder
}

type msgPrefix struct {
	prefix string
	d      *ecs.Decoder
}

// New builds a normalizer with the built-in decoders and the user rules
// matched by cfg.Rules.
func New(cfg Config) (*Normalizer, error) {
	rs, err := rules.Load(cfg.Rules)
	if err != nil {
		return nil, err
	}
	n := newNormalizer(builtins())
	n.rules = rs
	return n, nil
}

func newNormalizer(decoders []*ecs.Decoder) *Normalizer {
	n := &Normalizer{exact: map[string][]*ecs.Decoder{}}
	for _, d := range decoders {
		for _, p := range d.Programs {
			switch {
			case p == "*":
				panic("normalize: decoder " + d.Name + " has an empty program prefix")
			case p == "":
				panic("normalize: decoder " + d.Name + " has an empty program")
			case strings.HasSuffix(p, "*"): // "postfix/*", "%asa-*"
				n.prefixed[p[0]] = append(n.prefixed[p[0]], progPrefix{p[:len(p)-1], p, d})
			default:
				n.exact[p] = append(n.exact[p], d)
				n.exactShape[p[0]] |= shapeBit(p)
			}
		}
		for _, p := range d.Prefixes {
			if p == "" {
				panic("normalize: decoder " + d.Name + " has an empty message prefix")
			}
			n.byMsg[p[0]] = append(n.byMsg[p[0]], msgPrefix{p, d})
		}
		if d.Sniff != nil {
			n.sniffers.add(d)
		}
	}
	return n
}

// exactFor returns the decoders of program key prog (n.exact[prog]).
func (n *Normalizer) exactFor(prog string) []*ecs.Decoder {
	if prog == "" || n.exactShape[prog[0]]&shapeBit(prog) == 0 {
		return nil
	}
	return n.exact[prog]
}

func shapeBit(p string) uint64 { return 1 << min(len(p), 63) }

// Rules returns the user rule set (for `nomen check` to run rule tests).
func (n *Normalizer) Rules() *rules.Set { return n.rules }

// FieldRepeatCount is the N of a syslog daemon's repeated-message
// reduction: rsyslog's "message repeated N times: [ ... ]" stands for N
// events like the inner one (decoded as itself when a decoder knows it);
// sysklogd's and BSD syslogd's "last message repeated N times" and
// syslog-ng's "Last message '...' repeated N times, suppressed by
// syslog-ng on HOST" for N more of the program's previous line, which
// the line does not hold (rule syslog.repeated, decoder DecoderRepeat).
const FieldRepeatCount = "nomen.repeat_count"

// DecoderRepeat names the decoder of a "last message repeated N times"
// line (nomen_normalized_events_total{decoder}).
const DecoderRepeat = "syslog-repeat"

// Normalize decodes e in place and returns the name of the decoder (or user
// rule) that recognised it, "" if none did.
func (n *Normalizer) Normalize(e *event.Event) string { return n.dispatch(e, nil) }

// Trace is Normalize that also records, in tr, what was tried and why it
// matched or not (nomen parse -trace). Normalize passes no trace: the
// dispatch then only tests a nil pointer at each step.
func (n *Normalizer) Trace(e *event.Event, tr *Trace) string { return n.dispatch(e, tr) }

func (n *Normalizer) dispatch(e *event.Event, tr *Trace) string {
	if inner, count, ok := cutRepeated(e.Message); ok {
		msg := e.Message
		e.Message = inner
		name := n.normalize(e, tr)
		e.Message = msg
		if name != "" && tr != nil {
			tr.Repeated = count
		}
		// The count holds whether or not the inner message was decoded.
		e.SetInt(FieldRepeatCount, count)
		return name
	}
	if count, ok := cutLastRepeated(e.Message); ok {
		if name := n.normalize(e, tr); name != "" {
			return name // a user rule of the program's
		}
		if tr != nil {
			tr.None = "" // the note itself is recognised
		}
		ecs.SetRule(e, "syslog.repeated")
		e.SetInt(FieldRepeatCount, count)
		return DecoderRepeat
	}
	return n.normalize(e, tr)
}

// cutRepeated recognises "message repeated N times: [ INNER]".
func cutRepeated(m string) (inner string, count int64, ok bool) {
	r, ok := strings.CutPrefix(m, "message repeated ")
	if !ok {
		return "", 0, false
	}
	num, r, _ := strings.Cut(r, " ")
	count, ok = ecs.ParseUint(num)
	r, ok2 := strings.CutPrefix(r, "times: [")
	if !ok || !ok2 || !strings.HasSuffix(r, "]") {
		return "", 0, false
	}
	return strings.TrimSpace(r[:len(r)-1]), count, true
}

// cutLastRepeated recognises the reductions that do not repeat the
// message: "last message repeated N time[s]" (sysklogd, BSD syslogd;
// macOS's between "--- " and " ---") and syslog-ng's "Last message
// 'FIRST 20 BYTES' repeated N times, suppressed by syslog-ng on HOST".
func cutLastRepeated(m string) (count int64, ok bool) {
	var r string
	switch {
	case strings.HasPrefix(m, "last message repeated "):
		r = m[len("last message repeated "):]
	case strings.HasPrefix(m, "--- last message repeated "):
		r, ok = strings.CutSuffix(m[len("--- last message repeated "):], " ---")
		if !ok {
			return 0, false
		}
	case strings.HasPrefix(m, "Last message '"):
		i := strings.LastIndex(m, "' repeated ")
		if i < 0 {
			return 0, false
		}
		num, rest, _ := strings.Cut(m[i+len("' repeated "):], " ")
		count, ok = ecs.ParseUint(num)
		if !ok || !strings.HasPrefix(rest, "times, suppressed by syslog-ng on ") {
			return 0, false
		}
		return count, true
	default:
		return 0, false
	}
	num, rest, _ := strings.Cut(r, " ")
	count, ok = ecs.ParseUint(num)
	if !ok || (rest != "times" && rest != "time") {
		return 0, false
	}
	return count, true
}

// normalize is the dispatch the package comment describes; tr, when not
// nil, records each decoder tried (see trace.go).
func (n *Normalizer) normalize(e *event.Event, tr *Trace) string {
	prog := ecs.ProgramKey(e.AppName)
	if n.rules != nil {
		if tr != nil {
			tr.userRules(n.rules, prog, e.Message)
		}
		if name := n.rules.Apply(prog, e); name != "" {
			return name
		}
	}
	if prog != "" {
		for _, d := range n.exactFor(prog) {
			if tr.tried(d, StepProgram, prog, d.Decode(e)) {
				return d.NameFor(e)
			}
		}
		if base := ecs.BaseProgram(prog); base != prog {
			for _, d := range n.exactFor(base) {
				if tr.tried(d, StepBaseProgram, base, d.Decode(e)) {
					return d.NameFor(e)
				}
			}
		}
		for _, p := range n.prefixed[prog[0]] {
			if strings.HasPrefix(prog, p.prefix) && tr.tried(p.d, StepProgramPrefix, p.pattern, p.d.Decode(e)) {
				return p.d.NameFor(e)
			}
		}
	}
	if e.Message != "" {
		for _, p := range n.byMsg[e.Message[0]] {
			if strings.HasPrefix(e.Message, p.prefix) && tr.tried(p.d, StepMessagePrefix, p.prefix, p.d.Decode(e)) {
				return p.d.NameFor(e)
			}
		}
	}
	if name := n.sniff(e, tr); name != "" {
		return name
	}
	if tr != nil {
		tr.none(n, prog)
	}
	return ""
}

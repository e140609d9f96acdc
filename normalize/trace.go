package normalize

import (
	"fmt"

	"github.com/nomenhq/nomen/normalize/ecs"
	"github.com/nomenhq/nomen/normalize/rules"
)

// Trace records how the dispatch went for one event, for rule authors
// (`nomen parse -trace`): the user rules consulted, each alone, and the
// built-in decoders tried in dispatch order with their verdict. It is
// only filled by Normalizer.Trace; Normalize passes none.
type Trace struct {
	// Repeated is N of a "message repeated N times: [ ... ]" line, whose
	// inner message was decoded (0: not such a line).
	Repeated int64
	// Program is the program key the dispatch used (ecs.ProgramKey).
	Program string
	// Rules are the user rules of the program's groups, each tried alone
	// on the message, in the order Apply consults them.
	Rules []rules.Trial
	// Decoders are the built-in decoders tried, in order; the last one
	// matched if the event was recognised by a built-in decoder.
	Decoders []DecoderTrial
	// None says why no decoder recognised the event ("" if one did).
	None string
}

// Dispatch steps of a DecoderTrial.
const (
	StepProgram       = "program"
	StepBaseProgram   = "base program"
	StepProgramPrefix = "program prefix"
	StepMessagePrefix = "message prefix"
	StepSniff         = "sniff"
)

// DecoderTrial is one built-in decoder tried.
type DecoderTrial struct {
	Decoder string `json:"decoder"`
	// Step is how the dispatch chose it (StepProgram, ...), Key what
	// selected it there (the program, the prefix; none for sniffing).
	Step string `json:"step"`
	Key  string `json:"key,omitempty"`
	// Matched: its Decode recognised the event; otherwise it declined
	// (the message is not one of the forms it knows).
	Matched bool `json:"matched"`
}

// tried records a built-in decoder's verdict and returns it. tr may be nil
// (no trace): the call then only returns matched.
func (tr *Trace) tried(d *ecs.Decoder, step, key string, matched bool) bool {
	if tr != nil {
		tr.Decoders = append(tr.Decoders, DecoderTrial{Decoder: d.Name, Step: step, Key: key, Matched: matched})
	}
	return matched
}

// userRules records the user rules of program prog tried on msg.
func (tr *Trace) userRules(rs *rules.Set, prog, msg string) {
	tr.Program = prog
	tr.Rules = rs.Trials(prog, msg)
}

// none records why nothing recognised the event.
func (tr *Trace) none(n *Normalizer, prog string) {
	tr.Program = prog
	switch {
	case len(tr.Decoders) > 0:
		tr.None = fmt.Sprintf("%d built-in decoder(s) selected by program, prefix or sniffing declined the message", len(tr.Decoders))
	case prog == "":
		tr.None = "the event has no program name, no message prefix of a built-in decoder matched and no sniffer recognised it"
	case n.hasProgram(prog):
		tr.None = fmt.Sprintf("no built-in decoder for program %q accepted it", prog)
	default:
		tr.None = fmt.Sprintf("no built-in decoder is registered for program %q, no message prefix matched and no sniffer recognised it", prog)
	}
}

func (n *Normalizer) hasProgram(prog string) bool {
	if len(n.exactFor(prog)) > 0 || len(n.exactFor(ecs.BaseProgram(prog))) > 0 {
		return true
	}
	if prog == "" {
		return false
	}
	for _, p := range n.prefixed[prog[0]] {
		if len(prog) >= len(p.prefix) && prog[:len(p.prefix)] == p.prefix {
			return true
		}
	}
	return false
}

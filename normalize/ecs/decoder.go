package ecs

import "github.com/nomenhq/nomen/relay/event"

// Decoder is one built-in vendor decoder. A family package (unix, mail,
// ...) returns its decoders; package normalize dispatches to them.
type Decoder struct {
	// Name labels nomen_normalized_events_total{decoder} ("sshd", "cisco_asa").
	Name string
	// Programs are lower-case program names (syslog APP-NAME / TAG) that
	// dispatch here. "postfix/*" matches every postfix/ daemon; a trailing
	// "*" matches by prefix ("%asa-*").
	Programs []string
	// Prefixes are literal message prefixes that dispatch here whatever the
	// program ("%ASA-", "type=SYSCALL").
	Prefixes []string
	// Sniff, if set, is tried on events nothing else matched; keep it cheap.
	Sniff func(e *event.Event) bool
	// Gate says which events Sniff can recognise at all, so that the
	// dispatcher calls it for those only (see SniffGate). The zero Gate
	// lets every event through.
	Gate SniffGate
	// Decode sets fields and reports whether it recognised the event. It
	// must leave e untouched when it returns false.
	Decode func(e *event.Event) bool
	// Unclassified, if set, is the name reported instead of Name for an
	// event Decode recognised but gave no event.category: a record whose
	// shape the decoder reads (a Windows record's EventData) but whose
	// meaning its catalog lacks (an id it does not know). It labels
	// nomen_normalized_events_total, so those events are counted apart.
	Unclassified string
}

// NameFor is the name the normalizer reports for e, which Decode
// recognised: Unclassified when set and e has no event.category, else Name.
func (d *Decoder) NameFor(e *event.Event) string {
	if d.Unclassified != "" && !e.Has("event.category") {
		return d.Unclassified
	}
	return d.Name
}

// SniffGate is a necessary condition of a decoder's Sniff, as data: Sniff
// returns true only for an event whose message starts with a byte of
// First, or holds Marker in its first Window bytes (anywhere when Window
// is 0), or for which Also (a test of the header: the format, the MSGID)
// returns true. Every line that no decoder knows by its program or prefix
// goes through the sniffers, and most of them search the message; with
// the gates, the dispatcher looks at the first byte once for all of them
// and searches for each marker at most once per message, and the
// ordinary line is told from all of them without a call.
//
// A gate must never refuse an event its Sniff would take (that event
// would lose its decoder): TestSniffGates and FuzzSniffGates check it.
type SniffGate struct {
	First  string
	Marker byte
	Window int
	Also   func(e *event.Event) bool
}

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
	// Decode sets fields and reports whether it recognised the event. It
	// must leave e untouched when it returns false.
	Decode func(e *event.Event) bool
}

// Package vendor holds what every vendor leaf package of normalize shares
// (ciscocatalog, cef, fortinet, paloalto, junos, checkpoint): the Kind of
// a value, the ECS Class of a message, the Emit callback and the Status of
// a decode, plus the shape checks and timestamp forms the packages agree
// on. It imports the standard library only.
//
// A vendor package reads the message text and hands out fields through an
// Emit; it never builds an event. The normalize decoder sets each field by
// its Kind:
//
//	class, st := fortinet.Decode(msg, func(key, value string, kind vendor.Kind) { ... })
//	switch st {
//	case vendor.NotMine:   // another vendor's format: try the next decoder
//	case vendor.Malformed: // this vendor's, but broken: nothing was emitted; set nomen.parse_error
//	case vendor.Decoded:   // fields emitted; class is empty when the message is not catalogued
//	}
//
// Every value handed out is a substring of the message, or its documented
// unescaping (CEF "\=", Check Point "\""), and has already passed the
// shape check of its Kind: an IP-kind value is an address, a Port-kind
// value a number in 0-65535, and so on.
package vendor

// Class is the ECS classification of a message.
type Class struct {
	Category []string // event.category (ECS allowed values)
	Type     []string // event.type (ECS allowed values)
	Action   string   // event.action: lower-case, hyphenated
	Outcome  string   // event.outcome: "success", "failure", "unknown", or "" (not set)
}

// Empty reports whether the class classifies nothing.
func (c *Class) Empty() bool { return c.Action == "" && len(c.Category) == 0 }

// Emit receives one field. key is a full field name ("source.ip",
// "fortinet.fortigate.policyid"), except for kind Extra, whose key is
// relative to the decoding package's namespace. Emit is not retained.
type Emit func(key, value string, kind Kind)

// Status is the result of a decode.
type Status uint8

const (
	// NotMine: the message is not in this vendor's format; nothing was
	// emitted.
	NotMine Status = iota
	// Decoded: fields were emitted.
	Decoded
	// Malformed: the message is recognisably this vendor's format (a CEF
	// header, a PAN-OS type column) but broken (truncated header, too few
	// columns, an unterminated quote); nothing was emitted.
	Malformed
)

func (s Status) String() string {
	switch s {
	case NotMine:
		return "not-mine"
	case Decoded:
		return "decoded"
	case Malformed:
		return "malformed"
	}
	return "status?"
}

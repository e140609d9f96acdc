// Package findingid gives findings (correlation findings, gap and loss
// alerts) a deterministic id, set in event.id: the same finding made again
// — by another tier instance after a takeover, or by a replay of the same
// events — has the same id, so that downstream deduplication (a SIEM, a
// NATS stream's Nats-Msg-Id) recognizes the copy. Two different findings
// have different ids.
//
// The id is the first 16 bytes of SHA-256, in lowercase hex (32
// characters), over four parts, each preceded by its length as 8 bytes
// big-endian:
//
//	rule    the rule's name (rule.name)
//	key     the group key (correlation: the values of group_by; sequence:
//	        the stream key nomen.gap.stream; process: host and pid)
//	start   the window's start in Unix nanoseconds, 8 bytes big-endian
//	anchor  what tells apart findings of one rule, key and start: the
//	        identity of the event that made it (see Anchor), or of the
//	        event that opened the window when time closes it
//
// Each caller documents its parts beside its call. This layout is a
// contract (docs/scale-out.md): changing it changes every id.
package findingid

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"strconv"

	"github.com/nomenhq/nomen/relay/event"
)

// Field is where a finding carries its id: ECS event.id.
const Field = "event.id"

// StreamIDField is the field relay/natsin sets on every event it reads
// from JetStream (natsin.FieldID): the message's id, the same on every
// tier instance and on every redelivery.
const StreamIDField = "nomen.nats.id"

// Of returns the id of a finding of rule, group key, window start (Unix
// nanoseconds) and anchor.
func Of(rule, key string, start int64, anchor string) string {
	var out [Len]byte
	return string(Append(out[:0], rule, key, start, anchor))
}

// Len is the length of an id.
const Len = 32

// Append appends the id Of returns to dst, allocating nothing when dst
// has room: for a caller that builds several strings in one (key may be
// a string or bytes).
func Append[K string | []byte](dst []byte, rule string, key K, start int64, anchor string) []byte {
	// Hashed on the stack when it fits: findings come in bulk when a
	// process tracker or a sequence tracker wraps up.
	var stack [256]byte
	b := stack[:0]
	b = binary.BigEndian.AppendUint64(b, uint64(len(rule)))
	b = append(b, rule...)
	b = binary.BigEndian.AppendUint64(b, uint64(len(key)))
	b = append(b, key...)
	b = binary.BigEndian.AppendUint64(b, 8)
	b = binary.BigEndian.AppendUint64(b, uint64(start))
	b = binary.BigEndian.AppendUint64(b, uint64(len(anchor)))
	b = append(b, anchor...)
	sum := sha256.Sum256(b)
	return hex.AppendEncode(dst, sum[:Len/2])
}

// Anchor returns the identity of an event: its JetStream message id
// (StreamIDField) when it came from a stream — the same wherever and
// however often it is read — else "journal:<journal id>", unique in this
// nomen's journal (journalID is the ID the stage predicted for it).
func Anchor(e *event.Event, journalID uint64) string {
	if s, ok := StreamAnchor(e); ok {
		return s
	}
	return JournalAnchor(journalID)
}

// StreamAnchor returns e's Anchor if it came from a stream (a string in
// e's memory): state that waits with an event's identity keeps only this,
// the journal ID otherwise, and makes the anchor when it needs it.
func StreamAnchor(e *event.Event) (string, bool) {
	if v, ok := e.Get(StreamIDField); ok && v.Type == event.TypeString && v.Str != "" {
		return v.Str, true
	}
	return "", false
}

// JournalAnchor is the Anchor of an event that did not come from a
// stream, by its journal ID.
func JournalAnchor(journalID uint64) string {
	return "journal:" + strconv.FormatUint(journalID, 10)
}

// Set sets e's id (Field) to Of(rule, key, start, anchor).
func Set(e *event.Event, rule, key string, start int64, anchor string) {
	e.SetStr(Field, Of(rule, key, start, anchor))
}

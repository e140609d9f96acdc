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
	h := sha256.New()
	var n [8]byte
	for _, part := range []string{rule, key} {
		binary.BigEndian.PutUint64(n[:], uint64(len(part)))
		h.Write(n[:])
		h.Write([]byte(part))
	}
	binary.BigEndian.PutUint64(n[:], 8)
	h.Write(n[:])
	binary.BigEndian.PutUint64(n[:], uint64(start))
	h.Write(n[:])
	binary.BigEndian.PutUint64(n[:], uint64(len(anchor)))
	h.Write(n[:])
	h.Write([]byte(anchor))
	var sum [sha256.Size]byte
	return hex.EncodeToString(h.Sum(sum[:0])[:16])
}

// Anchor returns the identity of an event: its JetStream message id
// (StreamIDField) when it came from a stream — the same wherever and
// however often it is read — else "journal:<journal id>", unique in this
// nomen's journal (journalID is the ID the stage predicted for it).
func Anchor(e *event.Event, journalID uint64) string {
	if v, ok := e.Get(StreamIDField); ok && v.Type == event.TypeString && v.Str != "" {
		return v.Str
	}
	return "journal:" + strconv.FormatUint(journalID, 10)
}

// Set sets e's id (Field) to Of(rule, key, start, anchor).
func Set(e *event.Event, rule, key string, start int64, anchor string) {
	e.SetStr(Field, Of(rule, key, start, anchor))
}

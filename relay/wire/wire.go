// Package wire is the native agent protocol: the frames nomen-agent and the
// relay exchange over mutually authenticated TLS. It is implemented once
// here and shared by both ends; README.md in this folder specifies it byte
// by byte and is the contract.
//
// A frame is a fixed 10-byte header (magic, version, type, flags, body
// length) and a body. Readers check the declared length against a hard
// limit before reading the body, and every decoder checks its limits before
// allocating: a peer can make the other end spend at most what the limits
// allow.
package wire

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
)

// Magic is the first two bytes of every frame: "NA" (nomen agent).
const (
	Magic0 = 'N'
	Magic1 = 'A'
)

// Version is the protocol version this package speaks.
const Version = 1

// HeaderSize is the size of the fixed frame header.
const HeaderSize = 10

// Type is a frame type.
type Type uint8

// Frame types. The direction is noted; a frame sent the wrong way is a
// protocol error.
const (
	TypeHello   Type = 1 // agent -> relay: identity and the streams it has
	TypeWelcome Type = 2 // relay -> agent: limits and a resume point per stream
	TypeBatch   Type = 3 // agent -> relay: records of one stream
	TypeAck     Type = 4 // relay -> agent: cumulative, durable position of one stream
	TypeGap     Type = 5 // agent -> relay: records that are lost at the source
	TypePing    Type = 6 // either way
	TypePong    Type = 7 // either way, answers a PING
	TypeError   Type = 8 // either way, then the sender closes
	TypeBye     Type = 9 // either way: orderly end of the session
)

var typeNames = [...]string{"", "HELLO", "WELCOME", "BATCH", "ACK", "GAP", "PING", "PONG", "ERROR", "BYE"}

func (t Type) String() string {
	if int(t) < len(typeNames) && t != 0 {
		return typeNames[t]
	}
	return fmt.Sprintf("type(%d)", uint8(t))
}

// FlagLZ4 marks a BATCH whose record block is one lz4 block (the only flag
// version 1 defines).
const FlagLZ4 uint16 = 1 << 0

// Limits on sizes that do not depend on configuration.
const (
	// MaxControlBody bounds every frame body except BATCH, HELLO and WELCOME.
	MaxControlBody = 4 << 10
	// MaxHandshakeBody bounds HELLO and WELCOME bodies.
	MaxHandshakeBody = 128 << 10
	// MaxStreams bounds the streams in one HELLO or WELCOME.
	MaxStreams = 256
	// MaxName bounds identifiers: agent id, host, OS, version, channel.
	MaxName = 255
	// MaxText bounds free text: ERROR messages, GAP details, BYE reasons.
	MaxText = 1024
	// MaxSeq is the largest record id (sequence number) and epoch.
	MaxSeq = math.MaxInt64
	// EndOfEpoch as GAP.Last means "everything from First on is lost: the
	// epoch is over"; as an ACK position it says the relay has closed the
	// stream and accepts nothing more for this epoch.
	EndOfEpoch = math.MaxUint64
	// MinFrame is the smallest max_frame a relay may announce.
	MinFrame = 64 << 10
)

// RecordFormat says what a BATCH's records are.
type RecordFormat uint8

// Record formats.
const (
	// FormatWindowsXML: one rendered Windows event per record, UTF-8 XML
	// (EvtRender + EvtFormatMessage output; see README.md).
	FormatWindowsXML RecordFormat = 1
)

// Header is a decoded frame header.
type Header struct {
	Version uint8
	Type    Type
	Flags   uint16
	Length  uint32 // body length
}

// appendHeader appends a header with a zero length (patched by finish).
func appendHeader(dst []byte, t Type, flags uint16) []byte {
	return append(dst, Magic0, Magic1, Version, byte(t), byte(flags>>8), byte(flags), 0, 0, 0, 0)
}

// finish patches the body length of the frame starting at start.
func finish(dst []byte, start int) []byte {
	binary.BigEndian.PutUint32(dst[start+6:], uint32(len(dst)-start-HeaderSize))
	return dst
}

// ParseHeader decodes and checks a frame header: magic, version, known type
// and flags. It does not check the length against a limit (Reader does).
func ParseHeader(b []byte) (Header, error) {
	if len(b) < HeaderSize {
		return Header{}, errorf(CodeMalformed, "short header (%d bytes)", len(b))
	}
	if b[0] != Magic0 || b[1] != Magic1 {
		return Header{}, errorf(CodeMalformed, "bad magic %#02x%02x (not a nomen agent frame; plaintext client on a TLS port, or TLS client on a plaintext port?)", b[0], b[1])
	}
	h := Header{Version: b[2], Type: Type(b[3]), Flags: binary.BigEndian.Uint16(b[4:]), Length: binary.BigEndian.Uint32(b[6:])}
	if h.Version != Version {
		return h, errorf(CodeVersion, "protocol version %d is not supported (this side speaks %d)", h.Version, Version)
	}
	if h.Type < TypeHello || h.Type > TypeBye {
		return h, errorf(CodeMalformed, "unknown frame type %d", h.Type)
	}
	allowed := uint16(0)
	if h.Type == TypeBatch {
		allowed = FlagLZ4
	}
	if h.Flags&^allowed != 0 {
		return h, errorf(CodeMalformed, "%v frame with unknown flags %#04x", h.Type, h.Flags)
	}
	return h, nil
}

// BodyLimit returns the largest body a frame of type t may have, given the
// negotiated maximum BATCH frame body.
func BodyLimit(t Type, maxFrame uint32) uint32 {
	switch t {
	case TypeBatch:
		return maxFrame
	case TypeHello, TypeWelcome:
		return MaxHandshakeBody
	}
	return MaxControlBody
}

// Code classifies an ERROR frame, and every decoding error.
type Code uint16

// Error codes (README.md, "ERROR").
const (
	CodeMalformed   Code = 1  // a frame that does not decode, or is not expected now
	CodeVersion     Code = 2  // unsupported protocol version
	CodeIdentity    Code = 3  // HELLO's agent id does not match the certificate
	CodeFrameSize   Code = 4  // a frame longer than the limit
	CodeLimit       Code = 5  // records, record size, raw size or ratio over the limit
	CodeChecksum    Code = 6  // the record block's CRC-32C does not match
	CodeDecompress  Code = 7  // the lz4 block does not decompress to the declared size
	CodeSequence    Code = 8  // sequence numbers out of order or out of range
	CodeSuperseded  Code = 9  // a newer session of the same agent took over
	CodeShutdown    Code = 10 // the relay is stopping
	CodeUnavailable Code = 11 // the relay could not make a batch durable; retry later
	CodeTimeout     Code = 12 // the peer was silent for too long
)

var codeNames = [...]string{"", "malformed", "version", "identity", "frame_size", "limit",
	"checksum", "decompress", "sequence", "superseded", "shutdown", "unavailable", "timeout"}

// String returns the code's name, also used as a metric label.
func (c Code) String() string {
	if int(c) < len(codeNames) && c != 0 {
		return codeNames[c]
	}
	return fmt.Sprintf("code_%d", uint16(c))
}

// Retryable reports whether an agent that received this ERROR should expect
// a later attempt to succeed without anyone changing its configuration.
func (c Code) Retryable() bool {
	switch c {
	case CodeSuperseded, CodeShutdown, CodeUnavailable, CodeTimeout:
		return true
	}
	return false
}

// Error is a protocol error: what went wrong and the code to send in an
// ERROR frame.
type Error struct {
	Code Code
	Msg  string
}

func (e *Error) Error() string { return "wire: " + e.Code.String() + ": " + e.Msg }

func errorf(c Code, format string, args ...any) *Error {
	return &Error{Code: c, Msg: fmt.Sprintf(format, args...)}
}

// CodeOf returns the code of a protocol error, or CodeMalformed for
// anything else.
func CodeOf(err error) Code {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return CodeMalformed
}

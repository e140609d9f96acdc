package wire

import (
	"encoding/binary"
	"unicode/utf8"
)

// The control frames. Each has AppendFrame (the whole frame, header
// included, appended to dst) and Decode (the body; it checks every limit
// and rejects trailing bytes).

// StreamPos is one stream's position: in HELLO the last record the agent
// saw acknowledged, in WELCOME the relay's resume point (the highest record
// id it holds durably; 0 for none).
type StreamPos struct {
	Channel string
	Epoch   uint64
	Seq     uint64
}

// Hello opens a session (agent -> relay).
type Hello struct {
	AgentID      string // must equal the client certificate's subject CN
	Host         string // the agent's host name
	OS           string // e.g. "windows 10.0.20348"
	AgentVersion string
	Streams      []StreamPos
}

// AppendFrame appends the HELLO frame to dst.
func (h *Hello) AppendFrame(dst []byte) []byte {
	start := len(dst)
	dst = appendHeader(dst, TypeHello, 0)
	dst = appendStr(dst, h.AgentID)
	dst = appendStr(dst, h.Host)
	dst = appendStr(dst, h.OS)
	dst = appendStr(dst, h.AgentVersion)
	dst = appendStreams(dst, h.Streams)
	return finish(dst, start)
}

// Decode decodes a HELLO body.
func (h *Hello) Decode(body []byte) error {
	d := decoder{b: body, frame: "HELLO"}
	h.AgentID = d.name("agent id", false)
	h.Host = d.name("host", true)
	h.OS = d.name("os", true)
	h.AgentVersion = d.name("agent version", true)
	h.Streams = d.streams(h.Streams[:0])
	return d.end()
}

// Welcome accepts a session (relay -> agent).
type Welcome struct {
	Relay  string // the relay's name and version, for the agent's log
	Limits Limits
	// Keepalive is how often, in milliseconds, the relay sends a frame while
	// it holds unacknowledged batches, and how often an idle agent should
	// PING.
	KeepaliveMillis uint32
	// Streams has a resume point for every stream of the HELLO.
	Streams []StreamPos
}

// Limits are what the relay accepts; the agent sizes its batches to fit.
type Limits struct {
	MaxFrame        uint32 // largest BATCH frame body
	MaxBatchRecords uint32 // records per BATCH
	MaxBatchBytes   uint32 // decompressed record block of one BATCH
	MaxRecord       uint32 // one record
	MaxRatio        uint32 // decompressed size / compressed size
}

// AppendFrame appends the WELCOME frame to dst.
func (w *Welcome) AppendFrame(dst []byte) []byte {
	start := len(dst)
	dst = appendHeader(dst, TypeWelcome, 0)
	dst = appendStr(dst, w.Relay)
	l := w.Limits
	dst = binary.BigEndian.AppendUint32(dst, l.MaxFrame)
	dst = binary.BigEndian.AppendUint32(dst, l.MaxBatchRecords)
	dst = binary.BigEndian.AppendUint32(dst, l.MaxBatchBytes)
	dst = binary.BigEndian.AppendUint32(dst, l.MaxRecord)
	dst = binary.BigEndian.AppendUint32(dst, l.MaxRatio)
	dst = binary.BigEndian.AppendUint32(dst, w.KeepaliveMillis)
	dst = appendStreams(dst, w.Streams)
	return finish(dst, start)
}

// Decode decodes a WELCOME body.
func (w *Welcome) Decode(body []byte) error {
	d := decoder{b: body, frame: "WELCOME"}
	w.Relay = d.name("relay", true)
	w.Limits = Limits{MaxFrame: d.u32(), MaxBatchRecords: d.u32(), MaxBatchBytes: d.u32(), MaxRecord: d.u32(), MaxRatio: d.u32()}
	w.KeepaliveMillis = d.u32()
	w.Streams = d.streams(w.Streams[:0])
	if err := d.end(); err != nil {
		return err
	}
	l := w.Limits
	if l.MaxFrame < MinFrame || l.MaxBatchRecords == 0 || l.MaxBatchBytes == 0 || l.MaxRecord == 0 ||
		l.MaxRecord > l.MaxBatchBytes || l.MaxRatio == 0 || w.KeepaliveMillis == 0 {
		return errorf(CodeMalformed, "WELCOME with unusable limits %+v, keepalive %dms", l, w.KeepaliveMillis)
	}
	return nil
}

// Ack acknowledges, cumulatively, every record of a stream up to Seq: they
// are durable at the relay (relay -> agent). Seq = EndOfEpoch closes the
// stream.
type Ack struct {
	Channel string
	Epoch   uint64
	Seq     uint64
}

// AppendFrame appends the ACK frame to dst.
func (a *Ack) AppendFrame(dst []byte) []byte {
	start := len(dst)
	dst = appendHeader(dst, TypeAck, 0)
	dst = appendStr(dst, a.Channel)
	dst = binary.BigEndian.AppendUint64(dst, a.Epoch)
	dst = binary.BigEndian.AppendUint64(dst, a.Seq)
	return finish(dst, start)
}

// Decode decodes an ACK body.
func (a *Ack) Decode(body []byte) error {
	d := decoder{b: body, frame: "ACK"}
	a.Channel = d.name("channel", false)
	a.Epoch = d.epoch()
	a.Seq = d.u64()
	return d.end()
}

// GapReason says why records are lost.
type GapReason uint8

// Gap reasons.
const (
	GapCleared     GapReason = 1 // the log was cleared (Security 1102/517, System 104)
	GapOverwritten GapReason = 2 // records were overwritten before the agent read them
	GapUnreadable  GapReason = 3 // records exist but could not be read or rendered
)

func (r GapReason) String() string {
	switch r {
	case GapCleared:
		return "cleared"
	case GapOverwritten:
		return "overwritten"
	case GapUnreadable:
		return "unreadable"
	}
	return "unknown"
}

// Gap declares records First..Last of a stream lost at the source (agent ->
// relay). Last = EndOfEpoch: everything from First on, count unknown.
type Gap struct {
	Channel string
	Epoch   uint64
	Reason  GapReason
	First   uint64
	Last    uint64
	// ClearRecord is the record id of the "log cleared" event that explains
	// the gap (0 if none).
	ClearRecord uint64
	// UnixNano is when the loss happened or was noticed (0 if unknown).
	UnixNano int64
	Detail   string
}

// AppendFrame appends the GAP frame to dst.
func (g *Gap) AppendFrame(dst []byte) []byte {
	start := len(dst)
	dst = appendHeader(dst, TypeGap, 0)
	dst = appendStr(dst, g.Channel)
	dst = binary.BigEndian.AppendUint64(dst, g.Epoch)
	dst = append(dst, byte(g.Reason))
	dst = binary.BigEndian.AppendUint64(dst, g.First)
	dst = binary.BigEndian.AppendUint64(dst, g.Last)
	dst = binary.BigEndian.AppendUint64(dst, g.ClearRecord)
	dst = binary.BigEndian.AppendUint64(dst, uint64(g.UnixNano))
	dst = appendStr(dst, g.Detail)
	return finish(dst, start)
}

// Decode decodes a GAP body.
func (g *Gap) Decode(body []byte) error {
	d := decoder{b: body, frame: "GAP"}
	g.Channel = d.name("channel", false)
	g.Epoch = d.epoch()
	g.Reason = GapReason(d.u8())
	g.First, g.Last = d.u64(), d.u64()
	g.ClearRecord = d.u64()
	g.UnixNano = int64(d.u64())
	g.Detail = d.text("detail")
	if err := d.end(); err != nil {
		return err
	}
	switch {
	case g.Reason < GapCleared || g.Reason > GapUnreadable:
		return errorf(CodeMalformed, "GAP with unknown reason %d", g.Reason)
	case g.First == 0 || g.First > MaxSeq || g.Last < g.First || (g.Last > MaxSeq && g.Last != EndOfEpoch):
		return errorf(CodeSequence, "GAP range %d..%d is not a valid range of record ids", g.First, g.Last)
	case g.ClearRecord > MaxSeq:
		return errorf(CodeSequence, "GAP clear record %d out of range", g.ClearRecord)
	}
	return nil
}

// Ping asks for a Pong with the same token.
type Ping struct{ Token uint64 }

// AppendFrame appends a PING (or, with pong set, a PONG) frame to dst.
func (p *Ping) AppendFrame(dst []byte, pong bool) []byte {
	t := TypePing
	if pong {
		t = TypePong
	}
	start := len(dst)
	dst = appendHeader(dst, t, 0)
	dst = binary.BigEndian.AppendUint64(dst, p.Token)
	return finish(dst, start)
}

// Decode decodes a PING or PONG body.
func (p *Ping) Decode(body []byte) error {
	d := decoder{b: body, frame: "PING"}
	p.Token = d.u64()
	return d.end()
}

// ErrorFrame reports a fatal problem; the sender closes the connection
// after it.
type ErrorFrame struct {
	Code Code
	Msg  string
}

// AppendFrame appends the ERROR frame to dst (the message is cut to MaxText).
func (e *ErrorFrame) AppendFrame(dst []byte) []byte {
	start := len(dst)
	dst = appendHeader(dst, TypeError, 0)
	dst = binary.BigEndian.AppendUint16(dst, uint16(e.Code))
	dst = appendStr(dst, truncateUTF8(e.Msg, MaxText))
	return finish(dst, start)
}

// Decode decodes an ERROR body.
func (e *ErrorFrame) Decode(body []byte) error {
	d := decoder{b: body, frame: "ERROR"}
	e.Code = Code(d.u16())
	e.Msg = d.text("message")
	return d.end()
}

// Err returns the ERROR as a Go error.
func (e *ErrorFrame) Err() *Error { return &Error{Code: e.Code, Msg: e.Msg} }

// Bye ends a session in order.
type Bye struct{ Reason string }

// AppendFrame appends the BYE frame to dst.
func (b *Bye) AppendFrame(dst []byte) []byte {
	start := len(dst)
	dst = appendHeader(dst, TypeBye, 0)
	dst = appendStr(dst, truncateUTF8(b.Reason, MaxText))
	return finish(dst, start)
}

// Decode decodes a BYE body.
func (b *Bye) Decode(body []byte) error {
	d := decoder{b: body, frame: "BYE"}
	b.Reason = d.text("reason")
	return d.end()
}

func appendStr(dst []byte, s string) []byte {
	dst = binary.BigEndian.AppendUint16(dst, uint16(len(s)))
	return append(dst, s...)
}

func appendStreams(dst []byte, ss []StreamPos) []byte {
	dst = binary.BigEndian.AppendUint16(dst, uint16(len(ss)))
	for _, s := range ss {
		dst = appendStr(dst, s.Channel)
		dst = binary.BigEndian.AppendUint64(dst, s.Epoch)
		dst = binary.BigEndian.AppendUint64(dst, s.Seq)
	}
	return dst
}

// truncateUTF8 cuts s to at most n bytes without splitting a character.
func truncateUTF8(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// decoder reads big-endian fields from a body; the first error sticks and
// later reads return zero values.
type decoder struct {
	b     []byte
	frame string
	err   *Error
}

func (d *decoder) fail(c Code, format string, args ...any) {
	if d.err == nil {
		d.err = errorf(c, d.frame+": "+format, args...)
	}
}

func (d *decoder) take(n int, what string) []byte {
	if d.err != nil {
		return nil
	}
	if len(d.b) < n {
		d.fail(CodeMalformed, "body ends inside %s", what)
		return nil
	}
	v := d.b[:n]
	d.b = d.b[n:]
	return v
}

func (d *decoder) u8() uint8 {
	if b := d.take(1, "a field"); b != nil {
		return b[0]
	}
	return 0
}

func (d *decoder) u16() uint16 {
	if b := d.take(2, "a field"); b != nil {
		return binary.BigEndian.Uint16(b)
	}
	return 0
}

func (d *decoder) u32() uint32 {
	if b := d.take(4, "a field"); b != nil {
		return binary.BigEndian.Uint32(b)
	}
	return 0
}

func (d *decoder) u64() uint64 {
	if b := d.take(8, "a field"); b != nil {
		return binary.BigEndian.Uint64(b)
	}
	return 0
}

// epoch reads an epoch: 1..MaxSeq.
func (d *decoder) epoch() uint64 {
	e := d.u64()
	if d.err == nil && (e == 0 || e > MaxSeq) {
		d.fail(CodeMalformed, "epoch %d out of range 1..2^63-1", e)
	}
	return e
}

func (d *decoder) str(what string, max int, allowEmpty bool) string {
	n := int(d.u16())
	if d.err != nil {
		return ""
	}
	if n > max {
		d.fail(CodeLimit, "%s is %d bytes (at most %d)", what, n, max)
		return ""
	}
	b := d.take(n, what)
	if d.err != nil {
		return ""
	}
	if n == 0 && !allowEmpty {
		d.fail(CodeMalformed, "empty %s", what)
		return ""
	}
	if !utf8.Valid(b) {
		d.fail(CodeMalformed, "%s is not valid UTF-8", what)
		return ""
	}
	for _, c := range b {
		if c < 0x20 || c == 0x7f {
			d.fail(CodeMalformed, "%s contains control character %#02x", what, c)
			return ""
		}
	}
	return string(b)
}

// name reads an identifier (no control characters, at most MaxName bytes).
func (d *decoder) name(what string, allowEmpty bool) string {
	return d.str(what, MaxName, allowEmpty)
}

// text reads free text: at most MaxText bytes, control characters allowed
// except NUL.
func (d *decoder) text(what string) string {
	n := int(d.u16())
	if d.err != nil {
		return ""
	}
	if n > MaxText {
		d.fail(CodeLimit, "%s is %d bytes (at most %d)", what, n, MaxText)
		return ""
	}
	b := d.take(n, what)
	if d.err != nil {
		return ""
	}
	if !utf8.Valid(b) {
		d.fail(CodeMalformed, "%s is not valid UTF-8", what)
		return ""
	}
	return string(b)
}

func (d *decoder) streams(dst []StreamPos) []StreamPos {
	n := int(d.u16())
	if d.err != nil {
		return dst
	}
	if n > MaxStreams {
		d.fail(CodeLimit, "%d streams (at most %d)", n, MaxStreams)
		return dst
	}
	for i := 0; i < n && d.err == nil; i++ {
		s := StreamPos{Channel: d.name("channel", false), Epoch: d.epoch(), Seq: d.u64()}
		if d.err == nil && s.Seq > MaxSeq && s.Seq != EndOfEpoch {
			d.fail(CodeSequence, "stream %q position %d out of range", s.Channel, s.Seq)
		}
		for _, o := range dst {
			if d.err == nil && o.Channel == s.Channel && o.Epoch == s.Epoch {
				d.fail(CodeMalformed, "stream %q epoch %d listed twice", s.Channel, s.Epoch)
			}
		}
		dst = append(dst, s)
	}
	return dst
}

func (d *decoder) end() error {
	if d.err == nil && len(d.b) != 0 {
		d.fail(CodeMalformed, "%d trailing bytes", len(d.b))
	}
	if d.err != nil {
		return d.err
	}
	return nil
}

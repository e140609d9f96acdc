// Package parse turns one framed syslog message into an event.Event.
//
// # Formats
//
// A message is RFC 5424 when it starts "<PRI>VERSION SP" followed by a
// timestamp or "-" (VERSION is 1-3 digits without a leading zero; the
// VERSION 0 some real senders emit is accepted too), or when a relay or
// a file writer left its PRI out: "1 " and a full RFC 3339 date and time,
// or "1 - " and the rest of a whole header (see noPriVersionEnd).
// Everything else is parsed as RFC 3164 by a lenient parser written for
// what devices really send. Nothing is dropped for failing to parse: such a message becomes an
// event with its raw text, the best remaining text as Message, and a short
// reason in the field nomen.parse_error.
//
// Both parsers are byte parsers written here. RFC 5424 follows the grammar
// of github.com/influxdata/go-syslog/v3 (which the tests use as an oracle on
// valid messages) but does not call it on the hot path: go-syslog copies
// every field into new strings, builds maps for STRUCTURED-DATA (losing the
// element order) and refuses VERSION 0. Measured on one core here
// (BenchmarkGoSyslog* against BenchmarkParse*): 480 ns and 8 allocations
// for a plain RFC 5424 message against 140 ns and 1, 1.5 µs and 23
// allocations with two SD elements against 390 ns and 3. go-syslog's
// RFC 3164 machine requires a hostname, so it takes "filterlog[72237]:" for
// one, and takes the text up to the last "]" of the message for the PROCID;
// the tests use it as an oracle for the plain "<PRI>Mmm dd hh:mm:ss host
// tag[pid]: msg" form only.
//
// # Zero copy
//
// Original is one string copy of the frame, carved from the parser's text
// arena; Message, Hostname, AppName, ProcID and MsgID are substrings of
// it, and SD's names and values spans of it (event.SD; an SD with a
// backslash-escaped value holds a copy of its text and the unescaped
// values). SD's spans are carved from a block shared by many messages, so
// a typical message costs no allocation of its own (TestParseAllocations);
// a field such as event.sequence costs one unless e.Fields has room.
//
// # Fields set here
//
//   - event.sequence (int): RFC 5424 [meta sequenceId="N"], or the Cisco IOS
//     sequence number in "<190>530470: *Mar  1 00:00:42.123: ...".
//   - nomen.clock_unsynced (bool): Cisco's "*" or "." before the timestamp
//     (clock not synchronised). With "*" (time not authoritative) the
//     device's timestamp is not used: Time is Received.
//   - nomen.parse_error (string): why the message did not parse cleanly.
//   - nomen.app_module (string): the module of a "prog(module)" tag or
//     APP-NAME ("sshd(pam_unix)[123]:" is AppName "sshd", module
//     "pam_unix"): see setAppModule.
//   - log.syslog.hostname (string): a syslog-ng hostname chain as sent
//     ("s_all@web1", "web1/relay1"); Hostname, and so host.name, is its
//     originating host ("web1"): see unchainHost.
//
// The Solaris "[ID 801593 mail.info]" block after the tag becomes MsgID
// ("801593", the message type, which is what log.syslog.msgid means) and,
// when the message had no PRI, the priority given by its facility.level; it
// is removed from Message.
//
// Cisco "%FAC-SEV-MNEMONIC:" tags (%ASA-4-106023, %SYS-5-CONFIG_I) are the
// APP-NAME, as rsyslog's programname: normalize dispatches on them.
//
// # Time
//
// Time is the message's timestamp, or Received when it has none or it is
// unusable. A timestamp with an offset, "Z", UTC/GMT or a known zone
// abbreviation (see zoneOffset) is taken as such; one without is in
// Options.Location. A timestamp without a year gets the year that puts it
// closest to the receive time, never more than 31 days in the future
// (so "Dec 31" received on Jan 1 is last year's).
package parse

import (
	"strings"
	"time"

	"github.com/nomenhq/nomen/relay/event"
)

// Options configure a Parser.
type Options struct {
	// Location is the time zone assumed for timestamps without one
	// (RFC 3164). nil means time.Local.
	Location *time.Location
}

// Parser parses framed messages. It keeps scratch space: use one per
// goroutine (per connection).
type Parser struct {
	loc *time.Location

	// Arenas: messages and their structured data are carved out of large
	// blocks, so that an event costs the garbage collector no object of
	// its own. A block lives as long as any event pointing into it: state
	// that outlives events (correlation keys, caches) must strings.Clone
	// what it keeps, as it must anyway to avoid pinning whole messages.
	// The text block is a strings.Builder's: Grow allocates it without
	// clearing it (make cleared 64 KiB that the copies then overwrote),
	// and what was written to a Builder is never written again.
	text strings.Builder
	sd   event.SDBuilder
}

// textBlock is the text arena's block size: a few hundred typical messages.
const textBlock = 64 << 10

// keep returns a string copy of raw carved from the text arena.
func (p *Parser) keep(raw []byte) string {
	if len(raw) == 0 {
		return ""
	}
	if len(raw) > textBlock/8 {
		return string(raw) // large messages get their own allocation
	}
	if len(raw) > p.text.Cap()-p.text.Len() {
		p.text = strings.Builder{}
		p.text.Grow(textBlock)
	}
	start := p.text.Len()
	p.text.Write(raw)
	return p.text.String()[start:]
}

// New returns a Parser.
func New(opts Options) *Parser {
	loc := opts.Location
	if loc == nil {
		loc = time.Local
	}
	return &Parser{loc: loc}
}

// Field names set by the parser. A listener counts a message in
// nomen_parse_failures_total when e.Has(FieldParseError).
const (
	FieldSequence      = "event.sequence"
	FieldParseError    = "nomen.parse_error"
	FieldClockUnsynced = "nomen.clock_unsynced"
	FieldAppModule     = "nomen.app_module"
)

// Values of event.Format set by the parser (nomen.format).
const (
	FormatRFC5424 = "rfc5424"
	FormatRFC3164 = "rfc3164"
)

// Parse fills e from one framed message. raw is copied (the caller may
// reuse it). e.Received, e.Input and e.Peer are the caller's to set before
// or after; Parse sets Time (Received when the message has no usable
// timestamp), Original, Message, Pri, the header fields, SD and Format.
// Fields the caller set are kept.
func (p *Parser) Parse(raw []byte, e *event.Event) {
	s := p.keep(raw)
	e.Original = s
	e.Message, e.Hostname, e.AppName, e.ProcID, e.MsgID = "", "", "", "", ""
	e.SD = event.SD{}
	e.Pri = event.NoPri
	e.Time = time.Time{}

	// A trailing LF, CR or NUL is framing, not text; trailing spaces are
	// noise that differs by road (the kernel ends iptables lines with one,
	// rsyslog adds one to a line whose STRUCTURED-DATA it could not read,
	// syslog-ng drops them): no field can lose by their going, and every
	// road then gives the same message. event.original keeps every byte.
	end := len(s)
	for end > 0 && (s[end-1] == '\n' || s[end-1] == '\r' || s[end-1] == 0 || s[end-1] == ' ') {
		end--
	}
	s = s[:end]

again:
	pri, i, status := parsePri(s)
	switch status {
	case priOK:
		e.Pri = int16(pri)
		if v := versionEnd(s, i); v > 0 {
			p.parse5424(s, v, e)
			break
		}
		p.parse3164(s, i, e)
	case priInvalid:
		// Keep what follows; the bogus PRI is not a priority.
		setError(e, "invalid PRI")
		p.parse3164(s, i, e)
	default:
		if s != "" && s[0] == ' ' {
			// Spaces before a PRI: read the frame again from the PRI
			// (a jump, not a call: the usual line pays nothing for it).
			if t := spacesBeforePri(s); len(t) < len(s) {
				s = t
				goto again
			}
		}
		if v := noPriVersionEnd(s); v > 0 {
			p.parse5424(s, v, e)
			break
		}
		p.parse3164(s, 0, e)
	}
	if e.Hostname != "" {
		unchainHost(e)
	}
	if e.Time.IsZero() {
		e.Time = e.Received
	}
	if len(s) == 0 {
		setError(e, "empty message")
	}
}

func setError(e *event.Event, reason string) {
	if !e.Has(FieldParseError) {
		e.SetStr(FieldParseError, reason)
	}
}

// spacesBeforePri returns s without the spaces before a PRI that
// follows them ("   <13>1 2019-..."): what a sender's stray indentation
// or a frame cut a few bytes early leaves in front of a whole message.
// Without a "<" and a digit after them the spaces stay: they are text.
func spacesBeforePri(s string) string {
	k := skipSpaces(s, 0)
	if k+1 < len(s) && s[k] == '<' && isDigit(s[k+1]) {
		return s[k:]
	}
	return s
}

type priStatus uint8

const (
	priNone    priStatus = iota // no "<" + digit: the message has no PRI
	priOK                       // <0>..<191>
	priInvalid                  // "<" + digits but out of range or not closed
)

// parsePri reads "<PRI>" at the start of s and returns the value and the
// index after ">". An invalid PRI that is closed within three digits is
// skipped (i after ">"); one that is not closed leaves i at 0.
func parsePri(s string) (pri, i int, st priStatus) {
	if len(s) < 3 || s[0] != '<' || !isDigit(s[1]) {
		return 0, 0, priNone
	}
	n := 0
	for i = 1; i < len(s) && i <= 4 && isDigit(s[i]); i++ {
		n = n*10 + int(s[i]-'0')
	}
	if i >= len(s) || s[i] != '>' {
		return 0, 0, priInvalid
	}
	if i > 4 || n > 191 {
		return 0, i + 1, priInvalid
	}
	return n, i + 1, priOK
}

// versionEnd reports whether s[i:] starts "VERSION SP TIMESTAMP-or-NIL"
// (the RFC 5424 signature) and returns the index of the timestamp, or 0.
func versionEnd(s string, i int) int {
	j := i
	for j < len(s) && j-i < 3 && isDigit(s[j]) {
		j++
	}
	if j == i || j >= len(s) || s[j] != ' ' || (s[i] == '0' && j-i > 1) {
		return 0
	}
	j++ // SP
	switch {
	case j < len(s) && s[j] == '-' && (j+1 == len(s) || s[j+1] == ' '):
		return j
	case j+4 < len(s) && isDigit(s[j]) && isDigit(s[j+1]) && isDigit(s[j+2]) && isDigit(s[j+3]) && s[j+4] == '-':
		return j
	}
	return 0
}

// noPriVersionEnd reports whether s is an RFC 5424 line whose PRI a
// relay or a file writer left out and returns the index of its timestamp,
// or 0. Without the PRI the signature is narrower than versionEnd's, so
// that a BSD message starting with a number is not taken for one: VERSION
// 1 and either a full RFC 3339 date and time ("1 2019-05-15T16:26:19Z host
// app ...") or, after a NILVALUE timestamp (a device without a clock),
// the rest of a whole header: "1 - HOSTNAME APP-NAME PROCID MSGID SD"
// (see nilStampHeader).
func noPriVersionEnd(s string) int {
	const stamp = "0000-00-00T00:00:00"
	if len(s) < 4 || s[0] != '1' || s[1] != ' ' {
		return 0
	}
	if s[2] == '-' && s[3] == ' ' {
		if nilStampHeader(s[4:]) {
			return 2
		}
		return 0
	}
	if len(s) < 2+len(stamp)+1 {
		return 0
	}
	for k := 0; k < len(stamp); k++ {
		c := s[2+k]
		if stamp[k] == '0' && !isDigit(c) || stamp[k] != '0' && c != stamp[k] {
			return 0
		}
	}
	return 2
}

// headerFieldMax is RFC 5424's longest HOSTNAME, APP-NAME, PROCID, MSGID.
var headerFieldMax = [4]int{255, 48, 128, 32}

// nilStampHeader reports whether s, what follows "1 - " in a line without
// PRI, is the rest of an RFC 5424 header as a writer makes it: HOSTNAME,
// APP-NAME, PROCID and MSGID, each one to its RFC length of printable
// US-ASCII ("-" when nil), one SP after each, then STRUCTURED-DATA: "-"
// (at the end or before SP) or "[" and an SD-ID ended by SP or "]".
// Without a timestamp nothing else tells such a line from text that
// starts "1 - " ("1 - the road was - a - long one" has no SD there).
func nilStampHeader(s string) bool {
	i := 0
	for _, limit := range headerFieldMax {
		j := i
		for j < len(s) && j-i <= limit && '!' <= s[j] && s[j] <= '~' {
			j++
		}
		if j == i || j-i > limit || j >= len(s) || s[j] != ' ' {
			return false
		}
		i = j + 1
	}
	switch {
	case i < len(s) && s[i] == '-':
		return i+1 == len(s) || s[i+1] == ' '
	case i < len(s) && s[i] == '[':
		j := i + 1
		for j < len(s) && j-i <= 32 && '!' <= s[j] && s[j] <= '~' && s[j] != '=' && s[j] != ']' && s[j] != '"' {
			j++
		}
		return j > i+1 && j-i <= 33 && j < len(s) && (s[j] == ' ' || s[j] == ']')
	}
	return false
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

func isLetter(c byte) bool { return 'a' <= c|0x20 && c|0x20 <= 'z' }

// token returns the end of the space-delimited token starting at i.
func tokenEnd(s string, i int) int {
	for i < len(s) && s[i] != ' ' {
		i++
	}
	return i
}

func skipSpaces(s string, i int) int {
	for i < len(s) && s[i] == ' ' {
		i++
	}
	return i
}

// atoi parses a decimal of at most 18 digits (no sign).
func atoi(s string) (int64, bool) {
	if s == "" || len(s) > 18 {
		return 0, false
	}
	var n int64
	for i := 0; i < len(s); i++ {
		if !isDigit(s[i]) {
			return 0, false
		}
		n = n*10 + int64(s[i]-'0')
	}
	return n, true
}

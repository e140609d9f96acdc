package parse

import (
	"strings"
	"time"

	"github.com/nomenhq/nomen/relay/event"
)

// parse5424 parses the RFC 5424 message s from the TIMESTAMP at index i
// (PRI and VERSION are read). The grammar is RFC 5424 section 6, leniently:
//
//   - TIMESTAMP may lack its offset (then it is in Options.Location) and may
//     have up to 9 fraction digits;
//   - HOSTNAME, APP-NAME, PROCID and MSGID are any bytes but SP, of any
//     length ("-" is nil), and more than one SP may separate them;
//   - SD-PARAM values may hold an unescaped "]"; "\"", "\\" and "\]" are
//     unescaped, any other backslash is kept; spaces may repeat between
//     params;
//   - spaces before MSG and a UTF-8 BOM at its start are dropped (the text
//     "BOM" is not): see msgText;
//   - an APP-NAME "prog(module)" is split as an RFC 3164 tag is (see
//     setAppModule): rsyslog writes such a tag's program name there.
//
// An unreadable TIMESTAMP ends the header: what follows is Message (no
// field is guessed). Malformed STRUCTURED-DATA is not kept: Message is
// everything from the "[" on. Both set nomen.parse_error.
func (p *Parser) parse5424(s string, i int, e *event.Event) {
	e.Format = FormatRFC5424

	// TIMESTAMP
	if s[i] == '-' {
		i++
	} else {
		var st stamp
		var t time.Time
		j, ok := rfc3339(s, i, &st)
		if ok && (j == len(s) || s[j] == ' ') {
			t, ok = st.resolve(p.loc, e.Received)
		} else {
			ok = false
		}
		if !ok {
			e.Message = s[i:]
			setError(e, "rfc5424: invalid TIMESTAMP")
			return
		}
		e.Time = t
		i = j
	}

	// HOSTNAME APP-NAME PROCID MSGID
	var fields [4]string
	for f := range fields {
		i = skipSpaces(s, i) // SP; a run of them is taken as one
		j := tokenEnd(s, i)
		if tok := s[i:j]; tok != "-" {
			fields[f] = tok
		}
		i = j
	}
	e.Hostname, e.AppName, e.ProcID, e.MsgID = fields[0], fields[1], fields[2], fields[3]
	setAppModule(e)

	// STRUCTURED-DATA
	i = skipSpaces(s, i)
	if i >= len(s) {
		setError(e, "rfc5424: incomplete header")
		return
	}
	switch {
	case s[i] == '-':
		i++
	case s[i] == '[':
		j, ok := p.structuredData(s, i, e)
		if !ok {
			e.Message = s[i:]
			if e.Flags&event.Truncated != 0 && j >= len(s) {
				setError(e, "rfc5424: truncated STRUCTURED-DATA")
			} else {
				setError(e, "rfc5424: invalid STRUCTURED-DATA")
			}
			return
		}
		i = j
	default:
		e.Message = s[i:]
		setError(e, "rfc5424: invalid STRUCTURED-DATA")
		return
	}

	// MSG
	if i < len(s) && s[i] != ' ' {
		setError(e, "rfc5424: no SP after STRUCTURED-DATA")
	}
	e.Message = msgText(s[i:])
	p.relayedTag(e)
}

// relayedTag reads what a relay left of an RFC 3164 tag at the start of
// MSG, so that the line gives the same event as when sent directly:
//
//   - a Cisco device header (sequence number, name, timestamp) that the
//     relay took for APP-NAME and MSG: see relayedCisco;
//   - AIX's "Message forwarded from HOST: " that the relay took for
//     HOSTNAME and APP-NAME: see relayedAIX;
//   - a Cisco "%ASA-6-305011: " after a nil APP-NAME: an ASA's
//     "host : %ASA-...:" has an empty tag, which rsyslog writes as "-" and
//     then the mnemonic as text; the RFC 3164 parser takes the mnemonic for
//     the tag, and so does this (only a "%"-tag: other text is text);
//   - a Solaris "[ID 801593 mail.info]" after an APP-NAME, as after a tag;
//   - a "[PID]:" after an APP-NAME without PROCID: a tag padded to a
//     column ("sshd     [123]: "), which rsyslog and syslog-ng end at its
//     first space, leaving the pid in the text (paddedTag reads it so when
//     sent directly).
func (p *Parser) relayedTag(e *event.Event) {
	p.relayedCisco(e)
	if e.AppName != "" && e.AppName[0] == 'f' && p.relayedAIX(e) {
		return
	}
	m := e.Message
	switch {
	case e.AppName == "" && e.ProcID == "" && e.MsgID == "" && len(m) > 1 && m[0] == '%':
		if name, pid, end, ok := tagAt(m, 0); ok && pid == "" && m[end-1] == ':' {
			e.AppName = name
			e.Message = m[skipSpaces(m, end):]
		}
	case e.AppName != "" && e.MsgID == "" && strings.HasPrefix(m, "[ID "):
		if end := solaris(m, 0, e); end > 0 {
			e.Message = m[skipSpaces(m, end):]
		}
	case e.AppName != "" && e.ProcID == "" && e.MsgID == "" && len(m) > 0 && m[0] == '[':
		if pid, end, ok := paddedPID(m, 0); ok {
			e.ProcID, e.Message = pid, m[skipSpaces(m, end):]
		}
	}
}

// msgText returns MSG without the spaces before it and its BOM.
//
// RFC 5424 makes a second SP after STRUCTURED-DATA part of MSG, and go-syslog
// keeps it. nomen does not: in practice the extra space is forwarding
// noise, not text. rsyslog's RSYSLOG_SyslogProtocol23Format writes
// "%STRUCTURED-DATA% %msg%", and for a message it received as RFC 3164 the
// msg property keeps the space after "tag:", so every such line arrives as
// "- -  text" (likewise syslog-ng and others that relay 3164 text). Kept,
// that space moves the text one byte off what decoders anchor on, and the
// same line gives another event by that road than sent directly, where the
// RFC 3164 parser skips the spaces after the tag. Leading spaces carry no
// meaning in a log message that a field could lose (indentation is layout;
// event.original keeps every byte), so dropping them cannot make a field
// wrong, while keeping them loses the category, user and address of every
// relayed line.
func msgText(msg string) string {
	msg = msg[skipSpaces(msg, 0):]
	return strings.TrimPrefix(msg, "\xEF\xBB\xBF")
}

// structuredData reads SD-ELEMENTs at s[i:] (s[i] == '[') into e.SD and
// returns the index after the last "]". On malformed input it returns
// false (and the index where it stopped) and leaves e.SD empty.
func (p *Parser) structuredData(s string, i int, e *event.Event) (int, bool) {
	// The SD's names and values are spans of s (Original), in the
	// builder's block shared by many events: nothing to scan for the
	// collector but one pointer.
	sd := &p.sd
	sd.Start(s)
	// The two params the parser reads, noted as they go by (the first of
	// each, as e.SDParam finds it) rather than looked up after.
	var seq, synced string
	var haveSeq, haveSynced bool
	// plain: no value had a byte to escape in JSON (their scan finds
	// them); if no name has one either, the SD is marked plain, and the
	// JSON encoder copies its strings without looking at them.
	start, plain := i, true
	for i < len(s) && s[i] == '[' {
		i++
		j := i
		for j < len(s) && sdNameChar(s[j]) {
			j++
		}
		if j == i || j >= len(s) {
			sd.Drop()
			return j, false
		}
		sd.ElementAt(i, j)
		id := s[i:j]
		meta, timeQuality := id == "meta", id == "timeQuality"
		i = j
		for {
			if i >= len(s) {
				sd.Drop()
				return i, false
			}
			if s[i] == ']' {
				i++
				break
			}
			if s[i] != ' ' {
				sd.Drop()
				return i, false
			}
			i = skipSpaces(s, i)
			if i < len(s) && s[i] == ']' {
				i++
				break
			}
			// PARAM-NAME="PARAM-VALUE"
			j = i
			for j < len(s) && sdNameChar(s[j]) {
				j++
			}
			if j == i || j+1 >= len(s) || s[j] != '=' || s[j+1] != '"' {
				sd.Drop()
				return j, false
			}
			name0, name1 := i, j
			i = j + 2
			val, end, valPlain, ok := sdValue(s, i)
			plain = plain && valPlain
			switch {
			case !ok:
				sd.Drop()
				return end, false
			case len(val) == end-1-i: // s[i:end-1], as written
				sd.ParamAt(name0, name1, i, end-1)
			default: // unescaped: a copy
				sd.Param(s[name0:name1], val)
			}
			switch {
			case meta && !haveSeq && s[name0:name1] == "sequenceId":
				seq, haveSeq = val, true
			case timeQuality && !haveSynced && s[name0:name1] == "isSynced":
				synced, haveSynced = val, true
			}
			i = end
		}
	}
	// A name's only byte to escape is '\\' (sdNameChar), which a plain
	// value does not hold: one search of the whole SD, rather than a test
	// per byte of the names.
	if plain && strings.IndexByte(s[start:i], '\\') < 0 {
		e.SD = sd.FinishJSONPlain()
	} else {
		e.SD = sd.Finish()
	}
	if haveSeq {
		if n, ok := atoi(seq); ok && n >= 1 && n <= 2147483647 {
			e.SetInt(FieldSequence, n)
		}
	}
	// RFC 5424 7.1.2: the sender's clock is not synchronised (syslog-ng
	// writes it for a Cisco "*" stamp).
	if haveSynced && synced == "0" {
		e.Set(FieldClockUnsynced, event.Bool(true))
	}
	return i, true
}

// sdNameChar: SD-NAME is PRINTUSASCII except '=', SP, ']' and '"'.
func sdNameChar(c byte) bool { return sdName[c] }

// sdName is sdNameChar's table: one load per byte instead of five tests.
var sdName = func() (t [256]bool) {
	for c := '!'; c < 0x7f; c++ {
		t[c] = c != '=' && c != ']' && c != '"'
	}
	return
}()

// sdValue reads a PARAM-VALUE starting after its opening quote and returns
// it unescaped, the index after the closing quote, and whether it is
// plain in JSON as written (event.JSONPlainLen).
func sdValue(s string, i int) (val string, end int, plain, ok bool) {
	// Most values are plain: the first byte that is not is their end.
	if j := i + event.JSONPlainLen(s[i:]); j < len(s) && s[j] == '"' {
		return s[i:j], j + 1, true, true
	}
	val, end, ok = sdValueEscaped(s, i)
	return val, end, false, ok
}

// sdValueEscaped is sdValue for a value with a byte that is not plain.
func sdValueEscaped(s string, i int) (string, int, bool) {
	start := i
	escaped := false
	for i < len(s) {
		switch s[i] {
		case '"':
			if !escaped {
				return s[start:i], i + 1, true
			}
			return unescapeSD(s[start:i]), i + 1, true
		case '\\':
			if i+1 < len(s) && (s[i+1] == '"' || s[i+1] == '\\' || s[i+1] == ']') {
				escaped = true
				i++
			}
		}
		i++
	}
	return "", i, false
}

func unescapeSD(v string) string {
	b := make([]byte, 0, len(v))
	for i := 0; i < len(v); i++ {
		if v[i] == '\\' && i+1 < len(v) && (v[i+1] == '"' || v[i+1] == '\\' || v[i+1] == ']') {
			i++
		}
		b = append(b, v[i])
	}
	return string(b)
}

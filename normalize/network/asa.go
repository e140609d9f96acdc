package network

import (
	"strings"

	"github.com/nomenhq/nomen/normalize/ciscocatalog"
	"github.com/nomenhq/nomen/normalize/ciscoftd"
	"github.com/nomenhq/nomen/normalize/ecs"
	"github.com/nomenhq/nomen/relay/event"
)

// Cisco ASA (and its predecessor PIX, FWSM and Firepower Threat Defense,
// which share the message catalogue). Every message carries an envelope
//
//	%ASA-SEVERITY-MESSAGEID: text
//
// which reaches us as the syslog tag (APP-NAME "%ASA-6-302013") or at the
// start of the message (behind a relay's "host prog[pid]:" header, or
// without the "%"), and in the ASDM/buffer export form
// "SEVERITY|date|MESSAGEID: text". The envelope alone gives event.code,
// event.severity, log.level and cisco.asa.message_id for every id; the ids
// of normalize/ciscocatalog also get ECS fields when their text has the
// documented shape. A catalogued id whose text is out of shape gets no
// value from it, nomen.parse_error, and the class of the id alone when the
// id has one (setCatalogued). A malformed envelope ("%ASA-9-106023", a
// five-digit id) is not an ASA message, wherever it stands.

// gateASABare: ": %" and the six digits start the message; a host before
// the tag (cutHostBeforeTag) ends at a space within 64 bytes, followed by
// the '%'; the ASA's own header (cutInnerASAHeader) is at most 103 bytes
// long: "<191>Jul  1 2026 11:59:58.123456: " and a name of 64, ": ".
var gateASABare = ecs.SniffGate{First: ":0123456789", Marker: '%', Window: 104}

// maxASAHostLen bounds a device name read from the message (an ASA's
// hostname has at most 63 characters): the gate's window depends on it.
const maxASAHostLen = 64

// sniffASABare recognises the bare "302020: Built ..." form some exports
// use (six-digit id, no family, no severity): only catalogued ids; an
// envelope behind a relay's empty tag (": %ASA-6-113005: ..."), behind
// the firewall's name, or behind the ASA's whole syslog header (a file of
// its lines shipped by a relay: cutInnerASAHeader).
//
// A name inside the message (the ASA's own header behind a shipper's tag,
// "fw-1 %ASA-..." behind an empty one) becomes host.name, a trust field
// that sequence tracking and correlation key on: it is taken only when no
// PID stands with the tag. A shipper (imfile, a relay's file source)
// sends no PID and an ASA writes none; a process that does ("webapp[42]:
// <166>Dec 07 2026 10:00:00 evilhost : %ASA-...") wrote text of its own,
// perhaps a client's, which is no ASA's line.
func sniffASABare(e *event.Event) bool {
	m := e.Message
	if len(m) > 3 && m[0] == ':' && m[1] == ' ' && m[2] == '%' {
		// ": %ASA-6-113005: ...", behind a relay's empty tag.
		tag, _, found := ecs.CutByte(m[2:], ':')
		_, _, _, ok := parseASATag(tag)
		return found && ok
	}
	if len(m) > 8 && m[6] == ':' && m[7] == ' ' && ecs.IsDigits(m[:6]) {
		_, ok := ciscocatalog.ASA(m[:6])
		return ok
	}
	if e.ProcID != "" {
		return false // a running program's text names no host
	}
	if _, _, ok := cutInnerASAHeader(m); ok {
		return true
	}
	_, _, ok := cutHostBeforeTag(m)
	return ok
}

// cutHostBeforeTag splits "fw-1 %FTD-6-113005: text", the firewall's name
// without the ':' a syslog tag would have, into the name and the rest
// from the '%' on. The tag must be well-formed and end in ':'.
func cutHostBeforeTag(m string) (host, rest string, ok bool) {
	sp := strings.IndexByte(m, ' ')
	if sp < 1 || sp > maxASAHostLen || sp+1 >= len(m) || m[sp+1] != '%' || !isHostToken(m[:sp]) {
		return "", "", false
	}
	tag, _, found := ecs.CutByte(m[sp+1:], ':')
	if !found || strings.IndexByte(tag, ' ') >= 0 {
		return "", "", false
	}
	if _, _, _, ok := parseASATag(tag); !ok {
		return "", "", false
	}
	return m[:sp], m[sp+1:], true
}

// cutInnerASAHeader cuts the syslog header an ASA wrote in front of its
// envelope when that whole line became another relay's message (a log
// file shipped on): "[<PRI>]Mmm dd[ yyyy] hh:mm:ss[.fff][:] [HOST [:]]"
// before "%ASA-6-302016: ...". It returns the ASA's name ("" if it gave
// none) and the message from the '%' on; the envelope must be whole.
func cutInnerASAHeader(m string) (host, rest string, ok bool) {
	s := m
	if len(s) > 3 && s[0] == '<' {
		end := strings.IndexByte(s[:min(len(s), 5)], '>')
		if end < 2 || !ecs.IsDigits(s[1:end]) {
			return "", "", false
		}
		s = s[end+1:]
	}
	if len(s) < 16 || !isLetterByte(s[0]) || !isLetterByte(s[1]) || !isLetterByte(s[2]) || s[3] != ' ' {
		return "", "", false
	}
	s = s[4:]
	if s != "" && s[0] == ' ' {
		s = s[1:] // "Jul  1": a day below 10 padded with a space
	}
	day, s, _ := strings.Cut(s, " ")
	if len(day) == 0 || len(day) > 2 || !ecs.IsDigits(day) {
		return "", "", false
	}
	if len(s) > 5 && ecs.IsDigits(s[:4]) && s[4] == ' ' {
		s = s[5:] // the year
	}
	clock, s, _ := strings.Cut(s, " ")
	clock = strings.TrimSuffix(clock, ":")
	if len(clock) < 8 || clock[2] != ':' || clock[5] != ':' || !ecs.IsDigits(clock[:2]) || !ecs.IsDigits(clock[3:5]) ||
		!ecs.IsDigits(clock[6:8]) {
		return "", "", false
	}
	if frac := clock[8:]; frac != "" && (frac[0] != '.' || len(frac) < 2 || len(frac) > 7 || !ecs.IsDigits(frac[1:])) {
		return "", "", false // ".123" to ".123456" only
	}
	if s != "" && s[0] != '%' {
		name, after, _ := strings.Cut(s, " ")
		name = strings.TrimSuffix(name, ":")
		if len(name) > maxASAHostLen || !isHostToken(name) {
			return "", "", false
		}
		host, s = name, strings.TrimPrefix(after, ": ")
	}
	tag, _, found := ecs.CutByte(s, ':')
	if !found || strings.IndexByte(tag, ' ') >= 0 {
		return "", "", false
	}
	if _, _, _, ok := parseASATag(tag); !ok || tag[0] != '%' {
		return "", "", false
	}
	return host, s, true
}

func isLetterByte(c byte) bool { return 'a' <= c|0x20 && c|0x20 <= 'z' }

// isHostToken: letters, digits, '-', '_' and '.', starting with a letter
// or digit (a device name, not a word of a sentence with punctuation).
func isHostToken(s string) bool {
	if s == "" || !isAlnumByte(s[0]) {
		return false
	}
	for i := 1; i < len(s); i++ {
		if c := s[i]; !isAlnumByte(c) && c != '-' && c != '_' && c != '.' {
			return false
		}
	}
	return true
}

func isAlnumByte(c byte) bool { return 'a' <= c|0x20 && c|0x20 <= 'z' || '0' <= c && c <= '9' }

// asaHeader is a parsed ASA envelope.
type asaHeader struct {
	family string // "ASA", "PIX", "FTD", "FWSM"; "" in the bare form
	sev    int    // -1 when absent
	id     string // six digits
	text   string // the message after "ID: "
	bare   bool   // no envelope: the id is known from the body's shape alone
	// tag is the envelope ("%FTD-6-113005") when it started the message
	// rather than standing as the syslog tag.
	tag string
	// inner: the ASA's own syslog header stood inside the message (a
	// relay's tag is then its program, not the firewall's name).
	inner bool
}

// parseASATag parses "%ASA-6-302013" (the tag, without ':'), with or
// without "%", and with the message class some versions print between
// family and severity ("%ASA-session-5-106100", "%FTD-threat-detection-4-733100"),
// or an empty class ("%FTD--6-852002": family, severity and id are all
// there, nothing is guessed).
func parseASATag(tag string) (family string, sev int, id string, ok bool) {
	fam, rest, found := ecs.CutByte(strings.TrimPrefix(tag, "%"), '-')
	if !found || !isASAFamily(fam) || len(rest) < 8 {
		return "", 0, "", false
	}
	if class := rest[:len(rest)-8]; class != "" && class != "-" && !isMessageClass(class) {
		return "", 0, "", false
	}
	rest = rest[len(rest)-8:] // "6-302013"
	if rest[0] < '0' || rest[0] > '7' || rest[1] != '-' {
		return "", 0, "", false
	}
	id = rest[2:]
	if !ecs.IsDigits(id) {
		return "", 0, "", false
	}
	return fam, int(rest[0] - '0'), id, true
}

// isMessageClass reports whether s is "class-" ("session-",
// "threat-detection-"): lower-case words joined by '-', then '-'.
func isMessageClass(s string) bool {
	if len(s) < 3 || s[len(s)-1] != '-' || s[0] == '-' {
		return false
	}
	for i := 0; i < len(s)-1; i++ {
		if c := s[i]; (c < 'a' || c > 'z') && c != '-' {
			return false
		}
	}
	return true
}

// hasASAFamily reports whether tag starts like an ASA envelope
// ("%ASA-", "PIX-"), well-formed or not.
func hasASAFamily(tag string) bool {
	fam, _, found := ecs.CutByte(strings.TrimPrefix(tag, "%"), '-')
	return found && isASAFamily(fam)
}

func (h *asaHeader) parse(e *event.Event) bool {
	h.sev = -1
	if len(e.AppName) > 4 && e.AppName[0] == '%' {
		fam, sev, id, ok := parseASATag(e.AppName)
		if ok {
			h.family, h.sev, h.id, h.text = fam, sev, id, e.Message
			return true
		}
		if hasASAFamily(e.AppName) {
			return false // a malformed envelope, as at the start of the message
		}
	}
	m := e.Message
	if len(m) > 2 && m[1] == '|' && m[0] >= '0' && m[0] <= '7' {
		// "6|Nov 28 2014 12:59:03|302021: text"
		sev := int(m[0] - '0')
		_, rest, ok := ecs.CutByte(m[2:], '|')
		if !ok || len(rest) < 8 || rest[6] != ':' || !ecs.IsDigits(rest[:6]) {
			return false
		}
		h.sev, h.id, h.text = sev, rest[:6], strings.TrimLeft(rest[7:], " ")
		return true
	}
	if len(m) > 8 && m[6] == ':' && ecs.IsDigits(m[:6]) {
		h.id, h.text = m[:6], strings.TrimLeft(m[7:], " ")
		return true
	}
	// Bodies without the envelope (exports that strip it): only those
	// whose text names the message unambiguously, and only in their
	// documented shape (decodeASA checks).
	if (e.AppName == "" || e.AppName[0] != '%') && m != "" && m[0] != '%' {
		for i := range asaBareBodies {
			b := &asaBareBodies[i]
			if !strings.HasPrefix(m, b.start) || b.untagged && e.AppName != "" {
				continue
			}
			words := m
			if b.untagged {
				words = loginHead(m) // a login: the words before the typed name
			}
			if strings.Contains(words, b.holds) {
				h.id, h.text, h.bare = b.id, m, true
				return true
			}
		}
	}
	// ": %ASA-6-...": an empty tag a relay kept in front of the envelope
	// (rsyslog forwards "<166>:: %ASA-..." as "host : : %ASA-...").
	if len(m) > 3 && m[0] == ':' && m[1] == ' ' && m[2] == '%' {
		m = m[2:]
	}
	// Only behind a tag without a PID (see sniffASABare): a running
	// program's text names no host.
	if e.ProcID == "" {
		if host, after, ok := cutInnerASAHeader(m); ok {
			// A file of ASA lines shipped by a relay: the ASA's own header
			// inside the relay's. The name it gave itself is the host.
			if host != "" {
				e.SetStr("host.name", host)
			}
			m, h.inner = after, true
		} else if host, after, ok := cutHostBeforeTag(m); ok {
			e.SetStr("host.name", host)
			m = after
		}
	}
	tag, rest, ok := ecs.CutByte(m, ':')
	if !ok || strings.IndexByte(tag, ' ') >= 0 {
		// "%ASA-6-302016 Teardown ..." (no ':' after the id: some
		// exports and relays drop it).
		if tag, rest, ok = ecs.CutByte(m, ' '); !ok || len(tag) < 10 || tag[0] != '%' {
			return false
		}
	}
	fam, sev, id, ok := parseASATag(tag)
	if !ok {
		return false
	}
	h.family, h.sev, h.id, h.text, h.tag = fam, sev, id, strings.TrimLeft(rest, " "), tag
	return true
}

// asaBareBodies are the message bodies taken without their envelope:
// the words they start with and hold, and their id. A login's only
// without a syslog tag ("fw : AAA user ..."): another program's text
// that reads like one is no ASA's login.
var asaBareBodies = []struct {
	start, holds, id string
	untagged         bool
}{
	{"access-list ", " hit-cnt ", "106100", false},
	{"Deny ", " by access-group ", "106023", false},
	// The local database's logins (113012, 113015) are worded as the AAA
	// server's (113004, 113005) but for the place, which a login's words
	// hold before the user's name (loginHead): the name is what the
	// client typed.
	{"AAA user authentication Rejected : reason = ", " local database ", "113015", true},
	{"AAA user authentication Successful : ", " local database ", "113012", true},
	{"AAA user authentication Rejected : reason = ", " server = ", "113005", true},
	{"AAA user authentication Successful", " server = ", "113004", true},
}

// loginHead is a login body up to its user's name (" user = "), the
// part the ASA wrote: the whole body when it has none.
func loginHead(m string) string {
	if i := strings.Index(m, " user = "); i >= 0 {
		return m[:i]
	}
	return m
}

func (h *asaHeader) provider() string {
	switch h.family {
	case "PIX":
		return "cisco-pix"
	case "FTD", "NGIPS":
		return "cisco-ftd"
	case "FWSM":
		return "cisco-fwsm"
	}
	return "cisco-asa"
}

// decodeASA sets the envelope fields of every ASA message and, for a
// catalogued id, its ECS fields (setCatalogued). An uncatalogued id keeps
// the envelope fields only (nomen.rule "cisco_asa").
func decodeASA(e *event.Event) bool {
	if setSFIMSLegacy(e) || setSFIMSConnection(e) {
		return true
	}
	var h asaHeader
	if !h.parse(e) {
		return false
	}
	m, known := ciscocatalog.ASA(h.id)
	if h.bare && !(known && m.Matches(h.text)) {
		return false // the id would be a guess
	}
	netBegin(e, h.provider(), "cisco_asa")
	e.SetStr("event.code", h.id)
	e.SetStr("cisco.asa.message_id", h.id)
	setSeverity(e, h.sev)
	// SFIMS is the Firepower sensor's own program ("ftd1 SFIMS: %NGIPS-..."),
	// not a device name.
	if e.ProcID == "" && e.AppName != "" && e.AppName[0] != '%' && e.AppName != "SFIMS" && h.text != e.Message && !h.inner {
		// "<190>Aug  1 14:01:20 fw1: %ASA-6-...": the firewall's name
		// stands where syslog expects a tag. A relay then adds its own
		// idea of the sender as HOSTNAME ("relay fw1: %ASA-..."): the
		// name the firewall gave itself is still the host.
		// It is not a program: no process.name.
		e.SetStr("host.name", e.AppName)
		e.AppName = h.tag
	} else if e.AppName == "" {
		// "fw-1 %FTD-6-113005: text" is "HOST TAG: MSG" without a
		// timestamp, which a relay adding one (rsyslog) sends with the
		// envelope as the tag.
		e.AppName = h.tag
	}
	if _, _, _, ok := parseASATag(e.AppName); ok && e.AppName[0] != '%' {
		// "ASA-3-313001:" without its '%' is still the message id, not a
		// program: no process.name.
		e.Flags |= event.TagNotProcess
	}
	e.Message = h.text
	switch {
	case known:
		setCatalogued(e, m, h.text, asaOutOfShape)
	case ciscoftd.IsEvent(h.id):
		setFTDEvent(e, h.id, h.text)
	}
	return true
}

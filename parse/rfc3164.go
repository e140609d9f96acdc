package parse

import (
	"strings"

	"github.com/nomenhq/nomen/relay/event"
)

// parse3164 parses s from index i (after the PRI, if any) as RFC 3164 the
// way real senders write it. The shape is
//
//	[SP] [SEQ ": " [HOST ": "]] [*|.] [TIMESTAMP [:] [ZONE[:]] [YEAR]] [HOST] [TAG] MSG
//
// where every part may be missing:
//
//   - SEQ is a Cisco IOS sequence number (event.sequence), or empty as NX-OS
//     sends it ("<190>: 2017 Mar 06 ...") and Firepower without the space
//     ("<166>:Feb 26 11:26:52 UTC: %FTD-..."); a Cisco header carries its host
//     (if any) before the timestamp, so none is looked for after it.
//   - TIMESTAMP is one of: "Mmm dd hh:mm:ss[.frac]" (any case, day padded
//     or not), the same with the year before the time (Cisco ASA), "YYYY
//     Mmm dd hh:mm:ss" (NX-OS), RFC 3339 (with or without offset), or
//     "MM/DD/YYYY:hh:mm:ss" (NetScaler). A "*" or "." before it is Cisco's
//     unsynchronised-clock marker.
//   - HOST is only looked for after a timestamp, and a token that has the
//     shape of a tag ("filterlog[72237]:", "su:", "%ASA-4-106023:",
//     "sshd[392]") is a tag, not a host: that is how a missing hostname
//     shows.
//   - TAG is "name:", "name[pid]:", "name[pid]" (no colon), "[name]:"
//     (old BSD syslogds without host and pid) or, right after the
//     timestamp, "[name]" (metalog's files; see metalogTag), where name
//     may hold "(", "/", "<", "-", "." ("su(pam_unix)", "postfix/smtpd",
//     "ansible-<stdin>"); "prog(module)" is split (setAppModule). A bare word without ":" is never taken for a tag
//     ("10.0.0.99 Use the BFG!" has no tag). A " : " after the host is an
//     empty tag; a Cisco "%FAC-SEV-MNEMONIC:" may follow it, as it may
//     follow the "::" of an ASA with empty timestamp and device id.
//   - Without PRI and without a timestamp the whole text is the message.
//   - A Solaris "[ID 123456 facility.level]" after the tag becomes MsgID.
func (p *Parser) parse3164(s string, i int, e *event.Event) {
	e.Format = FormatRFC3164
	hasPri := e.Pri != event.NoPri
	i = skipSpaces(s, i)

	var h header
	if j, ok := h.ciscoPrefix(s, i); ok {
		i = j
		if h.hasSeq {
			e.SetInt(FieldSequence, h.seq)
		}
		e.Hostname = h.host
	}
	if j, ok := h.stampAt(s, i); ok {
		i = j
		p.setTime(e, &h)
	} else if h.cisco {
		i, _ = uptimeAt(s, i)
	}
	i = skipSpaces(s, i)

	if !h.hasTS && !hasPri && !h.cisco {
		e.Message = s[i:]
		return
	}

	// HOST, unless a Cisco header already placed it before the timestamp.
	// An ASA or FTD behind an empty counter (": 2024 Aug 07 10:29:42 UTC
	// HOST : %FTD-...") names its host after the timestamp, before its
	// " : %" envelope.
	if h.hasTS && (!h.cisco || e.Hostname == "" && strings.HasPrefix(s[tokenEnd(s, i):], " : %")) {
		j := tokenEnd(s, i)
		// isHostname refuses every token of a tag's shape (a final ":" or
		// "]", any "["), so a tag is never taken for the host.
		if tok := s[i:j]; tok != ":" && isHostname(tok) {
			if paddedTag(s, j, tok, e) { // "NAME      [PID]: " (padded_tag.go)
				return
			}
			e.Hostname = tok
			i = skipSpaces(s, j)
			// A relay's header in front of a Cisco line: "host
			// 1234: *Mar  1 00:00:42.123: %SYS-5-..." (see
			// cisco_relayed.go).
			i = p.ciscoAfterRelay(s, i, e)
		}
	}

	// TAG
	if i < len(s) && s[i] == ':' && (i+1 == len(s) || s[i+1] == ' ' || strings.HasPrefix(s[i:], ":: %")) {
		// " : " is an empty tag (syslog-ng, squid, ASA through a relay),
		// "::" an ASA's empty timestamp and device id ("<166>:: %ASA-...");
		// only a Cisco mnemonic may follow as the real tag.
		if i+1 < len(s) && s[i+1] == ':' { // a lone ':' ends the line
			i++
		}
		i = skipSpaces(s, i+1)
		if i < len(s) && s[i] == '%' {
			i = p.tag(s, i, e)
		}
	} else if i < len(s) && s[i] == '[' && h.hasTS && !h.cisco && e.Hostname == "" && metalogTag(s, i) > i {
		j := metalogTag(s, i)
		e.AppName, i = s[i+1:j-1], j
	} else {
		i = p.tag(s, i, e)
	}
	if e.AppName != "" {
		i = solaris(s, i, e)
	}
	e.Message = s[skipSpaces(s, i):]
}

// tag sets AppName and ProcID from a tag at s[i:] and returns the index
// after it, or i when there is none.
func (p *Parser) tag(s string, i int, e *event.Event) int {
	name, pid, end, ok := tagAt(s, i)
	if !ok {
		return i
	}
	e.AppName, e.ProcID = name, pid
	setAppModule(e)
	return end
}

// setAppModule splits an AppName "prog(module)" into AppName "prog" and the
// field nomen.app_module = "module". Old Linux-PAM logs as
// "sshd(pam_unix)[123]:", "su(pam_unix)", "login(pam_unix)": the program is
// sshd, pam_unix only the module inside it that wrote the line, so a rule
// or a search on process.name = sshd must find it. The module is kept,
// beside the program, in a nomen.* field as parse's other non-ECS fields
// are (ECS has no field for a part of the syslog tag). Only that exact
// shape is split: a program name of tag characters without "(", and a
// module of letters, digits, "_", "-" and "." ending the name.
func setAppModule(e *event.Event) {
	name := e.AppName
	n := len(name)
	if n < 4 || name[n-1] != ')' {
		return
	}
	open := strings.IndexByte(name, '(')
	if open <= 0 || open > n-3 {
		return
	}
	for k := open + 1; k < n-1; k++ {
		if c := name[k]; !isDigit(c) && !isLetter(c) && c != '_' && c != '-' && c != '.' {
			return
		}
	}
	e.AppName = name[:open]
	e.SetStr(FieldAppModule, name[open+1:n-1])
}

// header holds what the RFC 3164 prefix parsers found.
type header struct {
	st       stamp
	hasTS    bool
	unsynced byte // '*' or '.' (Cisco), 0
	cisco    bool // a Cisco "SEQ: " or ": " prefix
	hasSeq   bool
	seq      int64
	host     string
}

func (p *Parser) setTime(e *event.Event, h *header) {
	if h.unsynced != 0 {
		e.Set(FieldClockUnsynced, event.Bool(true))
		if h.unsynced == '*' {
			return // the device says its time is not authoritative
		}
	}
	if t, ok := h.st.resolve(p.loc, e.Received); ok {
		e.Time = t
	} else {
		setError(e, "rfc3164: invalid timestamp")
	}
}

// ciscoPrefix reads a Cisco header prefix at s[i:]: IOS "SEQ: [HOST: ]",
// NX-OS ": ", or, without a sequence number, "HOST: [*task: ]" (IOS-XE,
// WLC) before a timestamp that ends in ":" as Cisco's do. It only accepts
// a prefix that a Cisco header follows: a timestamp, or after a sequence
// number also an uptime stamp or a %FAC-SEV-MNEMONIC.
func (h *header) ciscoPrefix(s string, i int) (int, bool) {
	j := i
	for j < len(s) && isDigit(s[j]) {
		j++
	}
	seqEnd := j
	if seqEnd == i && j+1 < len(s) && s[j] == ':' && s[j+1] != ' ' && s[j+1] != ':' {
		// ":Feb 26 11:26:52 UTC: %FTD-6-...": an empty counter without
		// its space, as Firepower sends it; only a timestamp may follow.
		var probe header
		if _, ok := probe.stampAt(s, j+1); ok {
			h.cisco = true
			return j + 1, true
		}
		return i, false
	}
	if j-i > 18 || j >= len(s) || s[j] != ':' || (j+1 < len(s) && s[j+1] != ' ') {
		// No counter (or a relay dropped it, as syslog-ng does): "HOST:
		// [*task: ][SEQ: ]STAMP:" or "HOST: SEQ: UPTIME:".
		if !hostColonAt(s, i) {
			return i, false // the usual line ("Jun 17 ...", "1,2024/...")
		}
		host, next, ok := hostBeforeSeqStamp(s, i)
		if !ok {
			host, next, ok = hostBeforeSeqUptime(s, i)
		}
		if ok {
			h.cisco, h.host = true, host
			return next, true
		}
		return i, false
	}
	j = skipSpaces(s, j+1)
	if seqEnd > i {
		j = skipServiceSeq(s, j)
		if host, next, ok := hostBeforeStamp(s, j, false); ok {
			h.host, j = host, next
		} else if host, next, ok := hostBeforeSeqUptime(s, j); ok {
			h.host, j = host, next
		} else if host, next, ok := hostBeforeSeqStamp(s, j); ok {
			// "<174>1516: rtr-1: 2939: Jun 26 16:44:58.802 CEST: %...":
			// the syslog counter, the device, its service sequence number.
			h.host, j = host, next
		}
	} else if host, next, ok := hostBeforeSeqStamp(s, j); ok {
		// An empty counter (": HOST: [SEQ: ]STAMP: %..."), as IOS-XE and
		// NX-OS print when "logging origin-id hostname" is set.
		h.host, j = host, next
	}
	var probe header
	_, isStamp := probe.stampAt(s, j)
	switch {
	case isStamp:
	case seqEnd > i && j < len(s) && s[j] == '%':
	case seqEnd > i && isUptime(s, j):
	default:
		h.host = ""
		return i, false
	}
	h.cisco = true
	if seqEnd > i {
		h.seq, h.hasSeq = atoi(s[i:seqEnd])
	}
	return j, true
}

// hostColonAt reports whether the token at s[i:] can be the "HOST:" that
// hostBeforeStamp, hostBeforeSeqStamp and hostBeforeSeqUptime all start
// with: at least two bytes ending in ':'. A host name has at most 255
// bytes (isHostname), so no more than 257 bytes are looked at: a false
// here is a false there, found without scanning a long first token
// three times.
func hostColonAt(s string, i int) bool {
	k := hostTokenEnd(s, i)
	return k-i >= 2 && s[k-1] == ':'
}

// hostBeforeSeqStamp reads "HOST: " then an optional "SEQ: " and a
// timestamp ending in ':' at s[i:]; it returns the host and the index of
// the timestamp.
func hostBeforeSeqStamp(s string, i int) (host string, next int, ok bool) {
	if host, next, ok := hostBeforeStamp(s, i, true); ok {
		return host, next, true
	}
	k := hostTokenEnd(s, i)
	if k-i < 2 || s[k-1] != ':' || !isHostname(s[i:k-1]) || isDigitsOnly(s[i:k-1]) {
		return "", i, false
	}
	j := skipSpaces(s, k)
	if n := skipServiceSeq(s, j); n > j {
		var probe header
		if end, ok := probe.stampAt(s, n); ok && s[end-1] == ':' {
			return s[i : k-1], n, true
		}
	}
	return "", i, false
}

// hostBeforeSeqUptime reads "HOST: SEQ: " before an uptime ("<165>7433:
// ASR920: 007439: 2y10w: %...", a device without a clock that numbers
// its messages twice) and returns the host and the index of the uptime.
func hostBeforeSeqUptime(s string, i int) (host string, next int, ok bool) {
	k := hostTokenEnd(s, i)
	if k-i < 2 || s[k-1] != ':' || !isHostname(s[i:k-1]) || isDigitsOnly(s[i:k-1]) {
		return "", i, false
	}
	j := skipSpaces(s, k)
	n := j
	for n < len(s) && isDigit(s[n]) {
		n++
	}
	if n == j || n+1 >= len(s) || s[n] != ':' || s[n+1] != ' ' {
		return "", i, false
	}
	if n = skipSpaces(s, n+1); !isUptime(s, n) {
		return "", i, false
	}
	return s[i : k-1], n, true
}

// skipServiceSeq skips the "000051: " that IOS's "service
// sequence-numbers" writes after the syslog message counter ("<189>54:
// 000051: Jan  6 10:24:17: %..."), when a device name, a timestamp or a
// mnemonic follows; the counter stays the event's sequence number.
func skipServiceSeq(s string, j int) int {
	k := j
	for k < len(s) && isDigit(s[k]) {
		k++
	}
	if k == j || k+1 >= len(s) || s[k] != ':' || s[k+1] != ' ' {
		return j
	}
	next := skipSpaces(s, k+1)
	var probe header
	if _, ok := probe.stampAt(s, next); ok {
		return next
	}
	if next < len(s) && s[next] == '%' {
		return next
	}
	if _, _, ok := hostBeforeStamp(s, next, false); ok {
		return next
	}
	return j
}

// hostBeforeStamp reads "HOST: " and an optional Cisco WLC task ("*spam
// ApTask4: ") followed by a timestamp at s[i:], and returns the host and
// the index of the timestamp. colonAfter requires the timestamp to end in
// ":" (so "<13>backup: Jun 30 ..." from a program stays a tag).
func hostBeforeStamp(s string, i int, colonAfter bool) (host string, next int, ok bool) {
	k := hostTokenEnd(s, i)
	if k-i < 2 || s[k-1] != ':' || !isHostname(s[i:k-1]) || isDigitsOnly(s[i:k-1]) {
		return "", i, false // digits only: a sequence number (skipServiceSeq), not a name
	}
	j := skipSpaces(s, k)
	var probe header
	end, ok := probe.stampAt(s, j)
	if !ok {
		j = skipWLCTask(s, j)
		end, ok = probe.stampAt(s, j)
	}
	if !ok || colonAfter && s[end-1] != ':' {
		return "", i, false
	}
	return s[i : k-1], j, true
}

// hostTokenEnd returns the end of the token at s[i:] that may be "HOST:".
// A host name has at most 255 bytes (isHostname): its end is not looked
// for further (a header-less JSON record is one long token, and the Cisco
// prefixes are tried at its start several times).
func hostTokenEnd(s string, i int) int {
	lim := min(len(s), i+257)
	if n := strings.IndexByte(s[i:lim], ' '); n >= 0 {
		return i + n
	}
	return lim
}

// skipWLCTask skips a Cisco WLC task ("*spamApTask4: ") at s[j:], if any.
func skipWLCTask(s string, j int) int {
	if j < len(s) && s[j] == '*' {
		if t := tokenEnd(s, j); t-j > 2 && s[t-1] == ':' && isTagName(s[j+1:t-1]) {
			return skipSpaces(s, t)
		}
	}
	return j
}

// stampAt reads an optional "*"/"." marker, a timestamp and its suffix at
// s[i:] and returns the index after them.
func (h *header) stampAt(s string, i int) (int, bool) {
	var marker byte
	j := i
	if j < len(s) && (s[j] == '*' || s[j] == '.') {
		marker = s[j]
		j++
	}
	h.st = stamp{}
	end, ok := anyStamp(s, j, &h.st)
	if !ok || !stampEnds(s, end) {
		return i, false
	}
	if iso := isDigit(s[j]) && s[j+4] == '-'; !iso {
		end = stampSuffix(s, end, &h.st)
	} else if end < len(s) && s[end] == ':' {
		end++
	}
	h.hasTS, h.unsynced = true, marker
	return end, true
}

// isUptime reports whether s[i:] starts with a Cisco uptime stamp
// ("00:00:42:", "00:05:34.123:", "1w2d:", "3d04h:") followed by a space or
// the end.
func isUptime(s string, i int) bool {
	_, ok := uptimeAt(s, i)
	return ok
}

func uptimeAt(s string, i int) (int, bool) {
	j := i
	if j < len(s) && (s[j] == '*' || s[j] == '.') {
		j++
	}
	digits := false
	k := j
	for ; k < len(s) && s[k] != ' '; k++ {
		switch c := s[k]; {
		case isDigit(c):
			digits = true
		case c == ':' || c == '.' || c == 'w' || c == 'd' || c == 'h' || c == 'm' || c == 's' || c == 'y':
		default:
			return i, false
		}
	}
	if !digits || k == j || s[k-1] != ':' || !isDigit(s[j]) {
		return i, false
	}
	return k, true
}

// tagAt reads a tag at s[i:]: "name:", "name[pid]:", "name[pid]" (then a
// space or the end), or "name[pid]:" glued to the message. It returns
// name, pid and the index after the tag (and its colon).
func tagAt(s string, i int) (name, pid string, end int, ok bool) {
	j := tokenEnd(s, i)
	tok := s[i:j]
	if len(tok) < 2 {
		return "", "", i, false
	}
	body := ""
	switch {
	case tok[len(tok)-1] == ':':
		body, end = tok[:len(tok)-1], j
	case tok[len(tok)-1] == ']':
		body, end = tok, j
	default:
		// "name[pid]:message" without a space
		k := strings.Index(tok, "]:")
		if k < 0 {
			return "", "", i, false
		}
		body, end = tok[:k+1], i+k+2
	}
	if n := len(body); n > 2 && body[0] == '[' && body[n-1] == ']' && tok[len(tok)-1] == ':' {
		// "[sshd]:", the bracketed program some old BSD syslogds write
		// when they have neither host nor pid. The colon is required: a
		// bare "[INFO]" or "[error]" opens a message, not a tag; so does
		// a level word with a colon ("[ERROR]: ..." of an application's
		// own log file).
		body = body[1 : n-1]
		if isLevelWord(body) || isDigitsOnly(body) { // "[812]:" is a pid without its program
			return "", "", i, false
		}
	}
	if n := len(body); n > 0 && body[n-1] == ']' {
		lb := strings.LastIndexByte(body, '[')
		if lb <= 0 || lb == n-2 {
			return "", "", i, false
		}
		name, pid = body[:lb], body[lb+1:n-1]
		if strings.IndexByte(pid, '[') >= 0 || strings.IndexByte(pid, ']') >= 0 {
			return "", "", i, false
		}
	} else {
		name = body
	}
	if !isTagName(name) {
		return "", "", i, false
	}
	return name, pid, end, true
}

// metalogTag returns the index after metalog's "[prog]" at s[i:] (the
// daemon writes "Mmm dd hh:mm:ss [prog] message": no host, no pid, no
// colon), or i when there is none. Asked only right after
// a timestamp with no host; the name must look like a program (a letter,
// then letters, digits, '.', '_', '-', '/') and not be a log level, which
// "[notice] ..." or "[ERROR] ..." message text would be.
func metalogTag(s string, i int) int {
	if i >= len(s) || s[i] != '[' {
		return i
	}
	j := tokenEnd(s, i)
	if j-i < 3 || s[j-1] != ']' || j == len(s) {
		return i
	}
	name := s[i+1 : j-1]
	if !isLetter(name[0]) || isLevelWord(name) {
		return i
	}
	for k := 1; k < len(name); k++ {
		if c := name[k]; !isLetter(c) && !isDigit(c) && c != '.' && c != '_' && c != '-' && c != '/' {
			return i
		}
	}
	return j
}

// isLevelWord reports whether s is a log level ("error", "WARN", ...).
func isLevelWord(s string) bool {
	for _, w := range levelWords {
		if strings.EqualFold(s, w) {
			return true
		}
	}
	return false
}

var levelWords = [...]string{"emerg", "emergency", "alert", "crit", "critical", "err", "error", "warn", "warning",
	"notice", "info", "informational", "debug", "trace", "fatal", "severe"}

// isTagName: a program name of 1-128 bytes without ':', '=', '"', '[',
// ']', ',' and not starting with '(' (a tag is a name, not a key=value, a
// list or a bracketed note).
func isTagName(name string) bool {
	if name == "" || len(name) > 128 || name[0] == '(' {
		return false
	}
	for k := 0; k < len(name); k++ {
		if byteClass[name[k]]&notInTag != 0 {
			return false
		}
	}
	return true
}

// isHostname reports whether tok can be a HOSTNAME: 1-255 bytes with a
// letter or digit, none of the characters that only appear in message
// text, not a Cisco mnemonic and not ending in ':'.
func isHostname(tok string) bool {
	if tok == "" || len(tok) > 255 || tok[0] == '%' || tok[len(tok)-1] == ':' {
		return false
	}
	var seen uint8
	for k := 0; k < len(tok); k++ {
		c := byteClass[tok[k]]
		if c&notInHost != 0 {
			return false
		}
		seen |= c
	}
	return seen&alnum != 0
}

// byteClass says, per byte, what isTagName and isHostname ask of it: they
// run over every byte of a header's first tokens, and one table lookup
// costs less than a switch over a dozen characters.
var byteClass = func() (t [256]uint8) {
	for _, c := range []byte(":=\"[],\t") {
		t[c] |= notInTag
	}
	for _, c := range []byte("=[]\"(){},;<>|\\*'\t") {
		t[c] |= notInHost
	}
	for c := 0; c < 256; c++ {
		if isDigit(byte(c)) || isLetter(byte(c)) {
			t[c] |= alnum
		}
	}
	return t
}()

// Bits of byteClass.
const (
	notInTag  = 1 << iota // ':', '=', '"', '[', ']', ',', TAB
	notInHost             // message punctuation (isHostname)
	alnum                 // an ASCII letter or digit
)

// solaris reads "[ID 801593 mail.info]" at s[skipSpaces(i):]: MsgID gets
// the id and, without a PRI, Pri the facility.level. It returns the index
// after it, or i.
func solaris(s string, i int, e *event.Event) int {
	j := skipSpaces(s, i)
	if !strings.HasPrefix(s[j:], "[ID ") {
		return i
	}
	j += 4
	k := j
	for k < len(s) && isDigit(s[k]) {
		k++
	}
	if k == j || k >= len(s) || s[k] != ' ' {
		return i
	}
	id := s[j:k]
	rb := strings.IndexByte(s[k:], ']')
	if rb < 0 {
		return i
	}
	fl := s[k+1 : k+rb]
	dot := strings.IndexByte(fl, '.')
	if dot < 0 {
		return i
	}
	e.MsgID = id
	if e.Pri == event.NoPri {
		f, sev := event.FacilityCode(fl[:dot]), event.SeverityCode(fl[dot+1:])
		if f >= 0 && sev >= 0 {
			e.Pri = int16(f*8 + sev)
		}
	}
	return k + rb + 1
}

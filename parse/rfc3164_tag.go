package parse

import (
	"strings"

	"github.com/nomenhq/nomen/relay/event"
)

// The TAG of an RFC 3164 header and what tells a tag, a host name and a
// message word apart (see parse3164).

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
			if k = gluedTagEnd(tok); k < 0 {
				return "", "", i, false
			}
			body, end = tok[:k], i+k+1
			break
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

// gluedTagEnd returns the index of the ":" that ends a tag glued to its
// message ("tag:msgnum:3"), or -1. rsyslog and syslog-ng end a tag at its
// first ":" (RFC 3164: the TAG ends at a character not alphanumeric), so
// they forward such a line as tag and message; only a name of letters,
// digits, '-', '_' and '.' starting with a letter, and a letter after the
// colon, is taken, so "CEF:0|...", "LEEF:1.0|...", a URL ("http://..."),
// an IPv6 address or a time ("12:00:01") stays text.
func gluedTagEnd(tok string) int {
	k := strings.IndexByte(tok, ':')
	if k < 1 || k+1 >= len(tok) || !isLetter(tok[0]) || !isLetter(tok[k+1]) {
		return -1
	}
	for j := 1; j < k; j++ {
		if c := tok[j]; !isLetter(c) && !isDigit(c) && c != '-' && c != '_' && c != '.' {
			return -1
		}
	}
	return k
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
// text, not a Cisco mnemonic and not ending in ':' (see isIPv6Prefix for
// the one host that does).
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

// isIPv6Prefix reports whether tok is hex digits and colons ending in
// "::" with a digit among them: an IPv6 address whose last groups are
// zero ("0002::", "2001:db8::"), a HOSTNAME although it ends in ':', not
// a tag ("su:") or an ASA's "::". Asked only of a token isHostname
// refused, so that the usual host costs nothing more.
func isIPv6Prefix(tok string) bool {
	n := len(tok)
	if n < 3 || tok[n-2] != ':' || !isHexDigit(tok[0]) {
		return false
	}
	digit := false
	for k := 0; k < n; k++ {
		c := tok[k]
		if c != ':' && !isHexDigit(c) {
			return false
		}
		digit = digit || isDigit(c)
	}
	return digit
}

func isHexDigit(c byte) bool { return isDigit(c) || 'a' <= c|0x20 && c|0x20 <= 'f' }

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

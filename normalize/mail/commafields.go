package mail

import "strings"

// commaFields are the "key=value, key=value" pairs of one line, in their
// order: sendmail's (logsender()'s from= line, logdelivery()'s to= line,
// AUTH=, STARTTLS=) and Postfix's (a delivery's to= line, qmgr's from=
// line). Some values are what a client sent: the from= and to= addresses
// (a quoted local part may hold ", relay=HOST [IP]" or "status=bounced"),
// sendmail's msgid (the Message-Id header, any text), an AUTH authid. So a
// value that starts with '<' ends at its '>' outside quotes ("<a>,<b>" a
// list of them), not at the first ", " inside it, and the tail key
// (sendmail's stat=, Postfix's status=, whose text is the remote
// server's) takes the rest of the line. A value with no brackets ends at
// the first ", ".
type commaFields []commaField

type commaField struct{ key, val string }

// addrQuotes is how an MTA's log quotes an address's local part.
type addrQuotes byte

const (
	// sendmailQuotes: a '"' anywhere in an address opens a quoted
	// string (sendmail's prescan reads `a"b>, c"@d` as one address, and
	// refuses one with an unbalanced quote), which needs its close.
	sendmailQuotes addrQuotes = iota
	// postfixQuotes: a quoted string is a whole word (3.5 and later log
	// the external form, `"a b"@c`), and a quote elsewhere is a byte of
	// the address: before 3.5 Postfix logged the internal form, quotes
	// bare and maybe unbalanced (to=<a"b@example.org>).
	postfixQuotes
)

// parseCommaFields reads s from its start into dst (a caller's array, so
// that a line allocates nothing); tail is the key whose value runs to the
// end of the line ("" for none); q is how the MTA quotes an address.
func parseCommaFields(s, tail string, q addrQuotes, dst commaFields) commaFields {
	fs := dst
	for s != "" {
		eq := strings.IndexByte(s, '=')
		if eq <= 0 || !isCommaKey(s[:eq]) {
			break
		}
		key, v := s[:eq], s[eq+1:]
		if key == tail {
			fs = append(fs, commaField{key, v})
			break
		}
		n := commaValueLen(v, q)
		fs = append(fs, commaField{key, v[:n]})
		s = strings.TrimPrefix(v[n:], ", ")
	}
	return fs
}

// commaValueLen is the length of the value at the start of v: up to the
// first ", " outside an address's angle brackets and outside a quoted
// local part. sendmail logs an address as the client gave it, brackets or
// not (to="x, y"@b, a list joined by ','), so both are skipped wherever an
// address may start (the value's start, after a ',').
func commaValueLen(v string, q addrQuotes) int {
	for i := 0; i < len(v); i++ {
		switch v[i] {
		case '<':
			if i == 0 || v[i-1] == ',' {
				if end := angleEnd(v[i:], q); end >= 0 {
					i += end
				}
			}
		case '"':
			if end, ok := quotedLocalPart(v, i, q); ok {
				i = end - 1
			}
		case ',':
			if i+1 < len(v) && v[i+1] == ' ' {
				return i
			}
		}
	}
	return len(v)
}

// angleEnd is the index of the '>' that closes the '<' at s[0], outside a
// quoted local part; -1 when there is none.
func angleEnd(s string, q addrQuotes) int {
	for i := 1; i < len(s); i++ {
		switch s[i] {
		case '"':
			if end, ok := quotedLocalPart(s, i, q); ok {
				i = end - 1
			}
		case '>':
			return i
		}
	}
	return -1
}

// quotedLocalPart reports whether the '"' at s[i] opens a quoted string
// of an address (RFC 5321's Quoted-string, '\\' escaping the next byte)
// as q reads one, and the index just past its closing '"'. A quote
// without its close opens none. With postfixQuotes only a quote where a
// word of an address starts (after '<', ',' or '.', or at the start)
// opens one, and only one whose closing quote ends that word (before '@',
// '.', '>', ',' or the end) is one: Postfix's internal form
// (to=<a"b@example.org>, to=<"b@example.org>) must not carry the value
// on into a remote server's reply that echoes the address, then text of
// the client's choosing.
func quotedLocalPart(s string, i int, q addrQuotes) (int, bool) {
	if q == postfixQuotes && i > 0 && s[i-1] != '<' && s[i-1] != ',' && s[i-1] != '.' {
		return 0, false
	}
	end := quotedEnd(s, i)
	if end <= i+1 || s[end-1] != '"' || end > len(s) {
		return 0, false
	}
	if q == postfixQuotes && end < len(s) && strings.IndexByte("@.>,", s[end]) < 0 {
		return 0, false
	}
	return end, true
}

func isCommaKey(k string) bool {
	for i := 0; i < len(k); i++ {
		c := k[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_') {
			return false
		}
	}
	return true
}

// first is the value of key's first pair, "" for none.
func (fs commaFields) first(key string) string {
	for _, f := range fs {
		if f.key == key {
			return f.val
		}
	}
	return ""
}

// last is the value of key's last pair, "" for none: for the keys sendmail
// writes after a value a client sent (from= line's proto, daemon, relay
// after the msgid), where a Message-Id without its '>' could hold a pair
// of the same name before sendmail's own.
func (fs commaFields) last(key string) string {
	for i := len(fs) - 1; i >= 0; i-- {
		if fs[i].key == key {
			return fs[i].val
		}
	}
	return ""
}

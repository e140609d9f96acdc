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

// parseCommaFields reads s from its start into dst (a caller's array, so
// that a line allocates nothing); tail is the key whose value runs to the
// end of the line ("" for none).
func parseCommaFields(s, tail string, dst commaFields) commaFields {
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
		n := commaValueLen(v)
		fs = append(fs, commaField{key, v[:n]})
		s = strings.TrimPrefix(v[n:], ", ")
	}
	return fs
}

// commaValueLen is the length of the value at the start of v.
func commaValueLen(v string) int {
	i := 0
	for i < len(v) && v[i] == '<' {
		end := angleEnd(v[i:])
		if end < 0 {
			break
		}
		i += end + 1
		if i+1 < len(v) && v[i] == ',' && v[i+1] == '<' { // "<a>,<b>"
			i++
			continue
		}
		break
	}
	if j := strings.Index(v[i:], ", "); j >= 0 {
		return i + j
	}
	return len(v)
}

// angleEnd is the index of the '>' that closes the '<' at s[0], outside
// quotes and backslash escapes; -1 when there is none.
func angleEnd(s string) int {
	quoted := false
	for i := 1; i < len(s); i++ {
		switch s[i] {
		case '\\':
			i++
		case '"':
			quoted = !quoted
		case '>':
			if !quoted {
				return i
			}
		}
	}
	return -1
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

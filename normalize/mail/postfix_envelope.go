package mail

import (
	"strings"

	"github.com/nomenhq/nomen/relay/event"
)

// The envelope postfix's rejects and cleanup's header and body checks
// write after their text: "; from=<x> to=<y> proto=P helo=<h>[: TEXT]".

// postfixEnvelope splits a reject's or a check's "TEXT; from=<x> to=<y>
// ..." at the envelope: its first key, "; from=" (or "; to=", "; proto=",
// "; helo=" when there is no sender). Both sides may hold the key: a
// header's text or the reply (quoting the client's HELO name or
// addresses) before it, and a quoted sender holding "; from=<a> to=<b> "
// itself, which, taken for the envelope, would name a sender and a
// recipient of the client's choice. Of several, the envelope is the only
// one after cleanup's client (" from HOST[IP]", " from local"); else the
// line is not sure (sure false): the text is cut at the first, and the
// envelope is not to be read.
func postfixEnvelope(r string) (text, kv string, sure bool) {
	for _, k := range [...]string{"; from=", "; to=", "; proto=", "; helo="} {
		i := strings.Index(r, k)
		if i < 0 {
			continue
		}
		if !strings.Contains(r[i+len(k):], k) {
			return r[:i], r[i+2:], true
		}
		at, n := -1, 0
		for j := i; ; {
			if postfixAfterClient(r[:j]) {
				at, n = j, n+1
			}
			next := strings.Index(r[j+len(k):], k)
			if next < 0 {
				break
			}
			j += len(k) + next
		}
		if n == 1 {
			return r[:at], r[at+2:], true
		}
		return r[:i], r[i+2:], false
	}
	return r, "", true
}

// postfixAfterClient reports whether s ends with cleanup's client:
// " from HOST[IP]" or " from local".
func postfixAfterClient(s string) bool {
	if strings.HasSuffix(s, " from local") {
		return true
	}
	i := strings.LastIndex(s, " from ")
	return i >= 0 && !strings.Contains(s[i+len(" from "):], " ") && postfixBracketed(s[i+len(" from "):])
}

// postfixRejectKV reads " from=<x> to=<y> proto=ESMTP helo=<h>" and
// returns the text cleanup puts after them (": TEXT", a header or body
// check's). The keys come in this order, each optional, each right after
// the value before it, so a sender holding " to=<" or ">: " stands for
// neither the recipient nor the text. The HELO name is the client's and
// may hold spaces (Postfix joins a HELO of several words), and before
// 3.5 Postfix logs an address bare (`"x> to=<y>"@b` as x> to=<y>@b):
// a HELO name read holding an envelope key, or a reading that leaves
// more than a text, is either, and none of the envelope is read.
func postfixRejectKV(e *event.Event, s string) (text string, hasText bool) {
	from, s, hasFrom := leadingAngleValue(s, "from")
	to, s, hasTo := leadingAngleValue(s, "to")
	proto, s, hasProto := leadingAngleValue(s, "proto")
	helo, heloSure := "", false
	if h, ok := strings.CutPrefix(trimKVSep(s), "helo=<"); ok {
		helo, text, hasText, heloSure = heloAndText(h)
		if holdsEnvelopeKey(helo) || !heloSure && holdsEnvelopeKey(h) {
			return "", false
		}
	} else if h, ok := strings.CutPrefix(trimKVSep(s), "helo="); ok && strings.IndexByte(h, ' ') < 0 {
		// an empty HELO name without its brackets: nothing follows
	} else {
		if s != "" && !strings.HasPrefix(s, ": ") {
			return "", false
		}
		_, text, hasText = strings.Cut(s, ": ")
	}
	// Each is one address, whose quoted local part may hold ',' or ';'.
	if hasFrom {
		setEmailAddr(e, "email.from.address", from)
	}
	// Postfix 2.x's cleanup wrote "to=<unknown>" before it knew a recipient.
	if hasTo && to != "<unknown>" {
		setEmailAddr(e, "email.to.address", to)
	}
	if hasProto {
		e.SetStr("postfix.proto", proto)
	}
	if heloSure {
		e.SetStr("postfix.helo", helo)
	}
	return text, hasText
}

// leadingAngleValue is angleValue of key when s starts with it (after
// the separator: one space; postscreen's ", ").
func leadingAngleValue(s, key string) (value, rest string, ok bool) {
	t := trimKVSep(s)
	if !strings.HasPrefix(t, key+"=") {
		return "", s, false
	}
	return angleValue(t, key)
}

// trimKVSep removes the separator before an envelope key: " " or ", ".
func trimKVSep(s string) string {
	if t, ok := strings.CutPrefix(s, ", "); ok {
		return t
	}
	return strings.TrimPrefix(s, " ")
}

// holdsEnvelopeKey reports whether s holds one of the envelope's keys.
func holdsEnvelopeKey(s string) bool {
	for _, k := range [...]string{" from=<", " to=<", " proto=", " helo=<"} {
		if strings.Contains(" "+s, k) {
			return true
		}
	}
	return false
}

// heloAndText splits what follows " helo=<": the client's HELO name, then
// ">", then ": TEXT" if the check had a text. The HELO name is last and
// may hold ">: ": the text is after the last one (an operator's text
// rarely holds it). A line that ends in '>' and holds ">: " is either a
// HELO name holding it and no text, or a text ending in '>': it is not
// sure, and neither is told.
func heloAndText(h string) (helo, text string, hasText, sure bool) {
	i := strings.LastIndex(h, ">: ")
	switch {
	case i < 0:
		if j := strings.LastIndexByte(h, '>'); j >= 0 {
			h = h[:j]
		}
		return h, "", false, true
	case strings.HasSuffix(h, ">"):
		return "", "", false, false
	}
	return h[:i], h[i+3:], true, true
}

// quotedEnd returns the index just past the quoted string that starts at
// s[i] ('"'), a backslash escaping the next byte; len(s) if it does not end.
func quotedEnd(s string, i int) int {
	for j := i + 1; j < len(s); j++ {
		switch s[j] {
		case '\\':
			j++
		case '"':
			return j + 1
		}
	}
	return len(s)
}

// angleValue returns the value of " key=" in s: "<...>" whole (spaces
// allowed), else up to the next space; and the rest of s after it. When
// key is not there, it returns s whole as the rest.
func angleValue(s, key string) (value, rest string, ok bool) {
	for i := 0; ; {
		j := strings.Index(s[i:], key+"=")
		if j < 0 {
			return "", s, false
		}
		j += i
		if j > 0 && s[j-1] != ' ' {
			i = j + len(key)
			continue
		}
		v := s[j+len(key)+1:]
		if strings.HasPrefix(v, "<") {
			// A quoted local part may hold '>' (Postfix 3.5+ logs
			// addresses quoted: from=<"x>: a"@example.com>).
			from := 1
			if strings.HasPrefix(v, `<"`) {
				from = quotedEnd(v, 1)
			}
			if end := strings.IndexByte(v[from:], '>'); end >= 0 {
				return v[:from+end+1], v[from+end+1:], true // the caller strips the brackets
			}
		}
		rest = ""
		if end := strings.IndexAny(v, " ;"); end >= 0 {
			v, rest = v[:end], v[end:]
		}
		return strings.TrimRight(v, ":,"), rest, true
	}
}

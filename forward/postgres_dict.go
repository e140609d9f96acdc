package forward

import (
	"bytes"
	"strings"
	"unicode/utf8"
)

// Strings that repeat across events are stored once, in <schema>.strings,
// and rows refer to them by id, as Microsoft's Audit Collection System did
// with its dictionary tables. The kinds of strings so stored:
const (
	dictHost     = iota + 1 // host.name
	dictUser                // user.name
	dictProgram             // log.syslog.appname (and process.name unless a decoder set another)
	dictCategory            // event.category, items joined by ","
	dictAction              // event.action
	dictTemplate            // the message with its variable words masked (see messageTemplate)
	dictObserver            // observer.hostname: the relay
	numDictKinds
)

// dictCache maps strings to their ids in memory, so that the COPY path asks
// the database only about strings it has not seen lately. It is an LRU
// approximation in two generations: lookups hit the current map, then the
// previous one (promoting the entry); when the current map holds max
// entries, it becomes the previous one and the old previous one is
// dropped. Memory stays bounded by 2*max entries, recently used strings
// stay, and a lookup costs one or two map probes without allocating.
type dictCache struct {
	max      int
	cur, old [numDictKinds]map[string]int64
	n        int // entries in cur, all kinds
}

func newDictCache(max int) *dictCache {
	c := &dictCache{max: max}
	for k := range c.cur {
		c.cur[k] = map[string]int64{}
		c.old[k] = map[string]int64{}
	}
	return c
}

func (c *dictCache) get(kind int, s string) (int64, bool) {
	if id, ok := c.cur[kind][s]; ok {
		return id, true
	}
	if id, ok := c.old[kind][s]; ok {
		c.put(kind, s, id)
		return id, true
	}
	return 0, false
}

// getBytes is get for a string held in a byte slice (no allocation).
func (c *dictCache) getBytes(kind int, b []byte) (int64, bool) {
	if id, ok := c.cur[kind][string(b)]; ok {
		return id, true
	}
	if id, ok := c.old[kind][string(b)]; ok {
		c.put(kind, string(b), id)
		return id, true
	}
	return 0, false
}

// put adds s, which must not point into memory that is reused (event
// strings live in journal blocks: callers clone them).
func (c *dictCache) put(kind int, s string, id int64) {
	if c.n >= c.max {
		c.old = c.cur
		for k := range c.cur {
			c.cur[k] = make(map[string]int64, len(c.old[k]))
		}
		c.n = 0
	}
	if _, ok := c.cur[kind][s]; !ok {
		c.n++
	}
	c.cur[kind][s] = id
}

// reset forgets everything (after the schema was recreated).
func (c *dictCache) reset() { *c = *newDictCache(c.max) }

// templatePlaceholder marks where a parameter goes in a message template.
// A message that contains it is stored as the template "\x01" with the
// whole message as its one parameter.
const templatePlaceholder = '\x01'

// messageTemplate splits msg into a template and parameters: the words
// that vary between otherwise equal messages are replaced by the
// placeholder and returned in order. A word is a run of characters between
// delimiters (space, punctuation that separates values, see isTemplateDelim)
// without trailing '.' or ':'; it is variable when it holds a digit
// (numbers, addresses, ids, times) or equals one of known (this event's
// user and host names). The message is rebuilt exactly by putting the
// parameters back in order (<schema>.render in SQL).
//
//	"Failed password for invalid user ftp from 10.0.0.5 port 49786 ssh2"
//	-> "Failed password for invalid user \x01 from \x01 port \x01 \x01"
//	   with ["ftp", "10.0.0.5", "49786", "ssh2"] when "ftp" is user.name.
func messageTemplate(dst []byte, params []string, msg string, known []string) ([]byte, []string) {
	if strings.IndexByte(msg, templatePlaceholder) >= 0 {
		return append(dst, templatePlaceholder), append(params, msg)
	}
	i := 0
	for i < len(msg) {
		if isTemplateDelim(msg[i]) {
			dst = append(dst, msg[i])
			i++
			continue
		}
		j := i
		digit := false
		for j < len(msg) && !isTemplateDelim(msg[j]) {
			if c := msg[j]; c >= '0' && c <= '9' {
				digit = true
			}
			j++
		}
		end := j
		for end > i && (msg[end-1] == '.' || msg[end-1] == ':') {
			end--
		}
		word := msg[i:end]
		if word != "" && (digit || isKnown(word, known)) {
			dst = append(dst, templatePlaceholder)
			params = append(params, word)
		} else {
			dst = append(dst, word...)
		}
		dst = append(dst, msg[end:j]...)
		i = j
	}
	return dst, params
}

func isKnown(w string, known []string) bool {
	for _, k := range known {
		if w == k {
			return true
		}
	}
	return false
}

func isTemplateDelim(c byte) bool {
	switch c {
	case ' ', '\t', '\r', '\n', '=', ',', ';', '(', ')', '[', ']', '{', '}', '<', '>', '"', '\'', '|', '/', '\\', '#':
		return true
	}
	return false
}

// pgText makes s acceptable as PostgreSQL text: valid UTF-8 without NUL
// (invalid bytes and NUL become U+FFFD, as in the JSON documents). It
// allocates only when s needs fixing.
func pgText(s string) string {
	if isPGText(s) {
		return s
	}
	s = strings.ToValidUTF8(s, "\uFFFD")
	return strings.ReplaceAll(s, "\x00", "\uFFFD")
}

// isPGText reports whether s is acceptable as PostgreSQL text as it is.
func isPGText(s string) bool { return utf8.ValidString(s) && strings.IndexByte(s, 0) < 0 }

// fixJSONNul replaces the escape \u0000, which jsonb rejects, in an encoded
// JSON document with \ufffd, in place.
func fixJSONNul(doc []byte) {
	for i := 0; ; {
		j := bytes.IndexByte(doc[i:], '\\') // most documents have no escape at all
		if j < 0 {
			return
		}
		i += j
		if i+5 >= len(doc) {
			return
		}
		if doc[i+1] == 'u' && string(doc[i+2:i+6]) == "0000" {
			copy(doc[i+2:i+6], "fffd")
		}
		i += 2 // skip the escaped character (an escaped backslash is not an escape)
	}
}

package postgres

import (
	"bytes"
	"context"
	"crypto/md5"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/jackc/pgx/v5"
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

// resolve fills the lane's rows' dictionary ids, asking the database (one
// round trip on the lane's connection) for the strings not in the cache.
// A row's id of a missing string is, until the answer, -1 - its index in
// l.missing.
func (s *Postgres) resolve(ctx context.Context, l *copyLane) error {
	l.missing = l.missing[:0]
	seen := map[dictMiss]int{} // index in l.missing
	var inline, stored int64
	s.dictMu.Lock()
	for i := range l.rows {
		r := &l.rows[i]
		for k := dictHost; k < numDictKinds; k++ {
			var id int64
			var ok bool
			var n int
			var val string // the missing string, as stored
			if k == dictTemplate {
				if !r.hasTmpl {
					continue
				}
				b := l.tmpl[r.tmplSpan[0]:r.tmplSpan[1]]
				id, ok = s.dict.getBytes(k, b)
				n = len(b)
				if !ok {
					val = pgText(string(b))
				}
			} else {
				v := r.strs[k]
				if v == "" {
					continue
				}
				id, ok = s.dict.get(k, v)
				n = len(v)
				if !ok {
					val = pgText(strings.Clone(v))
				}
			}
			if !ok {
				m := dictMiss{k, val}
				x, dup := seen[m]
				if !dup {
					x = len(l.missing)
					seen[m] = x
					l.missing = append(l.missing, m)
				}
				id = -1 - int64(x)
			}
			r.ids[k] = id
			inline += int64(n) + 1
			stored += 4
		}
	}
	s.dictMu.Unlock()
	if len(l.missing) > 0 {
		ids, err := s.upsert(ctx, l.conn, l.missing)
		if err != nil {
			return fmt.Errorf("postgres: dictionary: %w", err)
		}
		s.dictMu.Lock()
		for i, m := range l.missing {
			s.dict.put(m.kind, m.value, ids[i])
			stored += int64(len(m.value)) + 1 + 40 // value, its header, the row's id/kind/hash and tuple overhead (approx.)
		}
		s.dictMu.Unlock()
		for i := range l.rows {
			for k, id := range l.rows[i].ids {
				if id < 0 {
					l.rows[i].ids[k] = ids[-1-id]
				}
			}
		}
	}
	s.m.stringBytes.WithLabelValues("inline").Add(float64(inline))
	s.m.stringBytes.WithLabelValues("dictionary").Add(float64(stored))
	return nil
}

// upsert inserts the strings that are not in the dictionary yet and
// returns the ids of all of them, in order. Lanes (and other nomen
// instances) may insert the same strings at the same time: inserting in
// (kind, hash) order keeps them from deadlocking, and the second round
// reads what another committed meanwhile.
func (s *Postgres) upsert(ctx context.Context, conn *pgx.Conn, miss []dictMiss) ([]int64, error) {
	kinds := make([]int16, len(miss))
	hashes := make([][16]byte, len(miss))
	values := make([]string, len(miss))
	type key struct {
		kind int16
		hash [16]byte
	}
	index := make(map[key]int, len(miss))
	for i, m := range miss {
		kinds[i], hashes[i], values[i] = int16(m.kind), md5.Sum([]byte(m.value)), m.value
		index[key{kinds[i], hashes[i]}] = i
	}
	ids := make([]int64, len(miss))
	sql := schemaSQL(`
WITH input AS (
	SELECT * FROM unnest($1::smallint[], $2::uuid[], $3::text[]) AS t(kind, hash, value)
), ins AS (
	INSERT INTO <S>.strings (kind, hash, value)
	SELECT kind, hash, value FROM input ORDER BY kind, hash
	ON CONFLICT (kind, hash) DO NOTHING
	RETURNING id, kind, hash
)
SELECT id, kind, hash FROM ins
UNION ALL
SELECT s.id, s.kind, s.hash FROM <S>.strings s JOIN input i ON s.kind = i.kind AND s.hash = i.hash`, s.cfg.Schema)
	// A string inserted by another nomen after this statement's snapshot
	// is neither inserted nor seen: the second round finds it.
	for round := 0; round < 2; round++ {
		rows, err := conn.Query(ctx, sql, kinds, hashes, values)
		if err != nil {
			return nil, err
		}
		var id int64
		var k key
		_, err = pgx.ForEachRow(rows, []any{&id, &k.kind, &k.hash}, func() error {
			if i, ok := index[k]; ok {
				ids[i] = id
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
		complete := true
		for _, id := range ids {
			if id == 0 {
				complete = false
			}
		}
		if complete {
			return ids, nil
		}
	}
	return nil, errors.New("strings missing after upsert")
}

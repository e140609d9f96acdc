package apps

import (
	"strconv"
	"strings"
	"time"

	"github.com/nomenhq/nomen/normalize/ecs"
	"github.com/nomenhq/nomen/relay/event"
)

// PostgreSQL's line head (log_line_prefix, then "LEVEL:  ") and what its
// sentences' values become in ECS.

// postgresLevels are the severities that end PostgreSQL's log_line_prefix
// (whatever the prefix holds: time, pid, user@db), and the labels of the
// lines that follow a message (DETAIL, HINT, STATEMENT...).
var postgresLevels = map[string]bool{
	"FATAL": true, "LOG": true, "ERROR": true, "WARNING": true, "PANIC": true, "NOTICE": true, "INFO": true,
	"DEBUG": true, "DEBUG1": true, "DEBUG2": true, "DEBUG3": true, "DEBUG4": true, "DEBUG5": true,
	"DETAIL": true, "HINT": true, "STATEMENT": true, "CONTEXT": true, "QUERY": true, "LOCATION": true,
}

// cutPostgres cuts everything up to the first "LEVEL:  ", keeping what the
// log_line_prefix says of the session (postgresPrefix). The first one:
// the text after it (a statement, a client's query) may hold another
// "FATAL:  ..." of its own, which must not be taken for the server's.
func cutPostgres(m string) (string, head, bool) {
	var h head
	for off := 0; ; {
		i := strings.Index(m[off:], ":  ")
		if i < 0 {
			return "", h, false
		}
		i += off
		j := i
		for j > 0 && 'A' <= m[j-1] && m[j-1] <= 'Z' || j > 0 && '0' <= m[j-1] && m[j-1] <= '9' {
			j--
		}
		if level := m[j:i]; postgresLevels[level] && (j == 0 || m[j-1] == ' ' || m[j-1] == ':' || m[j-1] == ']') {
			h.level = strings.ToLower(level)
			postgresPrefix(&h, m[:j])
			return m[i+3:], h, true
		}
		off = i + 3
	}
}

// postgresPrefix reads the session's user, database and client from the
// two usual shapes of a log_line_prefix: "%u@%d " (the sample in
// postgresql.conf: "postgres@sales") and keyword ones such as
// "user=%u,db=%d,app=%a,client=%h " (pgBadger's). "[unknown]" is
// PostgreSQL's word for a value it does not have yet; %h is "[local]" for a
// Unix socket and may carry "(port)" (%r).
//
// %u, %d and %a are the client's text, unquoted, before it has logged in
// (a refused login's line has them): a user named "x,client=6.6.6.6" or
// "x evil@admin" adds a part of its own. A keyword prefix is read by its
// keywords only, and a keyword or a user@db part met twice is left out,
// since the forged one may come first or last, as is a user or database
// followed by a word without "=" (a name with a space).
func postgresPrefix(h *head, p string) {
	words := strings.FieldsFunc(p, func(r rune) bool { return r == ' ' || r == ',' })
	keyed := false
	for _, w := range words {
		if k, _, ok := strings.Cut(w, "="); ok && postgresPrefixKeys[k] != "" {
			keyed = true
			break
		}
	}
	seen := map[string]int{}
	var s head
	last := ""
	for _, w := range words {
		if !keyed {
			// Amazon RDS's "%t:%r:%u@%d:[%p]:" holds its parts between colons.
			for _, part := range strings.Split(w, ":") {
				postgresSession(&s, part, seen)
			}
			continue
		}
		k, v, ok := strings.Cut(w, "=")
		key := postgresPrefixKeys[k]
		if !ok || key == "" {
			if !ok && (last == "user" || last == "db") {
				seen[last] += 2 // "user=x evil": the name had a space
			}
			last = ""
			continue
		}
		seen[key]++
		last = key
		if v == "" || v == "[unknown]" {
			continue
		}
		switch key {
		case "user":
			s.user = v
		case "db":
			s.db = v
		case "client":
			addr, port, _ := strings.Cut(v, "(")
			if ecs.IsIP(addr) {
				s.addr, s.port = addr, strings.TrimSuffix(port, ")")
			}
		}
	}
	if seen["user"] < 2 {
		h.user = s.user
	}
	if seen["db"] < 2 {
		h.db = s.db
	}
	if seen["client"] < 2 {
		h.addr, h.port = s.addr, s.port
	}
}

// postgresPrefixKeys are a keyword prefix's keywords and what they name.
var postgresPrefixKeys = map[string]string{
	"user": "user", "db": "db", "database": "db", "client": "client", "host": "client", "remote": "client",
}

// postgresSession reads one "%u@%d" or "%r" (ADDR(PORT)) part of a prefix,
// counting them in seen.
func postgresSession(h *head, w string, seen map[string]int) {
	// The last '@': a role may be named like a mail address
	// ("alice@example.com", cloud IAM users), a database rarely is.
	if i := strings.LastIndexByte(w, '@'); i > 0 && i < len(w)-1 && !strings.ContainsAny(w, "[]") {
		h.user, h.db = w[:i], w[i+1:]
		seen["user"]++
		seen["db"]++
	} else if addr, port, ok := strings.Cut(w, "("); ok && ecs.IsIP(addr) && ecs.IsDigits(strings.TrimSuffix(port, ")")) {
		h.addr, h.port = addr, strings.TrimSuffix(port, ")")
		seen["client"]++
	}
}

// postPostgres turns a statement's duration in milliseconds into
// event.duration (nanoseconds), a session's time too, and a TLS protocol
// name into ECS's tls.version_protocol and tls.version.
func postPostgres(e *event.Event) {
	postgresMissingObject(e)
	if v := e.Str("postgresql.hba_rule"); v != "" {
		if r, ok := strings.CutSuffix(v, `"`); ok && r != "" {
			e.SetStr("postgresql.hba_rule", r)
		} else {
			e.Delete("postgresql.hba_rule")
		}
	}
	if v, ok := e.Field("postgresql.duration_ms"); ok {
		e.Delete("postgresql.duration_ms")
		if v.Type == event.TypeFloat && v.F >= 0 && v.F < 9e12 {
			e.SetInt("event.duration", int64(v.F*1e6))
		}
	}
	if d, ok := postgresSessionTime(e.Str("postgresql.session_time")); ok {
		e.SetInt("event.duration", d)
	}
	for _, key := range [...]string{"postgresql.audit.statement_id", "postgresql.audit.substatement_id"} {
		if v := e.Str(key); v != "" { // a regex sentence's (pgaudit) counts are numbers, as a pattern's are
			ecs.SetUint(e, key, v)
		}
	}
	if v := e.Str("postgresql.tls_protocol"); v != "" {
		e.Delete("postgresql.tls_protocol")
		ecs.SetTLSVersion(e, v)
	}
}

// postgresSessionTime reads a disconnection's "H:MM:SS.mmm" (hours
// without bound) as nanoseconds.
func postgresSessionTime(s string) (int64, bool) {
	h, rest, ok := strings.Cut(s, ":")
	m, sec, ok2 := strings.Cut(rest, ":")
	whole, frac, ok3 := strings.Cut(sec, ".")
	if !ok || !ok2 || !ok3 || len(h) > 6 || len(m) != 2 || len(whole) != 2 || len(frac) != 3 ||
		!ecs.IsDigits(h) || !ecs.IsDigits(m) || !ecs.IsDigits(whole) || !ecs.IsDigits(frac) {
		return 0, false
	}
	hh, _ := strconv.ParseInt(h, 10, 64)
	mm, _ := strconv.ParseInt(m, 10, 64)
	ss, _ := strconv.ParseInt(whole, 10, 64)
	ms, _ := strconv.ParseInt(frac, 10, 64)
	if mm > 59 || ss > 59 {
		return 0, false
	}
	return ((hh*60+mm)*60+ss)*int64(time.Second) + ms*int64(time.Millisecond), true
}

// postgresMissingObject settles "role/database "X" does not exist". On a
// FATAL line it refused a login: X is the user or database the client
// asked for. At another level a statement named X (DROP ROLE, ALTER
// DATABASE): X stays the object, the session's user and database are the
// log_line_prefix's, and the event is the statement's error, no login.
func postgresMissingObject(e *event.Event) {
	if e.Str("event.action") != "db-login" {
		return
	}
	kind := e.Str("postgresql.object_type")
	if kind != "role" && kind != "database" {
		return
	}
	if e.Str("log.level") != "fatal" {
		e.Set("event.category", event.Value{Type: event.TypeStrings, List: []string{"database"}})
		e.Set("event.type", event.Value{Type: event.TypeStrings, List: []string{"error"}})
		e.SetStr("event.action", "db-error")
		return
	}
	name := e.Str("postgresql.object")
	e.Delete("postgresql.object")
	e.Delete("postgresql.object_type")
	if kind == "role" {
		ecs.SetUser(e, "user.name", name)
	} else {
		e.SetStr("postgresql.database", name)
	}
}

package apps

import (
	"strings"

	"github.com/nomenhq/nomen/normalize/ecs"
	"github.com/nomenhq/nomen/relay/event"
)

// MariaDB's server_audit plugin (also loaded by MySQL and Percona) writes
// one CSV record per event (server_audit.c, log_header and the log_*
// functions):
//
//	SERVERHOST,USER,HOST,CONNID,QUERYID,OPERATION,DATABASE,OBJECT,RETCODE
//
// under the syslog ident "mysql-server_auditing" (server_audit_syslog_ident;
// the message starts with server_audit_syslog_info and a space), or, in its
// own file, after "YYYYMMDD HH:MM:SS," (the server's local time, no zone:
// the received time stays). OBJECT is empty for a connection's records,
// the statement for QUERY ('...' with ' and \ escaped by a backslash),
// the table for a table's (READ, WRITE, CREATE, ALTER, DROP; RENAME's is
// "TABLE|DB.TABLE"), and a table's records have no RETCODE.
//
// The user and the database of a failed connection are what the client
// sent, any text: a record is read only when its commas are exactly the
// format's (the statement's own inside its quotes), so that a name holding
// commas cannot shift the host, the connection id or the operation.

// auditOp is what one OPERATION means.
type auditOp struct {
	action, rule string
	class        ecs.Class
	kind         byte // 'c' connection, 'q' query, 't' table
}

var (
	auditLogin   = ecs.NewClass(ecs.Cats("authentication", "database"), "start")
	auditSession = ecs.NewClass(ecs.Cats("session"), "end")
	auditRead    = ecs.NewClass(ecs.Cats("database"), "access")
	auditChange  = ecs.NewClass(ecs.Cats("database"), "change")
)

var auditOps = map[string]auditOp{
	"CONNECT":        {"db-login", "mysql.audit.connect", auditLogin, 'c'},
	"FAILED_CONNECT": {"db-login", "mysql.audit.failed_connect", auditLogin, 'c'},
	"CHANGEUSER":     {"db-change-user", "mysql.audit.changeuser", auditLogin, 'c'},
	"DISCONNECT":     {"db-disconnect", "mysql.audit.disconnect", auditSession, 'c'},
	"QUERY":          {"db-query", "mysql.audit.query", auditRead, 'q'},
	"READ":           {"db-table-read", "mysql.audit.read", auditRead, 't'},
	"WRITE":          {"db-table-write", "mysql.audit.write", auditChange, 't'},
	"CREATE":         {"db-table-create", "mysql.audit.create", auditChange, 't'},
	"ALTER":          {"db-table-alter", "mysql.audit.alter", auditChange, 't'},
	"DROP":           {"db-table-drop", "mysql.audit.drop", auditChange, 't'},
	"RENAME":         {"db-table-rename", "mysql.audit.rename", auditChange, 't'},
}

// auditRecord is one record's fields, as written.
type auditRecord struct {
	server, user, host, connID, queryID, db, object, ret string
	op                                                   auditOp
}

// parseAudit reads a record; ok is false for any other text.
func parseAudit(m string) (r auditRecord, ok bool) {
	if isAuditFileTime(m) {
		m = m[18:]
	} else if i := strings.IndexByte(m, ','); i > 0 {
		m = m[strings.LastIndexByte(m[:i], ' ')+1:] // server_audit_syslog_info
	}
	f := strings.SplitN(m, ",", 7)
	if len(f) != 7 || f[0] == "" || !ecs.IsDigits(f[3]) || !ecs.IsDigits(f[4]) {
		return r, false
	}
	r.server, r.user, r.host, r.connID, r.queryID = f[0], f[1], f[2], f[3], f[4]
	if r.op, ok = auditOps[f[5]]; !ok {
		return r, false
	}
	rest := f[6]
	switch r.op.kind {
	case 'c', 't':
		g := strings.Split(rest, ",")
		if len(g) != 3 {
			return r, false
		}
		r.db = g[0]
		if r.op.kind == 'c' {
			if g[1] != "" || !ecs.IsDigits(g[2]) {
				return r, false
			}
			r.ret = g[2]
		} else {
			if g[1] == "" || g[2] != "" {
				return r, false
			}
			r.object = g[1]
		}
	case 'q':
		db, q, found := strings.Cut(rest, ",'")
		i := strings.LastIndex(q, "',")
		if !found || i < 0 || !ecs.IsDigits(q[i+2:]) {
			return r, false
		}
		stmt, good := unescapeAudit(q[:i])
		if !good {
			return r, false
		}
		r.db, r.object, r.ret = db, stmt, q[i+2:]
	}
	return r, true
}

// isAuditFileTime reports whether m starts with the file's "YYYYMMDD HH:MM:SS,".
func isAuditFileTime(m string) bool {
	return len(m) > 18 && m[8] == ' ' && m[11] == ':' && m[14] == ':' && m[17] == ',' &&
		ecs.IsDigits(m[:8]) && ecs.IsDigits(m[9:11]) && ecs.IsDigits(m[12:14]) && ecs.IsDigits(m[15:17])
}

// unescapeAudit undoes escape_string: \' and \\ are ' and \. A quote
// without its backslash is no statement of the plugin's.
func unescapeAudit(s string) (string, bool) {
	if strings.IndexByte(s, '\\') < 0 {
		return s, strings.IndexByte(s, '\'') < 0
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '\'':
			return "", false
		case c == '\\' && i+1 < len(s):
			i++
			c = s[i]
		}
		b.WriteByte(c)
	}
	return b.String(), true
}

// decodeMySQLAudit decodes one record.
func decodeMySQLAudit(e *event.Event) bool {
	r, ok := parseAudit(e.Message)
	if !ok {
		return false
	}
	ecs.Begin(e, "mysql", r.op.rule)
	outcome := ""
	if r.op.kind != 't' && r.ret != "0" {
		e.SetStr("error.code", r.ret) // the server's error number (1045: access denied)
	}
	switch {
	case r.op.kind == 't', r.op.rule == "mysql.audit.disconnect":
	case r.ret != "0", r.op.rule == "mysql.audit.failed_connect":
		outcome = "failure"
	default:
		outcome = "success"
	}
	r.op.class.Set(e, r.op.action, outcome)
	if r.user != "" {
		ecs.SetUser(e, "user.name", r.user)
	}
	ecs.SetAddress(e, "source", r.host)
	ecs.SetUint(e, "mysql.connection_id", r.connID)
	if r.queryID != "0" {
		ecs.SetUint(e, "mysql.query_id", r.queryID)
	}
	e.SetStr("mysql.database", r.db)
	switch r.op.kind {
	case 'q':
		e.SetStr("mysql.statement", r.object)
	case 't':
		e.SetStr("mysql.table", r.object)
	}
	if e.AppName == "" && e.Hostname == "" && strings.IndexByte(r.server, ' ') < 0 {
		e.Hostname = r.server // a file line's only host: the server's
	}
	return true
}

// gateMySQLAudit: the file's records start with the year.
var gateMySQLAudit = ecs.SniffGate{First: "12"}

// sniffMySQLAudit recognises a record of the plugin's own file, read
// without a tag or forwarded by a file reader under a name of its own.
func sniffMySQLAudit(e *event.Event) bool {
	return isAuditFileTime(e.Message)
}

// mysqlAuditDecoder is the plugin's decoder.
var mysqlAuditDecoder = &ecs.Decoder{
	Name: "mysql-audit", Programs: []string{"mysql-server_auditing"},
	Sniff: sniffMySQLAudit, Gate: gateMySQLAudit, Decode: decodeMySQLAudit,
}

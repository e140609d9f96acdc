package apps

import (
	"strings"

	"github.com/nomenhq/nomen/normalize/ecs"
	"github.com/nomenhq/nomen/relay/event"
)

// MySQL's and MariaDB's own error log file, read without a syslog tag:
//
//	130324  0:04:00 [Warning] Access denied for user ...                  (5.1-5.5)
//	2015-10-07 06:09:42 5907 [Warning] Access denied for user ...         (5.6, MariaDB)
//	2019-01-03T08:50:04.634875Z 113 [Note] [MY-010926] [Server] ...       (5.7, 8.0)
//
// The parser reads a leading "DATE TIME" as a syslog timestamp and the
// thread id after it as the host, leaving "[Level] ..." as the message.

// mysqlLevels are the error log's levels (cutMySQL lower-cases them).
var mysqlLevels = map[string]bool{"note": true, "warning": true, "error": true, "system": true}

// gateMySQLLog: the message starts with the level's '[' or the date.
var gateMySQLLog = ecs.SniffGate{First: "[0123456789"}

func sniffMySQLLog(e *event.Event) bool {
	if e.AppName != "" {
		return false
	}
	m := e.Message
	if m == "" || m[0] == '[' && !ecs.IsDigits(e.Hostname) {
		return false // a level first, but not after a thread id
	}
	_, h, ok := cutMySQL(m)
	return ok && mysqlLevels[h.level]
}

// postMySQL drops the host the parser read from a file line's thread id,
// and makes an aborted connection's "(reason)" or "(reason)." its
// event.reason.
func postMySQL(e *event.Event) {
	if e.AppName == "" && ecs.IsDigits(e.Hostname) {
		e.Hostname = ""
	}
	if r := e.Str("mysql.abort_reason"); r != "" {
		e.Delete("mysql.abort_reason")
		r, ok := strings.CutSuffix(strings.TrimSuffix(r, "."), ")")
		if ok && r != "" && !strings.ContainsAny(r, "()") {
			e.SetStr("event.reason", r)
		}
	}
}

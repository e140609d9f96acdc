package web

import (
	"strings"

	"github.com/nomenhq/nomen/normalize/ecs"
	"github.com/nomenhq/nomen/relay/event"
)

// What the servers write to standard error before (or instead of) their
// error log, which systemd's journal forwards under the server's name:
//
//	apache2[812]: AH00558: apache2: Could not reliably determine the server's fully qualified domain name, ...
//	nginx[812]: nginx: [emerg] bind() to 0.0.0.0:80 failed (98: Address already in use)
//
// Apache's is ap_log_error's text with no stamp or level (only its
// AH code); nginx's is ngx_log_stderr's "nginx: [LEVEL] TEXT".

// apacheStderrShape: "AH" and five digits, then ": ".
func apacheStderrShape(m string) bool {
	return len(m) > 9 && strings.HasPrefix(m, "AH") && ecs.IsDigits(m[2:7]) && m[7] == ':' && m[8] == ' '
}

func decodeApacheStderr(e *event.Event, m string) bool {
	ecs.Begin(e, webProvider(e, "apache"), "apache.stderr")
	e.SetStr("error.code", m[:7])
	e.SetStr("error.message", m[9:])
	classWebInfo.Set(e, "http-server-log", "")
	return true
}

// nginxStderrShape: "nginx: [LEVEL] ".
func nginxStderrShape(m string) bool {
	level, _, ok := strings.Cut(strings.TrimPrefix(m, "nginx: ["), "] ")
	return ok && len(m) > len("nginx: [") && strings.HasPrefix(m, "nginx: [") && nginxLevels[level]
}

var nginxLevels = map[string]bool{
	"emerg": true, "alert": true, "crit": true, "error": true, "warn": true, "notice": true, "info": true, "debug": true,
}

func decodeNginxStderr(e *event.Event, m string) bool {
	level, text, _ := strings.Cut(m[len("nginx: ["):], "] ")
	ecs.Begin(e, webProvider(e, "nginx"), "nginx.stderr")
	e.SetStr("log.level", level)
	e.SetStr("error.message", text)
	webErrorClass(e, level)
	return true
}

package mail

import (
	"strings"

	"github.com/nomenhq/nomen/normalize/ecs"
	"github.com/nomenhq/nomen/relay/event"
)

// postfixMaster decodes the master daemon's start, reload and stop.
func postfixMaster(e *event.Event, prog, m string) bool {
	var rule, action string
	var class ecs.Class
	version := ""
	switch {
	case strings.HasPrefix(m, "daemon started -- version "):
		rule, action, class = "postfix.master.start", "postfix-start", ecs.ClassProcStart
		version = m[len("daemon started -- version "):]
	case strings.HasPrefix(m, "reload -- version "):
		rule, action, class = "postfix.master.reload", "postfix-reload", classProcChange
		version = m[len("reload -- version "):]
	case strings.HasPrefix(m, "terminating on signal "):
		if !ecs.IsDigits(m[len("terminating on signal "):]) {
			return false
		}
		rule, action, class = "postfix.master.stop", "postfix-stop", ecs.ClassProcEnd
	default:
		return false
	}
	if version != "" {
		v, dir, ok := strings.Cut(version, ", configuration ")
		if !ok || v == "" || strings.IndexByte(v, ' ') >= 0 {
			return false
		}
		postfixBegin(e, prog, "", rule)
		e.SetStr("service.version", v)
		e.SetStr("postfix.config_directory", dir)
	} else {
		postfixBegin(e, prog, "", rule)
	}
	outcome := ecs.OutcomeSuccess
	if version == "" {
		outcome = "" // stopped by a signal: asked to, or killed
	}
	class.Set(e, action, outcome)
	return true
}

var classProcChange = ecs.NewClass(ecs.Cats(ecs.CatProcess), ecs.TypeChange)

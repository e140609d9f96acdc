package mail

import (
	"strings"

	"github.com/nomenhq/nomen/normalize/ecs"
	"github.com/nomenhq/nomen/relay/event"
)

// Lines about a queued message that are neither its arrival nor its
// delivery, and the administrators' commands on the queue and the system:
//
//	QID: sender non-delivery notification: QID2     bounce (also "delivery status",
//	QID: postmaster delay notification: QID2          "delay"; to the sender or postmaster)
//	QID: resent-message-id=<id>                     cleanup: the Resent-Message-ID header
//	QID: skipped, still being delivered             qmgr: at start, another agent holds it
//	QID: placed on hold / released from hold / requeued / removed    postsuper(1), qmgr
//	Deleted: N messages (also Requeued:, Placed on hold:, Released from hold:)    postsuper(1)
//	starting / stopping / refreshing the Postfix mail system          postfix-script
//	the Postfix mail system is running: PID: N                         postfix-script (status)
//	table TYPE:NAME(FLAGS) has changed -- restarting                   any daemon (it exits)

// postfixQueueActions: the queue operations on one message, by their line.
var postfixQueueActions = map[string]string{
	"placed on hold":                 "email-hold",
	"released from hold":             "email-release",
	"requeued":                       "email-requeue",
	"skipped, still being delivered": "email-skip",
}

// postfixQueueLine decodes the queue-id lines above; false for any other.
func postfixQueueLine(e *event.Event, prog, qid, rest string) bool {
	if action := postfixQueueActions[rest]; action != "" {
		postfixBegin(e, prog, qid, "postfix.queue."+strings.TrimPrefix(action, "email-"))
		classEmailInfo.Set(e, action, "")
		return true
	}
	if id, ok := strings.CutPrefix(rest, "resent-message-id="); ok {
		postfixBegin(e, prog, qid, "postfix.cleanup.resent_message_id")
		classEmailInfo.Set(e, "email-message-id", "")
		e.SetStr("postfix.resent_message_id", ecs.TrimAngle(strings.TrimSpace(id)))
		return true
	}
	// "(sender|postmaster) (non-delivery|delivery status|delay) notification: QID2"
	to, r, _ := strings.Cut(rest, " ")
	kind, dsnID, ok := strings.Cut(r, " notification: ")
	if !ok || to != "sender" && to != "postmaster" ||
		kind != "non-delivery" && kind != "delivery status" && kind != "delay" {
		return false
	}
	if q, _ := postfixQueueID(dsnID + ": x"); q == "" {
		return false
	}
	postfixBegin(e, prog, qid, "postfix.bounce.notification")
	classEmailInfo.Set(e, actEmailDSN, "")
	e.SetStr("postfix.dsn_queue_id", dsnID)
	e.SetStr("postfix.notification.recipient", to)
	e.SetStr("postfix.notification.kind", strings.ReplaceAll(kind, " ", "_"))
	return true
}

// postsuperSummaries: postsuper(1)'s counts after it ran, by their word.
var postsuperSummaries = map[string]string{
	"Deleted":            "email-remove",
	"Requeued":           "email-requeue",
	"Placed on hold":     "email-hold",
	"Released from hold": "email-release",
}

// postfixAdmin decodes postsuper's summaries and postfix-script's lines
// (no queue id); false for any other.
func postfixAdmin(e *event.Event, prog, m string) bool {
	if what, r, ok := strings.Cut(m, ": "); ok && postsuperSummaries[what] != "" {
		n, ok := strings.CutSuffix(r, " messages")
		if !ok {
			n, ok = strings.CutSuffix(r, " message")
		}
		if !ok || !ecs.IsDigits(n) {
			return false
		}
		postfixBegin(e, prog, "", "postfix.postsuper.summary")
		classEmailInfo.Set(e, postsuperSummaries[what], "")
		ecs.SetUint(e, "postfix.message_count", n)
		return true
	}
	switch m {
	case "starting the Postfix mail system":
		postfixBegin(e, prog, "", "postfix.script.start")
		ecs.ClassProcStart.Set(e, "postfix-start", "")
		return true
	case "stopping the Postfix mail system":
		postfixBegin(e, prog, "", "postfix.script.stop")
		ecs.ClassProcEnd.Set(e, "postfix-stop", "")
		return true
	case "refreshing the Postfix mail system":
		postfixBegin(e, prog, "", "postfix.script.reload")
		classProcChange.Set(e, "postfix-reload", "")
		return true
	}
	// "table hash:/etc/postfix/virtual(0,lock|fold_fix) has changed --
	// restarting": a daemon saw a lookup table it uses change and exits
	// to be started again with it.
	if r, ok := strings.CutPrefix(m, "table "); ok {
		name, ok := strings.CutSuffix(r, " has changed -- restarting")
		if !ok || strings.IndexByte(name, ' ') >= 0 {
			return false
		}
		postfixBegin(e, prog, "", "postfix.table_changed")
		ecs.ClassProcEnd.Set(e, "postfix-table-changed", ecs.OutcomeSuccess)
		e.SetStr("postfix.table", name)
		return true
	}
	if pid, ok := strings.CutPrefix(m, "the Postfix mail system is running: PID: "); ok && ecs.IsDigits(pid) {
		postfixBegin(e, prog, "", "postfix.script.status")
		ecs.ClassProcInfo.Set(e, "postfix-status", "")
		ecs.SetUint(e, "postfix.master_pid", pid)
		return true
	}
	return false
}

package mail

import (
	"strings"
	"time"

	"github.com/nomenhq/nomen/normalize/ecs"
	"github.com/nomenhq/nomen/relay/event"
)

// Exchange's agent log (2013 and later, "#Log-type: Agent Log"): what the
// anti-spam and transport agents did to a message, one CSV line each,
// after a "#Fields:" header that names its columns:
//
//	#Fields: Timestamp,SessionId,IPAddress,MessageId,P1FromAddress,P2FromAddresses,Recipients,Agent,Event,Action,SmtpResponse,Reason,ReasonData,Diagnostics,NetworkMsgID,TenantID,Directionality
//
// Its columns are read by name (versions add some), so only after its
// header: a line without one is left alone (isExchangeEventID).

// isExchangeAgentHeader reports whether a "#Fields:" line's names are the
// agent log's.
func isExchangeAgentHeader(names []string) bool {
	has := map[string]bool{}
	for _, n := range names {
		has[strings.ToLower(strings.TrimSpace(n))] = true
	}
	return has["sessionid"] && has["agent"] && has["event"] && has["action"]
}

// exchangeAgentActions: the agent's Action, as event.action and outcome.
var exchangeAgentActions = map[string][3]string{
	"RejectMessage":     {actEmailReject, ecs.OutcomeFailure, "denied"},
	"RejectCommand":     {actEmailReject, ecs.OutcomeFailure, "denied"},
	"RejectResponse":    {actEmailReject, ecs.OutcomeFailure, "denied"},
	"DeleteMessage":     {"email-discard", "", ""},
	"QuarantineMessage": {"email-quarantine", "", ""},
	"AcceptMessage":     {"email-accept", ecs.OutcomeSuccess, ""},
}

// decodeExchangeAgent sets an agent log line's fields, its columns named
// by names (lower case).
func decodeExchangeAgent(e *event.Event, names, f []string) bool {
	col := func(name string) string {
		for i, n := range names {
			if n == name && i < len(f) {
				return f[i]
			}
		}
		return ""
	}
	// Its Event is the agent's hook ("OnEndOfData", "OnRcptCommand"): a
	// tracking line from the same source (its event id upper case) is
	// not read with these columns.
	if col("agent") == "" || !strings.HasPrefix(col("event"), "On") {
		return false
	}
	ecs.Begin(e, "exchange", "exchange.agent")
	ecs.Reserve(e, 16)
	action := col("action")
	if a, ok := exchangeAgentActions[action]; ok && a[2] == "denied" {
		classEmailDenied.Set(e, a[0], a[1])
	} else if ok {
		classEmailInfo.Set(e, a[0], a[1])
	} else {
		classEmailInfo.Set(e, "email-agent-action", "")
	}
	if t, err := time.Parse(time.RFC3339Nano, col("timestamp")); err == nil {
		ecs.SetTimeIfNone(e, t)
	}
	ecs.SetIP(e, "source.ip", col("ipaddress"))
	setMessageID(e, col("messageid"))
	setEmailAddrs(e, "email.from.address", col("p1fromaddress"))
	setEmailAddrs(e, "email.to.address", col("recipients"))
	switch strings.ToLower(col("directionality")) {
	case "incoming":
		e.SetStr("email.direction", "inbound")
	case "originating":
		e.SetStr("email.direction", "outbound")
	}
	e.SetStr("event.reason", col("reason"))
	e.SetStr("exchange.session_id", col("sessionid"))
	e.SetStr("exchange.agent", col("agent"))
	e.SetStr("exchange.agent_event", col("event"))
	e.SetStr("exchange.agent_action", action)
	e.SetStr("exchange.smtp_response", col("smtpresponse"))
	e.SetStr("exchange.reason_data", col("reasondata"))
	e.SetStr("exchange.network_message_id", col("networkmsgid"))
	e.SetStr("exchange.p2_from_addresses", col("p2fromaddresses"))
	e.SetStr("exchange.directionality", col("directionality"))
	return true
}

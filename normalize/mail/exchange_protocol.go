package mail

import (
	"strings"
	"time"

	"github.com/nomenhq/nomen/normalize/ecs"
	"github.com/nomenhq/nomen/relay/event"
)

// Exchange's SMTP protocol logs (2007 and later; "#Log-type: SMTP
// Receive Protocol Log" or "SMTP Send Protocol Log"), in the same files'
// CSV as message tracking but with their own columns:
//
//	#Fields: date-time,connector-id,session-id,sequence-number,local-endpoint,remote-endpoint,event,data,context
//	2026-07-01T10:00:01.123Z,EX01\Default Frontend EX01,08DB1234ABCD5678,0,192.0.2.10:25,198.51.100.9:50123,+,,
//
// event is "+" (connect), "-" (disconnect), "<" (received), ">" (sent)
// or "*" (information). In a receive log the remote endpoint is the
// client (source), in a send log the server (destination). Where the
// source's "#Log-type:" line was not seen, or is the other log's (one
// forwarder interleaving both), a receive connector's id ("SERVER\Name")
// tells a receive log; any other line keeps both endpoints in exchange.*
// only.

// exchangeProtocolCols are the columns every version writes, in order.
var exchangeProtocolCols = [...]string{"date-time", "connector-id", "session-id", "sequence-number",
	"local-endpoint", "remote-endpoint", "event", "data", "context"}

// The direction of a protocol log.
const (
	exProtocolUnknown byte = '?'
	exProtocolReceive byte = 'R'
	exProtocolSend    byte = 'S'
)

// exchangeLogType returns the protocol direction a "#Log-type:" value
// names, 0 for a message tracking log (or another).
func exchangeLogType(t string) byte {
	switch strings.TrimSpace(t) {
	case "SMTP Receive Protocol Log":
		return exProtocolReceive
	case "SMTP Send Protocol Log":
		return exProtocolSend
	}
	return 0
}

// isExchangeProtocolHeader reports whether a "#Fields:" value is the
// protocol log's.
func isExchangeProtocolHeader(fields string) bool {
	var buf [16]string
	names := splitDelimited(strings.TrimSpace(fields), ',', buf[:0])
	if len(names) != len(exchangeProtocolCols) {
		return false
	}
	for i, n := range names {
		if !strings.EqualFold(strings.TrimSpace(n), exchangeProtocolCols[i]) {
			return false
		}
	}
	return true
}

// exchangeProtocolLine returns a protocol log line's nine fields, or nil
// when m is not one: a sequence number, the endpoints (ADDR:PORT; the
// local one empty before a send connection is made) and an event of one
// character, which no tracking line has in those columns.
func exchangeProtocolLine(m string, dst []string) []string {
	f := splitDelimited(m, ',', dst)
	if len(f) != len(exchangeProtocolCols) || !ecs.IsDigits(f[3]) || len(f[6]) != 1 ||
		strings.IndexByte("+-<>*", f[6][0]) < 0 || f[5] == "" {
		return nil
	}
	for _, ep := range f[4:6] {
		if _, _, ok := cutEndpoint(ep); !ok && ep != "" {
			return nil
		}
	}
	return f
}

// cutEndpoint splits "192.0.2.1:25" or "[2001:db8::1]:25".
func cutEndpoint(s string) (ip, port string, ok bool) {
	i := strings.LastIndexByte(s, ':')
	if i <= 0 || !ecs.IsDigits(s[i+1:]) {
		return "", "", false
	}
	ip, port = s[:i], s[i+1:]
	if strings.HasPrefix(ip, "[") && strings.HasSuffix(ip, "]") {
		ip = ip[1 : len(ip)-1]
	}
	return ip, port, ecs.IsIP(ip)
}

// decodeExchangeProtocol sets a protocol line's fields; dir is the
// source's log type (exProtocolUnknown when its header was not seen).
func decodeExchangeProtocol(e *event.Event, f []string, dir byte) {
	ecs.Begin(e, "exchange", "exchange.protocol")
	ecs.Reserve(e, 16)
	connector, data, context := f[1], f[7], f[8]
	// A receive connector's id is "SERVER\Name", a send connector's its
	// name. One forwarder tailing both logs of a server sends them from
	// one host, so the remembered "#Log-type:" may be the other log's:
	// where the id contradicts it, the line's own shape decides.
	receiveID := strings.IndexByte(connector, '\\') > 0
	if dir == exProtocolSend && receiveID || dir == exProtocolReceive && !receiveID {
		dir = exProtocolUnknown
	}
	if dir == exProtocolUnknown && receiveID {
		dir = exProtocolReceive
	}
	if t, err := time.Parse(time.RFC3339Nano, f[0]); err == nil {
		ecs.SetTimeIfNone(e, t)
	}
	local, remote := "destination", "source"
	switch dir {
	case exProtocolSend:
		local, remote = "source", "destination"
	case exProtocolUnknown:
		local, remote = "", ""
		e.SetStr("exchange.local_endpoint", f[4])
		e.SetStr("exchange.remote_endpoint", f[5])
	}
	if local != "" {
		for _, ep := range [...]struct{ side, s string }{{local, f[4]}, {remote, f[5]}} {
			if ip, port, ok := cutEndpoint(ep.s); ok {
				ecs.SetAddress(e, ep.side, ip)
				ecs.SetPort(e, ep.side+".port", port)
			}
		}
	}
	e.SetStr("network.protocol", "smtp")
	e.SetStr("exchange.connector_id", connector)
	e.SetStr("exchange.session_id", f[2])
	ecs.SetUint(e, "exchange.sequence_number", f[3])
	e.SetStr("exchange.event", f[6])
	e.SetStr("exchange.data", data)
	e.SetStr("exchange.context", context)
	switch f[6] {
	case "+":
		ecs.ClassConnStart.Set(e, "smtp-connect", "")
	case "-":
		ecs.ClassConnEnd.Set(e, "smtp-disconnect", "")
	case "<", ">":
		// A reply ("250 ...", "250-...") whichever side wrote it.
		if len(data) >= 3 && ecs.IsDigits(data[:3]) && (len(data) == 3 || data[3] == ' ' || data[3] == '-') {
			classEmailInfo.Set(e, "smtp-reply", "")
			ecs.SetUint(e, "exchange.smtp_code", data[:3])
		} else {
			classEmailInfo.Set(e, "smtp-command", "")
		}
	default: // "*"
		switch {
		case strings.HasPrefix(context, "Inbound authentication failed"):
			ecs.ClassAuthStart.Set(e, "smtp-auth", ecs.OutcomeFailure)
			e.SetStr("event.reason", context)
		case context == "authenticated" && dir == exProtocolReceive:
			// data is the account the client logged on as ("CORP\jdoe").
			ecs.ClassAuthStart.Set(e, "smtp-auth", ecs.OutcomeSuccess)
			if domain, name, ok := strings.Cut(data, `\`); ok {
				ecs.SetUser(e, "user.name", name)
				e.SetStr("user.domain", domain)
			} else {
				ecs.SetUser(e, "user.name", data)
			}
		default:
			classEmailInfo.Set(e, "smtp-session-info", "")
		}
	}
}

package apps

import (
	"strings"

	"github.com/nomenhq/nomen/normalize/ecs"
	"github.com/nomenhq/nomen/relay/event"
)

// Courier's and Cyrus's IMAP and POP3 servers (catalogs courier.toml and
// cyrus.toml): what their sentences need beyond the catalog.

// Courier's servers log through courierlogger, which turns a message's
// "INFO: ", "ERR: " ... into its syslog priority; a message that reaches
// syslog with it kept has it cut here (log.level).

// cutCourier cuts courierlogger's level.
func cutCourier(m string) (string, head, bool) {
	var h head
	for _, l := range courierLevels {
		if r, ok := strings.CutPrefix(m, l.prefix); ok {
			h.level = l.level
			return r, h, true
		}
	}
	return m, h, true
}

var courierLevels = [...]struct{ prefix, level string }{
	{"INFO: ", "info"},
	{"ERR: ", "error"},
	{"WARN: ", "warning"},
	{"CRIT: ", "critical"},
	{"DEBUG: ", "debug"},
}

// postCourier writes the protocol ("IMAP", "POP3") as ECS does, in
// lower case.
func postCourier(e *event.Event) {
	if p := e.Str("network.protocol"); p != "" {
		e.SetStr("network.protocol", ecs.Lower(p))
	}
}

// postCyrus sets tls.version from STARTTLS's OpenSSL protocol name, and
// splits a login's "MECH+TLS" (imapd.c, pop3d.c: "+TLS" when the session
// had done STARTTLS) into the mechanism and tls.established.
func postCyrus(e *event.Event) {
	if v := e.Str("cyrus.tls_version"); v != "" {
		ecs.SetTLSVersion(e, v)
	}
	if m, ok := strings.CutSuffix(e.Str("cyrus.mechanism"), "+TLS"); ok && m != "" {
		e.SetStr("cyrus.mechanism", m)
		e.Set("tls.established", event.Bool(true))
	}
}

package mail

import (
	"strings"

	"github.com/nomenhq/nomen/normalize/ecs"
	"github.com/nomenhq/nomen/relay/event"
)

// Postfix's warnings that say something about a peer or a process, each
// decoded for what it means; any other "warning: TEXT" is a diagnostic
// (postfixDiagnostic):
//
//	hostname NAME does not resolve to address IP[: TEXT]          smtpd: forward-confirmed reverse DNS failed
//	IP: hostname NAME verification failed: TEXT                   (the same, Postfix 2.9 and later)
//	IP: address not listed for hostname NAME                      (the same)
//	HOST[IP]: SASL METHOD authentication failed: TEXT[, sasl_username=U]
//	HOST[IP]: SASL METHOD authentication aborted
//	non-SMTP command from HOST[IP]: TEXT                          smtpd: an HTTP request or such
//	HOST[IP] sent message header instead of CMD command: TEXT     smtpd: the same, a client that skipped a step
//	Illegal address syntax from HOST[IP] in CMD command: ADDR
//	KIND limit exceeded: N from HOST[IP] for service S            smtpd: an anvil(8) limit
//	host HOST[IP]:PORT greeted me with my own hostname NAME       smtp: a mail loop
//	host HOST[IP]:PORT replied to HELO/EHLO with my own hostname NAME
//	process PATH pid N exit status N                              master: a child failed
//	process PATH pid N killed by signal N
//	PATH: bad command startup -- throttling
//	service "NAME" (ADDR) has reached its process limit "N": TEXT

// postfixLimits maps smtpd's names of anvil's limits to anvil's own kinds
// (postfixAnvil), so that a limit hit and the statistics compare.
var postfixLimits = map[string]string{
	"Connection rate":               "connection_rate",
	"Connection concurrency":        "connection_count",
	"Message delivery request rate": "message_rate",
	"Recipient address rate":        "recipient_rate",
	"New TLS session rate":          "newtls_rate",
	"AUTH command rate":             "auth_rate",
}

var classNetDenied = ecs.NewClass(ecs.Cats(ecs.CatNetwork), ecs.TypeDenied)

// postfixWarning decodes rest, the text after "warning: "; false when it
// is none of the lines above.
func postfixWarning(e *event.Event, prog, rest string) bool {
	switch {
	case strings.HasPrefix(rest, "hostname "):
		name, r, _ := strings.Cut(rest[len("hostname "):], " ")
		addr, ok := strings.CutPrefix(r, "does not resolve to address ")
		if !ok {
			return false
		}
		addr, reason, _ := strings.Cut(addr, ": ")
		return postfixDNSMismatch(e, prog, addr, name, reason)
	case strings.HasPrefix(rest, "non-SMTP command from "):
		client, _, _ := strings.Cut(rest[len("non-SMTP command from "):], ": ")
		return postfixClientWarning(e, prog, client, "postfix.smtpd.non_smtp_command", "smtp-non-smtp-command", "")
	case strings.HasPrefix(rest, "Illegal address syntax from "):
		client, cmd, ok := strings.Cut(rest[len("Illegal address syntax from "):], " in ")
		cmd, _, _ = strings.Cut(cmd, " command")
		return ok && postfixClientWarning(e, prog, client, "postfix.smtpd.illegal_address", "smtp-illegal-address-syntax", cmd)
	case strings.HasPrefix(rest, "host "):
		return postfixOwnHostname(e, prog, rest[len("host "):])
	case strings.HasPrefix(rest, "process "):
		return postfixChildExit(e, prog, rest[len("process "):])
	case strings.HasPrefix(rest, "service \""):
		return postfixProcessLimit(e, prog, rest[len("service \""):])
	case strings.HasSuffix(rest, ": bad command startup -- throttling"):
		path := strings.TrimSuffix(rest, ": bad command startup -- throttling")
		if strings.IndexByte(path, ' ') >= 0 || !strings.HasPrefix(path, "/") {
			return false
		}
		postfixBegin(e, prog, "", "postfix.master.throttle")
		ecs.ClassProcInfo.Set(e, "postfix-process-throttle", ecs.OutcomeFailure)
		e.SetStr("postfix.child.executable", path)
		return true
	}
	if kind, r, ok := strings.Cut(rest, " limit exceeded: "); ok {
		kind = postfixLimits[kind]
		n, r, _ := strings.Cut(r, " from ")
		client, service, ok := strings.Cut(r, " for service ")
		if kind == "" || !ok || !ecs.IsDigits(n) || !postfixBracketed(client) {
			return false
		}
		postfixBegin(e, prog, "", "postfix.smtpd.limit_exceeded")
		classNetDenied.Set(e, "smtp-limit-exceeded", ecs.OutcomeFailure)
		postfixClient(e, "source", client)
		e.SetStr("postfix.anvil.kind", kind)
		ecs.SetUint(e, "postfix.anvil.value", n)
		e.SetStr("postfix.anvil.service", service)
		e.SetStr("network.protocol", "smtp")
		return true
	}
	// "HOST[IP]: SASL ..." or "IP: hostname ..." / "IP: address not listed ...".
	head, r, ok := strings.Cut(rest, ": ")
	if !ok {
		return false
	}
	if ecs.IsIP(head) {
		if n, ok := strings.CutPrefix(r, "address not listed for hostname "); ok {
			return postfixDNSMismatch(e, prog, head, n, "address not listed for hostname")
		}
		if n, ok := strings.CutPrefix(r, "hostname "); ok {
			name, reason, ok := strings.Cut(n, " verification failed: ")
			return ok && postfixDNSMismatch(e, prog, head, name, reason)
		}
		return false
	}
	// "HOST[IP] sent message header instead of CMD command: TEXT"
	if client, r, ok := strings.Cut(rest, " sent message header instead of "); ok {
		cmd, _, ok := strings.Cut(r, " command: ")
		return ok && postfixClientWarning(e, prog, client, "postfix.smtpd.header_instead_of_command", "smtp-non-smtp-command", cmd)
	}
	return postfixSASLFailure(e, prog, head, r)
}

// postfixDNSMismatch: the client's address ip has the reverse name name,
// but name does not resolve back to it.
func postfixDNSMismatch(e *event.Event, prog, ip, name, reason string) bool {
	if !ecs.IsIP(ip) || name == "" || strings.IndexByte(name, ' ') >= 0 {
		return false
	}
	postfixBegin(e, prog, "", "postfix.smtpd.dns_mismatch")
	ecs.ClassNetInfo.Set(e, "smtp-reverse-dns-mismatch", ecs.OutcomeFailure)
	ecs.SetAddress(e, "source", ip)
	ecs.SetHostname(e, "source.domain", name)
	e.SetStr("event.reason", reason)
	e.SetStr("network.protocol", "smtp")
	return true
}

// postfixClientWarning: an SMTP client HOST[IP] did something smtpd refuses.
func postfixClientWarning(e *event.Event, prog, client, rule, action, cmd string) bool {
	if !postfixBracketed(client) || strings.IndexByte(client, ' ') >= 0 {
		return false
	}
	postfixBegin(e, prog, "", rule)
	ecs.ClassNetInfo.Set(e, action, ecs.OutcomeFailure)
	postfixClient(e, "source", client)
	e.SetStr("postfix.command", cmd)
	e.SetStr("network.protocol", "smtp")
	return true
}

// postfixSASLFailure decodes "HOST[IP]: SASL METHOD authentication
// failed: REASON[, sasl_username=U]" (client and r split at ": ").
func postfixSASLFailure(e *event.Event, prog, client, r string) bool {
	r, ok := strings.CutPrefix(r, "SASL ")
	if !ok || !postfixBracketed(client) {
		return false
	}
	method, r, _ := strings.Cut(r, " ")
	reason, ok := strings.CutPrefix(r, "authentication failed")
	rule := "postfix.sasl.failure"
	if !ok {
		// "SASL LOGIN authentication aborted": the client sent "*".
		if r != "authentication aborted" {
			return false
		}
		rule, reason = "postfix.sasl.aborted", r
	}
	postfixBegin(e, prog, "", rule)
	ecs.ClassAuthStart.Set(e, "smtp-auth", ecs.OutcomeFailure)
	postfixClient(e, "source", client)
	e.SetStr("postfix.sasl_method", method)
	reason = strings.TrimPrefix(reason, ": ")
	if r, user, ok := strings.Cut(reason, ", sasl_username="); ok {
		reason = r
		if user != "(unavailable)" {
			ecs.SetUser(e, "user.name", user)
		}
	}
	e.SetStr("event.reason", reason)
	e.SetStr("network.protocol", "smtp")
	return true
}

// postfixOwnHostname decodes smtp(8)'s "host HOST[IP]:PORT greeted me
// with my own hostname NAME" and "... replied to HELO/EHLO with my own
// hostname NAME": the next hop is this host, a mail loop.
func postfixOwnHostname(e *event.Event, prog, r string) bool {
	peer, r, ok := strings.Cut(r, " ")
	if !ok || !postfixBracketed(peer) {
		return false
	}
	name, ok := strings.CutPrefix(r, "greeted me with my own hostname ")
	if !ok {
		if name, ok = strings.CutPrefix(r, "replied to HELO/EHLO with my own hostname "); !ok {
			return false
		}
	}
	postfixBegin(e, prog, "", "postfix.smtp.mail_loop")
	ecs.ClassNetInfo.Set(e, "smtp-mail-loop", ecs.OutcomeFailure)
	postfixClient(e, "destination", peer)
	e.SetStr("postfix.own_hostname", name)
	e.SetStr("network.protocol", postfixProtocol(prog))
	return true
}

// postfixChildExit decodes master(8)'s "process PATH pid N exit status N"
// and "process PATH pid N killed by signal N": one of its daemons ended
// abnormally. The daemon is postfix.child.* (process.* is master itself).
func postfixChildExit(e *event.Event, prog, r string) bool {
	path, r, ok := strings.Cut(r, " pid ")
	pid, r, _ := strings.Cut(r, " ")
	if !ok || !ecs.IsDigits(pid) || strings.IndexByte(path, ' ') >= 0 {
		return false
	}
	key := "postfix.child.exit_code"
	n, ok := strings.CutPrefix(r, "exit status ")
	if !ok {
		if n, ok = strings.CutPrefix(r, "killed by signal "); !ok {
			return false
		}
		key = "postfix.child.signal"
	}
	if !ecs.IsDigits(n) {
		return false
	}
	postfixBegin(e, prog, "", "postfix.master.child_exit")
	ecs.ClassProcEnd.Set(e, "postfix-process-exit", ecs.OutcomeFailure)
	e.SetStr("postfix.child.executable", path)
	ecs.SetUint(e, "postfix.child.pid", pid)
	ecs.SetUint(e, key, n)
	return true
}

// postfixProcessLimit decodes master(8)'s `service "NAME" (ADDR) has
// reached its process limit "N": new clients may experience noticeable
// delays` (r is after `service "`).
func postfixProcessLimit(e *event.Event, prog, r string) bool {
	name, r, ok := strings.Cut(r, "\" ")
	if !ok {
		return false
	}
	_, r, ok = strings.Cut(r, ") has reached its process limit \"")
	n, _, _ := strings.Cut(r, "\"")
	if !ok || !ecs.IsDigits(n) {
		return false
	}
	postfixBegin(e, prog, "", "postfix.master.process_limit")
	ecs.ClassProcInfo.Set(e, "postfix-process-limit", ecs.OutcomeFailure)
	e.SetStr("postfix.service", name)
	ecs.SetUint(e, "postfix.process_limit", n)
	return true
}

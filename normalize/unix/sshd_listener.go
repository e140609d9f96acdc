package unix

import (
	"strconv"
	"strings"

	"github.com/nomenhq/nomen/normalize/ecs"
	"github.com/nomenhq/nomen/relay/event"
)

// The listener's lines about the session processes it started and the
// sources it penalises (sshd.c and srclimit.c of OpenSSH 9.8+, where each
// connection runs in sshd-session and the listener logs how it ended), and
// a session process's own start and end notes (sshd.c/sshd-session.c):
//
//	Timeout before authentication for connection from ADDR to LADDR, pid = N[ (early)]
//	Session process N unpriv child crash for connection from ADDR to LADDR[ (early)]
//	session process N for connection from ADDR to LADDR killed by signal S[ (early)]
//	session process N for connection from ADDR to LADDR terminated abnormally, status=0xX[ (early)]
//	srclimit_penalise: ipv4: new ADDR/BITS (active|deferred) penalty of SECS seconds for penalty: REASON
//	srclimit_penalise: ADDR/BITS: activating ipv4 penalty of SECS seconds for penalty: REASON
//	srclimit_penalise: ipv4 penalty table full, cannot penalise ADDR/BITS for penalty: REASON
//	error: in MaxStartups throttling for HH:MM:SS, N connections dropped
//	fatal: no hostkeys available -- exiting.
//	RESTART FAILED: av[0]='PATH', error: REASON.
//	fatal: Missing privilege separation directory: PATH
//	User child is on pid N                    (VERBOSE: the post-authentication child)
//	Closing connection to ADDR port N          (VERBOSE: the session process ends)
//
// "connection from ADDR to LADDR" names the client and the local address
// it reached (this host's: destination.ip, as in "drop connection"); a
// connection not over TCP is "connection from ADDR" alone. The pid a
// listener line names is the session process's, not the listener's own
// (process.pid): sshd.child_pid. A penalty is on ADDR masked to BITS
// (PerSourceNetBlockSize): source.ip only when the mask keeps the whole
// address, sshd.penalty.source always.

// sshdListener decodes the lines above (m without "error: "/"fatal: ").
func sshdListener(e *event.Event, m string) bool {
	switch {
	case strings.HasPrefix(m, "Session process "):
		n, r, ok := strings.Cut(m[len("Session process "):], " unpriv child crash for ")
		if !ok || !ecs.IsDigits(n) {
			return false
		}
		return sshdChildEnd(e, r, n, "sshd.session_crash", "ssh-session-crash", "")
	case strings.HasPrefix(m, "session process "):
		n, r, ok := strings.Cut(m[len("session process "):], " for ")
		if !ok || !ecs.IsDigits(n) {
			return false
		}
		if i := strings.LastIndex(r, " killed by signal "); i > 0 {
			sig, _, _ := strings.Cut(r[i+len(" killed by signal "):], " ")
			if !ecs.IsDigits(sig) || !sshdChildEnd(e, r[:i], n, "sshd.session_killed", "ssh-session-killed", "") {
				return false
			}
			ecs.SetUint(e, "sshd.signal", sig)
			return true
		}
		if i := strings.LastIndex(r, " terminated abnormally, status="); i > 0 {
			status, _, _ := strings.Cut(r[i+len(" terminated abnormally, status="):], " ")
			return sshdChildEnd(e, r[:i], n, "sshd.session_abnormal_exit", "ssh-session-abnormal-exit", status)
		}
	case strings.HasPrefix(m, "srclimit_penalise: "):
		return sshdPenalty(e, m[len("srclimit_penalise: "):])
	case strings.HasPrefix(m, "in MaxStartups throttling for "):
		_, r, ok := strings.Cut(m[len("in MaxStartups throttling for "):], ", ")
		n, ok2 := strings.CutSuffix(r, " connections dropped")
		if !ok || !ok2 || !ecs.IsDigits(n) {
			return false
		}
		ecs.Begin(e, "sshd", "sshd.maxstartups.ongoing")
		ecs.ClassNetInfo.Set(e, "ssh-maxstartups-throttling", "")
		ecs.SetUint(e, "sshd.dropped_connections", n)
		return true
	case m == "no hostkeys available -- exiting.", m == "sshd: no hostkeys available -- exiting.":
		ecs.Begin(e, "sshd", "sshd.listen_failed")
		ecs.ClassProcStart.Set(e, "service-start", ecs.OutcomeFailure)
		e.SetStr("error.message", "no hostkeys available")
		return true
	case strings.HasPrefix(m, "RESTART FAILED: av[0]='"):
		path, reason, ok := strings.Cut(m[len("RESTART FAILED: av[0]='"):], "', error: ")
		if !ok || path == "" {
			return false
		}
		ecs.Begin(e, "sshd", "sshd.restart_failed")
		classProcChange.Set(e, "service-reload", ecs.OutcomeFailure)
		e.SetStr("process.executable", path)
		e.SetStr("error.message", strings.TrimSuffix(reason, "."))
		return true
	case strings.HasPrefix(m, "Missing privilege separation directory: "):
		return sshdFileFailure(e, m[len("Missing privilege separation directory: "):], "sshd.privsep_dir_missing", "ssh-privsep-directory-missing")
	case strings.HasPrefix(m, "User child is on pid "):
		n := m[len("User child is on pid "):]
		if !ecs.IsDigits(n) {
			return false
		}
		ecs.Begin(e, "sshd", "sshd.user_child")
		ecs.ClassProcStart.Set(e, "ssh-user-child-start", ecs.OutcomeSuccess)
		ecs.SetUint(e, "sshd.child_pid", n)
		return true
	case strings.HasPrefix(m, "Closing connection to "):
		r := m[len("Closing connection to "):]
		addr, port, ok := strings.Cut(r, " port ")
		if !ok || !ecs.IsDigits(port) || strings.IndexByte(addr, ' ') >= 0 {
			return false
		}
		ecs.Begin(e, "sshd", "sshd.connection.closing")
		ecs.ClassConnEnd.Set(e, "ssh-connection-close", "")
		ecs.SetAddress(e, "source", addr)
		ecs.SetPort(e, "source.port", port)
		return true
	}
	return false
}

// sshdChildConn reads "connection from ADDR[ to LADDR][ (early)]".
func sshdChildConn(s string) (src, dst string, ok bool) {
	s, _ = strings.CutSuffix(s, " (early)")
	r, found := strings.CutPrefix(s, "connection from ")
	if !found {
		return "", "", false
	}
	src, dst, _ = strings.Cut(r, " to ")
	// A peer that is not an IP address (a socket sshd could not name:
	// "UNKNOWN") is no source.
	if !ecs.IsIP(src) {
		src = ""
	}
	if !ecs.IsIP(dst) {
		dst = ""
	}
	return src, dst, true
}

// sshdChildEnd decodes the end of a session process the listener reaped:
// the connection it served ended without the client authenticating.
func sshdChildEnd(e *event.Event, conn, pid, rule, action, status string) bool {
	src, dst, ok := sshdChildConn(conn)
	if !ok {
		return false
	}
	ecs.Begin(e, "sshd", rule)
	ecs.ClassConnEnd.Set(e, action, ecs.OutcomeFailure)
	ecs.SetIP(e, "source.ip", src)
	ecs.SetIP(e, "destination.ip", dst)
	ecs.SetUint(e, "sshd.child_pid", pid)
	e.SetStr("sshd.wait_status", status)
	return true
}

// sshdChildTimeout decodes "connection from ADDR to LADDR, pid = N[ (early)]"
// of the listener's "Timeout before authentication for ..." (9.8+).
func sshdChildTimeout(e *event.Event, r string) bool {
	i := strings.LastIndex(r, ", pid = ")
	if i < 0 {
		return false
	}
	pid, _ := strings.CutSuffix(r[i+len(", pid = "):], " (early)")
	if !ecs.IsDigits(pid) {
		return false
	}
	return sshdChildEnd(e, r[:i], pid, "sshd.auth.timeout", "ssh-auth-timeout", "")
}

// sshdPenalty decodes srclimit_penalise()'s lines (after its name).
func sshdPenalty(e *event.Event, r string) bool {
	var src, state, secs, reason string
	switch {
	case strings.HasPrefix(r, "ipv4: new "), strings.HasPrefix(r, "ipv6: new "):
		// "new ADDR/BITS active|deferred penalty of SECS seconds for REASON"
		f := strings.SplitN(r[len("ipv4: new "):], " ", 6)
		if len(f) < 6 || f[2] != "penalty" || f[3] != "of" || !strings.HasPrefix(f[5], "seconds for ") {
			return false
		}
		src, state, secs, reason = f[0], f[1], f[4], f[5][len("seconds for "):]
	case strings.Contains(r, ": activating "):
		// "ADDR/BITS: activating ipv4 penalty of SECS seconds for REASON"
		a, rest, _ := strings.Cut(r, ": activating ")
		f := strings.SplitN(rest, " ", 5)
		if len(f) < 5 || f[1] != "penalty" || f[2] != "of" || !strings.HasPrefix(f[4], "seconds for ") {
			return false
		}
		src, state, secs, reason = a, "activating", f[3], f[4][len("seconds for "):]
	case strings.Contains(r, " penalty table full, cannot penalise "):
		_, rest, _ := strings.Cut(r, " penalty table full, cannot penalise ")
		a, why, ok := strings.Cut(rest, " for ")
		if !ok {
			return false
		}
		src, state, reason = a, "table-full", why
	default:
		return false
	}
	if state != "active" && state != "deferred" && state != "activating" && state != "table-full" {
		return false
	}
	addr, bits, ok := strings.Cut(src, "/")
	if !ok || !ecs.IsIP(addr) || !ecs.IsDigits(bits) {
		return false
	}
	seconds, err := strconv.ParseFloat(secs, 64)
	if secs != "" && (err != nil || !ecs.IsDigits(strings.Replace(secs, ".", "", 1))) {
		return false
	}
	ecs.Begin(e, "sshd", "sshd.penalty")
	if state == "table-full" {
		ecs.ClassNetInfo.Set(e, "ssh-penalty-table-full", ecs.OutcomeFailure)
	} else {
		ecs.ClassNetInfo.Set(e, "ssh-source-penalty", "")
		e.SetStr("sshd.penalty.state", state)
	}
	e.SetStr("sshd.penalty.source", src)
	if full := strings.Contains(addr, ":") && bits == "128" || !strings.Contains(addr, ":") && bits == "32"; full {
		ecs.SetIP(e, "source.ip", addr)
	}
	if secs != "" {
		e.Set("sshd.penalty.seconds", event.Float(seconds))
	}
	e.SetStr("sshd.reason", strings.TrimPrefix(reason, "penalty: "))
	return true
}

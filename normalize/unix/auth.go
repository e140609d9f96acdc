package unix

import (
	"strings"

	"github.com/nomenhq/nomen/normalize/ecs"
	"github.com/nomenhq/nomen/relay/event"
)

// su and login.

// decodeSu knows the su implementations in use:
//
//	Successful su for root by alice            shadow-utils
//	FAILED su for root by alice
//	+ /dev/pts/1 alice:root                    shadow-utils (- on failure; older: alice-root)
//	(to root) alice on pts/0                   util-linux (FAILED SU (to root) alice on pts/0)
//	alice to root on /dev/ttyp1                BSD (BAD SU alice to root on /dev/ttyp1)
//	'su root' succeeded for alice on /dev/pts/2   Solaris ('su root' failed for ...)
//	failed: ttyq4 changing from alice to root  IRIX
//
// and PAM lines from su.
func decodeSu(e *event.Event) bool { return suMessage(e, e.Message) }

// decodeSuLog decodes a line of sulog, the file Solaris and AIX su write
// (/var/adm/sulog, read by a file forwarder: no program):
//
//	SU 12/07 10:00 + pts/1 alice-root          (- on failure)
//
// its date and time (no year, no seconds) left to the header's; the rest
// is shadow su's "+ TTY FROM-TO".
func decodeSuLog(e *event.Event) bool {
	m, ok := strings.CutPrefix(e.Message, "SU ")
	// "MM/DD HH:MM " then "+ " or "- "
	if !ok || len(m) < 15 || m[2] != '/' || m[5] != ' ' || m[8] != ':' || m[11] != ' ' ||
		!ecs.IsDigits(m[0:2]+m[3:5]+m[6:8]+m[9:11]) || (m[12] != '+' && m[12] != '-') {
		return false
	}
	return suMessage(e, m[12:])
}

// suMessage decodes su's message m (e's, or the part of it that is su's).
// Long because it is one switch over the implementations above, a case each.
func suMessage(e *event.Event, m string) bool {
	if strings.HasPrefix(m, "pam_") && !strings.HasPrefix(m, "pam_authenticate: ") {
		if suPAMStep(e, m) {
			return true
		}
		return decodePAM(e)
	}
	if suRefusal(e, m) {
		return true
	}
	var actor, target, tty string
	success := true
	switch {
	case strings.HasPrefix(m, "Successful su for "), strings.HasPrefix(m, "FAILED su for "):
		success = m[0] == 'S'
		_, r, _ := strings.Cut(m, " su for ")
		var ok bool
		target, actor, ok = strings.Cut(r, " by ")
		if !ok {
			return false
		}
	case len(m) > 2 && (m[0] == '+' || m[0] == '-') && m[1] == ' ':
		success = m[0] == '+'
		var pair string
		tty, pair = ecs.CutWord(m[2:])
		i := strings.IndexByte(pair, ':')
		if i < 0 {
			i = strings.LastIndexByte(pair, '-')
		}
		if i <= 0 || strings.IndexByte(pair, ' ') >= 0 {
			return false
		}
		actor, target = pair[:i], pair[i+1:]
		if pair[i] == '-' && (strings.IndexByte(actor, '-') >= 0 || target == "") {
			// "FROM-TO" (sulog, older shadow) where a name holds '-'
			// ("svc-backup-root"): split in more than one place, it
			// names neither user.
			actor, target = "", ""
		}
	case strings.HasPrefix(m, "(to "), strings.HasPrefix(m, "FAILED SU (to "), strings.HasPrefix(m, "FAILED RUNUSER (to "):
		success = m[0] == '('
		_, r, _ := strings.Cut(m, "(to ")
		t, r, ok := strings.Cut(r, ") ")
		if !ok {
			return false
		}
		target = t
		actor, tty, _ = strings.Cut(r, " on ")
	case strings.HasPrefix(m, "pam_authenticate: "):
		// shadow su.c before its "FAILED su for" line: the PAM error,
		// no user names.
		ecs.Begin(e, "su", "su.pam_failure")
		ecs.ClassAuthStart.Set(e, "su", ecs.OutcomeFailure)
		e.SetStr("su.reason", m[len("pam_authenticate: "):])
		return true
	case strings.HasPrefix(m, "'su "):
		// 'su root' succeeded for alice on /dev/pts/2
		t, r, ok := strings.Cut(m[len("'su "):], "' ")
		if !ok {
			return false
		}
		target = t
		verb, r := ecs.CutWord(r)
		switch verb {
		case "succeeded":
		case "failed":
			success = false
		default:
			return false
		}
		r, ok = strings.CutPrefix(r, "for ")
		if !ok {
			return false
		}
		actor, tty, _ = strings.Cut(r, " on ")
		if target == "" {
			target = "root"
		}
	case strings.HasPrefix(m, "failed: "), strings.Contains(m, " changing from "):
		// failed: ttyq4 changing from alice to root
		r, failed := strings.CutPrefix(m, "failed: ")
		success = !failed
		t, r, ok := strings.Cut(r, " changing from ")
		if !ok {
			return false
		}
		tty = t
		actor, target, ok = strings.Cut(r, " to ")
		if !ok {
			return false
		}
	case suRootOnly(m):
		// GNU coreutils su built without SYSLOG_NON_ROOT logs only su
		// to root: "[FAILED SU ]alice on /dev/pts/0".
		r, failed := strings.CutPrefix(m, "FAILED SU ")
		success, target = !failed, "root"
		actor, tty, _ = strings.Cut(r, " on ")
	default:
		// BSD: "[BAD SU ]alice to root on /dev/ttyp1"
		r, bad := strings.CutPrefix(m, "BAD SU ")
		success = !bad
		var ok bool
		actor, r, ok = strings.Cut(r, " to ")
		if !ok || strings.IndexByte(actor, ' ') >= 0 {
			return decodePAM(e)
		}
		target, tty, ok = strings.Cut(r, " on ")
		if !ok || strings.IndexByte(target, ' ') >= 0 || strings.IndexByte(tty, ' ') >= 0 {
			return decodePAM(e)
		}
	}
	ecs.Begin(e, "su", "")
	if success {
		ecs.SetRule(e, "su.success")
		ecs.ClassAuthStart.Set(e, "su", ecs.OutcomeSuccess)
	} else {
		ecs.SetRule(e, "su.failure")
		ecs.ClassAuthStart.Set(e, "su", ecs.OutcomeFailure)
	}
	ecs.SetUser(e, "user.name", strings.TrimSpace(actor))
	ecs.SetUser(e, "user.effective.name", strings.TrimSpace(target))
	e.SetStr("su.tty", strings.TrimSpace(tty))
	return true
}

// suRootOnly reports whether m is coreutils su's "[FAILED SU ]USER on
// TTY": one word each side of " on ".
func suRootOnly(m string) bool {
	a, tty, ok := strings.Cut(strings.TrimPrefix(m, "FAILED SU "), " on ")
	return ok && a != "" && tty != "" && !strings.ContainsAny(a, " \t") && !strings.ContainsAny(tty, " \t")
}

// suRefusal decodes shadow su's other refusals (src/su.c):
//
//	Authentication failed for TARGET               the password (without PAM)
//	SU by USER to restricted account TARGET        /etc/porttime
//	No passwd entry for user 'TARGET'
//	Cannot execute SHELL | Will not execute SHELL  the shell could not be started
func suRefusal(e *event.Event, m string) bool {
	var actor, target, rule, reason string
	switch {
	case strings.HasPrefix(m, "Authentication failed for "):
		target, rule = m[len("Authentication failed for "):], "su.failure"
	case strings.HasPrefix(m, "SU by ") && strings.Contains(m, " to restricted account "):
		actor, target, _ = strings.Cut(m[len("SU by "):], " to restricted account ")
		rule, reason = "su.failure", "restricted account"
	case strings.HasPrefix(m, "No passwd entry for user '"):
		target, rule = strings.TrimSuffix(m[len("No passwd entry for user '"):], "'"), "su.failure"
		reason = "no such user"
	case strings.HasPrefix(m, "Cannot execute /"), strings.HasPrefix(m, "Will not execute /"):
		_, shell, _ := strings.Cut(m, "execute ")
		ecs.Begin(e, "su", "su.exec_failed")
		ecs.ClassProcStart.Set(e, "su-failed", ecs.OutcomeFailure)
		e.SetStr("process.executable", shell)
		return true
	default:
		return false
	}
	if target == "" || strings.ContainsAny(target+actor, " \t") {
		return false
	}
	ecs.Begin(e, "su", rule)
	ecs.ClassAuthStart.Set(e, "su", ecs.OutcomeFailure)
	ecs.SetUser(e, "user.name", actor)
	ecs.SetUser(e, "user.effective.name", target)
	e.SetStr("su.reason", reason)
	return true
}

// suPAMStep decodes shadow su's other PAM errors, "pam_acct_mgmt: ERROR"
// (the account may not be used), "pam_chauthtok: ERROR" (its expired
// password was not changed), "pam_setcred: ERROR" and "pam_open_session:
// ERROR" (the session could not start): each ends the su. They are the
// PAM call's name, not a module's ("pam_unix(su:auth): ...").
func suPAMStep(e *event.Event, m string) bool {
	call, reason, ok := strings.Cut(m, ": ")
	if !ok || strings.TrimSpace(reason) == "" {
		return false
	}
	switch call {
	case "pam_acct_mgmt", "pam_chauthtok":
		ecs.Begin(e, "su", "su.pam_failure")
		ecs.ClassAuthStart.Set(e, "su", ecs.OutcomeFailure)
	case "pam_setcred", "pam_open_session":
		ecs.Begin(e, "su", "su.session_failure")
		ecs.ClassSessionStart.Set(e, "su-session", ecs.OutcomeFailure)
	case "pam_close_session":
		ecs.Begin(e, "su", "su.session_failure")
		ecs.ClassSessionEnd.Set(e, "su-session", ecs.OutcomeFailure)
	default:
		return false
	}
	e.SetStr("su.reason", reason)
	return true
}

// decodeLogin decodes login(1) (util-linux and shadow-utils):
//
//	ROOT LOGIN ON tty2[ FROM host]                          util-linux
//	LOGIN ON tty1 BY alice[ FROM host]
//	FAILED LOGIN 1 FROM tty1 FOR root, Authentication failure
//	FAILED LOGIN SESSION FROM host FOR alice, Authentication failure
//	ROOT LOGIN  on '/dev/tty1'[ from 'host']                shadow-utils
//	'alice' logged in  on '/dev/tty1'[ from 'host']
//	FAILED LOGIN (1) on '/dev/tty1'[ from 'host'] FOR 'alice', Authentication failure
//	TOO MANY LOGIN TRIES (5) on '/dev/tty1'[ from 'host'] FOR 'alice'
//
// also as "-- root[2421]: ROOT LOGIN ON tty2" (the tag some syslogds make of
// login's ident), and PAM lines from login. A failed user name is what was
// typed; shadow writes "UNKNOWN" for one that is no account, which is no
// user.
func decodeLogin(e *event.Event) bool {
	m := e.Message
	if r, ok := strings.CutPrefix(m, "-- "); ok {
		i := strings.Index(r, "]: ")
		if i < 0 {
			return false
		}
		m = r[i+3:]
	}
	upper := strings.ToUpper(m[:min(len(m), 24)])
	var user, tty, from string
	success := true
	rule := "login.success"
	switch {
	case strings.HasPrefix(upper, "ROOT LOGIN"):
		user = "root"
		r := strings.TrimLeft(m[len("ROOT LOGIN"):], " ")
		if len(r) < 3 || !strings.EqualFold(r[:3], "on ") {
			return false
		}
		if strings.HasPrefix(r, "on '") { // shadow
			var ok bool
			if tty, from, r, ok = loginFromHost(" " + r); !ok || r != "" {
				return false
			}
		} else {
			tty, from, _ = strings.Cut(r[3:], " FROM ")
		}
	case strings.HasPrefix(m, "'") && strings.Contains(m, "' logged in "):
		i := strings.Index(m, "' logged in ")
		user = m[1:i]
		var ok bool
		var r string
		if tty, from, r, ok = loginFromHost(" " + strings.TrimLeft(m[i+len("' logged in "):], " ")); !ok || r != "" {
			return false
		}
	case strings.HasPrefix(m, "LOGIN ON "):
		r := m[len("LOGIN ON "):]
		var ok bool
		tty, r, ok = strings.Cut(r, " BY ")
		if !ok {
			return false
		}
		user, from, _ = strings.Cut(r, " FROM ")
	case strings.HasPrefix(m, "ILLEGAL ROOT LOGIN "):
		// shadow's login: root refused on a tty not in /etc/securetty.
		// "ILLEGAL ROOT LOGIN %s" of " on 'TTY'...": two spaces.
		success, rule, user = false, "login.failure", "root"
		var ok bool
		var r string
		if tty, from, r, ok = loginFromHost(" " + strings.TrimLeft(m[len("ILLEGAL ROOT LOGIN"):], " ")); !ok || r != "" {
			return false
		}
	case strings.HasPrefix(m, "REPEATED login failures "):
		// shadow's login without PAM, after the last retry: no user.
		success, rule = false, "login.failure"
		var ok bool
		var r string
		if tty, from, r, ok = loginFromHost(m[len("REPEATED login failures"):]); !ok || r != "" {
			return false
		}
		e.SetStr("login.reason", "repeated login failures")
		// The attempts were each logged: this notes their number
		// reached the limit, it is no attempt of its own.
		rule = "login.repeated_failures"
	case strings.HasPrefix(m, "LOGIN '") && strings.Contains(m, "' REFUSED "),
		strings.HasPrefix(m, "invalid password for '"), strings.HasPrefix(m, "exceeded failure limit for '"),
		strings.HasPrefix(m, "invalid login time for '"):
		// shadow's login without PAM: "LOGIN 'U' REFUSED FROMHOST"
		// (login.access), "invalid password for 'U' FROMHOST",
		// "exceeded failure limit for 'U' FROMHOST" (faillog).
		success, rule = false, "login.failure"
		var ok bool
		var r, reason string
		if user, r, ok = shadowLoginRefusal(m); !ok {
			return false
		}
		if r, reason, ok = strings.Cut(r, " REFUSED"); ok {
			r, reason = reason, "refused by login.access"
		} else if strings.HasPrefix(m, "invalid password") {
			reason = "invalid password"
		} else if strings.HasPrefix(m, "invalid login time") {
			reason = "invalid login time"
		} else {
			reason = "failure limit exceeded"
		}
		if tty, from, r, ok = loginFromHost(r); !ok || r != "" {
			return false
		}
		e.SetStr("login.reason", reason)
	case strings.HasPrefix(m, "DIALUP AT "):
		// util-linux login on a dial-up line (/etc/usertty's DIALUP).
		var ok bool
		if tty, user, ok = strings.Cut(m[len("DIALUP AT "):], " BY "); !ok {
			return false
		}
	case strings.HasPrefix(m, "FAILED LOGIN "), strings.HasPrefix(m, "TOO MANY LOGIN TRIES "):
		success, rule = false, "login.failure"
		var ok bool
		if user, tty, from, ok = loginFailure(e, m); !ok {
			return false
		}
	default:
		return decodePAM(e)
	}
	ecs.Begin(e, "login", rule)
	outcome := ecs.OutcomeSuccess
	if !success {
		outcome = ecs.OutcomeFailure
	}
	if rule == "login.repeated_failures" {
		ecs.ClassAuthInfo.Set(e, "login-repeated-failures", outcome)
	} else {
		ecs.ClassAuthStart.Set(e, "login", outcome)
	}
	// shadow writes UNKNOWN, util-linux "(unknown)" for a name that is
	// no account (or was not asked), and "<unknown>" for no host or tty.
	if user = strings.TrimSpace(user); user != "UNKNOWN" && user != "(unknown)" {
		ecs.SetUser(e, "user.name", user)
	}
	e.SetStr("login.tty", strings.TrimSpace(trimQuotes(strings.TrimSpace(tty))))
	if from = strings.TrimSpace(trimQuotes(strings.TrimSpace(from))); from != "" && from != "<unknown>" {
		ecs.SetAddress(e, "source", from)
	}
	return true
}

// shadowLoginRefusal cuts the quoted user of shadow login's refusals and
// returns it with the rest (" on 'TTY'..." or " REFUSED on 'TTY'...").
func shadowLoginRefusal(m string) (user, rest string, ok bool) {
	_, r, _ := strings.Cut(m, "'")
	if i := strings.Index(r, "' REFUSED "); strings.HasPrefix(m, "LOGIN '") && i >= 0 {
		return r[:i], " REFUSED" + r[i+len("' REFUSED"):], true
	}
	i := strings.LastIndex(r, "' on '")
	if i < 0 {
		return "", "", false
	}
	return r[:i], r[i+1:], true
}

// loginFromHost reads shadow's " on 'TTY'[ from 'HOST']" at the start of s
// and returns what follows.
func loginFromHost(s string) (tty, host, rest string, ok bool) {
	r, ok := strings.CutPrefix(s, " on '")
	if !ok {
		return "", "", s, false
	}
	if tty, r, ok = strings.Cut(r, "'"); !ok {
		return "", "", s, false
	}
	if h, found := strings.CutPrefix(r, " from '"); found {
		if host, r, ok = strings.Cut(h, "'"); !ok {
			return "", "", s, false
		}
	}
	return tty, host, r, true
}

// loginFailure decodes "FAILED LOGIN N|(N)|SESSION FROMHOST FOR USER[, REASON]"
// and "TOO MANY LOGIN TRIES (N) FROMHOST FOR USER[, REASON]", FROMHOST being
// shadow's " on 'TTY'[ from 'HOST']" or util-linux's " FROM HOST|TTY".
func loginFailure(e *event.Event, m string) (user, tty, from string, ok bool) {
	r := strings.TrimPrefix(strings.TrimPrefix(m, "FAILED LOGIN "), "TOO MANY LOGIN TRIES ")
	_, r = ecs.CutWord(r) // the count, or SESSION
	r = " " + r
	if strings.HasPrefix(r, " on '") {
		if tty, from, r, ok = loginFromHost(r); !ok {
			return "", "", "", false
		}
	} else if h, found := strings.CutPrefix(r, " FROM "); found {
		if from, r, ok = strings.Cut(h, " FOR "); !ok {
			return "", "", "", false
		}
		r = " FOR " + r
	}
	u, found := strings.CutPrefix(r, " FOR ")
	if !found {
		return "", "", "", false
	}
	if q, quoted := strings.CutPrefix(u, "'"); quoted {
		// The name was typed and may hold "', "; the reason (pam_strerror)
		// does not, so the last one ends the name.
		if i := strings.LastIndex(q, "', "); i >= 0 {
			user = q[:i]
			e.SetStr("login.reason", strings.TrimSpace(q[i+3:]))
		} else if user, found = strings.CutSuffix(q, "'"); !found {
			return "", "", "", false
		}
	} else {
		user = u
		if i := strings.IndexByte(user, ','); i >= 0 {
			e.SetStr("login.reason", strings.TrimSpace(user[i+1:]))
			user = user[:i]
		}
	}
	if strings.HasPrefix(from, "tty") || strings.HasPrefix(from, "/dev/") {
		tty, from = from, ""
	}
	return user, tty, from, true
}

package unix

import (
	"strings"

	"github.com/nomenhq/nomen/normalize/ecs"
	"github.com/nomenhq/nomen/parse"
	"github.com/nomenhq/nomen/relay/event"
)

// PAM messages, from any program:
//
//	pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost=1.2.3.4  user=root
//	pam_unix(sshd:auth): check pass; user unknown
//	pam_unix(su:session): session opened for user root[(uid=0)] by alice(uid=1000)
//	pam_unix(su:session): session closed for user root
//	pam_unix(passwd:chauthtok): password changed for alice
//	pam_succeed_if(sshd:auth): requirement "uid >= 1000" not met by user "root"
//	pam_faillock(sshd:auth): Consecutive login failures for user root account temporarily locked
//	PAM 5 more authentication failures; logname= uid=0 euid=0 tty=ssh ruser= rhost=1.2.3.4  user=root
//	PAM service(sshd) ignoring max retries; 6 > 3
//	pam_systemd(sshd:session): Failed to create session: Access denied
//
// and the older forms of Linux-PAM before 0.99 where the service is the
// program: the module in the program name, "su(pam_unix)[21416]: session
// opened for user cyrus by (uid=0)", which the parser splits into the
// program (su) and nomen.app_module (pam_unix), or in parentheses first in
// the message, "sshd[16004]: (pam_unix) authentication failure; ...".

// gateOldPAM: the parser sets nomen.app_module on a line whose tag was
// "prog(module)" only; a line without a field of its own (most lines the
// sniffers see) is refused without looking further.
var gateOldPAM = ecs.SniffGate{Also: func(e *event.Event) bool { return len(e.Fields) != 0 && sniffOldPAM(e) }}

// sniffOldPAM catches "prog(pam_unix)" programs no other decoder claims.
func sniffOldPAM(e *event.Event) bool {
	// Field, not Str: a sniffer runs on every line no earlier decoder
	// took, and nomen.app_module is only ever set by the parser.
	v, ok := e.Field(parse.FieldAppModule)
	return ok && strings.HasPrefix(v.Str, "pam_")
}

func decodePAM(e *event.Event) bool {
	m := e.Message
	if r, ok := strings.CutPrefix(m, "auth: "); ok && strings.HasPrefix(r, "pam_") {
		m = r // dovecot's auth process: "auth: pam_unix(dovecot:auth): ..."
	}
	var module, service, typ string
	switch {
	case strings.HasPrefix(m, "pam_"):
		// pam_MODULE(SERVICE:TYPE): REST
		open := strings.IndexByte(m, '(')
		end := strings.Index(m, "): ")
		if open < 0 || end < open || strings.ContainsAny(m[:open], " :") {
			// "pam_ldap: error trying to bind ..." and other free text.
			i := strings.Index(m, ": ")
			if i < 0 || strings.IndexByte(m[:i], ' ') >= 0 {
				return false
			}
			module, m = m[:i], m[i+2:]
			module, _, _ = strings.Cut(module, "[") // "pam_krb5[812]: ..."
			break
		}
		module = m[:open]
		service, typ, _ = strings.Cut(m[open+1:end], ":")
		m = m[end+3:]
	case strings.HasPrefix(m, "PAM "):
		return pamSummary(e, m[len("PAM "):])
	case strings.HasPrefix(m, "(pam_"):
		end := strings.Index(m, ") ")
		if end < 0 || strings.IndexByte(m[:end], ' ') >= 0 {
			return false
		}
		module, m = m[1:end], m[end+2:]
		service = ecs.ProgramKey(e.AppName)
	default:
		module = e.Str(parse.FieldAppModule)
		if !strings.HasPrefix(module, "pam_") {
			return false
		}
		service = ecs.ProgramKey(e.AppName)
	}

	ok := pamBody(e, m)
	if !ok && module == "pam_ldap" {
		ok = pamLDAP(e, typ, m)
	}
	if !ok && module == "" {
		return false
	}
	if !ok {
		ecs.Begin(e, programOf(e), "pam.other")
	}
	e.SetStr("pam.module", module)
	e.SetStr("pam.service", service)
	e.SetStr("pam.type", typ)
	return true
}

// pamBody decodes the text after "pam_unix(svc:type): ".
func pamBody(e *event.Event, m string) bool {
	switch {
	case strings.HasPrefix(m, "authentication failure;"):
		ecs.Begin(e, programOf(e), "pam.auth.failure")
		ecs.ClassAuthStart.Set(e, "pam-auth", ecs.OutcomeFailure)
		pamKV(e, m[len("authentication failure;"):])
		return true
	case strings.HasPrefix(m, "authentication success;"):
		// pam_sss and pam_ldap log the success with the same key=value tail.
		ecs.Begin(e, programOf(e), "pam.auth.success")
		ecs.ClassAuthStart.Set(e, "pam-auth", ecs.OutcomeSuccess)
		pamKV(e, m[len("authentication success;"):])
		return true
	case strings.HasPrefix(m, "session opened for user "):
		ecs.Begin(e, programOf(e), "pam.session.open")
		ecs.ClassSessionStart.Set(e, "pam-session-open", ecs.OutcomeSuccess)
		pamSessionUsers(e, m[len("session opened for user "):])
		return true
	case strings.HasPrefix(m, "session closed for user "):
		ecs.Begin(e, programOf(e), "pam.session.close")
		ecs.ClassSessionEnd.Set(e, "pam-session-close", ecs.OutcomeSuccess)
		pamSessionUsers(e, m[len("session closed for user "):])
		return true
	case strings.HasPrefix(m, "auth could not identify password for ["):
		// pam_unix got no password to check (sudo -n, no terminal).
		ecs.Begin(e, programOf(e), "pam.no_password")
		ecs.ClassAuthInfo.Set(e, "pam-no-password", ecs.OutcomeFailure)
		if u, ok := strings.CutSuffix(m[len("auth could not identify password for ["):], "]"); ok {
			ecs.SetUser(e, "user.name", u)
		}
		return true
	case strings.HasPrefix(m, "check pass; user unknown"):
		ecs.Begin(e, programOf(e), "pam.user_unknown")
		ecs.ClassAuthInfo.Set(e, "pam-user-unknown", ecs.OutcomeFailure)
		return true
	case strings.HasPrefix(m, "password changed for "), strings.HasPrefix(m, "password not changed for "):
		// pam_unix: "password changed for U", and through NIS
		// "password[ not] changed for U on MASTER".
		_, u, _ := strings.Cut(m, " changed for ")
		u, _, _ = strings.Cut(strings.TrimSpace(u), " on ")
		ecs.Begin(e, programOf(e), "pam.password_changed")
		outcome := ecs.OutcomeSuccess
		if strings.HasPrefix(m, "password not ") {
			ecs.SetRule(e, "pam.password_change_failed")
			outcome = ecs.OutcomeFailure
		}
		ecs.ClassUserChange.Set(e, "password-change", outcome)
		ecs.SetUser(e, "user.target.name", u)
		return true
	case strings.HasPrefix(m, "requirement ") && strings.Contains(m, " not met by user "):
		// requirement "uid >= 1000" not met by user "root"
		i := strings.Index(m, " not met by user ")
		ecs.Begin(e, programOf(e), "pam.requirement_not_met")
		ecs.ClassAuthInfo.Set(e, "pam-requirement-not-met", ecs.OutcomeFailure)
		ecs.SetUser(e, "user.name", trimQuotes(strings.TrimSpace(m[i+len(" not met by user "):])))
		e.SetStr("pam.requirement", trimQuotes(m[len("requirement "):i]))
		return true
	case strings.Contains(m, "temporarily locked") || strings.Contains(m, "account locked"):
		ecs.Begin(e, programOf(e), "pam.account_locked")
		ecs.ClassAuthInfo.Set(e, "pam-account-locked", ecs.OutcomeFailure)
		if i := strings.Index(m, "for user "); i >= 0 {
			u, _ := ecs.CutWord(m[i+len("for user "):])
			ecs.SetUser(e, "user.name", u)
		} else if u, r, ok := strings.Cut(strings.TrimPrefix(m, "User "), " is temporarily locked"); ok && u != m && r != "" {
			// pam_faillock: "User U is temporarily locked out due to
			// N consecutive failed login attempts".
			if !strings.ContainsAny(u, " \t") {
				ecs.SetUser(e, "user.name", u)
			}
		}
		return true
	case strings.HasPrefix(m, "Failed to create session: "):
		// pam_systemd could not register the session with logind.
		ecs.Begin(e, programOf(e), "pam.session.create_failed")
		ecs.ClassSessionStart.Set(e, "pam-session-open", ecs.OutcomeFailure)
		e.SetStr("event.reason", m[len("Failed to create session: "):])
		return true
	case strings.Contains(m, " more authentication failure"):
		// Linux-PAM before 0.99 under the module's name:
		// "sshd(pam_unix)[15794]: 2 more authentication failures; ...".
		return pamSummary(e, m)
	case strings.HasPrefix(m, "account ") && strings.Contains(m, " has expired"):
		ecs.Begin(e, programOf(e), "pam.account_expired")
		ecs.ClassAuthInfo.Set(e, "pam-account-expired", ecs.OutcomeFailure)
		u, _ := ecs.CutWord(m[len("account "):])
		ecs.SetUser(e, "user.name", u)
		return true
	}
	return pamRefusal(e, m)
}

// pamRefusal decodes the modules' other refusals (Linux-PAM and SSSD
// sources):
//
//	expired password for user U (REASON)              pam_unix account
//	access denied for user `U' from `FROM'            pam_access
//	access denied: tty 'T' is not secure !            pam_securetty
//	Refused user U for service S                      pam_listfile
//	user U (UID) tally N, deny M                      pam_tally2
//	received for user U: N (TEXT)                     pam_sss (the result of a refused logon: no outcome)
//	Access denied for user U: N (TEXT)                pam_sss account
//	conversation failed                               pam_unix: no answer to the password prompt
func pamRefusal(e *event.Event, m string) bool {
	var rule, action, user, reason string
	class := ecs.ClassAuthInfo
	switch {
	case strings.HasPrefix(m, "expired password for user "):
		rule, action = "pam.password_expired", "pam-password-expired"
		user, reason = ecs.CutWord(m[len("expired password for user "):])
	case strings.HasPrefix(m, "access denied for user `"):
		rule, action = "pam.access_denied", "pam-access-denied"
		u, from, ok := strings.Cut(m[len("access denied for user `"):], "' from `")
		if !ok {
			return false
		}
		user, from = u, strings.TrimSuffix(from, "'")
		// from is the remote host, else the tty, else the service
		// (pam_access.c): an address, or a name with a dot that no tty
		// (tty1, pts/0, :0.0) or service has, is the host.
		if ecs.IsIP(from) || (strings.IndexByte(from, '.') > 0 && !strings.ContainsAny(from, "/: ")) {
			ecs.SetAddress(e, "source", from)
		}
	case strings.HasPrefix(m, "access denied: tty "):
		rule, action, reason = "pam.access_denied", "pam-access-denied", "tty not secure"
		e.SetStr("pam.tty", trimQuotes(strings.TrimSuffix(strings.TrimSuffix(m[len("access denied: tty "):], " !"), " is not secure")))
	case strings.HasPrefix(m, "Refused user "):
		rule, action, reason = "pam.access_denied", "pam-access-denied", "listfile"
		var ok bool
		if user, _, ok = strings.Cut(m[len("Refused user "):], " for service "); !ok {
			return false
		}
	case strings.HasPrefix(m, "user ") && strings.Contains(m, ") tally "):
		rule, action = "pam.account_locked", "pam-account-locked"
		user, _ = ecs.CutWord(m[len("user "):])
	case strings.HasPrefix(m, "received for user "):
		// pam_sss: "received for user U: N (TEXT)", the module's result
		// code of a logon it refused. Its "authentication failure;
		// logname=... rhost=... user=U" line before it (pamKV) is that
		// attempt's failure: this one has no outcome, or one refused
		// logon would count as two failures.
		user, code, text, ok := sssUserStatus(m)
		if !ok || code == "0" {
			return false // SSSD 1.0-1.2 logged every answer, "0 (Success)" too
		}
		ecs.Begin(e, programOf(e), "pam.auth.result")
		ecs.ClassAuthInfo.Set(e, "pam-auth-result", "")
		if !strings.ContainsAny(user, " \t") {
			ecs.SetUser(e, "user.name", user)
		}
		e.SetStr("event.reason", text)
		return true
	case strings.HasPrefix(m, "Authentication failed for user "):
		// pam_sss: "Authentication failed for user U: N (TEXT)" (the
		// current password of a change refused).
		rule, action, class = "pam.auth.failure", "pam-auth", ecs.ClassAuthStart
		var code string
		var ok bool
		if user, code, reason, ok = sssUserStatus(m); !ok || code == "0" {
			return false
		}
	case strings.HasPrefix(m, "Password change failed for user "):
		u, _, text, ok := sssUserStatus(m)
		if !ok {
			return false
		}
		ecs.Begin(e, programOf(e), "pam.password_change_failed")
		ecs.ClassUserChange.Set(e, "password-change", ecs.OutcomeFailure)
		if !strings.ContainsAny(u, " \t") {
			ecs.SetUser(e, "user.target.name", u)
		}
		e.SetStr("event.reason", text)
		return true
	case strings.HasPrefix(m, "Access denied for user "):
		// pam_sss's account refusal: "Access denied for user U: N (TEXT)".
		rule, action = "pam.access_denied", "pam-access-denied"
		var ok bool
		if user, _, reason, ok = sssUserStatus(m); !ok {
			return false
		}
	case m == "conversation failed":
		rule, action = "pam.conversation_failed", "pam-conversation-failed"
	default:
		return pamModuleNote(e, m)
	}
	ecs.Begin(e, programOf(e), rule)
	class.Set(e, action, ecs.OutcomeFailure)
	if !strings.ContainsAny(user, " \t") {
		ecs.SetUser(e, "user.name", user)
	}
	e.SetStr("event.reason", strings.Trim(reason, "() "))
	return true
}

// sssUserStatus reads pam_sss's "... for user U: N (TEXT)". U is the name
// as the client typed it, ": " and all, and TEXT (pam_strerror's) holds
// no ": ", so the last ": " ends U.
func sssUserStatus(m string) (user, code, text string, ok bool) {
	head, _, ok := strings.Cut(m, " for user ")
	i := strings.LastIndex(m, ": ")
	if !ok || i < len(head)+len(" for user ") {
		return "", "", "", false
	}
	code, text, _ = strings.Cut(m[i+2:], " (") // "7 (Authentication failure)"
	return m[len(head)+len(" for user ") : i], code, strings.Trim(text, "() "), true
}

// pamSummary decodes the text after "PAM ".
func pamSummary(e *event.Event, m string) bool {
	n, rest := ecs.CutWord(m)
	if _, ok := ecs.ParseUint(n); ok && strings.HasPrefix(rest, "more authentication failure") {
		ecs.Begin(e, programOf(e), "pam.auth.more_failures")
		ecs.ClassAuthInfo.Set(e, "pam-auth-failures", ecs.OutcomeFailure)
		ecs.SetUint(e, "pam.more_failures", n)
		if i := strings.IndexByte(rest, ';'); i >= 0 {
			pamKV(e, rest[i+1:])
		}
		return true
	}
	if s, ok := strings.CutPrefix(m, "service("); ok && strings.Contains(s, "ignoring max retries") {
		ecs.Begin(e, programOf(e), "pam.max_retries")
		ecs.ClassAuthInfo.Set(e, "pam-max-retries", "")
		svc, _, _ := strings.Cut(s, ")")
		e.SetStr("pam.service", svc)
		return true
	}
	return false
}

// pamKV decodes " logname= uid=0 euid=0 tty=ssh ruser= rhost=1.2.3.4  user=root".
// user= is the account being authenticated, ruser= the user asking: when
// they differ (su, sudo) the asker is user.name and the account
// user.effective.name.
func pamKV(e *event.Event, s string) {
	user, _ := kvSpace(s, "user")
	// user= is the last key pam_unix writes ("... rhost=%s user=%s"): its
	// value is the rest of the line, the name as it was typed, spaces
	// and all ("x: Connection from ..." was cut to "x:").
	if i := strings.LastIndex(s, " user="); i >= 0 && !strings.Contains(s[i+len(" user="):], "=") {
		user = strings.TrimSpace(s[i+len(" user="):])
	}
	ruser, _ := kvSpace(s, "ruser")
	pamUsers(e, ruser, user)
	if rhost, ok := kvSpace(s, "rhost"); ok {
		ecs.SetAddress(e, "source", rhost)
	}
	if v, _ := kvSpace(s, "tty"); v != "" {
		e.SetStr("pam.tty", v)
	}
	if v, _ := kvSpace(s, "logname"); v != "" {
		e.SetStr("pam.logname", v)
	}
	if v, ok := kvSpace(s, "uid"); ok {
		ecs.SetUint(e, "pam.uid", v)
	}
	if v, ok := kvSpace(s, "euid"); ok {
		ecs.SetUint(e, "pam.euid", v)
	}
}

// pamUsers sets user.name to the acting user and user.effective.name to
// the account it acts as, when they differ.
func pamUsers(e *event.Event, actor, account string) {
	switch actor {
	case "", "LOGIN", "(unknown)", account:
		ecs.SetUser(e, "user.name", account)
	default:
		ecs.SetUser(e, "user.name", actor)
		ecs.SetUser(e, "user.effective.name", account)
	}
}

// pamSessionUsers decodes "root[(uid=0)][ by alice(uid=1000)]".
func pamSessionUsers(e *event.Event, s string) {
	account, by, _ := strings.Cut(strings.TrimSpace(s), " by ")
	account, uid := cutUID(account)
	actor, _ := cutUID(by)
	pamUsers(e, actor, account)
	if uid != "" {
		if e.Has("user.effective.name") {
			e.SetStr("user.effective.id", uid)
		} else {
			e.SetStr("user.id", uid)
		}
	}
}

// cutUID splits "alice(uid=1000)" into "alice", "1000".
func cutUID(s string) (name, uid string) {
	i := strings.Index(s, "(uid=")
	if i < 0 {
		return s, ""
	}
	uid = s[i+len("(uid="):]
	if j := strings.IndexByte(uid, ')'); j >= 0 {
		uid = uid[:j]
	}
	return s[:i], uid
}

package unix

import (
	"strings"

	"github.com/nomenhq/nomen/normalize/ecs"
	"github.com/nomenhq/nomen/relay/event"
)

// pamModuleNote decodes more modules' sentences (Linux-PAM's
// pam_faillock, pam_tally2, pam_unix, pam_mkhomedir; pam_krb5;
// google-authenticator-libpam):
//
//	Account locked due to N failed logins                          pam_faillock
//	User unknown                                                   pam_faillock
//	user U (UID) has time limit [Ns left] since last failure.      pam_tally2
//	bad username [U]                                               pam_unix
//	authentication succeeds for 'U' (PRINCIPAL)                    pam_krb5
//	authentication fails for 'U' (PRINCIPAL): REASON               pam_krb5
//	Accepted google_authenticator for U                            pam_google_authenticator
//	Invalid verification code for U                                pam_google_authenticator
//	Creating directory 'PATH'.                                     pam_mkhomedir
//	requirement "uid >= 1000" was met by user "U"                  pam_succeed_if
//	Too many logins (max N) for U | Too many system logins (max N) pam_limits
//	Failed to release session: REASON                              pam_systemd
//	password - (old) token not obtained | new password not acceptable   pam_unix chauthtok
func pamModuleNote(e *event.Event, m string) bool {
	switch {
	case strings.HasPrefix(m, "requirement ") && strings.Contains(m, " was met by user "):
		i := strings.Index(m, " was met by user ")
		ecs.Begin(e, programOf(e), "pam.requirement_met")
		ecs.ClassAuthInfo.Set(e, "pam-requirement-met", ecs.OutcomeSuccess)
		ecs.SetUser(e, "user.name", trimQuotes(strings.TrimSpace(m[i+len(" was met by user "):])))
		e.SetStr("pam.requirement", trimQuotes(m[len("requirement "):i]))
		return true
	case strings.HasPrefix(m, "Too many logins (max "), strings.HasPrefix(m, "Too many system logins (max "):
		// pam_limits refused the session: maxlogins or maxsyslogins.
		ecs.Begin(e, programOf(e), "pam.limits.too_many_logins")
		ecs.ClassSessionStart.Set(e, "pam-session-open", ecs.OutcomeFailure)
		if _, u, ok := strings.Cut(m, ") for "); ok && !strings.ContainsAny(u, " \t") {
			ecs.SetUser(e, "user.name", u)
		}
		e.SetStr("event.reason", "too many logins")
		return true
	case strings.HasPrefix(m, "Failed to release session: "):
		ecs.Begin(e, programOf(e), "pam.session.release_failed")
		ecs.ClassSessionEnd.Set(e, "pam-session-close", ecs.OutcomeFailure)
		e.SetStr("event.reason", m[len("Failed to release session: "):])
		return true
	case m == "password - (old) token not obtained", m == "new password not acceptable", m == "New password not acceptable",
		m == "new password not acceptable 2", m == "user not authenticated",
		m == "user password changed by another process", m == "user shadow entry expired":
		// pam_unix (and pam_winbind) refused a password change: no
		// user in the sentence, the service (passwd) says who asked.
		ecs.Begin(e, programOf(e), "pam.password_change_failed")
		ecs.ClassUserChange.Set(e, "password-change", ecs.OutcomeFailure)
		e.SetStr("event.reason", m)
		return true
	case strings.HasPrefix(m, "Account locked due to ") && strings.HasSuffix(m, " failed logins"):
		ecs.Begin(e, programOf(e), "pam.account_locked")
		ecs.ClassAuthInfo.Set(e, "pam-account-locked", ecs.OutcomeFailure)
		e.SetStr("event.reason", m)
		return true
	case strings.HasPrefix(m, "could not identify user (from "):
		// pam_unix account: "could not identify user (from
		// getpwnam(U))" (no such account) or "(from uid=N)".
		ecs.Begin(e, programOf(e), "pam.user_unknown")
		ecs.ClassAuthInfo.Set(e, "pam-user-unknown", ecs.OutcomeFailure)
		if r, ok := strings.CutPrefix(m, "could not identify user (from getpwnam("); ok {
			if u, ok := strings.CutSuffix(r, "))"); ok && !strings.ContainsAny(u, " \t") {
				ecs.SetUser(e, "user.name", u)
			}
		}
		return true
	case m == "User unknown", strings.HasPrefix(m, "User unknown: "):
		// pam_faillock; with its audit option it names what was typed.
		ecs.Begin(e, programOf(e), "pam.user_unknown")
		ecs.ClassAuthInfo.Set(e, "pam-user-unknown", ecs.OutcomeFailure)
		if u, ok := strings.CutPrefix(m, "User unknown: "); ok && !strings.ContainsAny(u, " \t") {
			ecs.SetUser(e, "user.name", u)
		}
		return true
	case strings.HasPrefix(m, "user ") && strings.Contains(m, ") has time limit ["):
		ecs.Begin(e, programOf(e), "pam.account_locked")
		ecs.ClassAuthInfo.Set(e, "pam-account-locked", ecs.OutcomeFailure)
		u, _ := ecs.CutWord(m[len("user "):])
		ecs.SetUser(e, "user.name", u)
		e.SetStr("event.reason", "time limit since last failure")
		return true
	case strings.HasPrefix(m, "bad username ["):
		u, ok := strings.CutSuffix(m[len("bad username ["):], "]")
		if !ok {
			return false
		}
		ecs.Begin(e, programOf(e), "pam.bad_username")
		ecs.ClassAuthInfo.Set(e, "pam-bad-username", ecs.OutcomeFailure)
		if !strings.ContainsAny(u, " \t") {
			ecs.SetUser(e, "user.name", u)
		}
		return true
	case strings.HasPrefix(m, "authentication succeeds for '"), strings.HasPrefix(m, "authentication fails for '"):
		return pamKrb5(e, m)
	case strings.HasPrefix(m, "Accepted google_authenticator for "), strings.HasPrefix(m, "Invalid verification code for "):
		user, outcome, rule := "", ecs.OutcomeSuccess, "pam.auth.success"
		if u, ok := strings.CutPrefix(m, "Invalid verification code for "); ok {
			user, outcome, rule = u, ecs.OutcomeFailure, "pam.auth.failure"
		} else {
			user = m[len("Accepted google_authenticator for "):]
		}
		if user == "" || strings.ContainsAny(user, " \t") {
			return false
		}
		ecs.Begin(e, programOf(e), rule)
		ecs.ClassAuthStart.Set(e, "pam-auth", outcome)
		ecs.SetUser(e, "user.name", user)
		return true
	case strings.HasPrefix(m, "Creating directory '"):
		path, ok := strings.CutSuffix(m[len("Creating directory '"):], "'.")
		if !ok || path == "" {
			return false
		}
		ecs.Begin(e, programOf(e), "pam.home_create")
		classFileCreate.Set(e, "pam-home-create", ecs.OutcomeSuccess)
		e.SetStr("file.path", path)
		return true
	}
	return false
}

var classFileCreate = ecs.NewClass(ecs.Cats(ecs.CatFile), ecs.TypeCreation)

// pamKrb5 decodes pam_krb5's "authentication succeeds|fails for 'U'
// (PRINCIPAL)[: REASON]".
func pamKrb5(e *event.Event, m string) bool {
	verb, r, _ := strings.Cut(m[len("authentication "):], " for '")
	user, r, ok := strings.Cut(r, "' (")
	principal, reason, _ := strings.Cut(r, "): ")
	principal = strings.TrimSuffix(principal, ")")
	if !ok || user == "" || strings.ContainsAny(user, " \t") {
		return false
	}
	if verb == "succeeds" {
		ecs.Begin(e, programOf(e), "pam.auth.success")
		ecs.ClassAuthStart.Set(e, "pam-auth", ecs.OutcomeSuccess)
	} else {
		ecs.Begin(e, programOf(e), "pam.auth.failure")
		ecs.ClassAuthStart.Set(e, "pam-auth", ecs.OutcomeFailure)
		e.SetStr("event.reason", reason)
	}
	ecs.SetUser(e, "user.name", user)
	e.SetStr("pam.krb5_principal", principal)
	return true
}

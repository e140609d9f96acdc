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
func pamModuleNote(e *event.Event, m string) bool {
	switch {
	case strings.HasPrefix(m, "Account locked due to ") && strings.HasSuffix(m, " failed logins"):
		ecs.Begin(e, programOf(e), "pam.account_locked")
		ecs.ClassAuthInfo.Set(e, "pam-account-locked", ecs.OutcomeFailure)
		e.SetStr("event.reason", m)
		return true
	case m == "User unknown":
		ecs.Begin(e, programOf(e), "pam.user_unknown")
		ecs.ClassAuthInfo.Set(e, "pam-user-unknown", ecs.OutcomeFailure)
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

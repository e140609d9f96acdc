package unix

import (
	"strings"

	"github.com/nomenhq/nomen/normalize/ecs"
	"github.com/nomenhq/nomen/relay/event"
)

// pamLDAP decodes the two pam_ldap modules' own sentences (their PAM
// session lines go through pamBody like any module's).
//
// nss-pam-ldapd's pam_ldap (pam/pam.c) asks nslcd and logs a refusal as
// pam_strerror's text and the user, the phase in the PAM type:
//
//	pam_ldap(sshd:auth): Authentication failure; user=alice              auth: pam-auth failure
//	pam_ldap(sshd:account): Permission denied; user=alice                account: pam-account-denied
//	pam_ldap(passwd:password): password change failed: REASON; user=U    password-change failure
//	pam_ldap(sshd:auth): failed to contact nslcd: ERROR                  nslcd unreachable (also error reading from / writing to nslcd)
//
// PADL's pam_ldap (pam_ldap.c) binds to the directory itself:
//
//	pam_ldap: error trying to bind as user "DN" (REASON)   the user's bind: pam-auth failure
//	pam_ldap: error trying to bind (REASON)                the module's own bind: pam-ldap-error
//	pam_ldap: ldap_simple_bind REASON                      pam-ldap-error (also ldap_starttls_s, missing file, secret file)
//	pam_ldap: reconnecting to LDAP server...               pam-ldap-reconnect
func pamLDAP(e *event.Event, typ, m string) bool {
	if rest, user, ok := cutLDAPUser(m); ok {
		switch {
		case strings.HasPrefix(rest, "password change failed: "), strings.HasPrefix(rest, "password change prohibited: "):
			ecs.Begin(e, programOf(e), "pam.password_change_failed")
			ecs.ClassUserChange.Set(e, "password-change", ecs.OutcomeFailure)
			ecs.SetUser(e, "user.target.name", user)
			_, reason, _ := strings.Cut(rest, ": ")
			e.SetStr("event.reason", reason)
			return true
		case typ == "auth":
			ecs.Begin(e, programOf(e), "pam.auth.failure")
			ecs.ClassAuthStart.Set(e, "pam-auth", ecs.OutcomeFailure)
		case typ == "account":
			ecs.Begin(e, programOf(e), "pam.account_denied")
			ecs.ClassAuthInfo.Set(e, "pam-account-denied", ecs.OutcomeFailure)
		default:
			return false
		}
		ecs.SetUser(e, "user.name", user)
		e.SetStr("event.reason", rest)
		return true
	}
	for _, p := range [...]string{"failed to contact nslcd: ", "error reading from nslcd: ", "error writing to nslcd: "} {
		if reason, ok := strings.CutPrefix(m, p); ok {
			return pamLDAPError(e, p[:len(p)-2], reason)
		}
	}
	switch {
	case strings.HasPrefix(m, `error trying to bind as user "`):
		dn, reason, ok := strings.Cut(m[len(`error trying to bind as user "`):], `" (`)
		reason, ok2 := strings.CutSuffix(reason, ")")
		if !ok || !ok2 || dn == "" {
			return false
		}
		ecs.Begin(e, programOf(e), "pam.auth.failure")
		ecs.ClassAuthStart.Set(e, "pam-auth", ecs.OutcomeFailure)
		e.SetStr("pam.ldap_dn", dn)
		if u := ecs.LoginFromDN(dn); u != "" {
			ecs.SetUser(e, "user.name", u)
		}
		e.SetStr("event.reason", reason)
		return true
	case strings.HasPrefix(m, "error trying to bind ("):
		reason, ok := strings.CutSuffix(m[len("error trying to bind ("):], ")")
		return ok && pamLDAPError(e, "bind failed", reason)
	case strings.HasPrefix(m, "ldap_simple_bind "):
		return pamLDAPError(e, "bind failed", m[len("ldap_simple_bind "):])
	case strings.HasPrefix(m, "ldap_starttls_s: "):
		return pamLDAPError(e, "starttls failed", m[len("ldap_starttls_s: "):])
	case strings.HasPrefix(m, "missing file "), strings.HasPrefix(m, "could not open secret file "):
		return pamLDAPError(e, "configuration", m)
	case m == "reconnecting to LDAP server...":
		ecs.Begin(e, programOf(e), "pam.ldap_reconnect")
		ecs.ClassAuthInfo.Set(e, "pam-ldap-reconnect", "")
		return true
	}
	return false
}

// cutLDAPUser cuts nss-pam-ldapd's "; user=NAME" off the end of m.
func cutLDAPUser(m string) (rest, user string, ok bool) {
	i := strings.LastIndex(m, "; user=")
	if i <= 0 {
		return "", "", false
	}
	user = m[i+len("; user="):]
	if user == "" || strings.ContainsAny(user, " \t") {
		return "", "", false
	}
	return m[:i], user, true
}

// pamLDAPError: the module could not ask the directory (or nslcd), so no
// user's authentication was decided.
func pamLDAPError(e *event.Event, reason, err string) bool {
	if err == "" {
		return false
	}
	ecs.Begin(e, programOf(e), "pam.ldap_error")
	ecs.ClassAuthInfo.Set(e, "pam-ldap-error", ecs.OutcomeFailure)
	e.SetStr("event.reason", reason)
	e.SetStr("error.message", err)
	return true
}

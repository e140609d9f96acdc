package apps

import (
	"strconv"
	"strings"

	"github.com/nomenhq/nomen/normalize/ecs"
	"github.com/nomenhq/nomen/relay/event"
)

// cutSlapd cuts the "TTTTTTTT.NNNNNNNN 0xTHREAD " that OpenLDAP 2.5+
// writes before each line of its own log file and of its standard error
// (slapd -d, forwarded by journald): a hexadecimal time and the thread.
// Through syslog the line has no such head.
func cutSlapd(m string) (string, head, bool) {
	if len(m) > 20 && m[8] == '.' && m[17] == ' ' && isHex(m[:8]) && isHex(m[9:17]) && strings.HasPrefix(m[18:], "0x") {
		if _, r, ok := strings.Cut(m[18:], " "); ok {
			return r, head{}, true
		}
	}
	return m, head{}, true
}

// ldapResults names LDAP's result codes (RFC 4511 section 4.1.9, and the
// later RFCs' 118-123: cancel, assertion, proxied authorization). A code
// not here keeps its number alone.
var ldapResults = map[int64]string{
	0: "success", 1: "operationsError", 2: "protocolError", 3: "timeLimitExceeded",
	4: "sizeLimitExceeded", 5: "compareFalse", 6: "compareTrue", 7: "authMethodNotSupported",
	8: "strongerAuthRequired", 10: "referral", 11: "adminLimitExceeded",
	12: "unavailableCriticalExtension", 13: "confidentialityRequired", 14: "saslBindInProgress",
	16: "noSuchAttribute", 17: "undefinedAttributeType", 18: "inappropriateMatching",
	19: "constraintViolation", 20: "attributeOrValueExists", 21: "invalidAttributeSyntax",
	32: "noSuchObject", 33: "aliasProblem", 34: "invalidDNSyntax", 36: "aliasDereferencingProblem",
	48: "inappropriateAuthentication", 49: "invalidCredentials", 50: "insufficientAccessRights",
	51: "busy", 52: "unavailable", 53: "unwillingToPerform", 54: "loopDetect",
	64: "namingViolation", 65: "objectClassViolation", 66: "notAllowedOnNonLeaf",
	67: "notAllowedOnRDN", 68: "entryAlreadyExists", 69: "objectClassModsProhibited",
	71: "affectsMultipleDSAs", 80: "other", 118: "canceled", 119: "noSuchOperation",
	120: "tooLate", 121: "cannotCancel", 122: "assertionFailed", 123: "authorizationDenied",
}

// postSlapd sets a result's outcome from its code: success, and a
// compare's answers (compareFalse and compareTrue are the operation
// done), succeed; a SASL bind's next step (saslBindInProgress) and a
// referral say neither; every other code is the operation refused or
// failed, named in event.reason. TLS established's protocol goes to
// ECS's tls.version; a bind's or a password change's DN names its user
// when its first RDN is uid=, and a SASL bind's authcid when it is a
// login, not a DN.
func postSlapd(e *event.Event) {
	if v, ok := e.Field("openldap.result.code"); ok && v.Type == event.TypeInt {
		switch code := v.Num; code {
		case 0, 5, 6:
			e.SetStr("event.outcome", ecs.OutcomeSuccess)
		case 10, 14:
		default:
			e.SetStr("event.outcome", ecs.OutcomeFailure)
			if name, ok := ldapResults[code]; ok {
				e.SetStr("event.reason", name)
			} else {
				e.SetStr("event.reason", "LDAP result "+strconv.FormatInt(code, 10))
			}
		}
	}
	if u := ecs.LoginFromDN(e.Str("openldap.bind.dn")); u != "" {
		ecs.SetUser(e, "user.name", u)
	}
	if a := e.Str("openldap.bind.authcid"); a != "" {
		if !strings.Contains(a, "=") {
			ecs.SetUser(e, "user.name", a) // a mechanism's login ("alice", "alice@EXAMPLE.COM")
		} else if u := ecs.LoginFromDN(a); u != "" {
			ecs.SetUser(e, "user.name", u) // EXTERNAL's DN
		}
	}
	if u := ecs.LoginFromDN(e.Str("openldap.proxyauthz.dn")); u != "" {
		ecs.SetUser(e, "user.effective.name", u)
	}
	if u := ecs.LoginFromDN(e.Str("openldap.passmod.dn")); u != "" {
		ecs.SetUser(e, "user.target.name", u)
	}
	if p := e.Str("openldap.tls_proto"); p != "" {
		ecs.SetTLSVersion(e, p)
	}
}

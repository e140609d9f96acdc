package apps

import (
	"strings"

	"github.com/nomenhq/nomen/normalize/ecs"
	"github.com/nomenhq/nomen/relay/event"
)

// sambaMarkers are the fixed texts between the fields of Samba's audit
// lines (catalogs/samba.toml), after the "]" that ends a field (and its
// "." before "local host" in an Auth line); each is in a line once.
var sambaMarkers = [...]string{"user [", "at [", "with [", "status [", "workstation [",
	"remote host [", "Remote host [", "local host [", "became [", "mapped to [",
	"SID [", "DN [", "Group [", "User ["}

// cutSamba cuts the indent Samba gives a message under its header line,
// and refuses an audit line in which a marker is twice: a client's
// account, domain or workstation name holding one could set the status
// or the address (Samba escapes no bracket). One pass over the "] "s
// finds them all.
func cutSamba(m string) (string, head, bool) {
	m = strings.TrimLeft(m, " \t")
	if !strings.HasPrefix(m, "Auth: [") && !strings.HasPrefix(m, "Successful AuthZ: [") &&
		!strings.HasPrefix(m, "Password Change [") && !strings.HasPrefix(m, "Group Change [") {
		// A share's connect and close: a machine name holding the
		// sentence's words.
		ok := strings.Count(m, "connect to service ") <= 1 && strings.Count(m, " initially as user ") <= 1
		return m, head{}, ok
	}
	var seen [len(sambaMarkers)]bool
	for r := m; ; {
		i := strings.IndexByte(r, ']')
		if i < 0 {
			break
		}
		r = r[i+1:]
		after := strings.TrimPrefix(r, ".")
		if !strings.HasPrefix(after, " ") {
			continue
		}
		after = after[1:]
		for k, mk := range sambaMarkers {
			if strings.HasPrefix(after, mk) {
				if seen[k] {
					return "", head{}, false
				}
				seen[k] = true
			}
		}
	}
	return m, head{}, true
}

// sambaFields are the fields where "(null)" is Samba's empty value.
var sambaFields = [...]string{"samba.client_domain", "user.name", "samba.workstation", "samba.password_type",
	"samba.auth_description", "samba.became_domain", "samba.became_account", "samba.mapped_domain",
	"samba.mapped_account", "samba.auth_type"}

// postSamba drops Samba's "(null)" values and reads the remote host
// (setSambaRemote).
func postSamba(e *event.Event) {
	for _, k := range sambaFields {
		if e.Str(k) == "(null)" {
			e.Delete(k)
		}
	}
	sambaIdentity(e)
	// The client's domain is a NetBIOS or DNS domain name, not a host:
	// set here rather than by the catalog, whose .domain fields also
	// go to related.hosts.
	if d := e.Str("samba.client_domain"); d != "" {
		e.SetStr("user.domain", d)
		e.Delete("samba.client_domain")
	}
	// A group change's status: LDB's "Success", or its error's text.
	if st := e.Str("samba.status"); st != "" {
		if st == "Success" {
			e.SetStr("event.outcome", "success")
		} else {
			e.SetStr("event.outcome", "failure")
			e.SetStr("event.reason", st)
		}
		e.Delete("samba.status")
	}
	r := e.Str("samba.remote_host")
	e.Delete("samba.remote_host")
	if strings.ContainsAny(r, " ()") {
		// A share's sentence whose machine name held a "(...)" of its
		// own: neither is known.
		e.Delete("samba.client_name")
		return
	}
	if ecs.IsIP(r) { // before 4.0: the address alone
		ecs.SetAddress(e, "source", r)
		return
	}
	setSambaRemote(e, r)
}

// sambaIdentity settles user.name and user.id of a logon from what the
// client named (user.name) and the account Samba made of it
// (samba.became_account, its SID samba.became_sid):
//
//   - an LDAP simple bind names its account by DN ("CN=svc ldap,CN=Users,
//     DC=..."), which is no user name: the DN is samba.client_dn, and the
//     account it resolved to is user.name;
//   - the SID is user.id only when it is that account's: the one the
//     client named (its principal's name part for Kerberos, "alice" of
//     "alice@EXAMPLE.COM"), an anonymous logon's, or the DN's. A client
//     Samba mapped to another account (map to guest) keeps its own name,
//     and the other's SID stays samba.became_sid.
func sambaIdentity(e *event.Event) {
	client := e.Str("user.name")
	became := e.Str("samba.became_account")
	if strings.IndexByte(client, '=') >= 0 { // sAMAccountName and UPN hold no "="
		e.SetStr("samba.client_dn", client)
		e.Delete("user.name")
		e.Delete("related.user")
		if became != "" {
			ecs.SetUser(e, "user.name", became)
			client = became
		}
	}
	if client == "" {
		e.Delete("related.user")
	}
	sid := e.Str("samba.became_sid")
	if sid == "" {
		return
	}
	name, _, _ := strings.Cut(client, "@")
	if client == "" || strings.EqualFold(name, became) {
		e.SetStr("user.id", sid)
		e.Delete("samba.became_sid")
	}
}

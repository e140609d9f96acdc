package apps

import (
	"testing"

	"github.com/nomenhq/nomen/normalize/ecs"
	"github.com/nomenhq/nomen/normalize/internal/normtest"
	"github.com/nomenhq/nomen/normalize/vendor"
	"github.com/nomenhq/nomen/relay/event"
)

// A user-controlled part of an identity service's line (an LDAP DN or
// filter, a Kerberos principal the client names, a kadmin target, a
// Samba account or workstation name) that imitates the rest of its
// sentence sets no field it does not carry: the line keeps the fields
// the server wrote, or is not decoded.
func TestIdentityForgedFields(t *testing.T) {
	for _, tc := range []struct {
		app, msg string
		want     map[string]string // "" = absent
	}{
		// slapd: a DN is quoted (escaped quotes inside), a filter is read
		// to the end of the line, text= is the line's last field.
		{"slapd", `conn=7 op=0 BIND dn="uid=x\" mech=SIMPLE ssf=0,dc=example,dc=com" method=128`,
			map[string]string{"nomen.rule": "slapd.bind.request", "event.outcome": "", "openldap.bind.mechanism": ""}},
		{"slapd", `conn=7 op=1 SRCH base="dc=example,dc=com" scope=2 deref=0 filter="(uid=a" base="o=evil")"`,
			map[string]string{"openldap.search.base": "dc=example,dc=com", "openldap.search.filter": `(uid=a" base="o=evil")`}},
		{"slapd", `conn=7 op=1 RESULT tag=97 err=49 text=err=0 nentries=9`,
			map[string]string{"event.outcome": "failure", "event.reason": "invalidCredentials", "openldap.search.entries": ""}},
		// A SASL bind's authcid is a login, or EXTERNAL's DN, which is
		// no user name (review30: the DN was user.name); an authcid
		// holding a quote and another authzid is not read.
		{"slapd", `conn=7 op=0 BIND authcid="gidNumber=0+uidNumber=0,cn=peercred,cn=external,cn=auth" authzid=""`,
			map[string]string{"user.name": "", "openldap.bind.authcid": "gidNumber=0+uidNumber=0,cn=peercred,cn=external,cn=auth"}},
		{"slapd", `conn=7 op=0 BIND authcid="uid=alice,cn=digest-md5,cn=auth" authzid=""`,
			map[string]string{"user.name": "alice"}},
		{"slapd", `conn=7 op=0 BIND authcid="alice" authzid=""`,
			map[string]string{"user.name": "alice", "openldap.bind.authcid": "alice"}},
		{"slapd", `conn=7 op=0 BIND authcid="bob" authzid="root" authzid=""`, nil},
		// A proxied authorization's DN is the identity the operation
		// runs as (user.effective), not the bound user.
		{"slapd", `conn=7 op=3 PROXYAUTHZ dn="uid=bob,ou=people,dc=example,dc=com"`,
			map[string]string{"user.effective.name": "bob", "user.name": "", "openldap.proxyauthz.dn": "uid=bob,ou=people,dc=example,dc=com"}},
		// krb5kdc: a client name holding " for PRINCIPAL, " leaves the
		// principals and the message unread.
		{"krb5kdc", `AS_REQ (4 etypes {18 17 16 23}) 192.0.2.5: CLIENT_NOT_FOUND: evil for krbtgt/A@B, x for krbtgt/EXAMPLE.COM@EXAMPLE.COM, Client not found in Kerberos database`,
			map[string]string{"event.outcome": "failure", "user.name": "", "krb5kdc.server": "", "event.reason": "CLIENT_NOT_FOUND", "source.ip": "192.0.2.5"}},
		{"krb5kdc", `AS_REQ (4 etypes {18 17 16 23}) 192.0.2.5: CLIENT_NOT_FOUND: root@EXAMPLE.COM for krbtgt/EXAMPLE.COM@EXAMPLE.COM, x@Y for krbtgt/EXAMPLE.COM@EXAMPLE.COM, Client not found in Kerberos database`,
			map[string]string{"user.name": "", "krb5kdc.client": ""}},
		{"krb5kdc", `AS_REQ (4 etypes {18 17 16 23}) 192.0.2.5: NEEDED_PREAUTH: ISSUE: authtime 1@X for krbtgt/X@X, Additional pre-authentication required`,
			map[string]string{"nomen.rule": "krb5kdc.as.needed_preauth", "event.outcome": ""}},
		// An enterprise principal's escaped "@" (review30: user.name kept
		// the backslash); a realm whose "@" is escaped is no realm.
		{"krb5kdc", `AS_REQ (2 etypes {18 17}) 192.0.2.5: ISSUE: authtime 1, etypes {rep=18 tkt=18 ses=18}, alice\@corp.example.com@EXAMPLE.COM for krbtgt/EXAMPLE.COM@EXAMPLE.COM`,
			map[string]string{"user.name": "alice@corp.example.com", "user.domain": "EXAMPLE.COM"}},
		{"krb5kdc", `AS_REQ (2 etypes {18 17}) 192.0.2.5: CLIENT_NOT_FOUND: alice\@EXAMPLE.COM for krbtgt/EXAMPLE.COM@EXAMPLE.COM, Client not found in Kerberos database`,
			map[string]string{"user.name": "", "user.domain": ""}},
		// kadmind: a target holding another result and client.
		{"kadmind", "Request: kadm5_get_principal, x, success, client=root/admin@EXAMPLE.COM, service=kadmin/admin@EXAMPLE.COM, addr=203.0.113.1, Operation requires ``get'' privilege, client=bob@EXAMPLE.COM, service=kadmin/admin@EXAMPLE.COM, addr=192.0.2.6",
			nil},
		{"kadmind", `setpw request from 192.0.2.7 by alice/admin@EXAMPLE.COM for x: success: Password is too short`, nil},
		{"kadmind", `Request: kadm5_get_principal, x, success, y, client=bob@EXAMPLE.COM, service=kadmin/admin@EXAMPLE.COM, addr=192.0.2.6`,
			map[string]string{"event.outcome": "failure", "user.name": "bob"}},
		// setpw's "for" part is the client's name cut to the target's
		// length (schpw.c), no target (review30: it was user.target).
		{"kadmind", `setpw request from 192.0.2.7 by alice/admin@EXAMPLE.COM for alice/admin@EXA: success`,
			map[string]string{"event.outcome": "success", "user.name": "alice/admin", "user.target.name": "", "kadmind.target": ""}},
		{"kadmind", `setpw request from 192.0.2.7 by alice@EXAMPLE.COM for (null): Password is too short`,
			map[string]string{"event.outcome": "failure", "user.name": "alice", "user.target.name": "", "event.reason": "Password is too short"}},
		// A listing's glob and a policy's name are no target user.
		{"kadmind", `Request: kadm5_get_principals, *@EXAMPLE.COM, success, client=alice/admin@EXAMPLE.COM, service=kadmin/admin@EXAMPLE.COM, addr=192.0.2.6`,
			map[string]string{"user.name": "alice/admin", "user.target.name": ""}},
		{"kadmind", `Request: kadm5_create_policy, strict@EXAMPLE.COM, success, client=alice/admin@EXAMPLE.COM, service=kadmin/admin@EXAMPLE.COM, addr=192.0.2.6`,
			map[string]string{"user.target.name": "", "kadmind.target": "strict@EXAMPLE.COM"}},
		{"kadmind", `Request: kadm5_init, alice/admin@EXAMPLE.COM, success, client=alice/admin@EXAMPLE.COM, service=kadmin/admin@EXAMPLE.COM, addr=192.0.2.6, vers=4, flavor=6`,
			map[string]string{"user.name": "alice/admin", "user.target.name": "", "event.category": "authentication"}},
		{"kadmind", `Request: kadm5_delete_principal, bob@EXAMPLE.COM, success, client=alice/admin@EXAMPLE.COM, service=kadmin/admin@EXAMPLE.COM, addr=192.0.2.6`,
			map[string]string{"user.target.name": "bob", "user.target.domain": "EXAMPLE.COM"}},
		// Samba: an account holding a whole successful tail is refused;
		// a workstation holding a remote host without its marker's
		// bracket stays the workstation.
		{"smbd", `  Auth: [SMB2,(null)] user [EXAMPLE]\[x] at [t] with [NTLMv2] status [NT_STATUS_OK] workstation [w] remote host [ipv4:203.0.113.9:1] became [EXAMPLE]\[root] [S-1-5-21-1-2-3-500]. local host [ipv4:192.0.2.1:445] ] at [Mon, 07 Dec 2026 20:01:03.000001 UTC] with [NTLMv2] status [NT_STATUS_WRONG_PASSWORD] workstation [WS02] remote host [ipv4:192.0.2.22:50113] mapped to [EXAMPLE]\[bob]. local host [ipv4:192.0.2.1:445] `,
			nil},
		{"smbd", `  Auth: [SMB2,(null)] user [EXAMPLE]\[bob] at [t] with [NTLMv2] status [NT_STATUS_WRONG_PASSWORD] workstation [WS02 remote host [ipv4:203.0.113.9:1]] remote host [ipv4:192.0.2.22:50113] mapped to [EXAMPLE]\[bob]. local host [ipv4:192.0.2.1:445] `,
			map[string]string{"event.outcome": "failure", "source.ip": "192.0.2.22", "user.name": "bob"}},
		// The SID a logon became is user.id only when it is the named
		// account's (review30: a client mapped to guest had the guest's
		// SID as its user.id); an LDAP bind's DN is no user name.
		{"smbd", `  Auth: [SMB2,(null)] user [EXAMPLE]\[mallory] at [t] with [NTLMv2] status [NT_STATUS_OK] workstation [WS9] remote host [ipv4:192.0.2.9:50000] became [FS1]\[nobody] [S-1-5-21-1-2-3-501]. local host [ipv4:192.0.2.1:445] `,
			map[string]string{"user.name": "mallory", "user.id": "", "samba.became_sid": "S-1-5-21-1-2-3-501", "samba.became_account": "nobody"}},
		{"samba", `  Auth: [Kerberos KDC,ENC-TS Pre-authentication] user [(null)]\[alice@EXAMPLE.COM] at [t] with [aes256-cts-hmac-sha1-96] status [NT_STATUS_OK] workstation [(null)] remote host [ipv4:192.0.2.9:50000] became [EXAMPLE]\[alice] [S-1-5-21-1-2-3-1104]. local host [ipv4:192.0.2.1:88] `,
			map[string]string{"user.name": "alice@EXAMPLE.COM", "user.id": "S-1-5-21-1-2-3-1104", "samba.became_sid": ""}},
		{"samba", `  Auth: [LDAP,simple bind] user [(null)]\[CN=Mallory,CN=Users,DC=example,DC=com] at [t] with [Plaintext] status [NT_STATUS_WRONG_PASSWORD] workstation [(null)] remote host [ipv4:192.0.2.9:50000] mapped to [(null)]\[(null)]. local host [ipv4:192.0.2.1:389] `,
			map[string]string{"user.name": "", "related.user": "", "samba.client_dn": "CN=Mallory,CN=Users,DC=example,DC=com"}},
		// smbd's share sentences: a machine name holding an address, or
		// a whole sentence.
		{"smbd", `  evil (ipv4:203.0.113.9:1) x (ipv4:192.0.2.58:50413) closed connection to service finance`,
			map[string]string{"nomen.rule": "samba.share.close", "source.ip": "", "samba.client_name": ""}},
		{"smbd", `  evil (ipv4:203.0.113.9:1) connect to service root initially as user root (uid=0, gid=0) (pid 1) (ipv4:192.0.2.58:50413) connect to service finance initially as user carol (uid=1106, gid=513) (pid 2204)`,
			nil},
		// Samba's directory audit: a group's DN holding a second member.
		{"samba", `  Group Change [Added] at [t] status [Success] Remote host [ipv4:192.0.2.30:51000] SID [S-1-5-21-1-2-3-500] Group [CN=x] User [CN=Administrator,CN=Users,DC=example,DC=com],CN=Users,DC=example,DC=com] User [CN=Mallory,CN=Users,DC=example,DC=com]`,
			nil},
		// sssd: a principal that is no principal names no user.
		{"krb5_child", `Client 'a b' not found in Kerberos database`, map[string]string{"event.outcome": "failure", "user.name": ""}},
	} {
		c := catalogFor(t, tc.app)
		e := decodeWith(c, tc.app, tc.msg)
		if tc.want == nil {
			if e != nil {
				t.Errorf("%s %q: decoded (%s), want refused", tc.app, tc.msg, e.Str("nomen.rule"))
			}
			continue
		}
		if e == nil {
			t.Errorf("%s %q: not decoded", tc.app, tc.msg)
			continue
		}
		for k, want := range tc.want {
			if got := fieldString(e, k); got != want {
				t.Errorf("%s %q: %s = %q, want %q", tc.app, tc.msg, k, got, want)
			}
		}
	}
}

// catalogFor returns the catalog that dispatches program app.
func catalogFor(t *testing.T, app string) *catalog {
	t.Helper()
	for _, c := range catalogs {
		for _, p := range c.programs {
			if p == app || (len(p) > 0 && p[len(p)-1] == '*' && len(app) >= len(p)-1 && app[:len(p)-1] == p[:len(p)-1]) {
				return c
			}
		}
	}
	t.Fatalf("no catalog for %s", app)
	return nil
}

// fieldString is a field's value as text ("" when absent).
func fieldString(e *event.Event, k string) string {
	v, _ := e.Field(k)
	return v.String()
}

// The identity catalogs' classes, and those postKadmind sets by
// operation, are ones ECS allows (user rules get the same check as
// warnings from nomen check).
func TestIdentityClasses(t *testing.T) {
	for _, name := range []string{"slapd", "krb5kdc", "kadmind", "sssd", "samba"} {
		for _, w := range catalogByName(t, name).sentences().ClassWarnings() {
			t.Error(w)
		}
	}
	for op, o := range smbAuditOps {
		if err := ecs.CheckClass(vendor.Class{Category: o.class.Category, Type: o.class.Type, Action: o.action}); err != nil {
			t.Errorf("smbAuditOps[%s]: %v", op, err)
		}
	}
	for op, c := range kadmOps {
		if err := ecs.CheckClass(vendor.Class{Category: c.Category, Type: c.Type, Action: "kadmin-request"}); err != nil {
			t.Errorf("kadmOps[%s]: %v", op, err)
		}
	}
}

// full_audit is read only with its default prefix (user|address): a
// site's own prefix, whose fields nomen cannot name, is left alone, as
// is a line whose status is neither ok nor fail.
func TestSmbAuditPrefix(t *testing.T) {
	for msg, want := range map[string]bool{
		"alice|192.0.2.57|openat|ok|r|finance/a.txt":            true,
		"alice|192.0.2.57|openat|fail (No such file)|r|x":       true,
		"FS1|alice|openat|ok|r|finance/a.txt":                   false,
		"alice|192.0.2.57|openat":                               false,
		"alice|192.0.2.57|openat|maybe|r|finance/a.txt":         false,
		"alice|192.0.2.57:445|connect|ok|finance":               false,
		"%u|%I|connect|ok|finance from a template never filled": false,
	} {
		e := event.New(normtest.Received)
		e.AppName, e.Message = "smbd_audit", msg
		if got := decodeSmbAudit(e); got != want {
			t.Errorf("%q: decoded %v, want %v", msg, got, want)
		}
	}
}

// full_audit's path is the argument between an operation's fixed ones:
// never the mode, owner, time or attribute name that follows it, and
// whole when a Unix name holds "|" (review30: the last argument was
// taken, so fchmod's path was its mode and "a|b.txt" was "b.txt").
func TestSmbAuditPath(t *testing.T) {
	for msg, want := range map[string][2]string{ // file.path, samba.destination_path
		"alice|192.0.2.57|openat|ok|r|finance/a.txt":                                 {"finance/a.txt", ""},
		"alice|192.0.2.57|openat|ok|w|/srv/finance/a|b.txt":                          {"/srv/finance/a|b.txt", ""},
		"alice|192.0.2.57|create_file|ok|0x100080|file|open|/srv/finance/a|b.txt":    {"/srv/finance/a|b.txt", ""},
		"alice|192.0.2.57|fchmod|ok|/srv/finance/a.txt|644":                          {"/srv/finance/a.txt", ""},
		"alice|192.0.2.57|fchown|ok|/srv/finance/a.txt|1001|513":                     {"/srv/finance/a.txt", ""},
		"alice|192.0.2.57|fntimes|ok|/srv/finance/a.txt||||Mon Dec  7 10:00:00 2026": {"/srv/finance/a.txt", ""},
		"alice|192.0.2.57|fsetxattr|ok|/srv/finance/a.txt|user.DOSATTRIB":            {"/srv/finance/a.txt", ""},
		"alice|192.0.2.57|fset_nt_acl|ok|/srv/finance/a.txt []":                      {"/srv/finance/a.txt", ""},
		"alice|192.0.2.57|renameat|ok|/srv/finance/a.txt|/srv/finance/b.txt":         {"/srv/finance/a.txt", "/srv/finance/b.txt"},
		"alice|192.0.2.57|renameat|ok|/srv/finance/a|x.txt|/srv/finance/b.txt":       {"/srv/finance/a|x.txt", "/srv/finance/b.txt"},
		"alice|192.0.2.57|renameat|ok|finance/a|x.txt|finance/b.txt":                 {"", ""},
		"alice|192.0.2.57|symlinkat|ok|../target|/srv/finance/link":                  {"/srv/finance/link", ""},
		"alice|192.0.2.57|get_alloc_size|ok|4096":                                    {"", ""},
		"alice|192.0.2.57|chdir|ok|chdir|/srv/finance":                               {"/srv/finance", ""},
		"alice|192.0.2.57|fgetxattr|ok|/srv/finance/a.txt|user.DOSATTRIB":            {"/srv/finance/a.txt", ""},
		"alice|192.0.2.57|fstat|ok|/srv/finance/a.txt":                               {"/srv/finance/a.txt", ""},
	} {
		e := event.New(normtest.Received)
		e.AppName, e.Message = "smbd_audit", msg
		if !decodeSmbAudit(e) {
			t.Errorf("%q: not decoded", msg)
			continue
		}
		if got := [2]string{e.Str("file.path"), e.Str("samba.destination_path")}; got != want {
			t.Errorf("%q: file.path, samba.destination_path %q, want %q", msg, got, want)
		}
	}
}

// Samba's JSON Authentication record follows the text line's identity
// rules (sambaIdentity): a guest mapping's SID is not the client's
// user.id, an LDAP bind's DN is samba.client_dn and its account
// user.name.
func TestSambaJSONIdentity(t *testing.T) {
	const head = `{"timestamp": "2026-12-07T10:00:00.000000+0000", "type": "Authentication", "Authentication": {"version": {"major": 1, "minor": 2}, "eventId": 4624, "logonType": 3, "status": "NT_STATUS_OK", "remoteAddress": "ipv4:192.0.2.9:50123", "serviceDescription": "SMB2", `
	for msg, want := range map[string][3]string{ // user.name, user.id, samba.client_dn
		head + `"clientDomain": "EXAMPLE", "clientAccount": "bob", "becameAccount": "bob", "becameDomain": "EXAMPLE", "becameSid": "S-1-5-21-1-2-3-1105"}}`:                                    {"bob", "S-1-5-21-1-2-3-1105", ""},
		head + `"clientDomain": "EXAMPLE", "clientAccount": "mallory", "becameAccount": "nobody", "becameDomain": "FS1", "becameSid": "S-1-5-21-1-2-3-501"}}`:                                  {"mallory", "", ""},
		head + `"clientDomain": null, "clientAccount": "CN=svc ldap,CN=Users,DC=example,DC=com", "becameAccount": "svc_ldap", "becameDomain": "EXAMPLE", "becameSid": "S-1-5-21-1-2-3-1200"}}`: {"svc_ldap", "S-1-5-21-1-2-3-1200", "CN=svc ldap,CN=Users,DC=example,DC=com"},
	} {
		e := event.New(normtest.Received)
		e.AppName, e.Message = "samba", msg
		if !decodeSambaJSON(e) {
			t.Errorf("%q: not decoded", msg)
			continue
		}
		if got := [3]string{e.Str("user.name"), e.Str("user.id"), e.Str("samba.client_dn")}; got != want {
			t.Errorf("%q: user.name, user.id, samba.client_dn %q, want %q", msg, got, want)
		}
	}
}

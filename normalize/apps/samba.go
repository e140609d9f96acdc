package apps

import (
	"strings"

	"github.com/nomenhq/nomen/normalize/ecs"
	"github.com/nomenhq/nomen/relay/event"
)

// sambaMarkers are the fixed texts between the fields of Samba's audit
// lines (catalogs/samba.toml); each is in a line once.
var sambaMarkers = [...]string{"] user [", "] at [", "] with [", "] status [", "] workstation [",
	"] remote host [", "] Remote host [", " local host [", "] became [", "] mapped to ["}

// cutSamba cuts the indent Samba gives a message under its header line,
// and refuses an audit line in which a marker is twice: a client's
// account, domain or workstation name holding one could set the status
// or the address (Samba escapes no bracket).
func cutSamba(m string) (string, head, bool) {
	m = strings.TrimLeft(m, " \t")
	if !strings.HasPrefix(m, "Auth: [") && !strings.HasPrefix(m, "Successful AuthZ: [") {
		return m, head{}, true
	}
	for _, k := range sambaMarkers {
		if strings.Count(m, k) > 1 {
			return "", head{}, false
		}
	}
	return m, head{}, true
}

// sambaFields are the fields where "(null)" is Samba's empty value.
var sambaFields = [...]string{"samba.client_domain", "user.name", "samba.workstation", "samba.password_type",
	"samba.auth_description", "samba.became_domain", "samba.became_account", "samba.mapped_domain",
	"samba.mapped_account", "samba.auth_type"}

// postSamba drops Samba's "(null)" values and reads the remote host
// (tsocket_address_string: "ipv4:ADDR:PORT", "ipv6:ADDR:PORT" with the
// address unbracketed, "unix:PATH", "NULL").
func postSamba(e *event.Event) {
	for _, k := range sambaFields {
		if e.Str(k) == "(null)" {
			e.Delete(k)
		}
	}
	if e.Str("user.name") == "" {
		e.Delete("related.user")
	}
	// The client's domain is a NetBIOS or DNS domain name, not a host:
	// set here rather than by the catalog, whose .domain fields also
	// go to related.hosts.
	if d := e.Str("samba.client_domain"); d != "" {
		e.SetStr("user.domain", d)
		e.Delete("samba.client_domain")
	}
	r := e.Str("samba.remote_host")
	e.Delete("samba.remote_host")
	a, ok := strings.CutPrefix(r, "ipv4:")
	if !ok {
		a, ok = strings.CutPrefix(r, "ipv6:")
	}
	i := strings.LastIndexByte(a, ':')
	if !ok || i < 0 || !ecs.IsIP(a[:i]) {
		return
	}
	ecs.SetAddress(e, "source", a[:i])
	ecs.SetPort(e, "source.port", a[i+1:])
}

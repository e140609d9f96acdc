package apps

import (
	"strings"

	"github.com/nomenhq/nomen/normalize/ecs"
	"github.com/nomenhq/nomen/relay/event"
)

// cutSSSD cuts the tag SSSD before 2.0 wrote with its component in
// place of a pid ("sssd[be[example.com]]: ", "sssd[nss]: "), which a
// syslog parser does not take for a tag (sniffSSSD).
func cutSSSD(m string) (string, head, bool) {
	if r, ok := strings.CutPrefix(m, "sssd["); ok {
		if _, body, ok := strings.Cut(r, "]: "); ok {
			return body, head{}, true
		}
		return "", head{}, false
	}
	return m, head{}, true
}

// gateSSSD: sniffSSSD's lines start with "sssd[".
var gateSSSD = ecs.SniffGate{First: "s"}

// sniffSSSD recognises a line whose tag is SSSD's old "sssd[COMPONENT]".
func sniffSSSD(e *event.Event) bool {
	return e.AppName == "" && strings.HasPrefix(e.Message, "sssd[") && strings.Contains(e.Message, "]: ")
}

// postSSSD sets the user of krb5_child's "Client 'P' not found" from
// its principal, and the process of an old-style tag.
func postSSSD(e *event.Event) {
	if p := e.Str("sssd.principal"); isPrincipal(p) {
		setPrincipal(e, "user", p)
	}
	if e.AppName == "" && strings.HasPrefix(e.Message, "sssd[") {
		e.SetStr("process.name", "sssd")
	}
}

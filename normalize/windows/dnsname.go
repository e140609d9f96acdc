package windows

import (
	"strings"

	"golang.org/x/net/publicsuffix"

	"github.com/nomenhq/nomen/normalize/ecs"
	"github.com/nomenhq/nomen/relay/event"
)

// setDomainParts sets <prefix>.registered_domain, .top_level_domain and
// .subdomain of a queried name by the Public Suffix List (ECS's own
// pointer for these fields), as Winlogbeat's sysmon module gives them
// (its registered_domain processor reads the same list through the same
// library): "go.microsoft.com" is registered domain "microsoft.com",
// top-level domain "com", subdomain "go". The list's private section
// counts too ("x.github.io" is registered as itself), and a name under a
// suffix the list does not hold takes its last label as suffix (the
// list's own "*" rule: "dc01.corp.local" is "corp.local", "local").
// Each part is a piece of the name as the event gives it (looked up
// lower-cased, a trailing root dot left out); an address, a one-label
// name or a suffix itself sets nothing.
func setDomainParts(e *event.Event, prefix, name string) {
	name = strings.TrimSuffix(name, ".")
	if strings.IndexByte(name, '.') < 0 || ecs.IsIP(name) {
		return
	}
	lower := lowerASCII(name)
	registered, err := publicsuffix.EffectiveTLDPlusOne(lower)
	if err != nil {
		return
	}
	suffix, _ := publicsuffix.PublicSuffix(lower)
	n := len(name)
	e.SetStr(prefix+".registered_domain", name[n-len(registered):])
	e.SetStr(prefix+".top_level_domain", name[n-len(suffix):])
	if sub := n - len(registered) - 1; sub > 0 {
		e.SetStr(prefix+".subdomain", name[:sub])
	}
}

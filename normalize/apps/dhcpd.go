package apps

import (
	"strings"

	"github.com/nomenhq/nomen/relay/event"
)

// dhcpdNoName is what dhcpd writes in place of a client's name that is
// too long or not printable (server/dhcp.c): no name of the client's.
const dhcpdNoName = "Hostname Unsuitable for Printing"

// postDHCPD writes client.mac in ECS's form and drops what a client's
// name may have forged. The name (client-controlled, any printable text)
// is the shortest text before ") via "; where free text follows the
// interface (Infoblox's "uid ...: database update failed") a name holding
// ") via IF uid X" ends early and the words after it shift: a uid holds
// no space as dhcpd writes it, so one that does tells such a line, and the
// fields cut after the name's start are dropped (a wrong field is worse
// than a missing one).
func postDHCPD(e *event.Event) {
	ecsMAC(e)
	if e.Str("client.domain") == dhcpdNoName {
		e.Delete("client.domain")
	}
	if strings.ContainsAny(e.Str("dhcpd.client_id"), " \t") {
		for _, k := range []string{"client.domain", "dhcpd.via", "dhcpd.transaction_id", "dhcpd.client_id"} {
			e.Delete(k)
		}
	}
}

package apps

import (
	"strings"

	"github.com/nomenhq/nomen/normalize/ecs"
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
//
// Where the packet had no hardware type dhcpd writes the client's
// identifier in hex instead, and a hardware type other than Ethernet
// has an address of another length: what is not a MAC is kept as
// dhcpd.client, not as client.mac. dhcpd 3.0 and older write an octet
// below 0x10 with one digit ("0:1a:2b:3c:4d:5e").
func postDHCPD(e *event.Event) {
	if mac := e.Str("client.mac"); mac != "" && !ecs.IsMAC(mac) {
		if m := padOctets(mac); ecs.IsMAC(m) {
			e.SetStr("client.mac", m)
		} else {
			e.Delete("client.mac")
			e.SetStr("dhcpd.client", mac)
		}
	}
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

// padOctets writes each ':'-separated octet of s with two digits.
func padOctets(s string) string {
	parts := strings.Split(s, ":")
	for i, p := range parts {
		if len(p) == 1 {
			parts[i] = "0" + p
		}
	}
	return strings.Join(parts, ":")
}

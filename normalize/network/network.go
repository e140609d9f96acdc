// Package network decodes network devices' logs: Cisco ASA/PIX/FTD and IOS,
// Linux netfilter (iptables/nftables), the pfSense/OPNsense filterlog and
// old pfSense's pflog lines as tcpdump printed them (program "pf", pflog.go).
package network

import (
	"strings"

	"github.com/nomenhq/nomen/normalize/ecs"
	"github.com/nomenhq/nomen/relay/event"
)

// Network device decoders: Cisco ASA/PIX/FTD, Cisco IOS (and IOS-XE, NX-OS),
// Linux netfilter (iptables/nftables LOG, EdgeOS, SuSEfirewall) and the
// pfSense/OPNsense filterlog.
//
// A firewall decision looks the same whoever took it: event.category
// network, event.type connection + denied (outcome failure) or connection
// + allowed (outcome success), event.action "connection-denied" or
// "connection-allowed", source.* and destination.* for the packet,
// network.transport/iana_number, observer.ingress/egress.interface.name
// for the interfaces, rule.* for the rule. Vendor extras go under
// cisco.asa.*, cisco.ios.*, iptables.*, pfsense.*.
//
// observer.hostname/product/type describe the relay (see DESIGN.md), so the
// firewall itself is host.name; only observer.ingress/egress are set here.

// Decoders returns the network decoders in dispatch order.
func Decoders() []*ecs.Decoder {
	return []*ecs.Decoder{
		{
			Name:     "cisco_asa",
			Programs: []string{"%asa-*", "%pix-*", "%ftd-*", "%fwsm-*", "%ngips-*", "sfims"},
			Prefixes: []string{"%ASA-", "%PIX-", "%FTD-", "%FWSM-", "%NGIPS-", "ASA-", "PIX-", "FTD-", "access-list ", "Deny ", "AAA user authentication ",
				"0|", "1|", "2|", "3|", "4|", "5|", "6|", "7|"},
			Sniff:  sniffASABare,
			Gate:   gateASABare,
			Decode: decodeASA,
		},
		{
			Name:     "cisco_ios",
			Programs: []string{"%*", "rp/*", "lc/*"}, // IOS-XR's node id as the tag (rsyslog)
			Prefixes: []string{"%", "RP/", "LC/"},    // IOS-XR's node id (xrBody)
			Decode:   decodeIOS,
		},
		{
			Name:     "iptables",
			Programs: []string{"kernel"},
			Prefixes: []string{"IN="},
			Sniff:    sniffIptables,
			Gate:     gateIptables,
			Decode:   decodeIptables,
		},
		{
			Name:     "pfsense",
			Programs: []string{"filterlog"},
			Decode:   decodeFilterlog,
		},
		{
			Name:     "pfsense_pf",
			Programs: []string{"pf"},
			Decode:   decodePflog,
		},
	}
}

// Classes shared by the network decoders.
var (
	netClassDenied  = ecs.NewClass(ecs.Cats(ecs.CatNetwork), ecs.TypeConn, ecs.TypeDenied)
	netClassAllowed = ecs.NewClass(ecs.Cats(ecs.CatNetwork), ecs.TypeConn, ecs.TypeAllowed)
	netClassInfo    = ecs.NewClass(ecs.Cats(ecs.CatNetwork), ecs.TypeInfo)
)

// Actions of a firewall decision, the same for every vendor.
const (
	actionConnDenied  = "connection-denied"
	actionConnAllowed = "connection-allowed"
)

// netDecision sets the classification of a firewall decision.
func netDecision(e *event.Event, allowed bool) {
	if allowed {
		netClassAllowed.Set(e, actionConnAllowed, ecs.OutcomeSuccess)
	} else {
		netClassDenied.Set(e, actionConnDenied, ecs.OutcomeFailure)
	}
}

// netBegin prepares e for a network decoder: room for its fields,
// event.provider and nomen.rule.
func netBegin(e *event.Event, provider, rule string) {
	ecs.Reserve(e, 24)
	ecs.SetProvider(e, provider)
	ecs.SetRule(e, rule)
}

// setNetworkType sets network.type (ipv4 or ipv6) from an address.
func setNetworkType(e *event.Event, ip string) {
	if strings.IndexByte(ip, ':') >= 0 {
		e.SetStr("network.type", "ipv6")
	} else if ip != "" {
		e.SetStr("network.type", "ipv4")
	}
}

// wellKnownPorts are the service names Cisco prints instead of port
// numbers ("10.0.0.2/ssh", "outside:192.0.2.1/https").
var wellKnownPorts = map[string]int64{
	"ftp-data": 20, "ftp": 21, "ssh": 22, "telnet": 23, "smtp": 25, "domain": 53,
	"dns": 53, "bootps": 67, "bootpc": 68, "tftp": 69, "http": 80, "www": 80,
	"kerberos": 88, "pop3": 110, "sunrpc": 111, "nntp": 119, "ntp": 123,
	"netbios-ns": 137, "netbios-dgm": 138, "netbios-ssn": 139, "imap4": 143,
	"snmp": 161, "snmptrap": 162, "bgp": 179, "ldap": 389, "https": 443,
	"isakmp": 500, "syslog": 514, "ldaps": 636, "rtsp": 554, "sqlnet": 1521,
	"h323": 1720, "radius": 1645, "radius-acct": 1646, "citrix-ica": 1494,
	"pptp": 1723, "sip": 5060, "rdp": 3389, "lpd": 515, "kshell": 544,
	"klogin": 543, "login": 513, "rsh": 514, "exec": 512, "cifs": 3020,
	"ctiqbe": 2748, "echo": 7, "discard": 9, "daytime": 13, "chargen": 19,
	"whois": 43, "gopher": 70, "finger": 79, "hostname": 101, "ident": 113,
	"irc": 194, "imap": 143, "microsoft-ds": 445, "ms-sql-s": 1433,
	"mysql": 3306, "nfs": 2049, "aol": 5190, "pcanywhere-data": 5631,
	"pim-auto-rp": 496, "lotusnotes": 1352, "netbios": 139,
}

// setPortOrService sets key (source.port, destination.port) from a number
// or a Cisco service name, and network.protocol from a service name.
func setPortOrService(e *event.Event, key, p string) {
	if p == "" {
		return
	}
	if n, ok := ecs.ParseUint(p); ok {
		if n <= 65535 {
			e.SetInt(key, n)
		}
		return
	}
	if n, ok := wellKnownPorts[p]; ok {
		e.SetInt(key, n)
		if key == "destination.port" {
			e.SetStr("network.protocol", netServiceProtocol(p))
		}
	}
}

// netServiceProtocol is the ECS network.protocol (application protocol) of
// a Cisco service name: "www" is http, "domain" is dns.
func netServiceProtocol(s string) string {
	switch s {
	case "www":
		return "http"
	case "domain":
		return "dns"
	case "imap4":
		return "imap"
	}
	return s
}

// setInterface sets observer.ingress/egress.interface.name.
func setInterface(e *event.Event, key, name string) {
	if name != "" && name != "-" {
		e.SetStr(key, name)
	}
}

// setSeverity sets event.severity (the syslog-style level the device gave
// its message, 0 = emergency) and log.level.
func setSeverity(e *event.Event, sev int) {
	if sev < 0 || sev > 7 {
		return
	}
	e.SetInt("event.severity", int64(sev))
	e.SetStr("log.level", event.SeverityName(sev))
}

// netIP sets an address field with related.ip and network.type; s may
// carry surrounding spaces. It reports whether s was an IP address.
func netIP(e *event.Event, key, s string) bool {
	s = ecs.TrimSpace(s)
	if !ecs.SetIP(e, key, s) {
		return false
	}
	if !e.Has("network.type") {
		setNetworkType(e, s)
	}
	return true
}

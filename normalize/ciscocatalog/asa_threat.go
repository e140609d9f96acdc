package ciscocatalog

import "strconv"

// ASA threat detection (733xxx), the botnet traffic filter (338xxx), the
// legacy IPS signatures (4000xx), shunning (401xxx), ARP collisions
// (405001), the IPS module (420xxx) and the FirePOWER (SFR) module
// (434xxx).

var (
	classBotnetSeen    = cls("botnet-traffic-detected", "", cats(catIntrusion, catNetwork), typeInfo)
	classBotnetDropped = cls("botnet-traffic-dropped", failure, cats(catIntrusion, catNetwork), typeDenied)
	classShun          = cls("host-shunned", success, cats(catIntrusion, catNetwork), typeDenied)
	classBotnetAllowed = cls("botnet-traffic-allowed", success, cats(catNetwork), typeConnection, typeAllowed)
)

// botnet is the shape of 338001-338008, the whitelist 3381xx and the
// greylist 3382xx messages: what the ASA did, the flow, and which side
// the list matched (the malicious address and the list entry are kept
// under cisco.asa.*). The guide writes "Dynamic filter"; devices print
// "Dynamic Filter" too, and "black listed" as well as "blacklisted".
const botnetBody = ` {botnet_list_type:text} {protocol} traffic from {src_if}:{src_ip}/{src_port} ({src_nat_ip}/{src_nat_port})` +
	` to {dst_if}:{dst_ip}/{dst_port} ({dst_nat_ip}/{dst_nat_port}), {botnet_side} {_malicious_ip} resolved from {botnet_list:text} list:` +
	` {botnet_entry:text}{?, threat-level: {threat_level}, category: {threat_category:text}}`

var botnet = []string{`Dynamic filter {_action}` + botnetBody, `Dynamic Filter {_action}` + botnetBody}

// sfrFlow is "from IF:IP/PORT to IF:IP/PORT"; ICMP flows have no ports.
const sfrFlow = `from {src_if}:{src_ip}{?/{src_port}} to {dst_if}:{dst_ip}{?/{dst_port}}`

var asaThreat = []Msg{
	{ID: "338001", Rule: "cisco_asa.botnet", Class: classBotnetSeen, Formats: botnet},
	{ID: "338002", Rule: "cisco_asa.botnet", Class: classBotnetSeen, Formats: botnet},
	{ID: "338003", Rule: "cisco_asa.botnet", Class: classBotnetSeen, Formats: botnet},
	{ID: "338004", Rule: "cisco_asa.botnet", Class: classBotnetSeen, Formats: botnet},
	{ID: "338005", Rule: "cisco_asa.botnet", Class: classBotnetDropped, Formats: botnet},
	{ID: "338006", Rule: "cisco_asa.botnet", Class: classBotnetDropped, Formats: botnet},
	{ID: "338007", Rule: "cisco_asa.botnet", Class: classBotnetDropped, Formats: botnet},
	{ID: "338008", Rule: "cisco_asa.botnet", Class: classBotnetDropped, Formats: botnet},
	// Whitelisted traffic: monitored, never dropped.
	{ID: "338101", Rule: "cisco_asa.botnet", Class: classBotnetAllowed, Formats: botnet},
	{ID: "338102", Rule: "cisco_asa.botnet", Class: classBotnetAllowed, Formats: botnet},
	{ID: "338103", Rule: "cisco_asa.botnet", Class: classBotnetAllowed, Formats: botnet},
	{ID: "338104", Rule: "cisco_asa.botnet", Class: classBotnetAllowed, Formats: botnet},
	{ID: "338201", Rule: "cisco_asa.botnet", Class: classBotnetSeen, Formats: botnet},
	{ID: "338202", Rule: "cisco_asa.botnet", Class: classBotnetSeen, Formats: botnet},
	{ID: "338203", Rule: "cisco_asa.botnet", Class: classBotnetDropped, Formats: botnet},
	{ID: "338204", Rule: "cisco_asa.botnet", Class: classBotnetDropped, Formats: botnet},

	// A DNS reply for a listed domain: the DNS server answered the client.
	{ID: "338301", Rule: "cisco_asa.botnet", Class: cls("botnet-dns-reply-intercepted", "", cats(catIntrusion, catNetwork), typeInfo),
		Formats: []string{`Intercepted DNS reply for domain {botnet_entry} from {src_if}:{src_ip}/{src_port} to {dst_if}:{dst_ip}/{dst_port}, matched {botnet_list:text}`}},

	// Threat detection: the rate name in brackets is the rule.
	{ID: "733100", Rule: "cisco_asa.threat_detection", Class: classThreat,
		// The object is a statistic's name ("Scanning", "ACL drop") or a
		// host of host statistics, which may be the attacker or its target.
		Formats: []string{`[{threat_address:ip}] drop {drop_rate_id} exceeded.{...}`, `[{rule_name}] drop {drop_rate_id} exceeded.{...}`}},
	{ID: "733101", Rule: "cisco_asa.threat_detection", Class: classThreat,
		Formats: []string{
			`{threat_object} {src_ip} is attacking.{...}`,
			`{threat_object} {dst_ip} is targeted.{...}`,
		}},
	{ID: "733102", Rule: "cisco_asa.threat_detection", Class: classShun,
		Formats: []string{`Threat-detection adds host {src_ip} to shun list`}},
	{ID: "733103", Rule: "cisco_asa.threat_detection", Class: cls("host-unshunned", success, cats(catIntrusion, catNetwork), typeInfo),
		Formats: []string{`Threat-detection removes host {src_ip} from shun list`}},

	{ID: "401004", Rule: "cisco_asa.shun", Class: cls("connection-denied", failure, cats(catIntrusion, catNetwork), typeDenied),
		// The guide prints "==>", older releases "=".
		Formats: []string{`Shunned packet: {src_ip} {?==> }{?= }{dst_ip} on interface {src_if}`}},
	{ID: "322001", Rule: "cisco_asa.spoof", Class: cls("connection-denied", failure, cats(catIntrusion, catNetwork), typeDenied),
		Formats: []string{`Deny MAC address {src_mac}, possible spoof attempt on interface {src_if}`}},

	// An ARP reply or request that contradicts the ARP table (spoofing).
	{ID: "405001", Rule: "cisco_asa.arp", Class: cls("arp-collision", "", cats(catIntrusion, catNetwork), typeInfo),
		Formats: []string{
			`Received ARP {arp_operation} collision from {src_ip}/{src_mac} on interface {src_if} with existing ARP entry {existing_ip:ip}/{existing_mac}`,
			`Received ARP {arp_operation} collision from {src_ip}/{src_mac} on interface {src_if}`,
		}},

	// A host answers for an address the ASA's own interface holds.
	{ID: "405003", Rule: "cisco_asa.arp", Class: cls("ip-address-collision", "", cats(catNetwork), typeInfo),
		Formats: []string{`IP address collision detected between host {src_ip} at {src_mac} and interface {interface}, {interface_mac}`}},
	// The dynamic filter's DNS snooping adds a rule for an address a
	// listed domain resolved to (338302), and drops it when its TTL ends.
	{ID: "338302", Rule: "cisco_asa.botnet", Class: cls("botnet-address-added", "", cats(catIntrusion, catNetwork), typeInfo),
		Formats: []string{`Address {botnet_ip:ip} discovered for domain {botnet_entry} from {botnet_list:text}, Adding rule`}},
	{ID: "338303", Rule: "cisco_asa.botnet", Class: cls("botnet-address-removed", "", cats(catIntrusion, catNetwork), typeInfo),
		Formats: []string{`Address {botnet_ip:ip} ({botnet_entry}) timed out. Removing rule`}},

	// The IPS module (AIP-SSM) verdicts.
	{ID: "420001", Rule: "cisco_asa.ips", Class: classDenied,
		Formats: []string{`IPS card not up and fail-close mode used, dropping {protocol} packet ` + sfrFlow + `{...}`}},
	{ID: "420002", Rule: "cisco_asa.ips", Class: classDenied,
		Formats: []string{`IPS requested to drop {protocol} packet ` + sfrFlow + `{...}`}},

	// FirePOWER (SFR) module verdicts.
	{ID: "434001", Rule: "cisco_asa.sfr", Class: classDenied,
		Formats: []string{`SFR card not up and fail-close mode used, dropping {protocol} packet ` + sfrFlow + `{...}`}},
	{ID: "434002", Rule: "cisco_asa.sfr", Class: classDenied,
		Formats: []string{`SFR requested to drop {protocol} packet ` + sfrFlow + `{...}`}},
	{ID: "434003", Rule: "cisco_asa.sfr", Class: classAllowed,
		Formats: []string{`SFR card not up and fail-open mode used, passing {protocol} packet ` + sfrFlow + `{...}`}},
	{ID: "434004", Rule: "cisco_asa.sfr", Class: classAllowed,
		// FTD prints "device" for "ASA".
		Formats: []string{`SFR requested {_box} to bypass further packet redirection and process {protocol} flow ` + sfrFlow + ` locally`}},
}

// ipsSignature is 400000-400051: "IPS:SIG TITLE from IP to IP on interface IF"
// (PIX and older ASA releases: "IDS:SIG ...").
var ipsSignature = []string{`IPS:{rule_id} {rule_name} from {src_ip} to {dst_ip} on interface {src_if}`,
	`IDS:{rule_id} {rule_name} from {src_ip} to {dst_ip} on interface {src_if}`}

func init() {
	registerASA(asaThreat)
	ips := make([]Msg, 0, 52)
	for n := 400000; n <= 400051; n++ {
		ips = append(ips, Msg{ID: strconv.Itoa(n), Rule: "cisco_asa.ips", Class: classIDS, Formats: ipsSignature})
	}
	registerASA(ips)
}

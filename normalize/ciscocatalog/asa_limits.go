package ciscocatalog

// ASA limits that refuse traffic: connection limits (201xxx), the host
// licence limit (407001), interfaces in a backup state (424xxx), fragment
// reassembly (209xxx), and dynamic ARP inspection (322002, 322003).

var classARPInspect = cls("arp-inspection-failed", failure, cats(catIntrusion, catNetwork), typeDenied)

// arpInspect is the head of 322002/322003: the host that sent the ARP
// packet is the source, with the MAC it sent from and the address it
// claims.
const arpInspect = `ARP inspection check failed for arp {arp_operation} received from host {src_mac} on interface {src_if}.` +
	` This host is advertising MAC Address {advertised_mac:mac} for IP Address {src_ip}, which is `

var asaLimits = []Msg{
	// Too many half-open connections from the foreign address to the
	// local one (reached through its mapped address): the new one is
	// dropped.
	{ID: "201003", Rule: "cisco_asa.limit", Class: classDenied,
		Formats: []string{`Embryonic limit exceeded {_conns}/{_limit} for {src_ip}/{src_port} ({dst_nat_ip}) {dst_ip}/{dst_port} on interface {src_if}`}},
	// The host may not open more connections; which side it is, the
	// message does not say.
	{ID: "201009", Rule: "cisco_asa.limit", Class: classDenied,
		Formats: []string{`TCP connection limit of {_limit} for host {host_ip:ip} on {interface} exceeded`}},
	{ID: "201011", Rule: "cisco_asa.limit", Class: classDenied,
		Formats: []string{`Connection limit exceeded {_conns}/{_limit} for {_direction} packet from {src_ip}/{src_port} to {dst_ip}/{dst_port} on interface {src_if}`}},
	{ID: "201010", Rule: "cisco_asa.limit", Class: classDenied,
		Formats: []string{`Embryonic connection limit exceeded {_conns}/{_limit} for {_direction} packet from {src_ip}/{src_port} to {dst_ip}/{dst_port} on interface {src_if}`}},
	{ID: "201012", Rule: "cisco_asa.limit", Class: classDenied,
		Formats: []string{`Per-client embryonic connection limit exceeded {_conns}/{_limit} for {_direction} packet from {src_ip}/{src_port} to {dst_ip}/{dst_port} on interface {src_if}`}},
	{ID: "201013", Rule: "cisco_asa.limit", Class: classDenied,
		Formats: []string{`Per-client connection limit exceeded {_conns}/{_limit} for {_direction} packet from {src_ip}/{src_port} to {dst_ip}/{dst_port} on interface {src_if}`}},
	// More inside hosts than the licence allows: the local host's
	// traffic is refused.
	{ID: "407001", Rule: "cisco_asa.limit", Class: classDenied,
		Formats: []string{`Deny traffic for local-host {src_if}:{src_ip}, license limit of {_limit} exceeded`}},
	{ID: "424001", Rule: "cisco_asa.deny", Class: classDenied,
		Formats: []string{`Packet denied {protocol} {src_if}:{src_ip}/{src_port}` + srcIdentity + ` {dst_if}:{dst_ip}/{dst_port}` + dstIdentity +
			`. {_side} interface is in a backup state`}},
	{ID: "424002", Rule: "cisco_asa.deny", Class: classDenied,
		Formats: []string{`Connection to the backup interface is denied: {protocol} {src_if}:{src_ip}/{src_port} {dst_if}:{dst_ip}/{dst_port}`}},

	// A transparent firewall without its management address cannot send
	// what it must (ARP, the packet's own replies): the packet is dropped.
	{ID: "322004", Rule: "cisco_asa.deny", Class: classPacketDropped,
		Formats: []string{`No management IP address configured for transparent firewall. Dropping protocol {protocol} packet from {src_if}:{src_ip}/{src_port} to {dst_if}:{dst_ip}/{dst_port}`}},

	// Fragments the ASA would not reassemble: dropped.
	{ID: "209003", Rule: "cisco_asa.fragment", Class: classPacketDropped,
		Formats: []string{`Fragment database limit of {_limit} exceeded: src = {src_ip}, dest = {dst_ip}, proto = {protocol}, id = {_fragment_id}`}},
	{ID: "209004", Rule: "cisco_asa.fragment", Class: classPacketDropped,
		Formats: []string{`Invalid IP fragment, size = {_size} exceeds maximum size = {_max_size}: src = {src_ip}, dest = {dst_ip}, proto = {protocol}, id = {_fragment_id}`}},
	{ID: "209005", Rule: "cisco_asa.fragment", Class: classPacketDropped,
		Formats: []string{`Discard IP fragment set with more than {_max_fragments:uint} elements: src = {src_ip}, dest = {dst_ip}, proto = {protocol}, id = {_fragment_id}`}},
	{ID: "209006", Rule: "cisco_asa.fragment", Class: classPacketDropped,
		Formats: []string{`Fragment queue threshold exceeded, dropped TCP fragment from {src_ip}/{src_port} to {dst_ip}/{dst_port} on {src_if} interface`}},

	// Dynamic ARP inspection: the sender's MAC/IP pair contradicts a
	// binding, or the address has none; the packet is dropped.
	{ID: "322002", Rule: "cisco_asa.arp", Class: classARPInspect,
		Formats: []string{arpInspect + `{arp_binding} bound to MAC Address {bound_mac:mac}`}},
	{ID: "322003", Rule: "cisco_asa.arp", Class: classARPInspect,
		Formats: []string{arpInspect + `not bound to any MAC Address`}},
}

func init() { registerASA(asaLimits) }

package ciscocatalog

// ASA connections (302xxx), address translation (305xxx) and ICMP
// (313xxx).
//
// Built messages name the foreign side first ("for outside:... to
// inside:..."): for an outbound connection that is the responder, so
// those messages Swap. Teardown messages print the sides in the Built
// order without the direction; their first side stays the source.

var (
	classXlateBuilt    = cls("translation-built", success, cats(catNetwork), typeStart)
	classXlateTeardown = cls("translation-teardown", success, cats(catNetwork), typeEnd)
	classXlateFailed   = cls("translation-failed", failure, cats(catNetwork), typeConnection, typeDenied)
	classStubBuilt     = cls("stub-connection-built", success, cats(catNetwork), typeConnection, typeStart)
	classStubTeardown  = cls("stub-connection-teardown", success, cats(catNetwork), typeConnection, typeEnd)
)

var asaConn = []Msg{
	{ID: "302013", Rule: "cisco_asa.connection_built", Class: classBuilt, Swap: true, Formats: []string{builtTCPUDP}},
	{ID: "302015", Rule: "cisco_asa.connection_built", Class: classBuilt, Swap: true, Formats: []string{builtTCPUDP}},
	{ID: "302014", Rule: "cisco_asa.connection_teardown", Class: classTeardown, Guess: true, Formats: []string{teardownTCPUDPUser, teardownTCPUDP}},
	{ID: "302016", Rule: "cisco_asa.connection_teardown", Class: classTeardown, Guess: true, Formats: []string{teardownTCPUDPUser, teardownTCPUDP}},
	// GRE (PPTP's data channel): a pair of simplex streams, each side an
	// address with its translation in parentheses (left out by some
	// releases' teardowns); a side may carry the PPTP call id ("/cid"). The guide gives no rule for which
	// side is printed first, so the sides stay as printed (Guess, which
	// never swaps without ports).
	{ID: "302017", Rule: "cisco_asa.connection_built", Class: classBuilt, Guess: true,
		Formats: []string{`Built {direction} GRE connection {conn_id} from ` + greSides + `{? ({user})}`}},
	{ID: "302018", Rule: "cisco_asa.connection_teardown", Class: classTeardown, Guess: true,
		Formats: []string{`Teardown GRE connection {conn_id} from ` + greSides + ` duration {duration}{? bytes {bytes}}{? ({user})}`}},
	// gaddr is laddr's mapped (global) address: the NAT of the local side.
	{ID: "302020", Rule: "cisco_asa.icmp_connection", Class: classBuilt, Swap: true,
		Formats: []string{`Built {direction} {protocol} connection for faddr {src_ip}/{icmp_id}` + srcIdentity + ` gaddr {dst_nat_ip}/{_gid} laddr {dst_ip}/{_lid}{...}`}},
	{ID: "302021", Rule: "cisco_asa.icmp_connection", Class: classTeardown, Guess: true,
		Formats: []string{`Teardown {protocol} connection for faddr {src_ip}/{icmp_id}` + srcIdentity + ` gaddr {dst_nat_ip}/{_gid} laddr {dst_ip}/{_lid}{...}`}},

	// Cluster stub flows (302022-302027): the director, backup or
	// forwarder unit's record of a flow another unit owns. No direction
	// is printed, so the sides are guessed as for a teardown.
	{ID: "302022", Rule: "cisco_asa.cluster_stub", Class: classStubBuilt, Guess: true, Formats: []string{stubBuilt}},
	{ID: "302024", Rule: "cisco_asa.cluster_stub", Class: classStubBuilt, Guess: true, Formats: []string{stubBuilt}},
	{ID: "302026", Rule: "cisco_asa.cluster_stub", Class: classStubBuilt, Guess: true,
		Formats: []string{`Built {_role} stub {protocol} connection for {src_if}:{src_ip}/{_src_id} ({src_nat_ip}) to {dst_if}:{dst_ip}/{_dst_id} ({dst_nat_ip})`}},
	{ID: "302023", Rule: "cisco_asa.cluster_stub", Class: classStubTeardown, Guess: true, Formats: []string{stubTeardown}},
	{ID: "302025", Rule: "cisco_asa.cluster_stub", Class: classStubTeardown, Guess: true, Formats: []string{stubTeardown}},
	{ID: "302027", Rule: "cisco_asa.cluster_stub", Class: classStubTeardown, Guess: true, Formats: []string{stubTeardown}},

	// Flow offload (805001-805003): a flow handed to, or taken back from,
	// the hardware fast path; the sides as the Built message printed them.
	{ID: "805001", Rule: "cisco_asa.flow_offload", Class: cls("flow-offloaded", success, cats(catNetwork), typeConnection, typeInfo),
		Formats: []string{`Offloaded {protocol} Flow for connection {conn_id} from ` + offloadSides}},
	{ID: "805002", Rule: "cisco_asa.flow_offload", Class: cls("flow-offload-ended", success, cats(catNetwork), typeConnection, typeInfo),
		Formats: []string{`{protocol} Flow is no longer offloaded for connection {conn_id} from ` + offloadSides}},
	{ID: "805003", Rule: "cisco_asa.flow_offload", Class: cls("flow-offload-failed", failure, cats(catNetwork), typeConnection, typeInfo),
		Formats: []string{`{protocol} Flow could not be offloaded for connection {conn_id} from ` + offloadSides + ` ({reason:text})`}},

	// Snort's TLS decryption moves a flow between the lightweight proxy
	// and the full proxy (852001: to the full proxy, 852002: back). The
	// message says no direction, so the sides are guessed as for a
	// teardown; the application that asked (Snort) is kept by name.
	{ID: "852001", Rule: "cisco_asa.flow_proxy", Class: cls("flow-proxy-full", success, cats(catNetwork), typeConnection, typeInfo),
		Guess: true, Formats: []string{proxySwitch}},
	{ID: "852002", Rule: "cisco_asa.flow_proxy", Class: cls("flow-proxy-lightweight", success, cats(catNetwork), typeConnection, typeInfo),
		Guess: true, Formats: []string{proxySwitch}},

	// TCP state bypass: the guide names the sides initiator and responder.
	{ID: "302303", Rule: "cisco_asa.connection_built", Class: classBuilt,
		Formats: []string{`Built {protocol} state-bypass connection {conn_id} from {src_if}:{src_ip}/{src_port} ({src_nat_ip}/{src_nat_port}) to {dst_if}:{dst_ip}/{dst_port} ({dst_nat_ip}/{dst_nat_port})`}},
	{ID: "302304", Rule: "cisco_asa.connection_teardown", Class: classTeardown,
		Formats: []string{`Teardown {protocol} state-bypass connection {conn_id} from {src_if}:{src_ip}/{src_port} to {dst_if}:{dst_ip}/{dst_port} duration {duration}{? bytes {bytes}}{? {reason:text}}`}},

	// Packets the ASA could not forward or judged forged.
	{ID: "110002", Rule: "cisco_asa.deny", Class: cls("egress-interface-not-found", failure, cats(catNetwork), typeConnection, typeDenied),
		Formats: []string{`Failed to locate egress interface for {protocol} from {src_if}:{src_ip}/{src_port} to {dst_ip}/{dst_port}`}},
	// The egress interface was found but no route to the next hop: the
	// packet is dropped. The guide writes "next-hop", devices also
	// "next hop".
	{ID: "110003", Rule: "cisco_asa.deny", Class: cls("next-hop-not-found", failure, cats(catNetwork), typeConnection, typeDenied),
		Formats: []string{
			`Routing failed to locate next-hop for {protocol} from {src_if}:{src_ip}/{src_port} to {dst_if}:{dst_ip}/{dst_port}`,
			`Routing failed to locate next hop for {protocol} from {src_if}:{src_ip}/{src_port} to {dst_if}:{dst_ip}/{dst_port}`,
		}},
	// A second SYN with another initial sequence number: perhaps spoofed.
	// The guide does not say the packet is dropped.
	{ID: "419002", Rule: "cisco_asa.tcp", Class: cls("duplicate-tcp-syn", "", cats(catIntrusion, catNetwork), typeInfo),
		Formats: []string{
			`Received duplicate TCP SYN from {src_if}:{src_ip}/{src_port} to {dst_if}:{dst_ip}/{dst_port} with different initial sequence number`,
			`Duplicate TCP SYN from {src_if}:{src_ip}/{src_port} to {dst_if}:{dst_ip}/{dst_port} with different initial sequence number`,
		}},
	// TCP normalization dropped a packet: its payload is larger than the
	// MSS the peer announced, or another check failed ("reason: MSS
	// exceeded, MSS 1380, data 1460").
	{ID: "419001", Rule: "cisco_asa.tcp", Class: classDenied,
		Formats: []string{`Dropping TCP packet from {src_if}:{src_ip}/{src_port} to {dst_if}:{dst_ip}/{dst_port}, reason: {reason:text}`}},
	// DNS inspection dropped a request or reply whose length breaks the
	// protocol's or the configured limit ("label length 67 bytes exceeds
	// protocol limit of 63 bytes", "packet length of 1532 bytes exceeds
	// configured limit of 512 bytes").
	{ID: "410001", Rule: "cisco_asa.dns", Class: classDenied,
		Formats: []string{`Dropped UDP DNS {_dns_message} from {src_if}:{src_ip}/{src_port} to {dst_if}:{dst_ip}/{dst_port}; {reason:text}`}},

	// Translations: the real address is the source, the mapped one its NAT.
	// Releases since 8.3 may follow the mapped interface with the NAT
	// object in parentheses ("to outside(inside_nat_outbound):..."): not
	// part of the interface's name.
	{ID: "305005", Rule: "cisco_asa.nat", Class: cls("no-translation-group", failure, cats(catNetwork), typeConnection, typeDenied),
		Formats: []string{`No translation group found for {protocol} src ` + aclSrc + ` dst ` + aclDst + `{? (type {icmp_type}, code {icmp_code})}`}},
	{ID: "305006", Rule: "cisco_asa.nat", Class: classXlateFailed,
		Formats: []string{`{xlate_type:text} translation creation failed for {protocol} src ` + aclSrc + ` dst ` + aclDst + `{...}`}},
	{ID: "305013", Rule: "cisco_asa.nat", Class: classDenied,
		Formats: []string{`Asymmetric NAT rules matched for forward and reverse flows; Connection for {?protocol }{protocol} src ` + aclSrc +
			` dst ` + aclDst + `{? (type {icmp_type}, code {icmp_code})} denied due to NAT reverse path failure`}},
	{ID: "305009", Rule: "cisco_asa.nat", Class: classXlateBuilt,
		Formats: []string{`Built {xlate_type} translation from {src_if}:{src_ip}{? ({src_user})} to {dst_if}{?({_mapped_object})}:{src_nat_ip}`}},
	{ID: "305010", Rule: "cisco_asa.nat", Class: classXlateTeardown,
		Formats: []string{`Teardown {xlate_type} translation from {src_if}:{src_ip}{? ({src_user})} to {dst_if}{?({_mapped_object})}:{src_nat_ip} duration {duration}`}},
	{ID: "305011", Rule: "cisco_asa.nat", Class: classXlateBuilt,
		Formats: []string{`Built {xlate_type} {protocol} translation from {src_if}:{src_ip}/{src_port}{? ({src_user})} to {dst_if}{?({_mapped_object})}:{src_nat_ip}/{src_nat_port}`}},
	{ID: "305012", Rule: "cisco_asa.nat", Class: classXlateTeardown,
		Formats: []string{`Teardown {xlate_type} {protocol} translation from {src_if}:{src_ip}/{src_port}{? ({src_user})} to {dst_if}{?({_mapped_object})}:{src_nat_ip}/{src_nat_port} duration {duration}`}},

	// ICMP.
	{ID: "313001", Rule: "cisco_asa.icmp", Class: classDenied,
		Formats: []string{`Denied {protocol} type={icmp_type}, code={icmp_code} from {src_ip} on interface {src_if:word}{...}`}},
	{ID: "313004", Rule: "cisco_asa.icmp", Class: classDenied,
		// The guide prints "from IP ... to IP:no matching session"; devices
		// print "from laddr IP ... to IP: no matching session".
		Formats: []string{`Denied {protocol} type={icmp_type}, from {?laddr }{src_ip} on interface {src_if} to {dst_ip}: no matching session`}},
	// The local-host table: an address the ASA keeps state for.
	{ID: "609001", Rule: "cisco_asa.local_host", Class: cls("local-host-built", success, cats(catNetwork), typeInfo),
		Formats: []string{`Built local-host {interface}:{host_ip:ip}`}},
	{ID: "609002", Rule: "cisco_asa.local_host", Class: cls("local-host-teardown", success, cats(catNetwork), typeInfo),
		Formats: []string{`Teardown local-host {interface}:{host_ip:ip} duration {duration}`}},
	{ID: "313005", Rule: "cisco_asa.icmp", Class: classDenied,
		Formats: []string{`No matching connection for ICMP error message: {protocol} src ` + aclSrc + ` dst ` + aclDst +
			` (type {icmp_type}, code {icmp_code}) on {_if:interface} interface.{...}`}},
	{ID: "313008", Rule: "cisco_asa.icmp", Class: classDenied,
		Formats: []string{`Denied {protocol} type={icmp_type}, code={icmp_code} from {src_ip} on interface {src_if:word}{...}`}},
	{ID: "313009", Rule: "cisco_asa.icmp", Class: classDenied,
		Formats: []string{`Denied invalid {protocol} code {icmp_code}, for {src_if}:{src_ip}/{_src_id} ({_src_mapped}) to {dst_if}:{dst_ip}/{_dst_id} ({_dst_mapped}){? {_user:text}}, ICMP id {icmp_id}, ICMP type {icmp_type}`}},
}

const (
	greSides = `{src_if}:{src_ip}{?/{_src_cid:uint}}{? ({src_nat_ip}{?/{_src_nat_cid:uint}})} to ` +
		`{dst_if}:{dst_ip}{?/{_dst_cid:uint}}{? ({dst_nat_ip}{?/{_dst_nat_cid:uint}})}`
	proxySwitch  = `Received {_switch:text} event from application {application} for {protocol} flow {src_ip}/{src_port} to {dst_ip}/{dst_port}`
	offloadSides = `{src_if}:{src_ip}/{src_port} ({src_nat_ip}/{src_nat_port}) to {dst_if}:{dst_ip}/{dst_port} ({dst_nat_ip}/{dst_nat_port})`
	// The guide ends both with "[(user)]": the user cut-through proxy
	// (AAA) authenticated for the connection, after a space (an
	// identity-firewall user is glued to its address).
	builtTCPUDP = `Built {direction} {protocol} connection {conn_id} for {src_if}:{src_ip}/{src_port} ({src_nat_ip}/{src_nat_port})` + srcIdentity +
		` to {dst_if}:{dst_ip}/{dst_port} ({dst_nat_ip}/{dst_nat_port})` + dstIdentity + `{? ({user})}{...}`
	stubBuilt = `Built {_role} stub {protocol} connection for {src_if}:{src_ip}/{src_port} ({src_nat_ip}/{src_nat_port})` +
		` to {dst_if}:{dst_ip}/{dst_port} ({dst_nat_ip}/{dst_nat_port})`
	stubTeardown = `Teardown stub {protocol} connection for {src_if}:{src_ip}/{src_port} to {dst_if}:{dst_ip}/{dst_port}` +
		` duration {duration} forwarded bytes {forwarded_bytes:uint}{? {reason:text}}`
	teardownTCPUDP = `Teardown {protocol} connection {conn_id} for {src_if}:{src_ip}/{src_port}` + srcIdentity +
		` to {dst_if}:{dst_ip}/{dst_port}` + dstIdentity +
		` duration {duration}{? bytes {bytes}}{? {reason:text}}`
	// teardownTCPUDPUser: the same with the cut-through user at the end
	// ("bytes 148 (jdoe)", "TCP FINs (jdoe)"), tried first.
	teardownTCPUDPUser = `Teardown {protocol} connection {conn_id} for {src_if}:{src_ip}/{src_port}` + srcIdentity +
		` to {dst_if}:{dst_ip}/{dst_port}` + dstIdentity +
		` duration {duration}{? bytes {bytes}}{? {reason:text}} ({user})`
)

func init() { registerASA(asaConn) }

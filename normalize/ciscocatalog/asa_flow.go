package ciscocatalog

// ASA flows the box could not or would not handle as asked: application
// inspection giving up on a flow (421xxx), the NAT/PAT pool running dry
// (202010) or the translation failing (305016), traffic through the
// management-only interface (418001) or from a "no forward" interface
// (509001), ESMTP inspection (108004), connections cut by FTP inspection
// (303004) or the TCP proxy (507001); the state of the box's
// interfaces (411xxx), its failover link (105xxx) and PPTP/L2TP/PPPoE
// tunnels (6031xx).

var (
	classPacketDropped = cls("packet-dropped", failure, cats(catNetwork), typeDenied)
	// The flow goes on, uninspected: the guide's "bypassed application
	// checking" (the protocol has no inspection) and "skipped because
	// application has failed" (the inspection engine is down, fail-open).
	classInspectBypassed = cls("inspection-bypassed", "", cats(catNetwork), typeConnection, typeInfo)
	// A connection the ASA cut short: an inspection engine or the TCP
	// proxy ended it.
	classConnTerminated = cls("connection-terminated", failure, cats(catNetwork), typeConnection, typeDenied)
)

// appFlow is the 421xxx flow: "TCP|UDP flow from IF:IP/PORT to IF:IP/PORT".
const appFlow = `{protocol} flow from {src_if}:{src_ip}/{src_port} to {dst_if}:{dst_ip}/{dst_port}`

// unableToCreate is 202010's and 305016's connection that was refused.
const unableToCreate = `Unable to create {protocol} connection from {src_if}:{src_ip}/{src_port} to {dst_if}:{dst_ip}/{dst_port}`

var asaFlow = []Msg{
	{ID: "421001", Rule: "cisco_asa.inspect", Class: classDenied,
		Formats: []string{appFlow + ` is dropped because {reason:text}`}},
	{ID: "421002", Rule: "cisco_asa.inspect", Class: classInspectBypassed,
		Formats: []string{appFlow + ` bypassed application checking because {reason:text}`}},
	{ID: "421007", Rule: "cisco_asa.inspect", Class: classInspectBypassed,
		Formats: []string{appFlow + ` is skipped because {reason:text}`}},

	// "NAT pool exhausted in POOL, port range 1024-65535. Unable to ..."
	// (9.x; the FTD guide writes "for POOL"); "NAT/PAT pool exhausted.
	// Unable to ..." (8.x).
	{ID: "202010", Rule: "cisco_asa.nat", Class: classXlateFailed,
		Formats: []string{
			`{_pool_kind} pool exhausted in {nat_pool}, port range {_port_range}. ` + unableToCreate,
			`{_pool_kind} pool exhausted for {nat_pool}, port range {_port_range}. ` + unableToCreate,
			`{_pool_kind} pool exhausted. ` + unableToCreate,
		}},
	// The translation for a new connection could not be made (port block
	// exhausted, host limit): the connection is not created.
	{ID: "305016", Rule: "cisco_asa.nat", Class: classXlateFailed,
		Formats: []string{unableToCreate + ` due to {reason:text}`}},

	// A packet to or from the management-only interface that would have
	// gone through the box: dropped.
	{ID: "418001", Rule: "cisco_asa.deny", Class: classDenied,
		Formats: []string{
			`Through-the-device packet to/from management-only network is denied: {protocol} src ` + aclSrc + ` dst ` + aclDst + `{...}`,
			`Through-the-device packet to/from management-only network is denied: {protocol} from {src_if} {src_ip} ({src_port})` +
				srcIdentity + ` to {dst_if} {dst_ip} ({dst_port})` + dstIdentity,
		}},

	// ESMTP inspection matched a class of its policy map: a dropped
	// connection is denied; the guide's other actions (log, mask a
	// header) let the mail go on.
	{ID: "108004", Rule: "cisco_asa.inspect", By: "esmtp_action",
		Class: cls("esmtp-class-matched", "", cats(catNetwork), typeInfo),
		Cases: []Case{{"Dropped connection for", classDenied}},
		Formats: []string{`{_action_class:text}: {esmtp_action:text} ESMTP {_req_resp:text} from {src_if}:{src_ip}/{src_port}` +
			` to {dst_if}:{dst_ip}/{dst_port}; {reason:text}`}},

	// FTP inspection in strict mode met a command it does not support,
	// and the TCP proxy's reassembly buffer overflowed: the connection is
	// terminated.
	{ID: "303004", Rule: "cisco_asa.inspect", Class: classConnTerminated,
		Formats: []string{`FTP {ftp_command:text} command unsupported - failed strict inspection, terminating connection from {src_if}:{src_ip}/{src_port} to {dst_if}:{dst_ip}/{dst_port}`}},
	{ID: "507001", Rule: "cisco_asa.inspect", Class: classConnTerminated,
		Formats: []string{`Terminating TCP-Proxy connection from {src_if}:{src_ip}/{src_port} to {dst_if}:{dst_ip}/{dst_port} - reassembly limit of {_limit} bytes exceeded`}},
	// "no forward interface": the interface may not start connections
	// to that one.
	{ID: "509001", Rule: "cisco_asa.deny", Class: classDenied,
		Formats: []string{`Connection attempt from {src_if}:{src_ip}/{src_port}` + srcIdentity + ` to {dst_if}:{dst_ip}/{dst_port}` + dstIdentity +
			` was prevented by "no forward" command`}},

	// The ASA's own interfaces: the guide prints "on interface NAME
	// changed", devices "on Interface NAME, changed".
	{ID: "411001", Rule: "cisco_asa.link", Class: classLinkChange, By: "interface_state", Cases: linkCases("line-protocol"),
		Formats: asaLink(`Line protocol on`)},
	{ID: "411002", Rule: "cisco_asa.link", Class: classLinkChange, By: "interface_state", Cases: linkCases("line-protocol"),
		Formats: asaLink(`Line protocol on`)},
	{ID: "411003", Rule: "cisco_asa.link", Class: classLinkChange, By: "interface_state", Cases: adminCases,
		Formats: asaLink(`Configuration status on`)},
	{ID: "411004", Rule: "cisco_asa.link", Class: classLinkChange, By: "interface_state", Cases: adminCases,
		Formats: asaLink(`Configuration status on`)},

	// Failover: the link to the mate and the unit's own monitored
	// interfaces.
	{ID: "105005", Rule: "cisco_asa.failover", Class: cls("failover-mate-lost", failure, cats(catHost), typeInfo),
		Formats: []string{`({failover_unit}) Lost Failover communications with mate on interface {interface}`}},
	{ID: "105009", Rule: "cisco_asa.failover", By: "_result",
		Cases:   []Case{{"Passed", cls("failover-interface-test", success, cats(catHost), typeInfo)}, {"Failed", cls("failover-interface-test", failure, cats(catHost), typeInfo)}},
		Formats: []string{`({failover_unit}) Testing on interface {interface} {_result}`}},
	{ID: "105042", Rule: "cisco_asa.failover", Class: cls("failover-link-state", success, cats(catHost), typeInfo),
		Formats: []string{`({failover_unit}) Failover interface OK`}},
	{ID: "105043", Rule: "cisco_asa.failover", Class: cls("failover-link-state", failure, cats(catHost), typeInfo),
		Formats: []string{`({failover_unit}) Failover interface failed`}},

	// PPTP, L2TP and PPPoE tunnels the ASA terminates: the remote peer is
	// the source.
	{ID: "603104", Rule: "cisco_asa.tunnel", Class: classTunnelUp,
		Formats: []string{`PPTP Tunnel created, tunnel_id is {tunnel_id}, remote_peer_ip is {src_ip}, ppp_virtual_interface_id is {_vif},` +
			` client_dynamic_ip is {assigned_ip}, username is {user}, MPPE_key_strength is {_mppe}`}},
	{ID: "603105", Rule: "cisco_asa.tunnel", Class: classTunnelDown,
		Formats: []string{`PPTP Tunnel deleted, tunnel_id = {tunnel_id}, remote_peer_ip = {src_ip}`}},
	{ID: "603106", Rule: "cisco_asa.tunnel", Class: classTunnelUp,
		Formats: []string{`L2TP Tunnel created, tunnel_id is {tunnel_id}, remote_peer_ip is {src_ip}, ppp_virtual_interface_id is {_vif},` +
			` client_dynamic_ip is {assigned_ip}, username is {user}`}},
	{ID: "603107", Rule: "cisco_asa.tunnel", Class: classTunnelDown,
		Formats: []string{`L2TP Tunnel deleted, tunnel_id = {tunnel_id}, remote_peer_ip = {src_ip}`}},
	{ID: "603108", Rule: "cisco_asa.tunnel", Class: classTunnelUp,
		Formats: []string{`Built {tunnel_type} Tunnel at {interface}, tunnel-id = {tunnel_id}, remote-peer = {src_ip}, virtual-interface = {_vif},` +
			` client-dynamic-ip = {assigned_ip}, username = {user}{?, MPPE-key-strength = {_mppe}}`}},
	{ID: "603109", Rule: "cisco_asa.tunnel", Class: classTunnelDown,
		Formats: []string{`Teardown {tunnel_type} Tunnel at {interface}, tunnel-id = {tunnel_id}, remote-peer = {src_ip}`}},
}

// adminCases classify 411003/411004, an interface shut or brought up.
var adminCases = []Case{
	{"administratively up", cls("interface-admin-up", "", cats(catHost, catNetwork), typeInfo)},
	{"administratively down", cls("interface-admin-down", "", cats(catHost, catNetwork), typeInfo)},
}

// asaLink returns the two spellings of a 411xxx body after its head.
func asaLink(head string) []string {
	return []string{
		head + ` Interface {interface}, changed state to {interface_state:text}`,
		head + ` interface {interface} changed state to {interface_state:text}`,
	}
}

func init() { registerASA(asaFlow) }

package ciscocatalog

// ASA access lists and packet denies (106xxx), to-the-box access
// (710xxx) and malformed-packet drops (500xxx). Formats follow Cisco's
// "ASA Series Syslog Messages" guide; where releases differ, the older
// and newer shapes are both listed or the newer tail is left to {...}.

// srcIdentity and dstIdentity are what the identity firewall and
// TrustSec print after an address: "(DOMAIN\user)", "(DOMAIN\user,
// SGT:name)" or the security group tag alone "(SGT:name)", which is no
// user (the User kind refuses it).
const (
	srcIdentity = `{?({src_user}{?, {_src_sg:text}})}{?({_src_sgt:uint}:{_src_sgt_name})}`
	dstIdentity = `{?({dst_user}{?, {_dst_sg:text}})}{?({_dst_sgt:uint}:{_dst_sgt_name})}`
)

// aclSide is "IF:IP[/port][(user)]" as 106023 and its relatives print it.
const (
	aclSrc = `{src_if}:{src_ip}{?/{src_port}}` + srcIdentity
	aclDst = `{dst_if}:{dst_ip}{?/{dst_port}}` + dstIdentity
)

var asaACL = []Msg{
	{ID: "106001", Rule: "cisco_asa.deny", Class: classDenied,
		Formats: []string{`{direction} {protocol} connection denied from {src_ip}/{src_port} to {dst_ip}/{dst_port} flags {tcp_flags:text} on interface {src_if}`}},
	{ID: "106002", Rule: "cisco_asa.deny", Class: classDenied,
		// PIX prints the ports after the addresses, and the word in lower case.
		Formats: []string{`{protocol} Connection denied by outbound list {acl} src {src_ip} dest {dst_ip}`,
			`{protocol} connection denied by outbound list {acl} src {src_ip} dest {dst_ip}`,
			`{protocol} Connection denied by outbound list {acl} src {src_ip} {src_port} dest {dst_ip} {dst_port}`,
			`{protocol} connection denied by outbound list {acl} src {src_ip} {src_port} dest {dst_ip} {dst_port}`}},
	{ID: "106006", Rule: "cisco_asa.deny", Class: classDenied,
		Formats: []string{`Deny {direction} {protocol} from {src_ip}/{src_port} to {dst_ip}/{dst_port} on interface {src_if}`}},
	{ID: "106007", Rule: "cisco_asa.deny", Class: classDenied,
		Formats: []string{`Deny {direction} {protocol} from {src_ip}/{src_port} to {dst_ip}/{dst_port} due to DNS {dns_message:text}`}},
	{ID: "106010", Rule: "cisco_asa.deny", Class: classDenied,
		Formats: []string{`Deny {direction} {?protocol }{protocol} src ` + aclSrc + ` dst ` + aclDst + `{...}`}},
	{ID: "106011", Rule: "cisco_asa.deny", Class: classDenied,
		Formats: []string{`Deny {direction} (No xlate) {protocol} src ` + aclSrc + ` dst ` + aclDst + `{...}`}},
	{ID: "106012", Rule: "cisco_asa.deny", Class: classDenied,
		Formats: []string{`Deny IP from {src_ip} to {dst_ip}, IP options: {ip_options:text}`}},
	{ID: "106013", Rule: "cisco_asa.deny", Class: classDenied,
		Formats: []string{`Dropping echo request from {src_ip} to PAT address {dst_ip}`}},
	{ID: "106014", Rule: "cisco_asa.deny_acl", Class: classDenied,
		Formats: []string{`Deny {direction} {protocol} src ` + aclSrc + ` dst ` + aclDst + `{? (type {icmp_type}, code {icmp_code})}`}},
	{ID: "106015", Rule: "cisco_asa.deny", Class: classDenied,
		Formats: []string{`Deny {protocol} (no connection) from {src_ip}/{src_port} to {dst_ip}/{dst_port} flags {tcp_flags:text} on interface {src_if}`}},
	{ID: "106016", Rule: "cisco_asa.deny", Class: classDenied,
		Formats: []string{`Deny IP spoof from ({src_ip}) to {dst_ip} on interface {src_if}`}},
	{ID: "106017", Rule: "cisco_asa.deny", Class: classDenied,
		Formats: []string{`Deny IP due to Land Attack from {src_ip} to {dst_ip}`}},
	{ID: "106018", Rule: "cisco_asa.deny", Class: classDenied,
		Formats: []string{`{protocol} packet type {icmp_type} denied by outbound list {acl} src {src_ip} dest {dst_ip}`}},
	{ID: "106020", Rule: "cisco_asa.deny", Class: classDenied,
		Formats: []string{`Deny IP teardrop fragment (size = {fragment_size:uint}, offset = {fragment_offset:uint}) from {src_ip} to {dst_ip}`}},
	{ID: "106021", Rule: "cisco_asa.deny", Class: classDenied,
		Formats: []string{`Deny {protocol} reverse path check from {src_ip} to {dst_ip} on interface {src_if}`}},
	{ID: "106022", Rule: "cisco_asa.deny", Class: classDenied,
		Formats: []string{`Deny {protocol} connection spoof from {src_ip} to {dst_ip} on interface {src_if}`}},
	// Devices print the ICMP type and code in parentheses (the guide's
	// form) or bare with a comma before "by access-group".
	{ID: "106023", Rule: "cisco_asa.deny_acl", Class: classDenied,
		Formats: []string{
			`Deny {?protocol }{protocol} src ` + aclSrc + ` dst ` + aclDst +
				`{? (type {icmp_type}, code {icmp_code})} by access-group "{acl}"{...}`,
			`Deny {?protocol }{protocol} src ` + aclSrc + ` dst ` + aclDst +
				` type {icmp_type}, code {icmp_code}, by access-group "{acl}"{...}`,
		}},
	{ID: "106100", Rule: "cisco_asa.acl", By: "_verdict", Cases: verdictCases,
		Formats: []string{`access-list {acl} {_verdict} {protocol} {src_if}/{src_ip}({src_port}){? ({src_user}{?, {_src_sg:text}})} -> ` +
			`{dst_if}/{dst_ip}({dst_port}){? ({dst_user}{?, {_dst_sg:text}})} hit-cnt {hit_count}{...}`}},
	// The guide prints "IF/IP PORT IF/IP PORT"; devices print 106100's
	// "IF/IP(PORT) -> IF/IP(PORT)".
	{ID: "106102", Rule: "cisco_asa.acl", By: "_verdict", Cases: verdictCases, Formats: userACL(`{_verdict}`)},
	{ID: "106103", Rule: "cisco_asa.acl", Class: classDenied, Formats: userACL(`denied`)},

	// Connections to the ASA itself; the interface named is where they arrived.
	{ID: "710001", Rule: "cisco_asa.to_the_box", Class: cls("access-requested", "", cats(catNetwork), typeConnection, typeInfo),
		Map:     map[string]string{"dst_if": "observer.ingress.interface.name"},
		Formats: []string{`{protocol} access requested from {src_ip}/{src_port} to {dst_if}:{dst_ip}/{dst_port}`}},
	{ID: "710002", Rule: "cisco_asa.to_the_box", Class: classAllowed,
		Map:     map[string]string{"dst_if": "observer.ingress.interface.name"},
		Formats: []string{`{protocol} access permitted from {src_ip}/{src_port} to {dst_if}:{dst_ip}/{dst_port}`}},
	{ID: "710003", Rule: "cisco_asa.to_the_box", Class: classDenied,
		Map:     map[string]string{"dst_if": "observer.ingress.interface.name"},
		Formats: []string{`{protocol} access denied by ACL from {src_ip}/{src_port} to {dst_if}:{dst_ip}/{dst_port}`}},
	{ID: "710005", Rule: "cisco_asa.to_the_box", Class: classDenied,
		Map:     map[string]string{"dst_if": "observer.ingress.interface.name"},
		Formats: []string{`{protocol} request discarded from {src_ip}/{src_port} to {dst_if}:{dst_ip}/{dst_port}`}},
	{ID: "710004", Rule: "cisco_asa.to_the_box", Class: classDenied,
		Map:     map[string]string{"dst_if": "observer.ingress.interface.name"},
		Formats: []string{`{protocol} connection limit exceeded from {src_ip}/{src_port} to {dst_if}:{dst_ip}/{dst_port}{...}`}},
	{ID: "710006", Rule: "cisco_asa.to_the_box", Class: classDenied,
		Map:     map[string]string{"dst_if": "observer.ingress.interface.name"},
		Formats: []string{`{protocol} request discarded from {src_ip} to {dst_if}:{dst_ip}`}},

	// Malformed packets dropped.
	// SNMP inspection drops a version the policy does not allow.
	{ID: "416001", Rule: "cisco_asa.deny", Class: classDenied,
		Formats: []string{`Dropped UDP SNMP packet from {src_if}:{src_ip}/{src_port} to {dst_if}:{dst_ip}/{dst_port}; version ({snmp_version}) is not allowed through the firewall`}},
	{ID: "500003", Rule: "cisco_asa.deny", Class: classDenied,
		Formats: []string{`Bad TCP hdr length (hdrlen={_hdrlen}, pktlen={_pktlen}) from {src_ip}/{src_port} to {dst_ip}/{dst_port}, flags: {tcp_flags:text}, on interface {src_if}`}},
	{ID: "500004", Rule: "cisco_asa.deny", Class: classDenied,
		Formats: []string{`Invalid transport field for protocol={protocol}, from {src_ip}/{src_port} to {dst_ip}/{dst_port}`}},
	{ID: "507003", Rule: "cisco_asa.deny", Class: classConnTerminated,
		Formats: []string{`{protocol} flow from {src_if}:{src_ip}/{src_port} to {dst_if}:{dst_ip}/{dst_port} terminated by inspection engine, reason - {reason:text}`}},
}

// userACL returns the shapes of a per-user ACL log (106102, 106103).
func userACL(verdict string) []string {
	head := `access-list {acl} ` + verdict + ` {protocol} for user {user} `
	return []string{
		head + `{src_if}/{src_ip} {src_port} {dst_if}/{dst_ip} {dst_port} hit-cnt {hit_count}{...}`,
		head + `{src_if}/{src_ip}({src_port}) -> {dst_if}/{dst_ip}({dst_port}) hit-cnt {hit_count}{...}`,
	}
}

func init() { registerASA(asaACL) }

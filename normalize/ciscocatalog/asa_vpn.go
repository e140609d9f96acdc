package ciscocatalog

// ASA remote-access and site-to-site VPN: IKE/IPsec (713xxx), clientless
// SSL VPN (716xxx), AnyConnect/SVC (722xxx), IKEv2 (750xxx, 751xxx), TLS
// sessions with the ASA (725xxx) and the
// session records (113019, 113039). The peer or client address is the
// source; the group (tunnel group or group policy) is cisco.asa.group.

var (
	classTunnelUp     = cls("tunnel-established", success, cats(catNetwork), typeConnection, typeStart)
	classTunnelDown   = cls("tunnel-terminated", "", cats(catNetwork), typeConnection, typeEnd)
	classVPNError     = cls("vpn-negotiation-failed", failure, cats(catNetwork), typeConnection)
	classVPNInfo      = cls("vpn-info", "", cats(catNetwork), typeInfo)
	classIPsecDropped = cls("ipsec-packet-dropped", failure, cats(catNetwork), typeConnection, typeDenied)
	classAddrAssign   = cls("address-assigned", success, cats(catSession), typeInfo)
	classWebGranted   = cls("access-granted", success, cats(catWeb), typeAccess)
	classWebDenied    = cls("access-denied", failure, cats(catWeb), typeAccess)
	classSVCUp        = cls("svc-connection-established", success, cats(catNetwork), typeConnection, typeStart)
	classSVCDown      = cls("svc-connection-terminated", "", cats(catNetwork), typeConnection, typeEnd)
	// A VPN session the ASA refused or ended for its policy or limits.
	classSessRefused    = cls("session-refused", failure, cats(catSession), typeStart)
	classVPNPolicyError = cls("vpn-policy-error", failure, cats(catNetwork), typeInfo)
)

// ikePeer starts IKE messages: "Group = G, [Username = U, ]IP = A, ".
const ikePeer = `{?Group = {group}, }{?Username = {user}, }IP = {src_ip}, `

// webvpnUser starts 716xxx/722xxx messages, with or without the angle
// brackets newer releases print: "Group <G> User <U> IP <A> ".
var (
	gupAngle = `Group <{group}> User <{user}> IP <{src_ip}> `
	gupPlain = `Group {group} User {user} IP {src_ip} `
	// gupNoUser: the angle form before the user is known ("User IP <...>").
	gupNoUser = `Group <{group}> User IP <{src_ip}> `
)

// gup returns the shapes of a 716xxx/722xxx body.
func gup(rest string) []string { return []string{gupAngle + rest, gupPlain + rest, gupNoUser + rest} }

// ikev2Peer starts 751xxx messages: "Local:IP:port Remote:IP:port Username:U ".
const ikev2Peer = `Local:{local_ip:ip}:{local_port:port} Remote:{src_ip}:{src_port} Username:{user} `

var remoteName = map[string]string{"remote_host": "source.domain"}

// ikev2Any returns rest behind each of the four peer forms: either end
// printed as an address or as a name (750xxx).
func ikev2Any(rest string) []string {
	var out []string
	for _, local := range []string{`Local:{local_ip:ip}:{local_port:port} `, `Local:{local_host:host}:{local_port:port} `} {
		for _, remote := range []string{`Remote:{src_ip}:{src_port} `, `Remote:{remote_host:host}:{src_port} `} {
			out = append(out, local+remote+`Username:{user} `+rest)
		}
	}
	return out
}

// ikeText is a free text behind whichever of "Group = G, ", "Username =
// U, " and "IP = A, " the ASA knew (713901-713905).
var ikeText = []string{
	`{?Group = {group}, }{?Username = {user}, }IP = {src_ip}, {reason:text}`,
	`Group = {group}, {?Username = {user}, }{reason:text}`,
	`{reason:text}`,
}

// ipaa returns body with and without the "Session=0x..., " of newer
// releases, behind "IPAA: ".
func ipaa(body string) []string {
	return []string{`IPAA: Session={_session}, ` + body, `IPAA: ` + body}
}

// tlsPeer returns the client and server forms of a 725xxx body. With a
// client, the peer connected to the ASA ("client IF:IP/PORT to
// ASA-IP/PORT"); with a server the guide does not say which side is
// which, so the peer is kept as cisco.asa.peer_ip.
func tlsPeer(head string) []string {
	return []string{
		head + ` client {src_if}:{src_ip}/{src_port} to {dst_ip}/{dst_port}{...}`,
		head + ` client {src_if}:{src_ip}/{src_port}{...}`,
		head + ` server {_if:interface}:{peer_ip:ip}/{peer_port:port}{...}`,
	}
}

var asaVPN = []Msg{
	{ID: "713049", Rule: "cisco_asa.ike", Class: classTunnelUp,
		// The guide's "for TYPE Group (NAME)"; devices also print "for User
		// (NAME)" (remote access) and "for peer (ADDRESS)".
		Formats: []string{
			ikePeer + `Security negotiation complete for {tunnel_type:text} Group ({_group2:text}) {ike_role}, Inbound SPI = {inbound_spi}, Outbound SPI = {outbound_spi}`,
			ikePeer + `Security negotiation complete for {tunnel_type} ({_peer_name:text}) {ike_role}, Inbound SPI = {inbound_spi}, Outbound SPI = {outbound_spi}`,
		}},
	{ID: "713050", Rule: "cisco_asa.ike", Class: classTunnelDown,
		Formats: []string{ikePeer + `Connection terminated for peer {_peer:text}. Reason: {reason:text} Remote Proxy {remote_proxy:text}, Local Proxy {local_proxy:text}`}},
	{ID: "713119", Rule: "cisco_asa.ike", Class: cls("ike-phase1-completed", success, cats(catNetwork), typeInfo),
		Formats: []string{ikePeer + `PHASE 1 COMPLETED`}},
	{ID: "713120", Rule: "cisco_asa.ike", Class: cls("ike-phase2-completed", success, cats(catNetwork), typeInfo),
		Formats: []string{ikePeer + `PHASE 2 COMPLETED (msgid={ike_msgid})`}},
	{ID: "713167", Rule: "cisco_asa.ike", Class: classLoginFail,
		Formats: []string{ikePeer + `Remote peer has failed user authentication - check configured username and password`}},
	// An Aggressive Mode peer named a tunnel group the ASA does not have:
	// the ASA answers with a spoofed message 2 (so that group names
	// cannot be enumerated) and aborts.
	{ID: "713256", Rule: "cisco_asa.ike", Class: classVPNError,
		Formats: []string{ikePeer + `Sending spoofed ISAKMP Aggressive Mode message 2 due to receipt of unknown tunnel group. Aborting connection`}},
	// The tunnel is being torn down, with why ("Reason: peer reload").
	{ID: "713259", Rule: "cisco_asa.ike", Class: classTunnelDown,
		Formats: []string{ikePeer + `Session is being torn down. Reason: {reason:text}`}},
	// IKE negotiation did not finish in time ("[MM_WAIT_MSG3]").
	{ID: "713136", Rule: "cisco_asa.ike", Class: classVPNError,
		Formats: []string{ikePeer + `IKE session establishment timed out [{ike_state}], aborting!`, `IKE session establishment timed out [{ike_state}], aborting!`}},
	// Dead peer detection or keepalives got no answer: the tunnel to the
	// peer is deleted.
	{ID: "713123", Rule: "cisco_asa.ike", Class: classTunnelDown,
		Formats: []string{ikePeer + `IKE lost contact with remote peer, deleting connection (keepalive type: {keepalive_type})`}},
	// A remote-access user outside the tunnel group's locked group.
	{ID: "713060", Rule: "cisco_asa.ike", Class: classAuthzDeny,
		Formats: []string{ikePeer + `Tunnel Rejected: User ({_user}) not member of group ({_locked_group}), group-lock check failed`}},
	{ID: "713198", Rule: "cisco_asa.ike", Class: classAuthzDeny,
		Formats: []string{ikePeer + `User Authorization failed: {reason:text}`}},
	{ID: "713228", Rule: "cisco_asa.ike", Class: classAddrAssign,
		Formats: []string{ikePeer + `Assigned private IP address {assigned_ip} to remote user`}},
	{ID: "713202", Rule: "cisco_asa.ike", Class: classVPNInfo,
		Formats: []string{ikePeer + `Duplicate first packet detected. Ignoring packet`}},
	// 713901-713905 carry a free text, behind whichever of the group, user
	// and peer address the ASA knew: errors (1-3) and information (7, 6).
	{ID: "713901", Rule: "cisco_asa.ike", Class: classVPNError, Formats: ikeText},
	{ID: "713902", Rule: "cisco_asa.ike", Class: classVPNError, Formats: ikeText},
	{ID: "713903", Rule: "cisco_asa.ike", Class: classVPNError, Formats: ikeText},
	{ID: "713904", Rule: "cisco_asa.ike", Class: classVPNInfo, Formats: ikeText},
	{ID: "713905", Rule: "cisco_asa.ike", Class: classVPNInfo, Formats: ikeText},

	// IPsec SAs. An SA carries one direction; the guide names its ends
	// "local_IP and remote_IP", devices print them in the SA's direction:
	// neither is a source or destination for sure, so both stay Cisco's.
	{ID: "602303", Rule: "cisco_asa.ipsec", Class: cls("ipsec-sa-created", success, cats(catNetwork), typeConnection, typeStart),
		Formats: []string{`IPSEC: An {sa_direction} {tunnel_type:text} SA (SPI= {spi}) between {sa_ip_1:ip} and {sa_ip_2:ip} (user= {user}) has been created`}},
	{ID: "602304", Rule: "cisco_asa.ipsec", Class: cls("ipsec-sa-deleted", "", cats(catNetwork), typeConnection, typeEnd),
		Formats: []string{`IPSEC: An {sa_direction} {tunnel_type:text} SA (SPI= {spi}) between {sa_ip_1:ip} and {sa_ip_2:ip} (user= {user}) has been deleted`}},

	// A packet that matched a crypto map's ACL arrived unencrypted: the
	// peer sends in clear what should be in the tunnel (a policy mismatch,
	// or traffic spoofed into it). From and to are the packet's. The
	// message does not say what became of the packet: no outcome.
	{ID: "402117", Rule: "cisco_asa.ipsec", Class: cls("ipsec-packet-not-encrypted", "", cats(catNetwork), typeConnection, typeInfo),
		Formats: []string{`IPSEC: Received a non-IPSec packet (protocol={protocol}) from {src_ip} to {dst_ip}`}},
	// An ESP or AH packet of a tunnel dropped: its sequence number was
	// outside the anti-replay window (402119: reordered on the way, or
	// replayed) or its integrity check failed (402120: corrupted or
	// forged). The user is the SA's: a remote-access user, or the peer
	// address a LAN-to-LAN tunnel is named after (then
	// cisco.asa.tunnel_user, as for every user slot holding an address).
	{ID: "402119", Rule: "cisco_asa.ipsec", Class: classIPsecDropped,
		Formats: []string{`IPSEC: Received an {protocol} packet (SPI={spi}, sequence number={ipsec_seq}) from {src_ip} (user={user}) to {dst_ip} that failed anti-replay checking{...}`}},
	{ID: "402120", Rule: "cisco_asa.ipsec", Class: classIPsecDropped,
		Formats: []string{`IPSEC: Received an {protocol} packet (SPI={spi}, sequence number={ipsec_seq}) from {src_ip} (user={user}) to {dst_ip} that failed authentication{...}`}},
	// An ESP or AH packet for no SA the ASA knows (402114), or whose
	// decrypted packet is not what the SA's proxies allow (402116: the
	// inner addresses stay in the text): dropped.
	{ID: "402114", Rule: "cisco_asa.ipsec", Class: classIPsecDropped,
		Formats: []string{`IPSEC: Received an {protocol} packet (SPI={spi}, sequence number={ipsec_seq}) from {src_ip}{? (user={user})} to {dst_ip} with an invalid SPI`}},
	{ID: "402116", Rule: "cisco_asa.ipsec", Class: classIPsecDropped,
		Formats: []string{`IPSEC: Received an {protocol} packet (SPI={spi}, sequence number={ipsec_seq}) from {src_ip}{? (user={user})} to {dst_ip}. The decapsulated inner packet doesn't match the negotiated policy in the SA{...}`}},

	// A peer's or client's certificate refused (expired, revoked, no
	// trust point).
	{ID: "717009", Rule: "cisco_asa.pki", Class: cls("certificate-validation-failed", failure, cats(catNetwork), typeInfo),
		Formats: []string{`Certificate validation failed. Reason: {reason:text}`}},

	// The cut-through (uauth) table entry of a VPN user and the address
	// assigned to it.
	{ID: "109201", Rule: "cisco_asa.uauth", Class: classVPNInfo,
		Formats: []string{`UAUTH: Session={uauth_session}, User={user}, Assigned IP={assigned_ip}, Succeeded adding entry`}},
	{ID: "109207", Rule: "cisco_asa.uauth", Class: classVPNInfo,
		Formats: []string{`UAUTH: Session={uauth_session}, User={user}, Assigned IP={assigned_ip}, Succeeded updating entry`}},
	{ID: "109210", Rule: "cisco_asa.uauth", Class: classVPNError,
		Formats: []string{`UAUTH: Session={uauth_session}, User={user}, Assigned IP={assigned_ip}, Error in adding entry`}},

	// Address assignment for VPN clients (IPAA); newer releases start
	// with the session's handle.
	{ID: "737003", Rule: "cisco_asa.ipaa", Class: classVPNError,
		Formats: ipaa(`DHCP configured, no viable servers found for tunnel-group {group:text}`)},
	{ID: "737006", Rule: "cisco_asa.ipaa", Class: classVPNInfo,
		Formats: ipaa(`Local pool request succeeded for tunnel-group {group:text}`)},
	{ID: "737016", Rule: "cisco_asa.ipaa", Class: cls("address-released", success, cats(catSession), typeInfo),
		Formats: append(ipaa(`Freeing local pool {address_pool} address {assigned_ip}`), ipaa(`Freeing local pool address {assigned_ip}`)...)},
	{ID: "737026", Rule: "cisco_asa.ipaa", Class: classAddrAssign,
		// Some releases print "Client assigned from local pool X", where X
		// may be the pool or the address: matched, not handed out.
		Formats: concat(ipaa(`Client assigned {assigned_ip} from local pool {address_pool}`), ipaa(`Client assigned {assigned_ip} from local pool`),
			ipaa(`Client assigned from local pool {_pool_or_address}`))},
	{ID: "737034", Rule: "cisco_asa.ipaa", Class: classVPNError,
		Formats: ipaa(`{ip_version} address: {reason:text}`)},

	// Clientless SSL VPN.
	{ID: "716001", Rule: "cisco_asa.webvpn", Class: classSessStart, Formats: gup(`WebVPN session started`)},
	{ID: "716002", Rule: "cisco_asa.webvpn", Class: classSessEnd, Formats: gup(`WebVPN session terminated: {reason:text}`)},
	{ID: "716003", Rule: "cisco_asa.webvpn", Class: classWebGranted, Formats: gup(`WebVPN access GRANTED: {url:text}`)},
	{ID: "716004", Rule: "cisco_asa.webvpn", Class: classWebDenied, Formats: gup(`WebVPN access DENIED to specified location: {url:text}`)},
	{ID: "716038", Rule: "cisco_asa.webvpn", Class: classLogin, Formats: gup(`Authentication: successful, Session Type: {session_type:text}`)},
	{ID: "716039", Rule: "cisco_asa.webvpn", Class: classLoginFail,
		Formats: append(gup(`Authentication: rejected, Session Type: {session_type:text}`),
			// The name typed before the session type (WebVPN, Admin: one
			// word), so a name imitating ", Session Type: X" stays the name.
			`Authentication: rejected, group = {group} user = {user} , Session Type: {session_type:word}`)},
	{ID: "716058", Rule: "cisco_asa.webvpn", Class: cls("session-lost", "", cats(catSession), typeInfo),
		Formats: gup(`AnyConnect session lost connection. Waiting to resume`)},
	// The client came back, perhaps from another address (kept as Cisco's).
	{ID: "716059", Rule: "cisco_asa.webvpn", Class: cls("session-resumed", success, cats(catSession), typeStart),
		Formats: []string{
			gupAngle + `AnyConnect session resumed. Connection from <{resumed_ip:ip}>`,
			gupAngle + `AnyConnect session resumed connection from IP <{resumed_ip:ip}>`,
			gupNoUser + `AnyConnect session resumed connection from IP <{resumed_ip:ip}>`,
			gupPlain + `AnyConnect session resumed. Connection from {resumed_ip:ip}`,
			gupPlain + `AnyConnect session resumed connection from IP {resumed_ip:ip}`,
		}},
	// Clientless sessions of a virtual context or unit ("(device) ...").
	{ID: "721016", Rule: "cisco_asa.webvpn", Class: classSessStart,
		Formats: []string{`({_device:text}) WebVPN session for client user {user}, {_ipv:word} {src_ip} has been created`}},
	{ID: "721018", Rule: "cisco_asa.webvpn", Class: classSessEnd,
		Formats: []string{`({_device:text}) WebVPN session for client user {user}, {_ipv:word} {src_ip} has been deleted`}},

	// AnyConnect / SVC.
	{ID: "722022", Rule: "cisco_asa.svc", Class: classSVCUp, Formats: gup(`{protocol} SVC connection established {compression:text}`)},
	{ID: "722023", Rule: "cisco_asa.svc", Class: classSVCDown, Formats: gup(`{protocol} SVC connection terminated {compression:text}`)},
	{ID: "722028", Rule: "cisco_asa.svc", Class: classSVCDown, Formats: gup(`Stale SVC connection closed`)},
	{ID: "722033", Rule: "cisco_asa.svc", Class: classSVCUp, Formats: gup(`First {protocol} SVC connection established for SVC session`)},
	{ID: "722034", Rule: "cisco_asa.svc", Class: classSVCUp, Formats: gup(`New {protocol} SVC connection, no existing connection`)},
	{ID: "722032", Rule: "cisco_asa.svc", Class: classSVCUp, Formats: append(gup(`New {protocol} SVC connection replacing old connection`), gup(`New SVC connection replacing old connection`)...)},
	{ID: "722037", Rule: "cisco_asa.svc", Class: classSessEnd, Formats: gup(`SVC closing connection: {reason:text}`)},
	{ID: "722051", Rule: "cisco_asa.svc", Class: classAddrAssign,
		// Releases differ in the case of "Address" and in the brackets.
		Formats: []string{
			gupAngle + `IPv4 {_a4} <{assigned_ip}> IPv6 {_a6} <{assigned_ipv6:ip}> assigned to session`,
			gupPlain + `IPv4 {_a4} {assigned_ip} IPv6 {_a6} {assigned_ipv6:ip} assigned to session`,
			gupPlain + `IPv4 {_a4} <{assigned_ip}> IPv6 {_a6} <{assigned_ipv6:ip}> assigned to session`,
		}},
	// The AnyConnect client's own report ("SVC Message: 16/NOTICE: ..."),
	// and a client that asked for an IPv6 address the pool could not give.
	{ID: "722012", Rule: "cisco_asa.svc", Class: classVPNInfo,
		Formats: gup(`SVC Message: {svc_message_type}/{svc_message_level}: {svc_message:text}`)},
	{ID: "722041", Rule: "cisco_asa.svc", Class: classVPNInfo,
		Formats: []string{`TunnelGroup <{tunnel_group}> GroupPolicy <{group}> User <{user}> IP <{src_ip}> No IPv6 address available for SVC connection`}},
	{ID: "722055", Rule: "cisco_asa.svc", Class: classVPNInfo,
		Formats: append(gup(`Client Type: {client_type:text}`), gup(`Client type: {client_type:text}`)...)},

	// AnyConnect sessions refused or limited by policy (113029-113040).
	{ID: "113029", Rule: "cisco_asa.vpn_session", Class: classSessRefused,
		Formats: gup(`Session could not be established: {reason:text}`)},
	{ID: "113030", Rule: "cisco_asa.vpn_session", Class: classSessRefused,
		Formats: gup(`User ACL {acl} from AAA doesn't exist on the device, terminating connection`)},
	{ID: "113031", Rule: "cisco_asa.vpn_session", Class: classVPNPolicyError,
		Formats: gup(`AnyConnect vpn-filter {acl} is an IPv6 ACL; ACL not applied`)},
	{ID: "113032", Rule: "cisco_asa.vpn_session", Class: classVPNPolicyError,
		Formats: gup(`AnyConnect ipv6-vpn-filter {acl} is an IPv4 ACL; ACL not applied`)},
	{ID: "113033", Rule: "cisco_asa.vpn_session", Class: classSessRefused,
		Formats: gup(`AnyConnect session not allowed. {reason:text}`)},
	{ID: "113034", Rule: "cisco_asa.vpn_session", Class: classVPNInfo,
		Formats: gup(`User ACL {acl} from AAA ignored, AV-PAIR ACL used instead`)},
	{ID: "113035", Rule: "cisco_asa.vpn_session", Class: classSessRefused,
		Formats: gup(`Session terminated: {reason:text}`)},
	{ID: "113036", Rule: "cisco_asa.vpn_session", Class: classVPNPolicyError,
		Formats: gup(`AAA parameter {aaa_parameter} value invalid`)},
	{ID: "113037", Rule: "cisco_asa.vpn_session", Class: classSessRefused,
		Formats: []string{`Reboot pending, new sessions disabled. Denied user login`}},
	{ID: "113038", Rule: "cisco_asa.vpn_session", Class: classSessRefused,
		Formats: gup(`Unable to create AnyConnect parent session`)},
	{ID: "113040", Rule: "cisco_asa.vpn_session", Class: classSessRefused,
		Formats: []string{`Terminating the VPN connection attempt from {group}. Reason: This connection is group locked to {locked_group}`}},

	// Session records.
	{ID: "113019", Rule: "cisco_asa.vpn_session", Class: classSessEnd,
		Formats: []string{`Group = {group}, Username = {user?}, IP = {src_ip}, Session disconnected. Session Type: {session_type:text}, ` +
			`Duration: {_duration:text}, Bytes xmt: {bytes_sent:uint}, Bytes rcv: {bytes_received:uint}, Reason: {reason:text}`}},
	{ID: "113039", Rule: "cisco_asa.vpn_session", Class: classSessStart,
		Formats: gup(`AnyConnect parent session started`)},

	// IKEv2 negotiation (750xxx): the remote peer is the source; some
	// releases print its name instead of its address.
	{ID: "750002", Rule: "cisco_asa.ikev2", Class: cls("ike-sa-requested", "", cats(catNetwork), typeConnection, typeStart), Map: remoteName,
		Formats: ikev2Any(`Received a IKE_INIT_SA request`)},
	{ID: "750003", Rule: "cisco_asa.ikev2", Class: classVPNError, Map: remoteName,
		Formats: ikev2Any(`{?IKEv2 }Negotiation aborted due to ERROR: {reason:text}`)},
	// The IKEv2 SA with the peer came up or went down, with why
	// ("New Connection Established", "Deleted by the peer").
	{ID: "750006", Rule: "cisco_asa.ikev2", Class: classTunnelUp, Map: remoteName,
		Formats: ikev2Any(`IKEv2 SA UP. Reason: {reason:text}`)},
	{ID: "750007", Rule: "cisco_asa.ikev2", Class: classTunnelDown, Map: remoteName,
		Formats: ikev2Any(`IKEv2 SA DOWN. Reason: {reason:text}`)},

	// SSL/TLS sessions with the ASA (725xxx): "with client" names the
	// peer that connected to the ASA, "with server" the one the ASA
	// connected to.
	{ID: "725001", Rule: "cisco_asa.tls", Class: cls("tls-handshake-started", "", cats(catNetwork), typeConnection, typeStart),
		Formats: tlsPeer(`Starting SSL handshake with`)},
	{ID: "725002", Rule: "cisco_asa.tls", Class: cls("tls-handshake-completed", success, cats(catNetwork), typeConnection, typeStart),
		Formats: tlsPeer(`Device completed SSL handshake with`)},
	{ID: "725006", Rule: "cisco_asa.tls", Class: cls("tls-handshake-failed", failure, cats(catNetwork), typeConnection),
		Formats: tlsPeer(`Device failed SSL handshake with`)},
	{ID: "725016", Rule: "cisco_asa.tls", Class: cls("tls-trustpoint-selected", "", cats(catNetwork), typeInfo),
		Formats: []string{
			`Device selects trust-point {trustpoint} for client {src_if}:{src_ip}/{src_port} to {dst_ip}/{dst_port}`,
			`Device selects trust-point {trustpoint} for server {_if:interface}:{peer_ip:ip}/{peer_port:port} to {_local_ip:ip}/{_local_port}`,
		}},
	{ID: "725007", Rule: "cisco_asa.tls", Class: cls("tls-session-ended", "", cats(catNetwork), typeConnection, typeEnd),
		Formats: tlsPeer(`SSL session with`)},

	// IKEv2.
	{ID: "751001", Rule: "cisco_asa.ikev2", Class: classVPNError,
		Formats: []string{ikev2Peer + `Failed to complete Diffie-Hellman operation. Error: {reason:text}`}},
	{ID: "751002", Rule: "cisco_asa.ikev2", Class: classVPNError,
		Formats: []string{ikev2Peer + `No preshared key or trustpoint configured for self in tunnel group {group}`}},
	{ID: "751004", Rule: "cisco_asa.ikev2", Class: classVPNError,
		Formats: []string{ikev2Peer + `No remote authentication method configured for peer in tunnel group {group}`}},
	{ID: "751005", Rule: "cisco_asa.ikev2", Class: classLoginFail,
		Formats: []string{ikev2Peer + `AnyConnect client reconnect authentication failed. Session ID: {session_id}, Error: {reason:text}`}},
	{ID: "751006", Rule: "cisco_asa.ikev2", Class: classLoginFail,
		Formats: []string{ikev2Peer + `Certificate authentication failed. Error: {reason:text}`}},
	{ID: "751024", Rule: "cisco_asa.ikev2", Class: classVPNError,
		Formats: []string{ikev2Peer + `IKEv2 Negotiation aborted due to ERROR: {reason:text}`}},
	{ID: "751025", Rule: "cisco_asa.ikev2", Class: classAddrAssign, Map: remoteName,
		// The message guide's form has the word IKEv2 after the user name.
		// Either end may be printed as a name, as in 750xxx; a session
		// given no IPv6 address prints "invalid-addr-2-0.0.0.0" in its
		// place, which is no address.
		Formats: append(ikev2Any(`{?IKEv2 }Group:{group} IPv4 Address={assigned_ip} IPv6 address={assigned_ipv6:ip} assigned to session`),
			ikev2Any(`{?IKEv2 }Group:{group} IPv4 Address={assigned_ip} IPv6 address=invalid-addr-{_unassigned} assigned to session`)...)},
}

func init() { registerASA(asaVPN) }

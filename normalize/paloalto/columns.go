package paloalto

import "github.com/nomenhq/nomen/normalize/vendor"

// column is one documented position: where its value goes (an ECS key, or
// kind Extra for paloalto.panos.<name>) and under which name it is kept
// when its value does not have the kind's shape.
type column struct {
	at    int
	name  string // the documented field name ("src", "natsport")
	key   string // ECS field; "" with kind Extra
	kind  vendor.Kind
	noNAT bool // "0.0.0.0" / "0" mean "not translated": not emitted
}

func ecs(at int, name, key string, kind vendor.Kind) column {
	return column{at: at, name: name, key: key, kind: kind}
}

func nat(at int, name, key string, kind vendor.Kind) column {
	return column{at: at, name: name, key: key, kind: kind, noNAT: true}
}

func extra(at int, name string) column { return column{at: at, name: name, kind: vendor.Extra} }

// layout is one log type: the oldest documented column count, the columns
// decoded and the classification.
type layout struct {
	min  int
	cols []column
}

// common: the first columns of every type.
var common = []column{
	extra(1, "receive_time"), ecs(2, "serial", "observer.serial_number", vendor.Word), extra(3, "type"),
	extra(4, "subtype"), extra(6, "time_generated"),
}

// sessionCols: columns 7-30, the same in TRAFFIC and THREAT logs.
var sessionCols = []column{
	ecs(7, "src", "source.ip", vendor.IP), ecs(8, "dst", "destination.ip", vendor.IP),
	nat(9, "natsrc", "source.nat.ip", vendor.IP), nat(10, "natdst", "destination.nat.ip", vendor.IP),
	ecs(11, "rule", "rule.name", vendor.Text), ecs(12, "srcuser", "source.user.name", vendor.User),
	ecs(13, "dstuser", "destination.user.name", vendor.User), ecs(14, "app", "network.application", vendor.Word),
	extra(15, "vsys"), ecs(16, "from", "observer.ingress.zone", vendor.Word), ecs(17, "to", "observer.egress.zone", vendor.Word),
	ecs(18, "inbound_if", "observer.ingress.interface.name", vendor.Interface),
	ecs(19, "outbound_if", "observer.egress.interface.name", vendor.Interface), extra(20, "logset"),
	extra(22, "sessionid"), extra(23, "repeatcnt"), ecs(24, "sport", "source.port", vendor.Port),
	ecs(25, "dport", "destination.port", vendor.Port), nat(26, "natsport", "source.nat.port", vendor.Port),
	nat(27, "natdport", "destination.nat.port", vendor.Port), extra(28, "flags"),
	ecs(29, "proto", "network.transport", vendor.Transport), extra(30, "action"),
}

func with(base []column, more ...column) []column {
	return append(append([]column(nil), base...), more...)
}

// layouts by type, from the PAN-OS "Syslog Field Descriptions" formats.
var layouts = map[string]*layout{
	// FUTURE_USE, Receive Time, Serial Number, Type, Threat/Content Type, FUTURE_USE, Generated Time,
	// Source Address, ... Action, Bytes, Bytes Sent, Bytes Received, Packets, Start Time, Elapsed Time,
	// Category, FUTURE_USE, Sequence Number, Action Flags, Source Location, Destination Location,
	// FUTURE_USE, Packets Sent, Packets Received, Session End Reason, ...
	"TRAFFIC": {min: 46, cols: with(sessionCols,
		ecs(31, "bytes", "network.bytes", vendor.Uint), ecs(32, "bytes_sent", "source.bytes", vendor.Uint),
		ecs(33, "bytes_received", "destination.bytes", vendor.Uint), ecs(34, "packets", "network.packets", vendor.Uint),
		extra(35, "start"), ecs(36, "elapsed", "event.duration", vendor.Seconds), extra(37, "category"),
		extra(39, "seqno"), extra(40, "actionflags"), extra(41, "srcloc"), extra(42, "dstloc"),
		ecs(44, "pkts_sent", "source.packets", vendor.Uint), ecs(45, "pkts_received", "destination.packets", vendor.Uint),
		ecs(46, "session_end_reason", "event.reason", vendor.Word),
		// ... Action Source, Source/Destination VM UUID, Tunnel ID/IMSI, Monitor Tag/IMEI, Parent
		// Session ID, Parent Start Time, Tunnel Type, SCTP Association ID, SCTP Chunks (3), Rule UUID
		ecs(65, "rule_uuid", "rule.uuid", vendor.Word))},
	// ... Action, URL/Filename, Threat ID, Category, Severity, Direction, Sequence Number, Action Flags,
	// Source Location, Destination Location, FUTURE_USE, Content Type, ...
	"THREAT": {min: 42, cols: with(sessionCols,
		extra(31, "misc"), extra(32, "threatid"), extra(33, "category"), extra(34, "severity"),
		extra(35, "direction"), extra(36, "seqno"), extra(37, "actionflags"), extra(38, "srcloc"),
		extra(39, "dstloc"), extra(41, "contenttype"),
		// ... Threat Category, Content Version, FUTURE_USE, SCTP Association ID, Payload Protocol ID,
		// HTTP Headers, URL Category List, Rule UUID
		ecs(76, "rule_uuid", "rule.uuid", vendor.Word))},
	// ... Generated Time, Virtual System, Event ID, Object, FUTURE_USE, FUTURE_USE, Module, Severity,
	// Description, Sequence Number, ...
	"SYSTEM": {min: 15, cols: []column{
		extra(7, "vsys"), ecs(8, "eventid", "event.code", vendor.Word), extra(9, "object"), extra(12, "module"),
		extra(13, "severity"), extra(14, "opaque"), extra(15, "seqno"),
		// ... Device Name, FUTURE_USE x2, High Resolution Timestamp (PAN-OS 10).
		ecs(25, "high_res_timestamp", "@timestamp", vendor.Time)}},
	// ... Generated Time, Host, Virtual System, Command, Admin, Client, Result, Configuration Path, ...
	"CONFIG": {min: 14, cols: []column{
		ecs(7, "host", "source.ip", vendor.IP), extra(8, "vsys"), extra(9, "cmd"), ecs(10, "admin", "user.name", vendor.User),
		extra(11, "client"), extra(12, "result"), extra(13, "path")}},
	// ... Generated Time, Virtual System, Event ID, Stage, Authentication Method, Tunnel Type, Source User,
	// Source Region, Machine Name, Public IP, Public IPv6, Private IP, Private IPv6, Host ID, Serial Number,
	// Client Version, Client OS, Client OS Version, Repeat Count, Reason, Error, Description, Status,
	// Location, Login Duration, Connect Method, Error Code, Portal, Sequence Number, Action Flags, High
	// Res Timestamp, Selection Type, Response Time, Priority, Attempted Gateways, Gateway, ... (9.1+)
	// The Machine Name is the client's endpoint, not the firewall that logged: host.name stays
	// the firewall's (as in HIPMATCH).
	"GLOBALPROTECT": {min: 29, cols: []column{
		extra(7, "vsys"), ecs(8, "eventid", "event.code", vendor.Word), extra(9, "stage"), extra(10, "auth_method"),
		extra(11, "tunnel_type"), ecs(12, "srcuser", "user.name", vendor.User), extra(13, "srcregion"),
		extra(14, "machinename"), nat(15, "public_ip", "source.ip", vendor.IP),
		extra(16, "public_ipv6"), extra(17, "private_ip"), extra(18, "private_ipv6"), extra(19, "hostid"),
		extra(20, "serialnumber"), extra(21, "client_ver"), extra(22, "client_os"), extra(23, "client_os_ver"),
		extra(24, "repeatcnt"), ecs(25, "reason", "event.reason", vendor.Text), extra(26, "error"),
		extra(27, "opaque"), extra(28, "status"), extra(29, "location"), extra(30, "login_duration"),
		extra(31, "connect_method"), extra(32, "error_code"), extra(33, "portal"), extra(34, "seqno"),
		ecs(36, "high_res_timestamp", "@timestamp", vendor.Time), extra(37, "selection_type"),
		extra(38, "response_time"), extra(39, "priority"), extra(40, "attempted_gateways"), extra(41, "gateway")}},
	// ... Generated Time, Virtual System, Source IP, User, Data Source Name, Event ID, Repeat Count,
	// Time Out Threshold, Source Port, Destination Port, Data Source, Data Source Type, ...
	"USERID": {min: 12, cols: []column{
		extra(7, "vsys"), ecs(8, "ip", "source.ip", vendor.IP), ecs(9, "user", "user.name", vendor.User),
		extra(10, "datasourcename"), ecs(11, "eventid", "event.code", vendor.Word), extra(12, "repeatcnt"),
		extra(13, "timeout"), nat(14, "beginport", "source.port", vendor.Port), nat(15, "endport", "destination.port", vendor.Port),
		extra(16, "datasource"), extra(17, "datasourcetype"),
		// ... Factor Number, User Group Flags, User by Source, Tag Name, High Resolution Timestamp.
		ecs(33, "high_res_timestamp", "@timestamp", vendor.Time)}},
	// ... Generated Time, Virtual System, Source IP, User, Normalize User, Object, Authentication Policy,
	// Repeat Count, Authentication ID, Vendor, Log Action, Server Profile, Description, Client Type,
	// Event Type, Factor Number, ...
	"AUTHENTICATION": {min: 21, cols: []column{
		extra(7, "vsys"), ecs(8, "ip", "source.ip", vendor.IP), ecs(9, "user", "user.name", vendor.User),
		extra(10, "normalize_user"), extra(11, "object"), extra(12, "authpolicy"), extra(13, "repeatcnt"),
		extra(14, "authid"), extra(15, "vendor"), extra(16, "logset"), extra(17, "serverprofile"),
		extra(18, "desc"), extra(19, "clienttype"), ecs(20, "event", "event.code", vendor.Word), extra(21, "factorno")}},
	// ... Generated Time, Source User, Virtual System, Machine Name, OS, Source Address, HIP, Repeat
	// Count, HIP Type, FUTURE_USE, FUTURE_USE, Sequence Number, Action Flags, ...
	"HIPMATCH": {min: 15, cols: []column{
		ecs(7, "srcuser", "user.name", vendor.User), extra(8, "vsys"), extra(9, "machinename"), extra(10, "os"), ecs(11, "src", "source.ip", vendor.IP), extra(12, "matchname"), extra(13, "repeatcnt"),
		extra(14, "matchtype"), extra(17, "seqno")}},
	// The session columns as in TRAFFIC, then Tunnel, FUTURE_USE x2, Source and Destination VM UUID,
	// Rule UUID, Stage for Client to Firewall, Stage for Firewall to Server, TLS Version, Key Exchange
	// Algorithm, Encryption Algorithm, Hash Algorithm, Policy Name, Elliptic Curve, Error Index, Root
	// Status, Chain Status, Proxy Type, Certificate Serial Number, Fingerprint, Certificate Start and
	// End Date, Certificate Version, Certificate Size, four name lengths, Certificate Flags, Subject
	// Common Name, Issuer Subject Common Name, Root Subject Common Name, Server Name Indication, Error, ...
	"DECRYPTION": {min: 65, cols: with(sessionCols,
		extra(37, "clienttofirewall"), extra(38, "firewalltoserver"), extra(39, "tls_version"),
		extra(40, "tls_keyxchg"), extra(41, "tls_enc"), extra(42, "tls_auth"), extra(43, "policy_name"),
		extra(45, "err_index"), extra(46, "root_status"), extra(47, "chain_status"), extra(48, "proxy_type"),
		extra(49, "cert_serial"), extra(50, "fingerprint"),
		ecs(60, "cn", "tls.server.x509.subject.common_name", vendor.Text),
		ecs(61, "issuer_cn", "tls.server.x509.issuer.common_name", vendor.Text),
		extra(62, "root_cn"), ecs(63, "sni", "tls.client.server_name", vendor.Host),
		ecs(64, "error", "event.reason", vendor.Text))},
	// ... Generated Time, Virtual System, Source IP, Tag Name, Event ID, Repeat Count, Timeout, Data
	// Source Name, Data Source Type, Data Source Subtype, Sequence Number, Action Flags, ...
	"IPTAG": {min: 16, cols: []column{
		extra(7, "vsys"), ecs(8, "src", "source.ip", vendor.IP), extra(9, "tag_name"),
		ecs(10, "event_id", "event.code", vendor.Word), extra(11, "repeatcnt"), extra(12, "timeout"),
		extra(13, "datasourcename"), extra(14, "datasource_type"), extra(15, "datasource_subtype")}},
	// Source Address, Destination Address, FUTURE_USE x2, Rule Name, FUTURE_USE x2, Application,
	// Virtual System, zones, interfaces, Log Action, FUTURE_USE, Session ID, FUTURE_USE, Source Port,
	// Destination Port, FUTURE_USE x3, Protocol, Action, GTP Event Type, MSISDN, Access Point Name,
	// Radio Access Technology, GTP Message Type, End User IP Address, TEID1, TEID2, GTP Interface,
	// GTP Cause, Severity, MCC, MNC, Area Code, Cell ID, GTP Event Code, ...
	"GTP": {min: 31, cols: with(mobileCols(29),
		ecs(14, "app", "network.application", vendor.Word), extra(31, "event_type"), extra(32, "msisdn"),
		extra(33, "apn"), extra(34, "rat"), extra(35, "msg_type"), extra(36, "end_ip_adr"), extra(37, "teid1"),
		extra(38, "teid2"), extra(39, "gtp_interface"), extra(40, "cause_code"), extra(41, "severity"),
		extra(42, "mcc"), extra(43, "mnc"), extra(44, "area_code"), extra(45, "cell_id"), extra(46, "event_code"))},
	// As GTP to Destination Port (no Application), then Repeat Count at 23, FUTURE_USE x4, IP
	// Protocol, Action, DG levels, Virtual System Name, Device Name, Sequence Number, FUTURE_USE,
	// SCTP Association ID, Payload Protocol ID, Severity, SCTP Chunk Type, ..., SCTP Association End
	// Reason (52), ..., SCTP Chunks, Chunks Sent, Chunks Received, Packets, Packets Sent, Packets Received
	"SCTP": {min: 32, cols: with(mobileCols(30),
		extra(23, "repeatcnt"), extra(38, "seqno"), extra(40, "assoc_id"), extra(41, "ppid"),
		extra(42, "severity"), extra(43, "sctp_chunk_type"), extra(52, "sctp_assoc_end_reason"),
		extra(57, "sctp_chunks"), extra(58, "sctp_chunks_sent"), extra(59, "sctp_chunks_received"),
		ecs(60, "packets", "network.packets", vendor.Uint), ecs(61, "pkts_sent", "source.packets", vendor.Uint),
		ecs(62, "pkts_received", "destination.packets", vendor.Uint))},
	// Tunnel Inspection (type START or END, as Traffic's start and end): the session columns as in
	// TRAFFIC, then Severity, Sequence Number, Action Flags, locations, DG levels, Virtual System Name,
	// Device Name, Tunnel ID/IMSI, Monitor Tag/IMEI, Parent Session ID, Parent Start Time, Tunnel,
	// Bytes, Bytes Sent, Bytes Received, Packets, Packets Sent, Packets Received, ..., Session End
	// Reason (59), Action Source, ...
	"START": tunnelLayout,
}

// tunnelLayout: a Tunnel Inspection log, START or END.
var tunnelLayout = &layout{min: 31, cols: with(sessionCols,
	extra(31, "severity"), extra(32, "seqno"), extra(33, "actionflags"), extra(34, "srcloc"), extra(35, "dstloc"),
	extra(42, "tunnelid"), extra(43, "monitortag"), extra(44, "parent_session_id"), extra(46, "tunnel"),
	ecs(47, "bytes", "network.bytes", vendor.Uint), ecs(48, "bytes_sent", "source.bytes", vendor.Uint),
	ecs(49, "bytes_received", "destination.bytes", vendor.Uint), ecs(50, "packets", "network.packets", vendor.Uint),
	ecs(51, "pkts_sent", "source.packets", vendor.Uint), ecs(52, "pkts_received", "destination.packets", vendor.Uint),
	ecs(59, "session_end_reason", "event.reason", vendor.Word), extra(60, "action_source"))}

// mobileCols: the session columns GTP and SCTP logs share (their NAT and
// user columns are FUTURE_USE), with the Protocol at proto and the
// Action after it.
func mobileCols(proto int) []column {
	return []column{
		ecs(7, "src", "source.ip", vendor.IP), ecs(8, "dst", "destination.ip", vendor.IP),
		ecs(11, "rule", "rule.name", vendor.Text), extra(15, "vsys"),
		ecs(16, "from", "observer.ingress.zone", vendor.Word), ecs(17, "to", "observer.egress.zone", vendor.Word),
		ecs(18, "inbound_if", "observer.ingress.interface.name", vendor.Interface),
		ecs(19, "outbound_if", "observer.egress.interface.name", vendor.Interface), extra(20, "logset"),
		extra(22, "sessionid"), ecs(24, "sport", "source.port", vendor.Port), ecs(25, "dport", "destination.port", vendor.Port),
		ecs(proto, "proto", "network.transport", vendor.Transport), extra(proto+1, "action"),
	}
}

func init() {
	layouts["AUTH"] = layouts["AUTHENTICATION"] // the type as some versions print it
	layouts["END"] = tunnelLayout
}

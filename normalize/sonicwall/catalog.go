package sonicwall

import "github.com/nomenhq/nomen/normalize/vendor"

// The classes: normalize/vendor's where the meaning is the same as
// another vendor's.
var (
	// A packet the firewall dropped as invalid (a bad checksum, TCP state,
	// fragment or option), not by an access rule.
	classPacketDropped = vendor.NewClass("packet-dropped", "failure", vendor.Cats("network"), "denied")
	classSessionStart  = vendor.NewClass("session-started", "success", vendor.Cats("session"), "start")
	classSessionEnd    = vendor.NewClass("session-ended", "", vendor.Cats("session"), "end")
	classUserAdded     = vendor.NewClass("added-user-account", "success", vendor.Cats("iam"), "user", "creation")
	classUserChanged   = vendor.NewClass("modified-user-account", "success", vendor.Cats("iam"), "user", "change")
	classUserDeleted   = vendor.NewClass("deleted-user-account", "success", vendor.Cats("iam"), "user", "deletion")
	classUserDisabled  = vendor.NewClass("disabled-user-account", "success", vendor.Cats("iam"), "user", "change")
	classUserEnabled   = vendor.NewClass("enabled-user-account", "success", vendor.Cats("iam"), "user", "change")
	classUserLocked    = vendor.NewClass("locked-out-user-account", "success", vendor.Cats("iam"), "user", "change")
	classUserUnlocked  = vendor.NewClass("unlocked-user-account", "success", vendor.Cats("iam"), "user", "change")
	classPassword      = vendor.NewClass("changed-password", "success", vendor.Cats("iam"), "user", "change")
	// An IPsec packet the firewall dropped (Cisco's ipsec-packet-dropped).
	classIPsecDropped = vendor.NewClass("ipsec-packet-dropped", "failure", vendor.Cats("network"), "connection", "denied")
)

// catalogRows: the message ids (m=) of the SonicOS Log Events Reference
// Guide (6.5 and 7.x) whose event the id alone decides, by class. The
// comment names the guide's event names. An id not here (status,
// hardware, HA, DHCP, subscription expiry, IKE negotiation steps, flood
// "ceased" notices, SSL control's certificate notes...) gets its fields
// and no class.
var catalogRows = []struct {
	class vendor.Class
	ids   []string
}{
	// Connection Opened; Connection Closed.
	{vendor.ConnectionBuilt, []string{"98"}},
	// Web Management Request Allowed: an administrator's connection to the
	// management interface let through (fw_action="mgmt").
	{vendor.ConnectionAllowed, []string{"526"}},
	{vendor.ConnectionTeardown, []string{"537"}},
	// Dropped by policy: TCP/UDP/ICMP Packets Dropped, Unknown Protocol
	// Dropped, LAN TCP/UDP/ICMP Deny, No Match ICMP Drop, LAN IP Deny,
	// ICMPv6 (LAN) Deny, Web Request Drop, Source/Destination IP Connection
	// Limit, Too Many IP on LAN, RBL Outbound/Inbound Connection Drop, Geo
	// IP (Custom) Initiator/Responder Blocked, Packet Dropped Due to NDPP
	// Rules, Drop Clear Packet.
	{vendor.ConnectionDenied, []string{"36", "37", "38", "41", "173", "174", "175", "523", "590", "1254", "1257",
		"524", "646", "647", "58", "797", "798", "1198", "1199", "1474", "1475", "1304", "347"}},
	// Invalid packets: Fragmented Packet, Broadcast Packets Dropped, Out of
	// Order Packets Dropped, TCP FIN Drop, Malformed IP Packet, TCP SYN/FIN
	// Packet Drop, TCP Invalid SEQ/ACK Number, TCP Connection Reject/Abort,
	// TCP Handshake Violation, IP/TCP/UDP/ICMP(v6) Checksum Error, the TCP
	// header and option checks (887-896, 1029-1031, 1384, 1385, 1628,
	// 1629), IP TTL Expire, the IPv6 address checks (1301-1303, 1429),
	// NAT Overwrite, NAT Policy Dropped Packets, IPcomp Packet Drop,
	// IGMP/UDP multicast drops, IPv6 Tunnel Dropped, Link-Local/Multicast
	// IPv6 Packet, Drop Source Route/Record Route Packet, Drop Source IP
	// Subnet Broadcast, Drop All IPv6 Traffic, EIGRP Packet Drop.
	{classPacketDropped, []string{"28", "46", "48", "181", "522", "580", "708", "709", "712", "713", "760",
		"883", "884", "885", "886", "1448", "1449", "887", "888", "889", "890", "891", "892", "893", "894", "895", "896",
		"1029", "1030", "1031", "1384", "1385", "1628", "1629", "910", "1301", "1302", "1303", "1429",
		"339", "1436", "651", "652", "653", "683", "690", "694", "1253", "1233", "428", "1576", "1473", "1573", "714"}},
	// Detected, not stopped: Possible/Probable Port Scan, TCP FIN/Xmas/Null
	// Scan, Possible SYN Flood, SYN Flood Proxy Trigger Mode, SYN Flood
	// Detected, Possible SYN/RST/FIN/TCP Flood (and its "continues"), UDP,
	// ICMP, UDPv6, ICMPv6 Flood Detected, Half Open TCP Connection Threshold
	// Exceeded, IPS/IDP Detection Alert, DNS Rebind Attack Detected, DNS
	// Tunnel Attack, ARP Attack Detected, External IDS, Rogue AP, WLAN
	// Association Flood, WLAN Radio Frequency Threat, WLAN 802.11 Flood,
	// Invalid TCP SYN Flood Cookie.
	{vendor.IntrusionDetected, []string{"82", "83", "177", "178", "179", "25", "859", "860", "866", "904", "905",
		"908", "909", "1369", "1371", "1213", "1214", "1450", "1451", "1452", "608", "789", "1098", "1593", "1316",
		"1471", "546", "548", "879", "1363", "897"}},
	// Stopped: Ping of Death Blocked, IP Spoof, Land Attack, Smurf Attack,
	// TCP Xmas Tree Attack, Spank Attack, Nestea/Teardrop Attack, TCP Null
	// Flag Attack, the invalid fragment attacks (1373-1375), IPS/IDP
	// Prevention Alert, DNS Rebind Attack Blocked, DHCPR IP Spoof, FTP
	// Passive/Port Bounce/Passive Bounce/Data Port attacks, SYN/RST/FIN/TCP-
	// Flooding Machine Blacklisted, DOS Protection on WAN Begin, Botnet
	// (Custom, Dynamic List) Initiator/Responder Blocked.
	{vendor.IntrusionBlocked, []string{"22", "23", "27", "81", "267", "606", "1376", "1387", "1373", "1374", "1375",
		"609", "790", "1099", "229", "446", "527", "528", "538", "864", "898", "901", "1366", "1180",
		"1200", "1201", "1476", "1477", "1518", "1519"}},
	// Gateway Anti-Virus Alert, Anti-Spyware Detection Alert; Anti-Spyware
	// Prevention Alert.
	{vendor.MalwareDetected, []string{"809", "795"}},
	{vendor.MalwareBlocked, []string{"794"}},
	// Application Control Detection Alert (logged, let through);
	// Application Control Prevention Alert.
	{vendor.ApplicationAllowed, []string{"1154"}},
	{vendor.ApplicationBlocked, []string{"1155"}},
	// Content filter: Website Accessed, and the traffic report's "Web site
	// hit"; Website Blocked.
	{vendor.WebRequestAllowed, []string{"16", "97"}},
	{vendor.WebRequestBlocked, []string{"14"}},
	// Successful Admin/User Login, Admin Login From CLI, Admin/User VPN and
	// WAN Login, Successful SSL VPN User Login, XAUTH Success, L2TP Local/
	// Radius Authentication Success.
	{vendor.LoggedIn, []string{"29", "31", "199", "235", "236", "237", "238", "1080", "139", "318", "319"}},
	// Wrong Admin/User Password, Unknown User Login Attempt, Login Timeout,
	// Admin Login Disabled, Admin Password Error From CLI, RADIUS/LDAP/SSO
	// agent/Terminal Services agent failures (243-246, 744-757, 988-991,
	// 1117-1123), User Login Lockout, WLAN User Login Deny, WLAN Guest
	// Limit, WLAN Guest Already Login, User Login Disable, User Already
	// Logged-In, Not Allowed by Policy Rule, Not Found Locally, Password
	// Expire, Password doesn't meet constraints, Sending OTP Failed, User
	// Name Invalid Symbol, User is currently/now locked out, User Login
	// Denied, CLI Limit Admin Denied From WAN, XAUTH Failure, L2TP
	// Authentication Failures.
	{vendor.LogonFailed, []string{"30", "32", "33", "34", "35", "200", "243", "244", "245", "246", "744", "745",
		"746", "747", "748", "749", "750", "751", "753", "754", "755", "756", "757", "988", "989", "990", "991",
		"1117", "1118", "1119", "1120", "1121", "1122", "1123", "329", "486", "549", "557", "583", "759", "986",
		"987", "1035", "1048", "1243", "1517", "1572", "1655", "1585", "1672", "140", "311", "312", "344"}},
	// User Disconnect Detected, Admin Logout (- Timer Expire), User Logout
	// (- Max Session, - Timer Expire), Admin Logout From CLI, Logout
	// Detected by SSO, TSA User logout.
	{vendor.LoggedOut, []string{"24", "261", "262", "263", "264", "265", "520", "1008", "1124"}},
	// Configuration Mode / Read-only Mode / Non-Config Mode administration
	// session started; Configuration Mode / GUI administration session
	// ended, WLAN Session/Account/Idle Timeout.
	{classSessionStart, []string{"994", "996", "997"}},
	{classSessionEnd, []string{"995", "998", "550", "551", "564"}},
	// Access rules, NAT policies, CFS policies, VPN policies: added,
	// modified, deleted; Configuration Change (Succeeded), HTTP(S) Port
	// Change, VPN Policy Enabled/Disabled, Chassis settings change, VPN/
	// WLAN enabled or disabled by administrator, SYN flood mode and
	// blacklisting changed by user, Change Password Rule, Change User
	// Inactive time out.
	{vendor.ConfigAdded, []string{"440", "1313", "1599", "1050"}},
	{vendor.ConfigChanged, []string{"441", "1314", "1600", "1052", "1382", "1432", "340", "341", "1343", "1674",
		"506", "507", "508", "509", "856", "857", "858", "862", "863", "1339", "1340"}},
	{vendor.ConfigDeleted, []string{"442", "1315", "1601", "1051"}},
	// Configuration Change Failed.
	{vendor.ConfigFailed, []string{"1383"}},
	// User accounts: Create a User, WLAN Guest Create; Edit a User, Admin
	// Name Change; Delete a User, WLAN Guest Delete/Prune, User Account
	// Pruned; WLAN Guest Disable, User Account Expired (due to
	// inactivity); WLAN Guest Re-enable; User Account Lockout; User Login
	// Lockout Expired/Clear, User Account Unlocked; User Password Changed
	// by Administrators, User Change Password.
	{classUserAdded, []string{"1333", "558"}},
	{classUserChanged, []string{"1334", "328"}},
	{classUserDeleted, []string{"1335", "559", "562", "1158"}},
	{classUserDisabled, []string{"560", "1157", "1627"}},
	{classUserEnabled, []string{"561"}},
	{classUserLocked, []string{"1570"}},
	{classUserUnlocked, []string{"438", "439", "1571"}},
	{classPassword, []string{"1337", "1338"}},
	// IPsec Authenticate Failure, Illegal IPsec Peer, Illegal Destination
	// (not in the VPN access list), Vpn Decryption Failed.
	{classIPsecDropped, []string{"67", "70", "648", "1388"}},
}

// catalog maps a message id to its class.
var catalog = func() map[string]vendor.Class {
	m := make(map[string]vendor.Class, 300)
	for _, row := range catalogRows {
		for _, id := range row.ids {
			if _, dup := m[id]; dup {
				panic("sonicwall: message id " + id + " catalogued twice")
			}
			m[id] = row.class
		}
	}
	return m
}()

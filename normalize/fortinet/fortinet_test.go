package fortinet

import (
	"maps"
	"strings"
	"testing"

	"github.com/nomenhq/nomen/normalize/ecs"
	"github.com/nomenhq/nomen/normalize/vendor"
)

func decode(t *testing.T, msg string) (map[string]string, vendor.Class, vendor.Status) {
	t.Helper()
	got := map[string]string{}
	class, st := Decode("", msg, func(k, v string, kind vendor.Kind) {
		if kind == vendor.Extra {
			k = Namespace + k
		}
		got[k] = v
	})
	if err := ecs.CheckClass(class); err != nil {
		t.Errorf("%q: %v", msg, err)
	}
	return got, class, st
}

// head is the common start of the test lines (FortiOS 7.x order).
const head = `date=2024-04-05 time=19:34:38 devname="FGT-EDGE" devid="FG100FTK19000001" eventtime=1712345678123456789 tz="+0200" `

func TestTraffic(t *testing.T) {
	got, class, st := decode(t, head+`logid="0000000013" type="traffic" subtype="forward" level="notice" vd="root" srcip=10.1.2.3 srcport=51000 srcintf="port1" srcintfrole="lan" dstip=198.51.100.20 dstport=443 dstintf="wan1" dstintfrole="wan" sessionid=4242 proto=6 action="deny" policyid=7 policytype="policy" poluuid="6f1c9a2e-0b7d-51ee-1f2a-3b4c5d6e7f80" service="HTTPS" dstcountry="Reserved" trandisp="noop" duration=0 sentbyte=0 rcvdbyte=0 user="alice smith"`)
	want := map[string]string{
		"fortinet.fortigate.date": "2024-04-05", "fortinet.fortigate.time": "19:34:38", "observer.name": "FGT-EDGE",
		"observer.serial_number": "FG100FTK19000001", "@timestamp": "1712345678123456789", "fortinet.fortigate.tz": "+0200",
		"event.code": "0000000013", "fortinet.fortigate.type": "traffic", "fortinet.fortigate.subtype": "forward",
		"log.level": "notice", "fortinet.fortigate.vd": "root", "source.ip": "10.1.2.3", "source.port": "51000",
		"observer.ingress.interface.name": "port1", "fortinet.fortigate.srcintfrole": "lan", "destination.ip": "198.51.100.20",
		"destination.port": "443", "observer.egress.interface.name": "wan1", "fortinet.fortigate.dstintfrole": "wan",
		"fortinet.fortigate.sessionid": "4242", "network.transport": "6", "fortinet.fortigate.action": "deny", "rule.id": "7",
		"fortinet.fortigate.policytype": "policy", "rule.uuid": "6f1c9a2e-0b7d-51ee-1f2a-3b4c5d6e7f80",
		"fortinet.fortigate.service": "HTTPS", "fortinet.fortigate.dstcountry": "Reserved", "fortinet.fortigate.trandisp": "noop",
		"event.duration": "0", "source.bytes": "0", "destination.bytes": "0", "user.name": "alice smith",
	}
	if st != vendor.Decoded || !maps.Equal(got, want) {
		t.Errorf("status %v\n got %v\nwant %v", st, got, want)
	}
	if class.Action != "connection-denied" {
		t.Errorf("class %+v", class)
	}
}

func TestClasses(t *testing.T) {
	cases := []struct{ body, action, outcome string }{
		{`logid="0000000013" type="traffic" subtype="forward" action="accept" srcip=10.1.2.3 dstip=192.0.2.1`, "connection-allowed", "success"},
		{`logid="0000000013" type="traffic" subtype="forward" action="close" srcip=10.1.2.3 dstip=192.0.2.1 duration=31 sentbyte=1200 rcvdbyte=88000`, "connection-teardown", "success"},
		{`logid="0001000014" type="traffic" subtype="local" action="deny" srcip=203.0.113.5 dstip=192.0.2.1 dstport=22`, "connection-denied", "failure"},
		// DLP on a file blocks or logs the file; on a message's content it names no file.
		{`logid="0954024576" type="utm" subtype="dlp" eventtype="dlp" filtertype="file-type" filtercat="file" srcip=10.1.2.3 dstip=198.51.100.20 action="block" filename="plan.pdf" filetype="pdf"`, "file-detected", ""},
		{`logid="0954024577" type="utm" subtype="dlp" eventtype="dlp" filtertype="file-type" filtercat="file" srcip=10.1.2.3 dstip=198.51.100.20 action="log-only" filename="plan.pdf"`, "file-detected", ""},
		{`logid="0954024576" type="utm" subtype="dlp" eventtype="dlp" filtertype="credit-card" filtercat="message" srcip=10.1.2.3 dstip=198.51.100.20 action="block"`, "", ""},
		// SSH inspection blocking a channel.
		{`logid="1601061010" type="utm" subtype="ssh" eventtype="ssh-channel" srcip=10.1.2.3 dstip=198.51.100.44 dstport=22 action="blocked" login="root" channeltype="shell"`, "connection-denied", "failure"},
		// The log reference: ip-conn "Failed connection attempts", dns "DNS query return error": failed, not denied.
		{`logid="0000000011" type="traffic" subtype="forward" action="ip-conn" srcip=10.1.2.3 dstip=192.0.2.80 dstport=8443 proto=6`, "connection-failed", "failure"},
		{`logid="0000000011" type="traffic" subtype="forward" action="dns" srcip=10.1.2.3 dstip=192.0.2.53 dstport=53 proto=17`, "connection-failed", "failure"},
		{`logid="0101037127" type="event" subtype="vpn" logdesc="Progress IPsec phase 2" action="negotiate" remip=203.0.113.40 status="success" init="local" stage=2 role="initiator" result="DONE"`, "vpn-negotiation-progress", "success"},
		{`logid="0101039943" type="event" subtype="vpn" logdesc="SSL VPN new connection" action="ssl-new-con" tunneltype="ssl" tunnelid=3 remip=198.51.100.77 user="N/A"`, "vpn-connection-started", ""},
		{`logid="0102043039" type="event" subtype="user" logdesc="Authentication logon" srcip=10.1.2.3 user="carol" authserver="FSSO_dc1" action="auth-logon" status="logon"`, "logged-in", "success"},
		{`logid="0211008192" type="utm" subtype="virus" eventtype="infected" level="warning" action="blocked" virus="EICAR_TEST_FILE" filename="eicar.com" url="http://example.test/eicar.com"`, "malware-detected", ""},
		{`logid="0211008200" type="utm" subtype="virus" eventtype="scanerror" level="notice" action="passthrough" msg="Corrupted archive." filename="setup.zip"`, "", ""},
		{`logid="0211008203" type="utm" subtype="virus" eventtype="oversize" level="notice" action="passthrough" filename="big.iso"`, "", ""},
		{`logid="0211009234" type="utm" subtype="virus" eventtype="filename" level="warning" action="blocked" filename="run.bat"`, "file-detected", ""},
		{`logid="0102043039" type="event" subtype="user" logdesc="Explicit proxy authentication successful" srcip=10.1.2.3 user="carol" action="NTLM-auth" status="success"`, "logged-in", "success"},
		{`logid="0102043040" type="event" subtype="user" logdesc="Explicit proxy authentication failed" srcip=10.1.2.3 user="carol" action="Kerberos-auth" status="failure"`, "logon-failed", "failure"},
		{`logid="0316013056" type="utm" subtype="webfilter" eventtype="ftgd_blk" action="blocked" hostname="bad.example.test" catdesc="Malicious Websites"`, "web-request-blocked", "failure"},
		{`logid="0316013057" type="utm" subtype="webfilter" eventtype="ftgd_allow" action="passthrough" hostname="news.example.test"`, "web-request-allowed", "success"},
		{`logid="0419016384" type="utm" subtype="ips" eventtype="signature" severity="high" srcip=198.51.100.66 dstip=10.1.2.9 action="dropped" attack="Example.Exploit.Attempt" attackid=12345`, "intrusion-detected", ""},
		{`logid="0720018432" type="anomaly" subtype="anomaly" level="alert" severity="critical" srcip=198.51.100.66 dstip=10.1.2.9 action="detected" attack="tcp_syn_flood" attackid=100663396`, "intrusion-detected", ""},
		{`logid="1059028704" type="utm" subtype="app-ctrl" eventtype="signature" action="block" app="BitTorrent" appcat="P2P"`, "application-blocked", "failure"},
		{`logid="1501054802" type="utm" subtype="dns" eventtype="dns-response" action="block" qname="bad.example.test" qtype="A"`, "dns-query-blocked", "failure"},
		{`logid="1700062300" type="utm" subtype="ssl" eventtype="ssl-anomalies" action="blocked" srcip=10.1.2.3 dstip=192.0.2.7`, "connection-denied", "failure"},
		{`logid="0102043014" type="event" subtype="user" level="notice" logdesc="FSSO logon authentication status" srcip=10.1.2.3 user="alice" server="fsso-dc1" action="FSSO-logon"`, "user-mapped", "success"},
		{`logid="0102043015" type="event" subtype="user" level="notice" logdesc="FSSO log off authentication status" srcip=10.1.2.3 user="alice" server="fsso-dc1" action="FSSO-logoff"`, "user-unmapped", "success"},
		{`logid="0100032001" type="event" subtype="system" level="information" logdesc="Admin login successful" sn="1712345678" user="admin" ui="https(10.0.0.5)" method="https" srcip=10.0.0.5 dstip=10.0.0.1 action="login" status="success" reason="none" profile="super_admin" msg="Administrator admin logged in successfully from https(10.0.0.5)"`, "logged-in", "success"},
		{`logid="0100032002" type="event" subtype="system" level="alert" logdesc="Admin login failed" user="root" ui="ssh(203.0.113.9)" method="ssh" srcip=203.0.113.9 action="login" status="failed" reason="name_invalid" msg="Administrator root login failed from ssh(203.0.113.9) because of invalid user name"`, "logon-failed", "failure"},
		{`logid="0100032003" type="event" subtype="system" logdesc="Admin logout successful" user="admin" ui="https(10.0.0.5)" action="logout" status="success" duration=600`, "logged-out", "success"},
		{`logid="0100044547" type="event" subtype="system" logdesc="Object attribute configured" user="admin" ui="GUI(10.0.0.5)" action="Edit" cfgtid=1234 cfgpath="firewall.policy" cfgobj="7" cfgattr="action[accept->deny]" msg="Edit firewall.policy 7"`, "configured", "success"},
		{`logid="0101037138" type="event" subtype="vpn" logdesc="IPsec connection status changed" action="tunnel-up" remip=203.0.113.40 locip=198.51.100.1 tunneltype="ipsec" tunnelid=12 vpntunnel="to-branch"`, "tunnel-established", "success"},
		{`logid="0101037141" type="event" subtype="vpn" logdesc="IPsec tunnel statistics" action="tunnel-down" remip=203.0.113.40 tunneltype="ipsec" vpntunnel="to-branch"`, "tunnel-terminated", ""},
		{`logid="0101039426" type="event" subtype="vpn" logdesc="SSL VPN login fail" action="ssl-login-fail" tunneltype="ssl-web" remip=198.51.100.77 user="bob" reason="sslvpn_login_permission_denied"`, "logon-failed", "failure"},
		{`logid="0102043008" type="event" subtype="user" logdesc="Authentication success" srcip=10.1.2.3 user="carol" authproto="HTTPS(10.1.2.3)" action="authentication" status="success"`, "logged-in", "success"},
		{`logid="0102043009" type="event" subtype="user" logdesc="Authentication failed" srcip=10.1.2.3 user="carol" action="authentication" status="failure"`, "logon-failed", "failure"},
		// Classed by the message id alone (logids.go).
		{`logid="0104043619" type="event" subtype="wireless" logdesc="Offending AP detected" ssid="guest-free" bssid="02:11:22:33:44:55" channel=6`, "rogue-ap-detected", ""},
		{`logid="0108037892" type="event" subtype="ha" logdesc="Virtual cluster member state moved" vcluster_member=1 vcluster_state="work"`, "ha-state-changed", ""},
		{`logid="0113022923" type="event" subtype="sdwan" logdesc="Virtual WAN Link status" eventtype="Health Check" healthcheck="wan-ping" interface="wan1" oldvalue="alive" newvalue="dead"`, "sdwan-status", ""},
		{`logid="0100020214" type="event" subtype="system" logdesc="Locally generated traffic goes to IoC location" srcip=198.51.100.1 dstip=203.0.113.66 proto=6 dstport=443`, "ioc-traffic-detected", ""},
		{`logid="0100040704" type="event" subtype="system" logdesc="System performance statistics" action="perf-stats" cpu=3 mem=41`, "performance-statistics", ""},
		{`logid="0110052000" type="event" subtype="security-rating" logdesc="Security Rating summary" auditid=1712386000 auditscore="41.2" criticalcount=0 highcount=2 passedcount=58`, "security-rating-reported", ""},
		// Not catalogued: fields, no class.
		{`logid="0111046401" type="event" subtype="fortiextender" logdesc="FortiExtender controller activity" action="info"`, "", ""},
		{`logid="0104043568" type="event" subtype="wireless" logdesc="Fake AP on air"`, "", ""}, // not in the reference this table is from
		{`logid="01040436190" type="event" subtype="wireless"`, "", ""},                         // eleven digits: no message id read
		{`logid="0104032126" type="event" subtype="ha" logdesc="Heartbeat packet lost"`, "", ""},
		{`logid="9999999999" type="newtype" subtype="x" action="accept"`, "", ""},
	}
	for _, c := range cases {
		got, class, st := decode(t, head+c.body)
		if st != vendor.Decoded || class.Action != c.action || class.Outcome != c.outcome {
			t.Errorf("%s: %v %+v, want %s/%s", c.body, st, class, c.action, c.outcome)
		}
		if got["event.code"] == "" {
			t.Errorf("%s: no event.code", c.body)
		}
	}
}

func TestNotMineAndMalformed(t *testing.T) {
	for _, msg := range []string{"", "srcip=10.0.0.1 dstip=10.0.0.2", "date=2024-04-05 hello", "Accepted password for date= logid="} {
		if got, _, st := decode(t, msg); st != vendor.NotMine || len(got) > 0 {
			t.Errorf("%q: %v %v", msg, st, got)
		}
	}
	for _, msg := range []string{
		head + `logid="0000000013" type="traffic" subtype="forward" msg="unterminated`,
		head + `logid="0000000013" subtype="forward" action="deny"`, // no type
	} {
		if got, _, st := decode(t, msg); st != vendor.Malformed || len(got) > 0 {
			t.Errorf("%q: %v %v", msg, st, got)
		}
	}
	// Escaped quotes stay in the value; a bad address is kept as written under the vendor key.
	got, _, st := decode(t, head+`logid="0100032001" type="event" subtype="system" msg="said \"hi\" there" srcip=not-an-ip`)
	if st != vendor.Decoded || got["fortinet.fortigate.msg"] != `said \"hi\" there` || got["fortinet.fortigate.srcip"] != "not-an-ip" || got["source.ip"] != "" {
		t.Errorf("%v %v", st, got)
	}
}

// transip/transport are source NAT and tranip/tranport destination NAT
// only when trandisp says that translation was done; 0.0.0.0 is unset.
func TestNAT(t *testing.T) {
	for _, c := range []struct {
		trandisp, ip, port, dip, dport string
	}{
		{"snat", "203.0.113.5", "40001", "", ""},
		{"dnat", "", "", "192.0.2.80", "8080"},
		{"snat+dnat", "203.0.113.5", "40001", "192.0.2.80", "8080"},
		{"noop", "", "", "", ""},
	} {
		got, _, _ := decode(t, head+`logid="0000000013" type="traffic" subtype="forward" srcip=10.1.2.3 dstip=198.51.100.20 action="accept" trandisp="`+c.trandisp+`" transip=203.0.113.5 transport=40001 tranip=192.0.2.80 tranport=8080`)
		if got["source.nat.ip"] != c.ip || got["source.nat.port"] != c.port || got["destination.nat.ip"] != c.dip || got["destination.nat.port"] != c.dport {
			t.Errorf("%s: %v", c.trandisp, got)
		}
	}
	got, _, _ := decode(t, head+`logid="0004000017" type="traffic" subtype="sniffer" action="accept" trandisp="snat" transip=0.0.0.0 transport=0`)
	if _, ok := got["source.nat.ip"]; ok {
		t.Errorf("sniffer's 0.0.0.0 became source.nat.ip: %v", got)
	}
}

// A web filter log's hostname and url are the requested URL's host and
// path; a traffic log's hostname stays a FortiGate key.
func TestUTMURL(t *testing.T) {
	got, _, _ := decode(t, head+`logid="0316013056" type="utm" subtype="webfilter" eventtype="ftgd_blk" action="blocked" hostname="games.example.com" url="/play/now"`)
	if got["url.domain"] != "games.example.com" || got["url.path"] != "/play/now" {
		t.Errorf("webfilter: %v", got)
	}
	got, _, _ = decode(t, head+`logid="0000000013" type="traffic" subtype="forward" action="accept" hostname="games.example.com" url="/play/now"`)
	if _, ok := got["url.domain"]; ok || got["fortinet.fortigate.hostname"] != "games.example.com" {
		t.Errorf("traffic: %v", got)
	}
}

// FortiOS 4.x: log_id, its own key names, and status for the action.
func TestFortiOS4(t *testing.T) {
	msg := `date=2012-03-14 time=09:26:02 devname=FGT-BRANCH device_id=FG200B3911600001 log_id=0038000004 type=traffic subtype=other pri=notice vd=root status=deny src=10.5.6.7 src_port=51515 src_int="internal" dst=203.0.113.40 dst_port=445 dst_int="wan1" service=445/tcp proto=6 policyid=0 sent=0 rcvd=0 user=N/A`
	got, class, st := decode(t, msg)
	want := map[string]string{"source.ip": "10.5.6.7", "source.port": "51515", "destination.ip": "203.0.113.40",
		"destination.port": "445", "observer.ingress.interface.name": "internal", "observer.egress.interface.name": "wan1",
		"observer.serial_number": "FG200B3911600001", "event.code": "0038000004", "log.level": "notice",
		"source.bytes": "0", "destination.bytes": "0"}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s = %q, want %q", k, got[k], v)
		}
	}
	if st != vendor.Decoded || class.Action != "connection-denied" {
		t.Errorf("%v %+v", st, class)
	}
	if _, ok := got["user.name"]; ok {
		t.Error("user=N/A became user.name")
	}
	// A 5.x line keeps src/dst (none of its keys) under fortinet.fortigate.
	got, _, _ = decode(t, head+`logid="0000000013" type="traffic" subtype="forward" action="accept" src=10.9.9.9`)
	if _, ok := got["source.ip"]; ok {
		t.Errorf("5.x src read as 4.x: %v", got)
	}
}

// A placeholder reason is no event.reason, and an event log's 0.0.0.0/0
// peer is none; a traffic log's 0.0.0.0 (a DHCP client) is its source.
func TestUnsetValues(t *testing.T) {
	got := map[string]string{}
	emit := func(k, v string, kind vendor.Kind) {
		if kind == vendor.Extra {
			k = Namespace + k
		}
		got[k] = v
	}
	Decode("", `date=2024-04-05 time=20:21:02 logid="0105048039" type="event" subtype="wad" srcip=0.0.0.0 srcport=0 dstip=198.51.100.36 dstport=636 reason="N/A"`, emit)
	if got["source.ip"] != "" || got["source.port"] != "" || got["event.reason"] != "" ||
		got[Namespace+"srcip"] != "0.0.0.0" || got[Namespace+"reason"] != "N/A" || got["destination.ip"] != "198.51.100.36" {
		t.Errorf("event: %v", got)
	}
	clear(got)
	// An event log with counters and no address: no side to give them.
	Decode("", `date=2024-04-05 time=20:21:02 logid="0111046409" type="event" subtype="fortiextender" ip=192.0.2.9 rcvdbyte=7000 sentbyte=3000`, emit)
	if got["source.bytes"] != "" || got["destination.bytes"] != "" || got[Namespace+"sentbyte"] != "3000" {
		t.Errorf("counters: %v", got)
	}
	clear(got)
	Decode("", `date=2024-04-05 time=20:21:02 logid="0001000014" type="traffic" subtype="local" srcip=0.0.0.0 srcport=68 dstip=255.255.255.255 dstport=67 action="deny"`, emit)
	if got["source.ip"] != "0.0.0.0" || got["source.port"] != "68" {
		t.Errorf("traffic: %v", got)
	}
}

// A VPN log whose sided keys are more than putVPN places (a key repeated)
// keeps the rest under fortinet.fortigate: an IPsec log's sentbyte is no
// source.bytes however many come before it.
func TestVPNRepeatedKeys(t *testing.T) {
	got := map[string][]string{}
	emit := func(k, v string, kind vendor.Kind) {
		if kind == vendor.Extra {
			k = Namespace + k
		}
		got[k] = append(got[k], v)
	}
	line := `date=2024-04-05 time=20:21:02 logid="0101037141" type="event" subtype="vpn" tunneltype="ipsec" srcip=198.51.100.9 dstip=192.0.2.1` +
		strings.Repeat(` locip=192.0.2.1`, 12) + ` sentbyte=999 rcvdbyte=111`
	Decode("", line, emit)
	if got["source.bytes"] != nil || got["destination.bytes"] != nil || got["source.ip"][0] != "198.51.100.9" {
		t.Errorf("an IPsec log's counters placed: %v", got)
	}
	if v := got[Namespace+"sentbyte"]; len(v) != 1 || v[0] != "999" {
		t.Errorf("sentbyte = %v, want it kept once under %s", v, Namespace)
	}
}

// An IPsec log's remote gateway (remip) is the source only when the log
// says the peer began the negotiation (init="remote", or role="responder"
// without init), the destination when the FortiGate did (init="local",
// role="initiator"); a log that says neither (tunnel statistics) keeps
// both gateways under fortinet.fortigate.
func TestIPsecSides(t *testing.T) {
	const ike = `date=2024-04-05 time=20:21:02 logid="0101037127" type="event" subtype="vpn" logdesc="Progress IPsec phase 1" action="negotiate" remip=203.0.113.40 locip=198.51.100.1 remport=500 locport=500 vpntunnel="to-branch" status="success" `
	for _, c := range []struct {
		name, tail string
		want       map[string]string
	}{
		{"peer began", `init="remote" mode="main" dir="inbound" stage=1 role="responder"`, map[string]string{
			"source.ip": "203.0.113.40", "source.port": "500", "destination.ip": "198.51.100.1", "destination.port": "500"}},
		{"FortiGate began", `init="local" mode="main" dir="outbound" stage=1 role="initiator"`, map[string]string{
			"source.ip": "198.51.100.1", "source.port": "500", "destination.ip": "203.0.113.40", "destination.port": "500"}},
		{"role alone (SA installed)", `role="initiator" in_spi=0a1b2c3d out_spi=4e5f6a7b`, map[string]string{
			"source.ip": "198.51.100.1", "destination.ip": "203.0.113.40"}},
		{"no side said", `tunneltype="ipsec" tunnelid=7 duration=60 sentbyte=10 rcvdbyte=20`, map[string]string{
			Namespace + "remip": "203.0.113.40", Namespace + "locip": "198.51.100.1", Namespace + "sentbyte": "10", "source.ip": "", "destination.ip": ""}},
	} {
		got, _, _ := decode(t, ike+c.tail)
		for k, v := range c.want {
			if got[k] != v {
				t.Errorf("%s: %s = %q, want %q (%v)", c.name, k, got[k], v, got)
			}
		}
	}
	// The bytes follow the sides: sentbyte is what the FortiGate sent.
	got, _, _ := decode(t, ike+`init="local" role="initiator" sentbyte=10 rcvdbyte=20`)
	if got["source.bytes"] != "10" || got["destination.bytes"] != "20" {
		t.Errorf("FortiGate began: source.bytes %q destination.bytes %q, want 10 and 20", got["source.bytes"], got["destination.bytes"])
	}
}

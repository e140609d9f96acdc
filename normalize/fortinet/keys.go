package fortinet

import "github.com/nomenhq/nomen/normalize/vendor"

// Field is where a key goes: an ECS field name and the value's kind.
type Field struct {
	Key  string
	Kind vendor.Kind
}

// fields: the FortiOS log keys with one ECS meaning (FortiOS Log
// Reference, "Log schema structure" and the per-type field tables). Keys
// that mean different things in different log types (url, hostname
// outside the UTM logs below, msg, remip and
// locip of VPN logs, direction "incoming"/"outgoing" of UTM logs) stay
// under fortinet.fortigate.
var fields = map[string]Field{
	"devname":    {"observer.name", vendor.Word},
	"devid":      {"observer.serial_number", vendor.Word},
	"logid":      {"event.code", vendor.Word},
	"level":      {"log.level", vendor.Word},
	"eventtime":  {"@timestamp", vendor.Time},
	"srcip":      {"source.ip", vendor.IP},
	"srcport":    {"source.port", vendor.Port},
	"srcintf":    {"observer.ingress.interface.name", vendor.Interface},
	"srcmac":     {"source.mac", vendor.MAC},
	"dstip":      {"destination.ip", vendor.IP},
	"dstport":    {"destination.port", vendor.Port},
	"dstintf":    {"observer.egress.interface.name", vendor.Interface},
	"dstmac":     {"destination.mac", vendor.MAC},
	"proto":      {"network.transport", vendor.Transport},
	"policyid":   {"rule.id", vendor.Word},
	"policyname": {"rule.name", vendor.Text},
	"poluuid":    {"rule.uuid", vendor.Word},
	"sentbyte":   {"source.bytes", vendor.Uint},
	"rcvdbyte":   {"destination.bytes", vendor.Uint},
	"sentpkt":    {"source.packets", vendor.Uint},
	"rcvdpkt":    {"destination.packets", vendor.Uint},
	"duration":   {"event.duration", vendor.Seconds},
	"user":       {"user.name", vendor.User},
	"reason":     {"event.reason", vendor.Text},
	"qname":      {"dns.question.name", vendor.Word},
	"qtype":      {"dns.question.type", vendor.Word},
	"qclass":     {"dns.question.class", vendor.Word},
	"xid":        {"dns.id", vendor.Word},
	"filename":   {"file.name", vendor.Text},
	"agent":      {"user_agent.original", vendor.Text},
}

// v4Fields: the FortiOS 4.x names of the same fields (FortiOS 4.0 MR3 Log
// Message Reference), read only in a line with log_id (a 4.x line):
// later versions use these names for nothing else, but a key is read by
// the version that defined it.
var v4Fields = map[string]Field{
	"device_id": {"observer.serial_number", vendor.Word},
	"log_id":    {"event.code", vendor.Word},
	"pri":       {"log.level", vendor.Word},
	"src":       {"source.ip", vendor.IP},
	"src_port":  {"source.port", vendor.Port},
	"src_int":   {"observer.ingress.interface.name", vendor.Interface},
	"dst":       {"destination.ip", vendor.IP},
	"dst_port":  {"destination.port", vendor.Port},
	"dst_int":   {"observer.egress.interface.name", vendor.Interface},
	"sent":      {"source.bytes", vendor.Uint},
	"rcvd":      {"destination.bytes", vendor.Uint},
	"sent_pkt":  {"source.packets", vendor.Uint},
	"rcvd_pkt":  {"destination.packets", vendor.Uint},
}

// Lookup returns where a FortiOS log key goes. The CEF decoder uses it for
// FortiGate's CEF extension keys ("FTNTFGTpolicyid" is "policyid").
func Lookup(key string) (Field, bool) {
	f, ok := fields[key]
	return f, ok
}

// natField returns where a NAT key of a traffic log goes, given its
// trandisp (FortiOS Log Reference: transip/transport are the NAT
// translation address and port of source NAT, tranip/tranport the NAT
// destination address and port of destination NAT; trandisp names which
// were done: snat, dnat, snat+dnat, noop). A key the translation type does
// not name, or an unset value (0.0.0.0, port 0: a sniffer policy writes
// them with snat), stays under fortinet.fortigate.
func natField(trandisp, key, value string) (Field, bool) {
	var f Field
	switch key {
	case "transip":
		f = Field{"source.nat.ip", vendor.IP}
	case "transport":
		f = Field{"source.nat.port", vendor.Port}
	case "tranip":
		f = Field{"destination.nat.ip", vendor.IP}
	case "tranport":
		f = Field{"destination.nat.port", vendor.Port}
	default:
		return f, false
	}
	snat := trandisp == "snat" || trandisp == "snat+dnat"
	dnat := trandisp == "dnat" || trandisp == "snat+dnat"
	if (f.Key[0] == 's' && !snat) || (f.Key[0] == 'd' && !dnat) {
		return f, false
	}
	if value == "0.0.0.0" || value == "::" || value == "0" {
		return f, false
	}
	return f, true
}

// urlField returns where hostname and url go in the UTM logs whose
// reference defines them as the requested URL's host name and URL (web
// filter, application control, antivirus): url.domain, and url.path when
// the url is a path (a web filter log writes "/config/"), url.original
// otherwise. Elsewhere they stay under fortinet.fortigate.
func urlField(f *facts, key, value string) (Field, bool) {
	if f.typ != "utm" || (f.subtype != "webfilter" && f.subtype != "app-ctrl" && f.subtype != "virus") {
		return Field{}, false
	}
	switch key {
	case "hostname":
		return Field{"url.domain", vendor.Host}, true
	case "url":
		if value[0] == '/' {
			return Field{"url.path", vendor.Text}, true
		}
		return Field{"url.original", vendor.Text}, true
	}
	return Field{}, false
}

// vpnSided: the keys of a VPN log that name an end of the tunnel or
// count its bytes, when the remote end began: the log reference gives
// the remote and local gateways (remip, locip) and the FortiGate's own
// counters (sentbyte: what it sent to the peer). An SSL VPN log's remote
// end is the client that connected; an IPsec log says who began only in
// its IKE fields: init="remote" (the peer initiated) or, without init,
// role="responder" (the FortiGate answered). Then the peer is the source
// and the bytes it sent are those the FortiGate received.
var vpnSided = map[string]Field{
	"remip":    {"source.ip", vendor.IP},
	"remport":  {"source.port", vendor.Port},
	"locip":    {"destination.ip", vendor.IP},
	"locport":  {"destination.port", vendor.Port},
	"rcvdbyte": {"source.bytes", vendor.Uint},
	"sentbyte": {"destination.bytes", vendor.Uint},
}

// vpnLocalBegan: the same keys when the FortiGate began the IPsec
// negotiation (init="local", or role="initiator" without init): the
// peer is the destination. An IPsec log with neither (tunnel-up,
// tunnel statistics) names no side: its keys stay under
// fortinet.fortigate.
var vpnLocalBegan = map[string]Field{
	"remip":    {"destination.ip", vendor.IP},
	"remport":  {"destination.port", vendor.Port},
	"locip":    {"source.ip", vendor.IP},
	"locport":  {"source.port", vendor.Port},
	"rcvdbyte": {"destination.bytes", vendor.Uint},
	"sentbyte": {"source.bytes", vendor.Uint},
}

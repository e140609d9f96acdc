package fortinet

import "github.com/nomenhq/nomen/normalize/vendor"

// Field is where a key goes: an ECS field name and the value's kind.
type Field struct {
	Key  string
	Kind vendor.Kind
}

// fields: the FortiOS log keys with one ECS meaning (FortiOS Log
// Reference, "Log schema structure" and the per-type field tables). Keys
// that mean different things in different log types (url, hostname in
// some versions, msg, transip whose side depends on trandisp, remip and
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
	"filename":   {"file.name", vendor.Text},
	"agent":      {"user_agent.original", vendor.Text},
}

// Lookup returns where a FortiOS log key goes. The CEF decoder uses it for
// FortiGate's CEF extension keys ("FTNTFGTpolicyid" is "policyid").
func Lookup(key string) (Field, bool) {
	f, ok := fields[key]
	return f, ok
}

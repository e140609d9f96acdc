package checkpoint

import "github.com/nomenhq/nomen/normalize/vendor"

// Field is where a key goes: an ECS field name and the value's kind.
type Field struct {
	Key  string
	Kind vendor.Kind
}

// fields: Check Point log fields (the Log Exporter's field names) with one
// ECS meaning. ifname is
// not here: whether it is the ingress or the egress interface depends on
// ifdir. Neither is ifdir, the packet's direction on that interface
// ("inbound" on the LAN interface of an outgoing connection), nor
// conn_direction, the connection's across the perimeter: network.direction
// is made of them after decoding (normalize/gateway), in ECS's words.
var fields = map[string]Field{
	"src":            {"source.ip", vendor.IP},
	"dst":            {"destination.ip", vendor.IP},
	"s_port":         {"source.port", vendor.Port},
	"service":        {"destination.port", vendor.Port},
	"proto":          {"network.transport", vendor.Transport},
	"xlatesrc":       {"source.nat.ip", vendor.IP},
	"xlatedst":       {"destination.nat.ip", vendor.IP},
	"xlatesport":     {"source.nat.port", vendor.Port},
	"xlatedport":     {"destination.nat.port", vendor.Port},
	"origin":         {"observer.ip", vendor.IP},
	"inzone":         {"observer.ingress.zone", vendor.Word},
	"outzone":        {"observer.egress.zone", vendor.Word},
	"rule_name":      {"rule.name", vendor.Text},
	"rule_uid":       {"rule.uuid", vendor.Word},
	"layer_name":     {"rule.ruleset", vendor.Text},
	"product":        {"observer.product", vendor.Text},
	"user":           {"user.name", vendor.User},
	"src_user_name":  {"source.user.name", vendor.User},
	"dst_user_name":  {"destination.user.name", vendor.User},
	"administrator":  {"user.name", vendor.User},
	"time":           {"@timestamp", vendor.Time},
	"sent_bytes":     {"source.bytes", vendor.Uint},
	"received_bytes": {"destination.bytes", vendor.Uint},
	"bytes":          {"network.bytes", vendor.Uint},
	// packets is the connection's total (sk144192, "Total Packets");
	// the client_/server_ inbound/outbound counters stay checkpoint.*:
	// which end each one counts is not written down.
	"packets": {"network.packets", vendor.Uint},
	// The ports as the structured-data form (SDID) names them.
	"sport_svc":      {"source.port", vendor.Port},
	"svc":            {"destination.port", vendor.Port},
	"xlatesport_svc": {"source.nat.port", vendor.Port},
	"xlatedport_svc": {"destination.nat.port", vendor.Port},
}

// Lookup returns where a Check Point field goes. The CEF decoder uses it
// for the Check Point keys of a Check Point CEF extension.
func Lookup(key string) (Field, bool) {
	f, ok := fields[key]
	return f, ok
}

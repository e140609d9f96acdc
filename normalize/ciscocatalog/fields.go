package ciscocatalog

// placeholders is the dictionary of placeholder names shared by every
// template: where a value goes and what it is. A key starting with "." is
// vendor-relative (cisco.asa.<...> or cisco.ios.<...>). The side of a
// connection is in the name: src_* is the initiator (source.*, the
// ingress interface), dst_* the responder.
var placeholders = map[string]struct {
	key  string
	kind Kind
}{
	"src_ip":       {"source.ip", IP},
	"src_port":     {"source.port", Port},
	"src_if":       {"observer.ingress.interface.name", Interface},
	"src_nat_ip":   {"source.nat.ip", IP},
	"src_nat_port": {"source.nat.port", Port},
	"src_user":     {"source.user.name", User},
	"src_mac":      {"source.mac", MAC},
	"dst_ip":       {"destination.ip", IP},
	"dst_port":     {"destination.port", Port},
	"dst_if":       {"observer.egress.interface.name", Interface},
	"dst_nat_ip":   {"destination.nat.ip", IP},
	"dst_nat_port": {"destination.nat.port", Port},
	"dst_user":     {"destination.user.name", User},
	"protocol":     {"network.transport", Transport},
	// An IOS access list's protocol: "ip" and "ipv6" there are the ACE's
	// keyword for any protocol, not a transport (matcher.emit drops them).
	"acl_protocol": {"network.transport", Transport},
	"direction":    {"network.direction", Direction},
	"user":         {"user.name", User},
	"acl":          {"rule.name", Word},
	"rule_id":      {"rule.id", Word},
	"rule_name":    {"rule.name", Text},
	"bytes":        {"network.bytes", Uint},
	"packets":      {"network.packets", Uint},
	"duration":     {"event.duration", Duration},
	"reason":       {"event.reason", Text},
	"conn_id":      {".connection_id", Word},
	"hit_count":    {".hit_count", Uint},
	"tcp_flags":    {".tcp_flags", Text},
	"icmp_type":    {".icmp_type", Word},
	"icmp_code":    {".icmp_code", Word},
	"aaa_server":   {".aaa_server", Host},
	"group":        {".group", Text},
	"assigned_ip":  {".assigned_ip", IP},
	"command":      {".command", Text},
	"interface":    {".interface", Interface},
	"line":         {".line", Line},
	"url":          {"url.original", Text},
}

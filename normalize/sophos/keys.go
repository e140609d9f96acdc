package sophos

import "github.com/nomenhq/nomen/normalize/vendor"

// field is where a key goes: an ECS field name and the value's kind.
type field struct {
	key  string
	kind vendor.Kind
}

// fields: the keys with one ECS meaning (Sophos Firewall syslog guide,
// the common fields and the per-module field tables), in the spelling up
// to SFOS 19.0 and the one from 19.5 on. The device's identity is
// observer.* here; the gateway family puts it under sophos.device.*. Keys
// whose meaning depends on the module (message, status, application,
// signature_*, virus, category...) stay under sophos.*. device_id of the
// old spelling may hold a space, which the key=value form cannot carry
// whole: it stays under sophos.*.
var fields = map[string]field{
	"device_name":      {"observer.name", vendor.Text},
	"device_serial_id": {"observer.serial_number", vendor.Word},
	"log_id":           {"event.code", vendor.Word},
	"timestamp":        {"@timestamp", vendor.Time},
	"priority":         {"log.level", vendor.Word},
	"severity":         {"log.level", vendor.Word},
	"src_ip":           {"source.ip", vendor.IP},
	"dst_ip":           {"destination.ip", vendor.IP},
	"sourceip":         {"source.ip", vendor.IP}, // ATP logs
	"destinationip":    {"destination.ip", vendor.IP},
	"src_port":         {"source.port", vendor.Port},
	"dst_port":         {"destination.port", vendor.Port},
	"src_mac":          {"source.mac", vendor.MAC},
	"dst_mac":          {"destination.mac", vendor.MAC},
	"in_interface":     {"observer.ingress.interface.name", vendor.Interface},
	"out_interface":    {"observer.egress.interface.name", vendor.Interface},
	"srczone":          {"observer.ingress.zone", vendor.Text},
	"src_zone":         {"observer.ingress.zone", vendor.Text},
	"dstzone":          {"observer.egress.zone", vendor.Text},
	"dst_zone":         {"observer.egress.zone", vendor.Text},
	"tran_src_ip":      {"source.nat.ip", vendor.IP},
	"src_trans_ip":     {"source.nat.ip", vendor.IP},
	"tran_src_port":    {"source.nat.port", vendor.Port},
	"src_trans_port":   {"source.nat.port", vendor.Port},
	"tran_dst_ip":      {"destination.nat.ip", vendor.IP},
	"dst_trans_ip":     {"destination.nat.ip", vendor.IP},
	"tran_dst_port":    {"destination.nat.port", vendor.Port},
	"dst_trans_port":   {"destination.nat.port", vendor.Port},
	"sent_bytes":       {"source.bytes", vendor.Uint},
	"bytes_sent":       {"source.bytes", vendor.Uint},
	"recv_bytes":       {"destination.bytes", vendor.Uint},
	"bytes_received":   {"destination.bytes", vendor.Uint},
	"sent_pkts":        {"source.packets", vendor.Uint},
	"packets_sent":     {"source.packets", vendor.Uint},
	"recv_pkts":        {"destination.packets", vendor.Uint},
	"packets_received": {"destination.packets", vendor.Uint},
	"duration":         {"event.duration", vendor.Seconds},
	"protocol":         {"network.transport", vendor.Transport},
	"fw_rule_id":       {"rule.id", vendor.Word},
	"fw_rule_name":     {"rule.name", vendor.Text},
	"user_name":        {"user.name", vendor.User},
	"url":              {"url.original", vendor.Text},
	"domain":           {"url.domain", vendor.Host},
	"user_agent":       {"user_agent.original", vendor.Text},
}

// put emits one key.
func put(key, value string, emit vendor.Emit) {
	fd, ok := fields[key]
	if !ok {
		emit(key, value, vendor.Extra)
		return
	}
	if unset(fd.key, value) {
		emit(key, value, vendor.Extra)
		return
	}
	vendor.Put(emit, fd.key, key, value, fd.kind)
}

// unset reports the values Sophos writes for "none" in every log of a
// module: a translation port or address of 0 (no NAT), rule 0 (no rule:
// invalid traffic, DoS), protocol 0 and an all-zero MAC address.
func unset(ecsKey, value string) bool {
	switch ecsKey {
	case "source.nat.port", "destination.nat.port", "source.nat.ip", "destination.nat.ip", "rule.id", "network.transport":
		return value == "0" || value == "0.0.0.0"
	case "source.mac", "destination.mac":
		return value == "00:00:00:00:00:00"
	}
	return false
}

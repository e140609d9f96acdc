// Package sophos decodes Sophos Firewall (SFOS, formerly XG) syslog
// messages into ECS fields: the key=value format of the Sophos Firewall
// syslog guide, in its two spellings,
//
//	device="SFW" date=2026-03-02 time=10:15:41 timezone="CET" device_name="XG230"
//	device_id=C2300000000001 log_id=010101600001 log_type="Firewall"
//	log_component="Firewall Rule" log_subtype="Allowed" status="Allow" priority=Information
//	src_ip=192.0.2.10 dst_ip=198.51.100.7 src_port=51234 dst_port=443 sent_bytes=1935 ...
//
// (SFOS up to 19.0) and, from SFOS 19.5 on,
//
//	device_name="SFW" timestamp="2026-03-02T10:15:41+0100" device_model="XGS2100"
//	device_serial_id="X21000000000001" log_id="010101600001" log_type="Firewall" ...
//	bytes_sent=1935 src_trans_ip=... con_event="Stop"
//
// The keys with one ECS meaning go to ECS (keys.go: both spellings);
// every other key is kept under sophos.<key>. The classification comes
// from log_type, log_subtype and the connection event (classes.go).
//
// Recognition: the message starts with device=" or device_name=" and
// holds " log_type=" (after the identity keys). A line cut short inside
// a quoted value (a datagram's size limit) keeps that value under
// sophos.<key>, whatever the key.
package sophos

import (
	"strings"

	"github.com/nomenhq/nomen/normalize/vendor"
)

// Namespace of the Extra keys.
const Namespace = "sophos."

// headWindow is how far into a message log_type= is looked for: it
// follows the device's identity and the time.
const headWindow = 320

// Sniff reports whether msg is a Sophos Firewall log.
func Sniff(msg string) bool {
	if !strings.HasPrefix(msg, `device="`) && !strings.HasPrefix(msg, `device_name="`) {
		return false
	}
	return strings.Contains(msg[:min(len(msg), headWindow)], " log_type=")
}

// facts are the values the classification reads.
type facts struct {
	typ, subtype, component, status, event string
	message                                string
}

// Decode decodes a Sophos Firewall log line.
func Decode(program, msg string, emit vendor.Emit) (vendor.Class, vendor.Status) {
	if !Sniff(msg) {
		return vendor.Class{}, vendor.NotMine
	}
	var buf [maxOnStack]vendor.Pair
	list, whole := vendor.ReadPairs(msg, buf[:0])
	var f facts
	for _, kv := range whole {
		v := kv.Value
		switch kv.Key {
		case "log_type":
			f.typ = v
		case "log_subtype":
			f.subtype = v
		case "log_component":
			f.component = v
		case "status":
			f.status = v
		case "con_event", "connevent":
			f.event = v
		case "message":
			f.message = v
		}
	}
	for i, kv := range list {
		if kv.Value == "" || kv.Key == "" {
			continue
		}
		if i >= len(whole) { // cut short: kept, but not as ECS
			emit(kv.Key, kv.Value, vendor.Extra)
			continue
		}
		put(kv.Key, kv.Value, emit)
	}
	return classify(&f), vendor.Decoded
}

// maxOnStack is how many pairs Decode lists without allocating (a
// firewall log has 40-60).
const maxOnStack = 96

package network

import (
	"strings"

	"github.com/nomenhq/nomen/normalize/ciscoftd"
	"github.com/nomenhq/nomen/normalize/ecs"
	"github.com/nomenhq/nomen/normalize/vendor"
	"github.com/nomenhq/nomen/relay/event"
)

// FTD security events (430001-430005) carry "Key: Value" bodies that
// normalize/ciscoftd reads; this sets what it hands out (cisco.ftd.* for
// the keys without an ECS meaning), the class and nomen.rule, and joins
// an intrusion's GID, SID and Revision into rule.id ("1:2008705:7", the
// form Snort and Firepower name a rule by).

// ftdRules: nomen.rule of each security event.
var ftdRules = map[string]string{
	"430001": "cisco_ftd.intrusion", "430002": "cisco_ftd.connection", "430003": "cisco_ftd.connection",
	"430004": "cisco_ftd.file", "430005": "cisco_ftd.malware",
}

// setFTDEvent decodes body; a body that is not a key list gets
// nomen.parse_error and no field beyond the envelope's.
func setFTDEvent(e *event.Event, id, body string) {
	set := ecs.Emitter(e, ciscoftd.Namespace)
	var gid, sid, rev string
	class, st := ciscoftd.Decode(id, body, func(key, value string, kind vendor.Kind) {
		switch key {
		case "gid":
			gid = value
		case "sid":
			sid = value
		case "rule.version":
			rev = value
		}
		set(key, value, kind)
	})
	switch st {
	case vendor.Malformed:
		malformed(e, "cisco_ftd: malformed security event")
		return
	case vendor.NotMine:
		return
	}
	if ip := e.Str("source.ip"); ip != "" {
		setNetworkType(e, ip)
	} else {
		setNetworkType(e, e.Str("destination.ip"))
	}
	if ecs.IsDigits(gid) && ecs.IsDigits(sid) && ecs.IsDigits(rev) {
		e.SetStr("rule.id", gid+":"+sid+":"+rev)
	}
	ecs.SetVendorClass(e, class)
	ecs.SetNetworkTotals(e) // Initiator/ResponderBytes: both sides, no total
	if t, ok := dnsTypeByMeaning[strings.ToLower(e.Str(ciscoftd.Namespace+"dns_record_type"))]; ok {
		e.SetStr("dns.question.type", t)
	}
	ecs.SetRule(e, ftdRules[id])
}

// dnsTypeByMeaning: an FTD connection event's DNSRecordType is the type's
// meaning as the IANA DNS parameters registry words it ("a host address"
// for A, RFC 1035 3.2.2); dns.question.type is the type's name.
var dnsTypeByMeaning = map[string]string{
	"a host address": "A", "an authoritative name server": "NS", "the canonical name for an alias": "CNAME",
	"marks the start of a zone of authority": "SOA", "a domain name pointer": "PTR", "host information": "HINFO",
	"mail exchange": "MX", "text strings": "TXT", "ip6 address": "AAAA", "server selection": "SRV",
	"naming authority pointer": "NAPTR",
}

// setSFIMSConnection decodes a connection event of program SFIMS in the
// security events' "Key: Value" form without its %FTD-6-43000x tag
// ("SFIMS: Protocol: TCP, SrcIP: ..., ConnectType: Start, ..."): its
// ConnectType says which event it is, Start 430002, End 430003.
func setSFIMSConnection(e *event.Event) bool {
	m := e.Message
	if !strings.EqualFold(e.AppName, "SFIMS") || !strings.Contains(m, "SrcIP: ") {
		return false
	}
	var id string
	switch {
	case strings.Contains(m, "ConnectType: Start,"), strings.HasSuffix(m, "ConnectType: Start"):
		id = "430002"
	case strings.Contains(m, "ConnectType: End,"), strings.HasSuffix(m, "ConnectType: End"):
		id = "430003"
	default:
		return false
	}
	if _, st := ciscoftd.Decode(id, m, func(string, string, vendor.Kind) {}); st != vendor.Decoded {
		return false // Decode must leave e untouched
	}
	netBegin(e, "cisco-ftd", "cisco_ftd")
	e.SetStr("event.code", id)
	setFTDEvent(e, id, m)
	return true
}

// setSFIMSLegacy decodes the pre-6.3 Sourcefire format of program SFIMS
// (normalize/ciscoftd's DecodeLegacy) and reports whether the body had it.
func setSFIMSLegacy(e *event.Event) bool {
	if !strings.EqualFold(e.AppName, "SFIMS") || !ciscoftd.IsLegacy(e.Message) {
		return false
	}
	type field struct {
		key, value string
		kind       vendor.Kind
	}
	var fields []field
	class, kind, st := ciscoftd.DecodeLegacy(e.Message, func(key, value string, k vendor.Kind) {
		fields = append(fields, field{key, value, k})
	})
	if st != vendor.Decoded {
		return false // Decode must leave e untouched
	}
	netBegin(e, "cisco-ftd", "cisco_ftd")
	set := ecs.Emitter(e, ciscoftd.Namespace)
	for _, f := range fields {
		set(f.key, f.value, f.kind)
	}
	if ip := e.Str("source.ip"); ip != "" {
		setNetworkType(e, ip)
	} else {
		setNetworkType(e, e.Str("destination.ip"))
	}
	ecs.SetVendorClass(e, class)
	ecs.SetRule(e, "cisco_ftd."+kind)
	return true
}

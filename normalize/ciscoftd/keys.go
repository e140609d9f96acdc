package ciscoftd

import "github.com/nomenhq/nomen/normalize/vendor"

// key is where one documented key goes: ecs ("" = kept under the
// namespace only) with its kind; extra is the namespace-relative name a
// value of the wrong shape (or with no ECS meaning) is kept under.
type key struct {
	ecs   string
	kind  vendor.Kind
	extra string
}

// ecsKeys are the keys of Cisco's field lists for 430001-430005 with one
// ECS meaning. Others are kept under cisco.ftd.* (see snake). The rule of
// a connection is the access control rule (rule.name, rule.ruleset its
// ACPolicy); of an intrusion, the signature (rule.name its Message,
// rule.category its Classification, rule.ruleset its IntrusionPolicy).
//
// Left out of ECS on purpose: ApplicationProtocol, Client and
// WebApplication (Cisco's application names, not ECS's lower-case
// network.protocol), Priority (Snort's 1-4, not event.severity), GID and
// SID (normalize/network joins GID:SID:Revision into rule.id), ThreatName
// and SHA_Disposition (cisco.ftd.*, with the malware class).
var ecsKeys = map[string]struct {
	ecs  string
	kind vendor.Kind
}{
	"SrcIP":                 {"source.ip", vendor.IP},
	"DstIP":                 {"destination.ip", vendor.IP},
	"SrcPort":               {"source.port", vendor.Port},
	"DstPort":               {"destination.port", vendor.Port},
	"Protocol":              {"network.transport", vendor.Transport},
	"IngressInterface":      {"observer.ingress.interface.name", vendor.Interface},
	"EgressInterface":       {"observer.egress.interface.name", vendor.Interface},
	"IngressZone":           {"observer.ingress.zone", vendor.Text},
	"EgressZone":            {"observer.egress.zone", vendor.Text},
	"NAT_InitiatorIP":       {"source.nat.ip", vendor.IP},
	"NAT_InitiatorPort":     {"source.nat.port", vendor.Port},
	"NAT_ResponderIP":       {"destination.nat.ip", vendor.IP},
	"NAT_ResponderPort":     {"destination.nat.port", vendor.Port},
	"InitiatorBytes":        {"source.bytes", vendor.Uint},
	"ResponderBytes":        {"destination.bytes", vendor.Uint},
	"InitiatorPackets":      {"source.packets", vendor.Uint},
	"ResponderPackets":      {"destination.packets", vendor.Uint},
	"ConnectionDuration":    {"event.duration", vendor.Seconds},
	"FirstPacketSecond":     {"event.start", vendor.Time},
	"User":                  {"user.name", vendor.User},
	"AccessControlRuleName": {"rule.name", vendor.Text},
	"ACPolicy":              {"rule.ruleset", vendor.Text},
	"IntrusionPolicy":       {"rule.ruleset", vendor.Text}, // 430001 only (see Decode)
	"Message":               {"rule.name", vendor.Text},
	"Classification":        {"rule.category", vendor.Text},
	"Revision":              {"rule.version", vendor.Word},
	"URL":                   {"url.original", vendor.Text},
	"URI":                   {"url.original", vendor.Text},
	"UserAgent":             {"user_agent.original", vendor.Text},
	"HTTPReferer":           {"http.request.referrer", vendor.Text},
	"HTTPResponse":          {"http.response.status_code", vendor.Uint},
	"DNSQuery":              {"dns.question.name", vendor.Word},
	"FileName":              {"file.name", vendor.Text},
	"FileSize":              {"file.size", vendor.Uint},
	"FileSHA256":            {"file.hash.sha256", vendor.Word}, // when 64 hex digits
	"SSLServerName":         {"tls.client.server_name", vendor.Word},
	// GID, SID and the rest: cisco.ftd.* only.
	"GID":                     {"", vendor.Extra},
	"SID":                     {"", vendor.Extra},
	"Priority":                {"", vendor.Extra},
	"ThreatName":              {"", vendor.Extra},
	"SHA_Disposition":         {"", vendor.Extra},
	"AccessControlRuleAction": {"", vendor.Extra},
	"InlineResult":            {"", vendor.Extra},
	"FileAction":              {"", vendor.Extra},
	"ApplicationProtocol":     {"", vendor.Extra},
	"Client":                  {"", vendor.Extra},
	"WebApplication":          {"", vendor.Extra},
}

// otherKeys are more keys of Cisco's field lists, with no ECS meaning:
// listed so that their cisco.ftd.* names are made once here, not on every
// event (snake allocates). A key missing here is kept all the same.
var otherKeys = []string{
	"DeviceUUID", "InstanceID", "ConnectionID", "AccessControlRuleReason", "PrefilterPolicy",
	"IngressVRF", "EgressVRF", "ClientVersion", "URLCategory", "URLReputation", "ReferencedHost",
	"ICMPType", "ICMPCode", "EventPriority", "NetworkAnalysisPolicy", "DNSRecordType",
	"DNSResponseType", "DNS_TTL", "FileDirection", "FileType", "FilePolicy", "FileStorageStatus",
	"FileSandboxStatus", "SperoDisposition", "ThreatScore", "ArchiveSHA256", "ArchiveFileName",
	"ArchiveDepth", "ArchiveFileStatus",
}

// keys is ecsKeys and otherKeys with each key's namespace-relative name.
var keys = func() map[string]key {
	m := make(map[string]key, len(ecsKeys)+len(otherKeys))
	for k, v := range ecsKeys {
		m[k] = key{ecs: v.ecs, kind: v.kind, extra: snake(k)}
	}
	for _, k := range otherKeys {
		if _, dup := m[k]; dup {
			panic("ciscoftd: " + k + " is in ecsKeys and otherKeys")
		}
		m[k] = key{ecs: "", kind: vendor.Extra, extra: snake(k)}
	}
	return m
}()

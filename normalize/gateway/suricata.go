package gateway

import (
	"strings"

	"github.com/nomenhq/nomen/normalize/ecs"
	"github.com/nomenhq/nomen/normalize/vendor"
	"github.com/nomenhq/nomen/relay/event"
)

// Suricata's EVE JSON (docs.suricata.io, "Eve JSON Format"): one object
// per event, {"timestamp", "flow_id", "in_iface", "event_type", the
// 5-tuple, "<event_type>": {...}}, written to a file (forwarded bare or
// with program "suricata") or to syslog (program "suricata").
//
// It is read by the JSON walker (json.go) under suricata.eve.*, as
// Elastic's Suricata module names it; the members suricataECS lists set
// their ECS field instead when the value has the field's shape. The
// class comes from event_type (suricataClasses); an alert is
// event.kind "alert", its rule is rule.id/name/category.
//
// A member is read by its place in the object, never by its text: a
// signature, URL or DNS name holding JSON-looking text stays one string.
// A member name given twice is read at its first place, and a dotted name
// ("alert.signature") is one name, not a path. The table a record is read
// with (suricataTable) depends on it: an alert's flow counters follow its
// direction, a DNS v1 answer record has no question (suricata_dns.go).

// suricataECS: EVE member path -> ECS field, after Elastic's module.
var suricataECS = numbered(map[string]ecsField{
	"timestamp":    {key: "@timestamp", kind: vendor.Time},
	"src_ip":       {key: "source.ip", kind: vendor.IP},
	"src_port":     {key: "source.port", kind: vendor.Port},
	"dest_ip":      {key: "destination.ip", kind: vendor.IP},
	"dest_port":    {key: "destination.port", kind: vendor.Port},
	"proto":        {key: "network.transport", kind: vendor.Transport},
	"app_proto":    {key: "network.protocol", kind: vendor.Protocol},
	"community_id": {key: "network.community_id", kind: vendor.Word},
	"in_iface":     {key: "observer.ingress.interface.name", kind: vendor.Interface},

	"alert.signature":    {key: "rule.name", kind: vendor.Text},
	"alert.signature_id": {key: "rule.id", kind: vendor.Word},
	"alert.category":     {key: "rule.category", kind: vendor.Text},
	"alert.severity":     {key: "event.severity", kind: vendor.Uint},

	"flow.pkts_toserver":  {key: "source.packets", kind: vendor.Uint},
	"flow.pkts_toclient":  {key: "destination.packets", kind: vendor.Uint},
	"flow.bytes_toserver": {key: "source.bytes", kind: vendor.Uint},
	"flow.bytes_toclient": {key: "destination.bytes", kind: vendor.Uint},
	"flow.start":          {key: "event.start", kind: vendor.Time},
	"flow.end":            {key: "event.end", kind: vendor.Time},
	// netflow records one direction: its source is the sender.
	"netflow.pkts":  {key: "source.packets", kind: vendor.Uint},
	"netflow.bytes": {key: "source.bytes", kind: vendor.Uint},
	"netflow.start": {key: "event.start", kind: vendor.Time},
	"netflow.end":   {key: "event.end", kind: vendor.Time},

	"dns.type":   {key: "dns.type", kind: vendor.Word},
	"dns.id":     {key: "dns.id", kind: vendor.Word},
	"dns.rrname": {key: "dns.question.name", kind: vendor.Word},
	"dns.rrtype": {key: "dns.question.type", kind: vendor.Word},
	"dns.rcode":  {key: "dns.response_code", kind: vendor.Word},

	"http.hostname":        {key: "url.domain", kind: vendor.Word},
	"http.url":             {key: "url.original", kind: vendor.Text},
	"http.http_method":     {key: "http.request.method", kind: vendor.Word},
	"http.status":          {key: "http.response.status_code", kind: vendor.Uint},
	"http.http_user_agent": {key: "user_agent.original", kind: vendor.Text},
	"http.http_refer":      {key: "http.request.referrer", kind: vendor.Text},
	"http.length":          {key: "http.response.body.bytes", kind: vendor.Uint},

	"tls.sni":       {key: "tls.client.server_name", kind: vendor.Word},
	"tls.subject":   {key: "tls.server.subject", kind: vendor.Text},
	"tls.issuerdn":  {key: "tls.server.issuer", kind: vendor.Text},
	"tls.ja3.hash":  {key: "tls.client.ja3", kind: vendor.Word},
	"tls.ja3s.hash": {key: "tls.server.ja3s", kind: vendor.Word},

	"fileinfo.filename": {key: "file.path", kind: vendor.Text},
	"fileinfo.size":     {key: "file.size", kind: vendor.Uint},
	"fileinfo.md5":      {key: "file.hash.md5", kind: vendor.Word},
	"fileinfo.sha1":     {key: "file.hash.sha1", kind: vendor.Word},
	"fileinfo.sha256":   {key: "file.hash.sha256", kind: vendor.Word},
})

var (
	catNetwork = ecs.Cats("network")
	catIDS     = ecs.Cats("network", "intrusion_detection")
)

// suricataClasses: event_type -> class. An alert's type is its action's
// (suricataAlertTypes); event types not listed (stats, ...) are decoded
// but not classified (decoder suricata_unclassified).
var suricataClasses = map[string]vendor.Class{
	"flow":     {Category: catNetwork, Type: []string{"connection", "end"}},
	"netflow":  {Category: catNetwork, Type: []string{"connection", "end"}},
	"dns":      {Category: catNetwork, Type: []string{"protocol"}},
	"http":     {Category: catNetwork, Type: []string{"protocol"}},
	"tls":      {Category: catNetwork, Type: []string{"protocol"}},
	"ssh":      {Category: catNetwork, Type: []string{"protocol"}},
	"fileinfo": {Category: catNetwork, Type: []string{"protocol"}},
	"anomaly":  {Category: catNetwork, Type: []string{"info"}},
	"drop":     {Category: catIDS, Type: []string{"denied"}},
}

// suricataAppLayer: the other application-layer loggers' event types (an
// event_type named as the app_proto it logs): one protocol transaction each.
var suricataAppLayer = []string{"smb", "ftp", "ftp_data", "smtp", "krb5", "dhcp", "snmp", "sip", "rdp", "nfs",
	"dcerpc", "tftp", "mqtt", "http2", "quic", "ike", "rfb", "ldap", "pgsql"}

func init() {
	for _, t := range suricataAppLayer {
		suricataClasses[t] = suricataClasses["http"]
	}
}

var suricataAlertTypes = map[string][]string{
	"allowed": {"allowed"},
	"blocked": {"denied"},
}

// suricataNamespace is where EVE members without an ECS field go.
const suricataNamespace = "suricata.eve."

func decodeSuricata(e *event.Event) bool {
	body, ok := jsonBody(e.Message)
	if !ok {
		return false
	}
	typ, ok := topString(body, "event_type")
	if !ok || typ == "" || !strings.EqualFold(e.AppName, "suricata") && !eveShaped(body, typ) {
		return false // JSON, but not an EVE record: the JSON decoder's
	}
	ecs.Reserve(e, 32)
	w := jsonWalker{e: e, path: make([]byte, 0, 64), ecs: suricataTable(body, typ), literalDots: true}
	w.path = append(w.path, suricataNamespace...)
	w.nsLen = len(w.path)
	w.object(body, 0, 1)

	if typ == "alert" {
		action, _ := topMember(body, "alert", "action")
		types := suricataAlertTypes[action]
		if types == nil {
			types = []string{"info"}
		}
		ecs.SetVendorClass(e, vendor.Class{Category: catIDS, Type: types})
		e.SetStr("event.kind", "alert")
	} else if c, ok := suricataClasses[typ]; ok {
		ecs.SetVendorClass(e, c)
	}
	setDerived(e, body)
	if typ == "dns" {
		setSuricataDNS(e, body)
	}
	ecs.SetNetworkTotals(e)
	ecs.SetRule(e, "suricata."+typeKeys.Get(typ))
	ecs.SetProvider(e, "suricata")
	return true
}

// eveShaped says whether a JSON object with a string event_type, from a
// program not named suricata (a file's line forwarded bare), is an EVE
// record rather than another program's JSON that happens to begin with
// "timestamp": every EVE record but the engine's statistics names a
// flow or a packet (flow_id, src_ip, in_iface, pcap_cnt), and a
// statistics record is {"event_type":"stats","stats":{...}}.
func eveShaped(body, typ string) bool {
	if typ == "stats" {
		v, _, ok := findMember(body, 0, "stats")
		return ok && body[v] == '{'
	}
	for _, k := range [...]string{"flow_id", "src_ip", "in_iface", "pcap_cnt"} {
		if _, _, ok := findMember(body, 0, k); ok {
			return true
		}
	}
	return false
}

// suricataTLSVersions: tls.version as Suricata writes it -> ECS's
// tls.version_protocol and tls.version. TLS 1.0 is "TLSv1" (Suricata's
// SSLVersionToString); "UNDETERMINED", a draft or a hex code set nothing.
var suricataTLSVersions = map[string][2]string{
	"SSLv2": {"ssl", "2.0"}, "SSLv3": {"ssl", "3.0"},
	"TLSv1": {"tls", "1.0"}, "TLS 1.1": {"tls", "1.1"}, "TLS 1.2": {"tls", "1.2"}, "TLS 1.3": {"tls", "1.3"},
}

// setDerived sets the ECS fields that are a reading of a member rather
// than the member itself: the TLS version split into protocol and number,
// the certificate's SHA-1 fingerprint as tls.server.hash.sha1, the outer
// VLAN id (the first of the "vlan" list) as network.vlan.id.
func setDerived(e *event.Event, body string) {
	if v, ok := topMember(body, "tls", "version"); ok {
		if pv, ok := suricataTLSVersions[v]; ok {
			e.SetStr("tls.version_protocol", pv[0])
			e.SetStr("tls.version", pv[1])
		}
	}
	if v, ok := topMember(body, "tls", "fingerprint"); ok {
		if h, ok := sha1Fingerprint(v); ok {
			e.SetStr("tls.server.hash.sha1", h)
		}
	}
	if i, end, ok := findMember(body, 0, "vlan"); ok && body[i] == '[' {
		list := body[i:end]
		j := skipSpace(list, 1)
		k := j
		for k < len(list) && '0' <= list[k] && list[k] <= '9' {
			k++
		}
		if id, ok := ecs.ParseUint(list[j:k]); ok && id < 4096 {
			e.SetStr("network.vlan.id", list[j:k])
		}
	}
}

// sha1Fingerprint returns Suricata's certificate fingerprint
// ("aa:bb:...:ff", 20 bytes) as ECS writes a hash of it (upper case hex,
// no colons), or false.
func sha1Fingerprint(v string) (string, bool) {
	if len(v) != 59 {
		return "", false
	}
	h := make([]byte, 0, 40)
	for i := 0; i < len(v); i++ {
		c := v[i]
		switch {
		case i%3 == 2:
			if c != ':' {
				return "", false
			}
			continue
		case '0' <= c && c <= '9', 'A' <= c && c <= 'F':
		case 'a' <= c && c <= 'f':
			c -= 'a' - 'A'
		default:
			return "", false
		}
		h = append(h, c)
	}
	return string(h), true
}

// typeKeys: an event_type as a rule name segment, built once per type.
var typeKeys = ecs.NewStringCache(func(s string) string { return string(appendSegment(nil, s)) })

// topString returns the string value of the top-level member key of the
// object body (checked by jsonBody), or false.
func topString(body, key string) (string, bool) {
	v, end, ok := findMember(body, 0, key)
	if !ok || body[v] != '"' {
		return "", false
	}
	s, _ := jsonString(body[:end], v)
	return s, true
}

// topMember returns the string value of member key of the top-level
// object member obj, or false.
func topMember(body, obj, key string) (string, bool) {
	v, end, ok := findMember(body, 0, obj)
	if !ok || body[v] != '{' {
		return "", false
	}
	inner := body[v:end]
	i, iend, ok := findMember(inner, 0, key)
	if !ok || inner[i] != '"' {
		return "", false
	}
	s, _ := jsonString(inner[:iend], i)
	return s, true
}

// findMember returns the start and end of the value of member key of the
// object at s[i], or false.
func findMember(s string, i int, key string) (int, int, bool) {
	i = skipSpace(s, i+1)
	for i < len(s) && s[i] == '"' {
		k, end := jsonString(s, i)
		i = skipSpace(s, end)
		i = skipSpace(s, i+1) // ':'
		vend := valueEnd(s, i)
		if k == key {
			return i, vend, true
		}
		i = skipSpace(s, vend)
		if i >= len(s) || s[i] != ',' {
			break
		}
		i = skipSpace(s, i+1)
	}
	return 0, 0, false
}

// valueEnd returns the index after the value at s[i].
func valueEnd(s string, i int) int {
	switch s[i] {
	case '"':
		end, _ := stringEnd(s, i)
		return end
	case '{', '[':
		return skipValue(s, i)
	}
	for i < len(s) && s[i] != ',' && s[i] != '}' && s[i] != ']' && s[i] != ' ' && s[i] != '\t' && s[i] != '\r' && s[i] != '\n' {
		i++
	}
	return i
}

// An alert's (or any packet record's) src_ip is the packet's source
// (Suricata logs it in the packet's direction), while its flow object's
// *_toserver counts are the client's: they are the source's only when the
// record says "direction":"to_server", the destination's when it says
// "to_client" (Suricata 7+), and no side's when it says nothing.
var (
	suricataECSToClient = suricataWithCounts("destination", "source")
	suricataECSNoCounts = suricataWithCounts("", "")
)

// suricataWithCounts is suricataECS with flow.*_toserver set on side
// toServer and flow.*_toclient on toClient ("" for none).
func suricataWithCounts(toServer, toClient string) map[string]ecsField {
	m := make(map[string]ecsField, len(suricataECS))
	for k, f := range suricataECS {
		m[k] = f
	}
	for _, c := range []struct{ member, side, field string }{
		{"flow.pkts_toserver", toServer, ".packets"}, {"flow.bytes_toserver", toServer, ".bytes"},
		{"flow.pkts_toclient", toClient, ".packets"}, {"flow.bytes_toclient", toClient, ".bytes"},
	} {
		if c.side == "" {
			delete(m, c.member)
			continue
		}
		f := m[c.member]
		f.key = c.side + c.field
		m[c.member] = numberedLike(f, suricataECS)
	}
	return m
}

// numberedLike gives f the number its ECS field has in table m.
func numberedLike(f ecsField, m map[string]ecsField) ecsField {
	for _, g := range m {
		if g.key == f.key {
			f.id = g.id
			return f
		}
	}
	panic("gateway: " + f.key + " not in the table")
}

// suricataTable returns the ECS table for a record of event_type typ.
func suricataTable(body, typ string) map[string]ecsField {
	switch typ {
	case "flow", "netflow":
		return suricataECS
	case "dns":
	default:
		if _, _, ok := findMember(body, 0, "flow"); !ok {
			return suricataECS
		}
		switch dir, _ := topString(body, "direction"); dir {
		case "to_server":
			return suricataECS
		case "to_client":
			return suricataECSToClient
		}
		return suricataECSNoCounts
	}
	v, end, ok := findMember(body, 0, "dns")
	if !ok || body[v] != '{' {
		return suricataECS
	}
	d := body[v:end]
	if _, _, ok := findMember(d, 0, "rdata"); ok {
		return suricataECSAnswerRecord
	}
	if _, _, ok := findMember(d, 0, "ttl"); ok {
		return suricataECSAnswerRecord
	}
	return suricataECS
}

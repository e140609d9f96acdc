package windows

import (
	"strconv"
	"strings"
	"time"

	"github.com/nomenhq/nomen/normalize/ecs"
	"github.com/nomenhq/nomen/relay/event"
)

// Values of Sysmon's EventData that hold more than one field.

// hashAlgos are the algorithms of Sysmon's Hashes ("SHA1=..,MD5=..,
// SHA256=..,IMPHASH=..") and their ECS names.
var hashAlgos = [...]struct{ sysmon, ecs string }{
	{"MD5", "md5"}, {"SHA1", "sha1"}, {"SHA256", "sha256"}, {"IMPHASH", "imphash"},
}

// hashKeys holds "<prefix>.<algo>" for the hash prefixes the catalog uses,
// so that setting them allocates no key.
var hashKeys = func() map[string][len(hashAlgos)]string {
	m := map[string][len(hashAlgos)]string{}
	for _, p := range []string{"process.hash", "file.hash", "dll.hash"} {
		var ks [len(hashAlgos)]string
		for i, a := range hashAlgos {
			ks[i] = hashKey(p, a.ecs)
		}
		m[p] = ks
	}
	return m
}()

// hashKey is where a hash goes: <prefix>.md5 ...; the import hash is the
// PE header's (process.pe.imphash, file.pe.imphash: ECS, and Winlogbeat's
// sysmon module), not a hash of the file.
func hashKey(prefix, algo string) string {
	if algo == "imphash" {
		return strings.TrimSuffix(prefix, ".hash") + ".pe.imphash"
	}
	return prefix + "." + algo
}

// zeroHash reports whether a hash is all zeros: Sysmon's placeholder for
// one it did not compute (an IMPHASH of a file that is no PE image).
func zeroHash(h string) bool {
	return strings.Trim(h, "0") == ""
}

// setHashes sets <prefix>.md5, .sha1, .sha256 and the PE's imphash from a
// Sysmon Hashes value, lower-case, each also in related.hash (as
// Winlogbeat's sysmon module lists them); all-zero placeholders are no
// hash.
func setHashes(e *event.Event, rel *ecs.Related, prefix, v string) bool {
	keys, known := hashKeys[prefix]
	set := false
	for v != "" {
		var item string
		item, v, _ = strings.Cut(v, ",")
		algo, hash, ok := strings.Cut(ecs.TrimSpace(item), "=")
		if !ok || zeroHash(hash) {
			continue
		}
		for i, a := range hashAlgos {
			if !strings.EqualFold(algo, a.sysmon) {
				continue
			}
			key := hashKey(prefix, a.ecs)
			if known {
				key = keys[i]
			}
			hash = lowerASCII(hash)
			e.SetStr(key, hash)
			rel.AddHash(e, hash)
			set = true
		}
	}
	return set
}

// zeroGUID reports whether a GUID is all zeros ("{00000000-0000-...}"),
// Sysmon's for a process it could not tell, or empty.
func zeroGUID(g string) bool {
	for i := 0; i < len(g); i++ {
		if c := g[i]; c != '0' && c != '-' && c != '{' && c != '}' {
			return false
		}
	}
	return true
}

// lowerASCII lower-cases s, without allocating when it already is.
func lowerASCII(s string) string {
	for i := 0; i < len(s); i++ {
		if c := s[i]; 'A' <= c && c <= 'Z' {
			return strings.ToLower(s)
		}
	}
	return s
}

// setDNSResults sets the addresses of a Sysmon QueryResults
// ("type:  5 cdn.example.net;::ffff:192.0.2.44;192.0.2.45;") in key
// (dns.resolved_ip) and every answer in dns.answers ({"data", "type"}
// objects, as Winlogbeat's sysmon module gives them: a "type: N name"
// record by its DNS type's name, an address as an A or AAAA record);
// the names a record points to ("cdn.example.net") are related hosts.
func setDNSResults(e *event.Event, rel *ecs.Related, key, v string) bool {
	var ips []string
	var answers []byte
	for v != "" {
		var item string
		item, v, _ = strings.Cut(v, ";")
		item = strings.TrimPrefix(ecs.TrimSpace(item), "::ffff:")
		if rest, ok := strings.CutPrefix(item, "type:"); ok {
			if f := strings.Fields(rest); len(f) == 2 {
				rel.SetHostname(e, "", f[1])
				answers = appendDNSAnswer(answers, f[1], dnsTypeName(f[0]))
			}
			continue
		}
		if ecs.IsIP(item) {
			ips = append(ips, item)
			rel.AddIP(e, item)
			typ := "A"
			if strings.IndexByte(item, ':') >= 0 {
				typ = "AAAA"
			}
			answers = appendDNSAnswer(answers, item, typ)
		}
	}
	if len(answers) > 0 {
		e.Set("dns.answers", event.RawJSON(string(append(answers, ']'))))
	}
	if len(ips) == 0 {
		return false
	}
	e.Set(key, event.Strings(ips...))
	return true
}

// appendDNSAnswer appends {"data":..,"type":..} to a JSON list being
// built (its "[" the first time); a type without a name is left out.
func appendDNSAnswer(list []byte, data, typ string) []byte {
	if len(list) == 0 {
		list = append(list, '[')
	} else {
		list = append(list, ',')
	}
	list = append(list, `{"data":`...)
	list = event.AppendJSONString(list, data)
	if typ != "" {
		list = append(list, `,"type":`...)
		list = event.AppendJSONString(list, typ)
	}
	return append(list, '}')
}

// dnsTypes names the DNS record types by number (Microsoft's DNS
// constants, DNS_TYPE_*, the IANA registry's names).
var dnsTypes = map[string]string{
	"1": "A", "2": "NS", "3": "MD", "4": "MF", "5": "CNAME", "6": "SOA", "7": "MB", "8": "MG", "9": "MR",
	"10": "NULL", "11": "WKS", "12": "PTR", "13": "HINFO", "14": "MINFO", "15": "MX", "16": "TXT", "17": "RP",
	"18": "AFSDB", "19": "X25", "20": "ISDN", "21": "RT", "22": "NSAP", "23": "NSAPPTR", "24": "SIG", "25": "KEY",
	"26": "PX", "27": "GPOS", "28": "AAAA", "29": "LOC", "30": "NXT", "31": "EID", "32": "NIMLOC", "33": "SRV",
	"34": "ATMA", "35": "NAPTR", "36": "KX", "37": "CERT", "38": "A6", "39": "DNAME", "40": "SINK", "41": "OPT",
	"43": "DS", "46": "RRSIG", "47": "NSEC", "48": "DNSKEY", "49": "DHCID", "50": "NSEC3", "51": "NSEC3PARAM",
	"52": "TLSA", "64": "SVCB", "65": "HTTPS", "99": "SPF", "100": "UINFO", "101": "UID", "102": "GID", "103": "UNSPEC",
	"248": "ADDRS", "249": "TKEY", "250": "TSIG", "251": "IXFR", "252": "AXFR", "253": "MAILB", "254": "MAILA", "255": "ANY",
	"65281": "WINS", "65282": "WINSR",
}

// dnsTypeName is the name of a DNS record type number, "" if unknown.
func dnsTypeName(n string) string { return dnsTypes[n] }

// setRegistryPath sets the registry path and its hive, key and (for value
// events: Sysmon's EventType SetValue, CreateValue, DeleteValue...) value:
// "HKLM\SOFTWARE\Run\updater" -> hive HKLM, key SOFTWARE\Run, value updater.
func (w *winEvent) setRegistryPath(e *event.Event, key, v string) bool {
	if v == "" {
		return false
	}
	v = registryHiveName(v)
	hive, rest, ok := strings.Cut(v, `\`)
	value := ""
	if ok && strings.HasPrefix(hive, "HK") && strings.HasSuffix(w.val("EventType"), "Value") {
		if i := strings.LastIndexByte(rest, '\\'); i >= 0 {
			rest, value = rest[:i], rest[i+1:]
		}
	}
	setRegistryParts(e, key, v, hive, rest, value, ok)
	return true
}

// setRegistryKeyValue sets the registry path of a value the log names by
// its key and its name apart (4657's ObjectName and ObjectValueName):
// ECS's registry.path is the key's path, a backslash and the value's name,
// its registry.key the key's path without the hive, as setRegistryPath
// gives them for Sysmon's value events. A key without a value name (none
// given, or "-") is the path alone.
func (w *winEvent) setRegistryKeyValue(e *event.Event, key, v string) bool {
	if v == "" || v == "-" {
		return false
	}
	v = registryHiveName(v)
	hive, rest, ok := strings.Cut(v, `\`)
	value := w.val("ObjectValueName")
	if value == "-" {
		value = ""
	}
	path := v
	if value != "" {
		path = v + `\` + value
	}
	setRegistryParts(e, key, path, hive, rest, value, ok)
	return true
}

// setRegistryParts sets key to path, registry.value to value (when the
// event names one) and, when path starts with a hive's short name (HKLM,
// HKU...), registry.hive and registry.key (rest: the key without the hive).
func setRegistryParts(e *event.Event, key, path, hive, rest, value string, cut bool) {
	e.SetStr(key, path)
	hk := cut && strings.HasPrefix(hive, "HK")
	if hk {
		e.SetStr("registry.hive", hive)
	}
	if value != "" {
		e.SetStr("registry.value", value)
	}
	if hk {
		e.SetStr("registry.key", rest)
	}
}

// registryHiveName writes a kernel registry path (\REGISTRY\MACHINE\...,
// as older Sysmon versions gave TargetObject and the Security log's 4657
// and 4663 give ObjectName) with its hive's short name,
// as Sysmon writes it now and ECS's registry.path and registry.hive name
// it: HKLM for \REGISTRY\MACHINE, HKU for \REGISTRY\USER.
func registryHiveName(v string) string {
	for _, h := range [...][2]string{{`\REGISTRY\MACHINE`, "HKLM"}, {`\REGISTRY\USER`, "HKU"}} {
		if len(v) > len(h[0]) && strings.EqualFold(v[:len(h[0])], h[0]) && v[len(h[0])] == '\\' {
			return h[1] + v[len(h[0]):]
		}
	}
	return v
}

// setRegistryData sets <key>.strings and <key>.type from a Sysmon registry
// Details value: "DWORD (0x00000001)" is the number 1 of type REG_DWORD,
// "QWORD (0x00000000-0x00000002)" (high-low) a REG_QWORD, "Binary Data"
// a REG_BINARY, anything else a string (REG_SZ), as Winlogbeat's sysmon
// module reads them. "(Empty)" is Sysmon's word for a value without data,
// of a type it does not say: no data, no type.
func setRegistryData(e *event.Event, key, v string) bool {
	if v == "" || v == "-" || v == "(Empty)" {
		return false
	}
	typ, data := "REG_SZ", v
	switch {
	case strings.HasPrefix(v, "DWORD (0x") && strings.HasSuffix(v, ")"):
		if n, err := strconv.ParseUint(v[9:len(v)-1], 16, 32); err == nil {
			typ, data = "REG_DWORD", strconv.FormatUint(n, 10)
		}
	case strings.HasPrefix(v, "QWORD (0x") && strings.HasSuffix(v, ")"):
		hi, lo, ok := strings.Cut(v[9:len(v)-1], "-0x")
		h, err1 := strconv.ParseUint(hi, 16, 32)
		l, err2 := strconv.ParseUint(lo, 16, 32)
		if ok && err1 == nil && err2 == nil {
			typ, data = "REG_QWORD", strconv.FormatUint(h<<32|l, 10)
		}
	case v == "Binary Data":
		typ = "REG_BINARY"
	}
	e.Set(key+".strings", event.Strings(data))
	e.SetStr(key+".type", typ)
	return true
}

// sysmonTime reads Sysmon's UtcTime ("2023-08-07 15:51:22.721"): when the
// activity happened, in UTC, to the millisecond.
func sysmonTime(v string) (time.Time, bool) {
	if len(v) < 19 {
		return time.Time{}, false
	}
	ns := 0
	if frac := v[19:]; frac != "" {
		if frac[0] != '.' || len(frac) > 10 {
			return time.Time{}, false
		}
		n, ok := ecs.ParseUint(frac[1:])
		if !ok {
			return time.Time{}, false
		}
		ns = int(n)
		for i := len(frac) - 1; i < 9; i++ {
			ns *= 10
		}
	}
	return dateTimeUTC(v[:19], ns)
}

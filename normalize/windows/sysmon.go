package windows

import (
	"strings"

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
			ks[i] = p + "." + a.ecs
		}
		m[p] = ks
	}
	return m
}()

// setHashes sets <prefix>.md5, .sha1, .sha256, .imphash from a Sysmon
// Hashes value, lower-case.
func setHashes(e *event.Event, prefix, v string) bool {
	keys, known := hashKeys[prefix]
	set := false
	for v != "" {
		var item string
		item, v, _ = strings.Cut(v, ",")
		algo, hash, ok := strings.Cut(ecs.TrimSpace(item), "=")
		if !ok || hash == "" {
			continue
		}
		for i, a := range hashAlgos {
			if !strings.EqualFold(algo, a.sysmon) {
				continue
			}
			key := prefix + "." + a.ecs
			if known {
				key = keys[i]
			}
			e.SetStr(key, lowerASCII(hash))
			set = true
		}
	}
	return set
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
// ("type:  5 cdn.example.net;::ffff:192.0.2.44;192.0.2.45;"): the CNAMEs
// and record types it also lists are not addresses.
func setDNSResults(e *event.Event, rel *ecs.Related, key, v string) bool {
	var ips []string
	for v != "" {
		var item string
		item, v, _ = strings.Cut(v, ";")
		item = strings.TrimPrefix(ecs.TrimSpace(item), "::ffff:")
		if ecs.IsIP(item) {
			ips = append(ips, item)
			rel.AddIP(e, item)
		}
	}
	if len(ips) == 0 {
		return false
	}
	e.Set(key, event.Strings(ips...))
	return true
}

// setRegistryPath sets the registry path and its hive, key and (for value
// events: Sysmon's EventType SetValue, CreateValue, DeleteValue...) value:
// "HKLM\SOFTWARE\Run\updater" -> hive HKLM, key SOFTWARE\Run, value updater.
func (w *winEvent) setRegistryPath(e *event.Event, key, v string) bool {
	if v == "" {
		return false
	}
	e.SetStr(key, v)
	hive, rest, ok := strings.Cut(v, `\`)
	if !ok || !strings.HasPrefix(hive, "HK") {
		return true
	}
	e.SetStr("registry.hive", hive)
	if strings.HasSuffix(w.val("EventType"), "Value") {
		if i := strings.LastIndexByte(rest, '\\'); i >= 0 {
			e.SetStr("registry.value", rest[i+1:])
			rest = rest[:i]
		}
	}
	e.SetStr("registry.key", rest)
	return true
}

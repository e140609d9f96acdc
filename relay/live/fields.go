package live

import (
	"fmt"
	"slices"
	"strings"

	"github.com/nomenhq/nomen/internal/suggest"
)

// The fields a subscription may filter on. A filter on a field nomen never
// sets matches nothing, silently, forever: a subscriber with a typo
// (evnt.category) would wait for events that cannot come. So the query is
// checked against what nomen can set:
//
//   - permissive inside a namespace: any key under one of the ECS field
//     sets or a vendor namespace nomen's decoders use (winlog.*, cisco.*,
//     postfix.* ...), because decoders and the Windows catalog add keys
//     there and the list would rot;
//   - strict for event.*, the field set every filter uses, which ECS closes:
//     event.categroy is refused;
//   - user rules may set keys anywhere (backup.files): their keys and
//     namespaces are accepted as well (HandlerOptions.RuleFields).
//
// TestKnownFieldsCoverGoldenOutputs checks every key of the golden outputs
// against this list, so a decoder that starts a new namespace fails a test
// rather than a subscriber.

// ecsNamespaces are the top-level ECS fields and field sets (ECS 8.x) that
// can appear at the root of a document.
var ecsNamespaces = []string{
	"@timestamp", "agent", "as", "client", "cloud", "container", "data_stream",
	"destination", "device", "dll", "dns", "ecs", "email", "error", "event",
	"faas", "file", "group", "host", "http", "labels", "log", "message",
	"network", "observer", "orchestrator", "organization", "package",
	"process", "registry", "related", "rule", "server", "service", "source",
	"span", "tags", "threat", "tls", "trace", "transaction", "url", "user",
	"user_agent", "vulnerability",
}

// vendorNamespaces are the non-ECS namespaces nomen's decoders and stages
// set (nomen.* is nomen's own: input, peer, sequence gaps, findings).
var vendorNamespaces = []string{
	"anacron", "apache", "atd", "auditd", "bind", "cef", "checkpoint", "chronyd", "cisco", "clamav",
	"courier", "cyrus", "dhclient", "dhcpd", "dovecot", "dropbear", "exchange", "exim", "fail2ban",
	"fortinet", "ftpd", "haproxy", "iis", "iptables", "json", "juniper", "kadmind", "kernel",
	"krb5kdc", "leef", "login", "logind", "mysql", "networkmanager", "nginx", "nomen", "ntpd",
	"openldap", "openvpn", "paloalto", "pam", "pfsense", "polkit", "postfix", "postgresql",
	"powershell", "procmail", "proftpd", "rshd", "rsyslog", "samba", "screenos", "sendmail", "shadow",
	"sonicwall", "sophos", "squid", "sshd", "sssd", "su", "sudo", "suricata", "syslog_ng", "sysmon",
	"systemd", "windows_defender", "winlog", "xinetd",
}

// eventFields are the ECS event.* fields; event is checked key by key.
var eventFields = []string{
	"action", "agent_id_status", "category", "code", "created", "dataset",
	"duration", "end", "hash", "id", "ingested", "kind", "module", "original",
	"outcome", "provider", "reason", "reference", "risk_score",
	"risk_score_norm", "sequence", "severity", "start", "timezone", "type",
	"url",
}

var (
	knownNamespaces = setOf(append(slices.Clone(ecsNamespaces), vendorNamespaces...))
	knownEvent      = setOf(eventFields)
)

func setOf(list []string) map[string]bool {
	m := make(map[string]bool, len(list))
	for _, s := range list {
		m[s] = true
	}
	return m
}

// checkField reports why key is not a field nomen can set, or nil.
// ruleFields are the keys user rules set (exact keys; their namespaces are
// accepted as a whole).
func checkField(key string, ruleFields []string) error {
	if err := checkSyntax(key); err != nil {
		return err
	}
	if slices.Contains(ruleFields, key) {
		return nil
	}
	ns, rest, dotted := strings.Cut(key, ".")
	if ns == "event" {
		if dotted && knownEvent[rest] {
			return nil
		}
		return fmt.Errorf("unknown field %q: not an ECS event.* field (%s)", key, typoHint(rest, eventFields, "event."))
	}
	if knownNamespaces[ns] || ruleNamespace(ns, ruleFields) {
		return nil
	}
	return fmt.Errorf("unknown field %q: nomen sets no field under %q (%s)", key, ns, typoHint(ns, knownList(ruleFields), ""))
}

// checkSyntax refuses keys that cannot be a field name: empty parts,
// spaces, quotes or other punctuation. Windows event data keeps its
// element names (winlog.event_data.TargetUserName), so case is free; '@'
// may start a part (@timestamp, and the keys of JSON carried in a message,
// json.<program>.@timestamp).
func checkSyntax(key string) error {
	if key == "" {
		return fmt.Errorf("empty field name")
	}
	for part := range strings.SplitSeq(key, ".") {
		if part == "" {
			return fmt.Errorf("field %q: empty part between dots", key)
		}
	}
	for i, c := range key {
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9', c == '_', c == '-', c == '.':
		case c == '@' && (i == 0 || key[i-1] == '.'):
		default:
			return fmt.Errorf("field %q: character %q is not allowed in a field name", key, c)
		}
	}
	return nil
}

func ruleNamespace(ns string, ruleFields []string) bool {
	for _, k := range ruleFields {
		if first, _, _ := strings.Cut(k, "."); first == ns {
			return true
		}
	}
	return false
}

// knownList is every namespace accepted, for suggestions.
func knownList(ruleFields []string) []string {
	out := slices.Concat(ecsNamespaces, vendorNamespaces)
	for _, k := range ruleFields {
		first, _, _ := strings.Cut(k, ".")
		out = append(out, first)
	}
	return out
}

// typoHint names the closest of candidates to s, or says where the list
// is.
func typoHint(s string, candidates []string, prefix string) string {
	best := suggest.Closest(s, candidates)
	if best == "" {
		return "see GET /v1/events in the README for the fields nomen sets"
	}
	return "did you mean " + prefix + best + "?"
}

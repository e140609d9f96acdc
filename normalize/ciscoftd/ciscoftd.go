// Package ciscoftd decodes the security events of Cisco Firepower Threat
// Defense (FTD) and the FirePOWER/NGIPS sensors: messages 430001
// (intrusion), 430002 (connection start), 430003 (connection end), 430004
// (file) and 430005 (malware), whose body, unlike the rest of the ASA
// catalogue, is a list of "Key: Value" pairs (Cisco's "FTD Syslog
// Messages", "Security Event Syslog Messages"):
//
//	%FTD-1-430001: DeviceUUID: ..., InstanceID: 1, SrcIP: 198.51.100.7, DstIP: 10.1.2.3,
//	  SrcPort: 40112, DstPort: 80, Protocol: tcp, IngressInterface: outside, ...,
//	  GID: 1, SID: 2008705, Revision: 7, Message: ..., Classification: ...
//
// The envelope ("%FTD-1-430001:", "%NGIPS-1-430001:", a relay's header)
// is normalize/network's; this package reads the body. A pair ends at the
// next ", Key:" (a key is letters, digits, '_' and spaces), so values may
// hold colons (IPv6 addresses, URLs) and commas not followed by a key.
// Keys with one ECS meaning go to ECS (keys.go); the rest are kept under
// cisco.ftd.<key in snake case> ("AccessControlRuleReason" is
// cisco.ftd.access_control_rule_reason). A body that is not such a list
// is Malformed: nothing of it is emitted.
package ciscoftd

import (
	"strings"

	"github.com/nomenhq/nomen/normalize/vendor"
)

// Namespace of the Extra keys.
const Namespace = "cisco.ftd."

// IsEvent reports whether id is one of the security event messages.
func IsEvent(id string) bool {
	return len(id) == 6 && id[:5] == "43000" && id[5] >= '1' && id[5] <= '5'
}

// facts are the values the classification reads.
type facts struct {
	ruleAction, inlineResult, fileAction, protocol string
	pairs                                          int
}

// Decode decodes the body of security event id (IsEvent).
func Decode(id, body string, emit vendor.Emit) (vendor.Class, vendor.Status) {
	if !IsEvent(id) {
		return vendor.Class{}, vendor.NotMine
	}
	// The body is read once into a list on the stack (a longer one grows
	// it on the heap): the classification needs its facts before any
	// value is emitted, and a second scan of the body cost more than the
	// list.
	var f facts
	var buf [maxOnStack]pair
	list := buf[:0]
	p := pairs{s: strings.TrimSpace(body)}
	for {
		key, v, ok := p.next()
		if !ok {
			break
		}
		list = append(list, pair{key, v})
		switch key {
		case "AccessControlRuleAction":
			f.ruleAction = v
		case "InlineResult":
			f.inlineResult = v
		case "FileAction":
			f.fileAction = v
		case "Protocol":
			f.protocol = v
		}
	}
	f.pairs = len(list)
	if p.bad || f.pairs < 2 {
		return vendor.Class{}, vendor.Malformed
	}
	// An ICMP flow's ports are its type and code (Firepower's "Source
	// Port / ICMP Type"): not ports.
	icmp := isICMP(f.protocol)
	// An intrusion's rule is the signature: rule.name its Message,
	// rule.ruleset its intrusion policy; the access control rule and
	// policy that let the traffic reach the engine are kept as Cisco's.
	intrusion := id == "430001"
	for _, kv := range list {
		key, v := kv.key, kv.value
		if v == "" {
			continue
		}
		k, ok := keys[key]
		if !ok {
			emit(snake(key), v, vendor.Extra)
			continue
		}
		if icmp && k.kind == vendor.Port {
			emit(k.extra, v, vendor.Extra)
			continue
		}
		if key == "User" && !notAUser(v) {
			emitUser(emit, v)
			continue
		}
		if k.ecs == "" || key == "User" || key == "FileSHA256" && !isSHA256(v) || key == "HTTPResponse" && !isStatus(v) ||
			intrusion && (key == "AccessControlRuleName" || key == "ACPolicy") {
			emit(k.extra, v, vendor.Extra)
			continue
		}
		vendor.Put(emit, k.ecs, k.extra, v, k.kind)
	}
	return classify(id, &f), vendor.Decoded
}

// maxOnStack is how many pairs Decode lists without allocating (a
// connection event has 20-50).
const maxOnStack = 64

type pair struct{ key, value string }

// pairs reads the "Key: Value" pairs of a body (trimmed of spaces),
// values trimmed. A pair ends at the next ", Key:"; finding that key
// also finds the next pair's key, which is kept for the next call.
type pairs struct {
	s   string // the rest of the body, from a key
	n   int    // keyLen(s) when already known, else 0
	bad bool   // stopped where no key was: the body is not such a list
}

// next returns the next pair; false at the end of the body, or where no
// key was (bad).
func (p *pairs) next() (key, value string, ok bool) {
	s := p.s
	if s == "" {
		return "", "", false
	}
	n := p.n
	if n == 0 {
		n = keyLen(s)
	}
	if n == 0 {
		p.s, p.n, p.bad = "", 0, true
		return "", "", false
	}
	key = strings.TrimRight(s[:n], " ")
	s = s[n+1:] // past ':'
	end, next, nextKey := nextPair(s)
	p.s, p.n = next, nextKey
	return key, strings.TrimSpace(s[:end]), true
}

// eachPair calls fn for every pair of body (see pairs) and reports
// whether body is such a list from its start to its end.
func eachPair(body string, fn func(key, value string)) bool {
	p := pairs{s: strings.TrimSpace(body)}
	for key, v, ok := p.next(); ok; key, v, ok = p.next() {
		fn(key, v)
	}
	return !p.bad
}

// keyLen returns the length of the key at the start of s when a ':'
// follows it (the index of that ':'), else 0. A key starts with a letter.
func keyLen(s string) int {
	if s == "" || !isLetter(s[0]) {
		return 0
	}
	for i := 1; i < len(s) && i <= maxKey; i++ {
		c := s[i]
		switch {
		case c == ':':
			return i
		case isLetter(c) || '0' <= c && c <= '9' || c == '_' || c == ' ':
		default:
			return 0
		}
	}
	return 0
}

// maxKey bounds a key's length (the longest documented is under 30).
const maxKey = 40

// nextPair finds the ',' that starts the next pair of s: it returns the
// end of the current value (that ',' or len(s)), the rest of s from the
// next key ("" at the end) and that key's keyLen.
func nextPair(s string) (end int, next string, n int) {
	for i := 0; i < len(s); i++ {
		if s[i] != ',' {
			continue
		}
		j := i + 1
		for j < len(s) && s[j] == ' ' {
			j++
		}
		if n := keyLen(s[j:]); n > 0 {
			return i, s[j:], n
		}
	}
	return len(s), "", 0
}

// isStatus reports whether v is an HTTP status code (FTD prints 0 when
// there was no response).
func isStatus(v string) bool {
	return len(v) == 3 && vendor.IsDigits(v) && v[0] >= '1' && v[0] <= '5'
}

// isSHA256 reports whether v is 64 hexadecimal digits.
func isSHA256(v string) bool {
	if len(v) != 64 {
		return false
	}
	ok := true
	for i := 0; ok && i < len(v); i++ {
		c := v[i] | 0x20
		ok = '0' <= c && c <= '9' || 'a' <= c && c <= 'f'
	}
	return ok
}

func isLetter(c byte) bool { return 'a' <= c|0x20 && c|0x20 <= 'z' }

func isICMP(p string) bool {
	return vendor.EqualFold(p, "icmp") || vendor.EqualFold(p, "ipv6-icmp") || vendor.EqualFold(p, "icmp6") ||
		vendor.EqualFold(p, "icmpv6")
}

// emitUser sets user.name, and user.domain from a "REALM\user" (as the
// ASA decoder and Windows events give them; FTD may escape the backslash,
// "REALM\\user"); a realm with no user is no user.
func emitUser(emit vendor.Emit, v string) {
	realm, name, ok := strings.Cut(v, "\\")
	if !ok {
		vendor.Put(emit, "user.name", "user", v, vendor.User)
		return
	}
	name = strings.TrimPrefix(name, "\\")
	if name == "" || strings.IndexByte(name, '\\') >= 0 {
		emit("user", v, vendor.Extra)
		return
	}
	vendor.Put(emit, "user.name", "user", name, vendor.User)
	vendor.Put(emit, "user.domain", "realm", realm, vendor.Word)
}

// notAUser: what FTD prints in User when it knows no user.
func notAUser(v string) bool {
	switch v {
	case "No Authentication Required", "Not Found", "Unknown", "Pending", "No User", "Special Identities":
		return true
	}
	return false
}

// snake turns a key into the snake-case name it is kept under:
// "AccessControlRuleReason" -> "access_control_rule_reason",
// "SSLURLCategory" -> "sslurl_category", "Prefilter Policy" ->
// "prefilter_policy".
func snake(key string) string {
	var b strings.Builder
	b.Grow(len(key) + 8)
	for i := 0; i < len(key); i++ {
		c := key[i]
		if c == ' ' || c == '_' {
			if b.Len() > 0 && !strings.HasSuffix(b.String(), "_") {
				b.WriteByte('_')
			}
			continue
		}
		if 'A' <= c && c <= 'Z' {
			prevLower := i > 0 && ('a' <= key[i-1] && key[i-1] <= 'z' || '0' <= key[i-1] && key[i-1] <= '9')
			nextLower := i+1 < len(key) && 'a' <= key[i+1] && key[i+1] <= 'z'
			prevUpper := i > 0 && 'A' <= key[i-1] && key[i-1] <= 'Z'
			if b.Len() > 0 && !strings.HasSuffix(b.String(), "_") && (prevLower || prevUpper && nextLower) {
				b.WriteByte('_')
			}
			c += 'a' - 'A'
		}
		b.WriteByte(c)
	}
	return b.String()
}

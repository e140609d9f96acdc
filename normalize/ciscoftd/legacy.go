package ciscoftd

import (
	"strings"

	"github.com/nomenhq/nomen/normalize/vendor"
)

// The Sourcefire / FirePOWER format that sensors and FTD before 6.3 send
// under the program name SFIMS (Cisco's "Intrusion Event Syslog" and
// connection event syslog of those releases), before the %FTD-1-4300xx
// messages:
//
//	SFIMS: [Primary Detection Engine (UUID)][POLICY] [GID:SID:REV] "MESSAGE"
//	  [Impact: ...] From "DEVICE" at DATE [Classification: CLASS] [Priority: N]
//	  {PROTO} SRC[:PORT] -> DST[:PORT]
//	SFIMS: [Primary Detection Engine (UUID)][POLICY] Connection Type: Start,
//	  User: ..., Firewall Rule Name: ..., Firewall Rule Action: Allow, ...,
//	  {PROTO} SRC:PORT -> DST:PORT
//
// The flow at the end is Snort's: "{TCP} a:p -> b:p" from initiator to
// responder. An IPv6 address printed with its port ("2001:db8::1:443") is
// ambiguous, so that side gets no address or port at all.

// legacyKeys: where the connection keys with one ECS meaning go.
var legacyKeys = map[string]struct {
	ecs  string
	kind vendor.Kind
}{
	"User":                  {"user.name", vendor.User},
	"Firewall Rule Name":    {"rule.name", vendor.Text},
	"Interface Ingress":     {"observer.ingress.interface.name", vendor.Interface},
	"Interface Egress":      {"observer.egress.interface.name", vendor.Interface},
	"Security Zone Ingress": {"observer.ingress.zone", vendor.Text},
	"Security Zone Egress":  {"observer.egress.zone", vendor.Text},
	"Initiator Bytes":       {"source.bytes", vendor.Uint},
	"Responder Bytes":       {"destination.bytes", vendor.Uint},
	"Initiator Packets":     {"source.packets", vendor.Uint},
	"Responder Packets":     {"destination.packets", vendor.Uint},
	"URL":                   {"url.original", vendor.Text},
}

// IsLegacy reports whether body (the message of program SFIMS) is in the
// pre-6.3 format.
func IsLegacy(body string) bool {
	return strings.HasPrefix(body, "[") && strings.Contains(body, "} ") && strings.Contains(body, " -> ")
}

// DecodeLegacy decodes a pre-6.3 SFIMS body (IsLegacy). It returns the
// class and nomen.rule's suffix ("intrusion", "connection"); a body of
// neither shape is Malformed and emits nothing.
func DecodeLegacy(body string, emit vendor.Emit) (vendor.Class, string, vendor.Status) {
	engine, policy, rest := legacyHeader(body)
	brace := strings.LastIndex(rest, "{")
	if brace < 0 {
		return vendor.Class{}, "", vendor.Malformed
	}
	proto, src, dst, ok := snortFlow(rest[brace:])
	if !ok {
		return vendor.Class{}, "", vendor.Malformed
	}
	text := strings.TrimRight(strings.TrimSpace(rest[:brace]), ",")
	var class vendor.Class
	var kind string
	switch {
	case strings.HasPrefix(text, "["):
		sig, after, found := strings.Cut(text[1:], "]")
		if !found || !isSignature(sig) {
			return vendor.Class{}, "", vendor.Malformed
		}
		emitIntrusion(sig, strings.TrimSpace(after), emit)
		class, kind = vendor.IntrusionDetected, "intrusion"
	case strings.HasPrefix(text, "Connection Type: "):
		var connType, action string
		if !eachPair(text, func(k, v string) {
			switch k {
			case "Connection Type":
				connType = v
			case "Firewall Rule Action":
				action = v
			}
		}) {
			return vendor.Class{}, "", vendor.Malformed
		}
		eachPair(text, func(k, v string) { emitLegacyPair(k, v, emit) })
		class, kind = legacyConnClass(connType, action), "connection"
	default:
		return vendor.Class{}, "", vendor.Malformed
	}
	if engine != "" {
		emit("detection_engine", engine, vendor.Extra)
	}
	if policy != "" {
		emit("policy", policy, vendor.Extra)
	}
	vendor.Put(emit, "network.transport", "protocol", proto, vendor.Transport)
	emitEnd(emit, "source", src, isICMP(proto))
	emitEnd(emit, "destination", dst, isICMP(proto))
	return class, kind, vendor.Decoded
}

// legacyHeader cuts the leading "[Primary Detection Engine (...)]" and
// "[POLICY]" groups (either may be absent); a "[GID:SID:REV]" group is
// the signature, not a header.
func legacyHeader(body string) (engine, policy, rest string) {
	rest = body
	for i := 0; i < 2 && strings.HasPrefix(rest, "["); i++ {
		inner, after, ok := strings.Cut(rest[1:], "]")
		if !ok || isSignature(inner) {
			break
		}
		if i == 0 && strings.HasPrefix(inner, "Primary Detection Engine") || engine == "" && policy == "" && strings.Contains(inner, "Detection Engine") {
			engine = inner
		} else {
			policy = inner
		}
		rest = strings.TrimLeft(after, " ")
	}
	return engine, policy, rest
}

// isSignature reports whether s is "GID:SID:REV".
func isSignature(s string) bool {
	parts := strings.Split(s, ":")
	if len(parts) != 3 {
		return false
	}
	for _, p := range parts {
		if !vendor.IsDigits(p) {
			return false
		}
	}
	return true
}

// emitIntrusion hands out the signature, its "MESSAGE" and the
// "[Key: Value]" groups after it (Classification, Priority, Impact).
func emitIntrusion(sig, text string, emit vendor.Emit) {
	emit("rule.id", sig, vendor.Word)
	if strings.HasPrefix(text, "\"") {
		if msg, after, ok := strings.Cut(text[1:], "\""); ok {
			vendor.Put(emit, "rule.name", "message", msg, vendor.Text)
			text = after
		}
	}
	for {
		open := strings.IndexByte(text, '[')
		if open < 0 {
			return
		}
		inner, after, ok := strings.Cut(text[open+1:], "]")
		if !ok {
			return
		}
		text = after
		k, v, ok := strings.Cut(inner, ": ")
		if !ok || strings.TrimSpace(v) == "" {
			continue
		}
		v = strings.TrimSpace(v)
		switch k {
		case "Classification":
			vendor.Put(emit, "rule.category", "classification", v, vendor.Text)
		case "Priority":
			emit("priority", v, vendor.Extra)
		case "Impact":
			emit("impact", v, vendor.Extra)
		}
	}
}

// emitLegacyPair sets one "Key: Value" of a connection event; the
// placeholders Sourcefire prints for "none" set nothing.
func emitLegacyPair(k, v string, emit vendor.Emit) {
	switch v {
	case "", "Unknown", "N/A", "None", "Not Found", "No Authentication Required":
		return
	}
	if d, ok := legacyKeys[k]; ok {
		if k == "User" {
			emitUser(emit, v)
			return
		}
		vendor.Put(emit, d.ecs, snake(k), v, d.kind)
		return
	}
	emit(snake(k), v, vendor.Extra)
}

// legacyConnClass: blocked by access control is denied; a start that
// was allowed is allowed; otherwise built or teardown by the type.
func legacyConnClass(connType, action string) vendor.Class {
	switch {
	case blocked(action):
		return vendor.ConnectionDenied
	case vendor.EqualFold(connType, "Start") && allowed(action):
		return vendor.ConnectionAllowed
	case vendor.EqualFold(connType, "Start"):
		return vendor.ConnectionBuilt
	}
	return vendor.ConnectionTeardown
}

// snortFlow parses "{PROTO} SRC -> DST" (the whole of s).
func snortFlow(s string) (proto, src, dst string, ok bool) {
	if !strings.HasPrefix(s, "{") {
		return "", "", "", false
	}
	proto, rest, found := strings.Cut(s[1:], "} ")
	if !found || proto == "" || strings.IndexByte(proto, ' ') >= 0 {
		return "", "", "", false
	}
	src, dst, found = strings.Cut(strings.TrimSpace(rest), " -> ")
	if !found || strings.IndexByte(src, ' ') >= 0 || strings.IndexByte(strings.TrimSpace(dst), ' ') >= 0 {
		return "", "", "", false
	}
	return proto, src, strings.TrimSpace(dst), true
}

// emitEnd sets side.ip and side.port from "IPv4:PORT" or "IPv4". An IPv6
// address with a port cannot be told apart from one without, so it sets
// nothing. ICMP's "ports" are its type and code: not set.
func emitEnd(emit vendor.Emit, side, v string, icmp bool) {
	if strings.Count(v, ":") > 1 {
		return
	}
	ip, port, hasPort := strings.Cut(v, ":")
	if !vendor.IsIP(ip) {
		return
	}
	emit(side+".ip", ip, vendor.IP)
	if hasPort && !icmp && vendor.IsDigits(port) && vendor.IsPort(port) {
		emit(side+".port", port, vendor.Port)
	}
}

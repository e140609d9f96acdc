package screenos

import (
	"strings"

	"github.com/nomenhq/nomen/normalize/vendor"
)

// attack reads a screen option's alarm:
//
//	SYN flood! From 192.0.2.1:1234 to 198.51.100.2:80, proto TCP (zone Untrust, int ethernet1/2). Occurred 1 times.
//	Ping of Death! From 192.0.2.1 to 198.51.100.2, proto 1 (zone Untrust, int ethernet3). Occurred 1 times.
//	SYN flood! From 192.0.2.1:1234 to 198.51.100.2:80, proto TCP (zone Untrust int  ethernet0/0). Occurred 1 times.
func attack(body string, emit vendor.Emit) (vendor.Class, bool) {
	p, ok := cutAll(body, "! From ", " to ", ", proto ", " (zone ", ", int ", ").")
	if !ok {
		// Some releases print no comma: "(zone Untrust int  ethernet0/0)".
		p, ok = cutAll(body, "! From ", " to ", ", proto ", " (zone ", " int ", ").")
	}
	if !ok || p[0] == "" || strings.ContainsAny(p[0], "=:") {
		return vendor.Class{}, false
	}
	name, src, dst, proto, zone, ifc, rest := p[0], p[1], p[2], p[3], p[4], p[5], p[6]
	emit("rule.name", name, vendor.Text)
	hostPort(emit, "source", src)
	hostPort(emit, "destination", dst)
	vendor.Put(emit, "network.transport", "proto", proto, vendor.Transport)
	vendor.Put(emit, "observer.ingress.zone", "zone", zone, vendor.Word)
	vendor.Put(emit, "observer.ingress.interface.name", "interface", strings.TrimSpace(ifc), vendor.Interface)
	if n, ok := strings.CutPrefix(strings.TrimSpace(rest), "Occurred "); ok {
		if n, ok = strings.CutSuffix(n, " times."); ok {
			vendor.Put(emit, "attack.count", "", n, vendor.Extra)
		}
	}
	return vendor.IntrusionDetected, true
}

// hostPort emits "ADDR" or "ADDR:PORT" (IPv4; an IPv6 address has no port
// here) of one side.
func hostPort(emit vendor.Emit, side, s string) {
	if i := strings.LastIndexByte(s, ':'); i > 0 && strings.IndexByte(s[:i], ':') < 0 {
		vendor.Put(emit, side+".ip", side+"_ip", s[:i], vendor.IP)
		vendor.Put(emit, side+".port", side+"_port", s[i+1:], vendor.Port)
		return
	}
	vendor.Put(emit, side+".ip", side+"_ip", s, vendor.IP)
}

// cutAll splits s at each separator in turn: len(seps)+1 parts, or false
// when one is missing.
func cutAll(s string, seps ...string) ([]string, bool) {
	parts := make([]string, 0, len(seps)+1)
	for _, sep := range seps {
		before, after, ok := strings.Cut(s, sep)
		if !ok {
			return nil, false
		}
		parts, s = append(parts, before), after
	}
	return append(parts, s), true
}

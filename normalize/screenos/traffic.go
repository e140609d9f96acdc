package screenos

import (
	"strings"

	"github.com/nomenhq/nomen/normalize/vendor"
)

// trafficKeys are the keys of a traffic log in the order of the guide;
// where each goes (an ECS field, or under screenos.*) and its kind.
// "port" follows "src-xlated ip" or "dst-xlated ip" and takes its side
// from it.
var trafficKeys = []struct {
	key, field string
	kind       vendor.Kind
}{
	{"start_time", "session.start_time", vendor.Extra},
	{"duration", "event.duration", vendor.Seconds},
	{"policy_id", "rule.id", vendor.Word},
	{"service", "service", vendor.Extra},
	{"proto", "network.transport", vendor.Transport},
	{"src zone", "observer.ingress.zone", vendor.Word},
	{"dst zone", "observer.egress.zone", vendor.Word},
	{"action", "action", vendor.Extra},
	{"sent", "source.bytes", vendor.Uint},
	{"rcvd", "destination.bytes", vendor.Uint},
	{"src", "source.ip", vendor.IP},
	{"dst", "destination.ip", vendor.IP},
	{"src_port", "source.port", vendor.Port},
	{"dst_port", "destination.port", vendor.Port},
	{"icmp type", "icmp.type", vendor.Extra},
	{"icmp code", "icmp.code", vendor.Extra},
	{"src-xlated ip", "source.nat.ip", vendor.IP},
	{"dst-xlated ip", "destination.nat.ip", vendor.IP},
	{"port", "", vendor.Port}, // the side of the xlated ip before it
	{"session_id", "session.id", vendor.Extra},
	{"reason", "event.reason", vendor.Text},
}

// keyAt returns the index in trafficKeys of the key that starts s
// (followed by '='), or -1.
func keyAt(s string) int {
	for i, k := range trafficKeys {
		if len(s) > len(k.key) && s[len(k.key)] == '=' && s[:len(k.key)] == k.key {
			return i
		}
	}
	return -1
}

// eachTraffic calls fn for every known key of a traffic log body with its
// value: the text up to the next known key, spaces and quotes trimmed.
func eachTraffic(body string, fn func(k int, value string)) {
	cur, start := -1, 0
	for i := 0; i <= len(body); i++ {
		if i < len(body) && (i > 0 && body[i-1] != ' ') {
			continue
		}
		k := -1
		if i < len(body) {
			if k = keyAt(body[i:]); k < 0 {
				continue
			}
		}
		if cur >= 0 {
			v := strings.TrimSpace(body[start:i])
			if len(v) >= 2 && v[0] == '"' && v[len(v)-1] == '"' {
				v = v[1 : len(v)-1]
			}
			fn(cur, v)
		}
		if k >= 0 {
			cur, start = k, i+len(trafficKeys[k].key)+1
		}
	}
}

// traffic emits a traffic log's fields and returns its class.
func traffic(body string, emit vendor.Emit) vendor.Class {
	var action, reason string
	natSide := ""
	eachTraffic(body, func(k int, v string) {
		if v == "" {
			return
		}
		tk := trafficKeys[k]
		field := tk.field
		switch tk.key {
		case "action":
			action = v
		case "reason":
			reason = v
		case "src-xlated ip":
			natSide = "source"
		case "dst-xlated ip":
			natSide = "destination"
		case "port":
			if natSide == "" {
				emit("port", v, vendor.Extra)
				return
			}
			field = natSide + ".nat.port"
		}
		if tk.kind == vendor.Extra {
			emit(field, v, vendor.Extra)
			return
		}
		vendor.Put(emit, field, strings.ReplaceAll(tk.key, " ", "_"), v, tk.kind)
	})
	return trafficClass(action, reason)
}

// trafficClass: a denied packet, or a permitted session at its creation
// (reason "Creation", when the policy logs at session init) or its end
// (every other reason: "Close - TCP FIN", "Close - AGE OUT", ...).
func trafficClass(action, reason string) vendor.Class {
	switch action {
	case "Deny", "Reject":
		return vendor.ConnectionDenied
	case "Permit", "Tunnel":
		switch {
		case reason == "Creation":
			return vendor.ConnectionBuilt
		case strings.HasPrefix(reason, "Close"):
			return vendor.ConnectionTeardown
		}
		return vendor.ConnectionAllowed
	}
	return vendor.Class{}
}

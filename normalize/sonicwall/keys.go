package sonicwall

import (
	"strings"

	"github.com/nomenhq/nomen/normalize/vendor"
)

// field is where a tag goes: an ECS field name and the value's kind.
type field struct {
	key  string
	kind vendor.Kind
}

// fields: the tags with one ECS meaning (SonicOS Log Events Reference
// Guide, "Index of Syslog Tag Field Descriptions"). The device's own
// identity (id, sn, fw) is observer.* here; the gateway family puts it
// under sonicwall.device.* (observer is the relay). Tags whose meaning
// depends on the event (msg, note, n, c, gcat, app, code, Category, sid,
// vpnpolicy, sess, fw_action, cdur in milliseconds...) stay under
// sonicwall.*.
var fields = map[string]field{
	"id":      {"observer.name", vendor.Word},
	"sn":      {"observer.serial_number", vendor.Word},
	"fw":      {"observer.ip", vendor.IP},
	"m":       {"event.code", vendor.Word},
	"pri":     {"event.severity", vendor.Uint},
	"srcMac":  {"source.mac", vendor.MAC},
	"dstMac":  {"destination.mac", vendor.MAC},
	"srcV6":   {"source.ip", vendor.IP},
	"dstV6":   {"destination.ip", vendor.IP},
	"srcZone": {"observer.ingress.zone", vendor.Text},
	"dstZone": {"observer.egress.zone", vendor.Text},
	"sent":    {"source.bytes", vendor.Uint},
	"rcvd":    {"destination.bytes", vendor.Uint},
	"spkt":    {"source.packets", vendor.Uint},
	"rpkt":    {"destination.packets", vendor.Uint},
	"dur":     {"event.duration", vendor.Seconds},
	"rule":    {"rule.name", vendor.Text},
}

// put emits one tag.
func put(f *facts, key, value string, emit vendor.Emit) {
	if key == "" {
		return
	}
	if fd, ok := fields[key]; ok {
		vendor.Put(emit, fd.key, key, value, fd.kind)
		return
	}
	switch key {
	case "src":
		endpoint(emit, key, value, &sourceKeys)
	case "dst":
		endpoint(emit, key, value, &destinationKeys)
	case "natSrc", "natSrcV6":
		nat(emit, key, value, "source.nat.ip", "source.nat.port")
	case "natDst", "natDstV6":
		nat(emit, key, value, "destination.nat.ip", "destination.nat.port")
	case "proto":
		proto(emit, value)
	case "usr", "user":
		// "Unknown (SSO failed)", "Unknown (external IP)": no user.
		if strings.HasPrefix(value, "Unknown (") {
			emit(key, value, vendor.Extra)
		} else {
			vendor.Put(emit, "user.name", key, value, vendor.User)
		}
	case "dstname":
		// The requested host of a web event (with arg=); elsewhere it
		// may be another name (a mail attachment's).
		if f.web {
			vendor.Put(emit, "url.domain", key, value, vendor.Host)
		} else {
			emit(key, value, vendor.Extra)
		}
	case "arg":
		// The request's path and query ("/index.php?q=1").
		path, query, hasQuery := strings.Cut(value, "?")
		vendor.Put(emit, "url.path", key, path, vendor.Text)
		if hasQuery && query != "" {
			emit("url.query", query, vendor.Text)
		}
	case "time":
		// The device's clock: UTC only when it says so ("Display UTC
		// in logs"); a local time without zone stays as written.
		if strings.HasSuffix(value, " UTC") && vendor.Valid(vendor.Time, value) {
			emit("@timestamp", value, vendor.Time)
		} else {
			emit(key, value, vendor.Extra)
		}
	default:
		emit(key, value, vendor.Extra)
	}
}

// endpointKeys are where the parts of src= or dst= go (whole names: a
// concatenation per line allocated).
type endpointKeys struct{ ip, port, iface, domain string }

var (
	sourceKeys      = endpointKeys{"source.ip", "source.port", "observer.ingress.interface.name", "source.domain"}
	destinationKeys = endpointKeys{"destination.ip", "destination.port", "observer.egress.interface.name", "destination.domain"}
)

// endpoint splits src= or dst=: IP[:port[:interface[:resolved name]]],
// any part possibly empty ("10.1.1.1::X0", ":8080:X20-V68" with the
// address in srcV6/dstV6). A value whose address is not one (an IPv6
// address written here, split by its colons) is kept whole, raw.
func endpoint(emit vendor.Emit, key, value string, to *endpointKeys) {
	parts := [4]string{}
	rest := value
	n := 0
	for n < 3 {
		i := strings.IndexByte(rest, ':')
		if i < 0 {
			break
		}
		parts[n], rest = rest[:i], rest[i+1:]
		n++
	}
	parts[n] = rest
	ip, port, ifc, host := parts[0], parts[1], parts[2], parts[3]
	if (ip != "" && !vendor.IsIP(ip)) || (port != "" && !vendor.IsPort(port)) || strings.IndexByte(host, ':') >= 0 {
		emit(key, value, vendor.Extra)
		return
	}
	if ip != "" {
		emit(to.ip, ip, vendor.IP)
	}
	if port != "" {
		emit(to.port, port, vendor.Port)
	}
	if ifc != "" {
		emit(to.iface, ifc, vendor.Interface)
	}
	if host != "" {
		vendor.Put(emit, to.domain, key, host, vendor.Host)
	}
}

// nat splits natSrc=/natDst= (IP or IP:port) and natSrcV6=/natDstV6=
// (IP or [IP]:port).
func nat(emit vendor.Emit, key, value, ipKey, portKey string) {
	ip, port := value, ""
	if strings.HasPrefix(value, "[") {
		if a, p, ok := strings.Cut(value[1:], "]:"); ok {
			ip, port = a, p
		}
	} else if strings.Count(value, ":") == 1 {
		ip, port, _ = strings.Cut(value, ":")
	}
	if !vendor.IsIP(ip) || (port != "" && !vendor.IsPort(port)) {
		emit(key, value, vendor.Extra)
		return
	}
	emit(ipKey, ip, vendor.IP)
	if port != "" {
		emit(portKey, port, vendor.Port)
	}
}

// proto splits proto= ("tcp/https", "udp/500", "icmp"): the transport,
// and the service the firewall named for the port, which is the
// application protocol when it is a name ("https", "dns"), not a number.
func proto(emit vendor.Emit, value string) {
	transport, service, _ := strings.Cut(value, "/")
	if !vendor.IsTransport(transport) {
		emit("proto", value, vendor.Extra)
		return
	}
	emit("network.transport", transport, vendor.Transport)
	if service != "" && !vendor.IsDigits(service) && isServiceName(service) {
		emit("network.protocol", service, vendor.Word)
	}
}

// isServiceName: a lower-case IANA-style service name (letters, digits,
// '-').
func isServiceName(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-') {
			return false
		}
	}
	return true
}

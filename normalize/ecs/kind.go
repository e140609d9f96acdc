package ecs

import (
	"strings"
	"time"

	"github.com/nomenhq/nomen/normalize/vendor"
	"github.com/nomenhq/nomen/relay/event"
)

// SetKind sets one value a vendor package handed out (see normalize/vendor)
// with the setter of its Kind, and reports whether it did. It is the one
// place where a Kind becomes a typed field:
//
//	IP         key = canonical address (unmapped), related.ip
//	Port       key = integer 0-65535 (a service name is refused)
//	Uint       key = integer
//	Seconds    key = integer seconds * 1e9 (event.duration is nanoseconds)
//	Duration   key = "H:MM:SS" as nanoseconds
//	User       key = name, related.user
//	Host       key = value; related.ip for an address, related.hosts for a name
//	Transport  network.transport (lower case, a number named) and network.iana_number
//	MAC        key = upper case, '-' separated (ECS's form)
//	Time       @timestamp when the header had none (else refused); another key gets RFC 3339 UTC text
//	Direction  key = lower case
//	Protocol   key = lower case (vendor.Valid refuses an IP protocol's name)
//	Serial     key = upper case (hex digits: ECS's x509.serial_number)
//	Word, Text, Line, Interface, Extra: key = value as a string
//
// A value whose shape does not fit its kind (vendor.Valid) sets nothing:
// a wrong field is worse than none. For Extra, key is the full field name:
// the caller adds the package's namespace (see Emitter).
func SetKind(e *event.Event, key, value string, kind vendor.Kind) bool {
	switch kind {
	case vendor.IP, vendor.Port, vendor.Uint, vendor.Seconds, vendor.Duration, vendor.Host, vendor.Time:
		// the setter parses the value: that is the check
	default:
		if !vendor.Valid(kind, value) {
			return false
		}
	}
	switch kind {
	case vendor.IP:
		return SetIP(e, key, value)
	case vendor.Port:
		return SetPort(e, key, value)
	case vendor.Uint:
		return SetUint(e, key, value)
	case vendor.Seconds:
		n, ok := ParseUint(value)
		if !ok || n > maxSeconds {
			return false
		}
		e.SetInt(key, n*int64(time.Second))
	case vendor.Duration:
		ns, ok := ParseHMS(value)
		if !ok {
			return false
		}
		e.SetInt(key, ns)
	case vendor.User:
		if n := TrimSpace(value); n == "" || n == "-" {
			return false
		}
		SetUser(e, key, value)
	case vendor.Host:
		return setHost(e, key, value)
	case vendor.Transport:
		SetTransport(e, value)
	case vendor.MAC:
		e.SetStr(key, MAC(value))
	case vendor.Time:
		return setTime(e, key, value)
	case vendor.Direction:
		e.SetStr(key, Lower(value))
	case vendor.Protocol:
		e.SetStr(key, Lower(value))
	case vendor.Serial:
		e.SetStr(key, strings.ToUpper(value))
	default: // Word, Text, Line, Interface, Extra
		e.SetStr(key, value)
	}
	return true
}

// maxSeconds is the largest number of seconds whose nanoseconds fit an int64.
const maxSeconds = (1<<63 - 1) / int64(time.Second)

// Emitter returns a vendor.Emit that sets each value on e with SetKind,
// the keys of kind Extra under namespace ("fortinet.fortigate.").
func Emitter(e *event.Event, namespace string) vendor.Emit {
	return func(key, value string, kind vendor.Kind) {
		if kind == vendor.Extra {
			key = namespace + key
		}
		SetKind(e, key, value, kind)
	}
}

// SetVendorClass sets the classification a vendor package returned:
// event.category/type with event.action and event.outcome, or only the
// outcome (and action) of a message that has no category.
func SetVendorClass(e *event.Event, c vendor.Class) {
	if len(c.Category) > 0 {
		Class{Category: c.Category, Type: c.Type}.Set(e, c.Action, c.Outcome)
		return
	}
	e.SetStr("event.action", c.Action)
	e.SetStr("event.outcome", c.Outcome)
}

// setHost sets a value that is an address or a host name.
func setHost(e *event.Event, key, v string) bool {
	if SetIP(e, key, v) {
		return true
	}
	if !looksLikeHostname(v) {
		return false
	}
	SetHostname(e, key, v)
	return true
}

// setTime sets @timestamp (only when the event's own header gave no time:
// false when it did) or another date field as RFC 3339 text in UTC.
func setTime(e *event.Event, key, v string) bool {
	t, ok := vendor.ParseTime(v)
	if !ok {
		return false
	}
	if key == "@timestamp" {
		// A time that names its instant (epoch, RFC 3339 with an offset)
		// is the device's own and wins over the syslog header's, which a
		// relay may have written (rsyslog and syslog-ng stamp a line that
		// has no header time with their own): every road gives the same
		// @timestamp. A local time without a zone only fills a gap.
		if absoluteTime(v) {
			e.Time = t
			return true
		}
		if !e.Time.IsZero() && !e.Time.Equal(e.Received) {
			return false // the header's time stands
		}
		SetTimeIfNone(e, t)
		return true
	}
	e.SetStr(key, t.UTC().Format(time.RFC3339Nano))
	return true
}

// absoluteTime reports whether a vendor time names its instant: an epoch
// count, an RFC 3339 time (which has an offset or Z), or a time that says
// it is UTC ("2026-03-02 10:15:40 UTC": SonicWall, CEF's rt).
func absoluteTime(v string) bool {
	return vendor.IsDigits(v) || len(v) > 19 && v[10] == 'T' ||
		strings.HasSuffix(v, " UTC") || strings.HasSuffix(v, " GMT") || strings.HasSuffix(v, " Z")
}

// MAC writes a MAC address (checked by vendor.IsMAC: "00:1a:2b:3c:4d:5e",
// "00-1a-...", Cisco's "001a.2b3c.4d5e") in ECS's form, six upper-case
// octets joined by '-' ("00-1A-2B-3C-4D-5E"), without allocating when it
// already is so. The one copy every decoder that sets a *.mac uses.
func MAC(v string) string {
	if len(v) == 14 && v[4] == '.' && v[9] == '.' {
		var b [17]byte
		k := 0
		for i := 0; i < len(v); i++ {
			c := v[i]
			if c == '.' {
				continue
			}
			if k%3 == 2 {
				b[k] = '-'
				k++
			}
			if 'a' <= c && c <= 'f' {
				c -= 'a' - 'A'
			}
			b[k] = c
			k++
		}
		return string(b[:])
	}
	canonical := true
	for i := 0; i < len(v); i++ {
		if c := v[i]; c == ':' || 'a' <= c && c <= 'f' {
			canonical = false
			break
		}
	}
	if canonical {
		return v
	}
	b := []byte(v)
	for i, c := range b {
		switch {
		case c == ':':
			b[i] = '-'
		case 'a' <= c && c <= 'f':
			b[i] = c - 'a' + 'A'
		}
	}
	return string(b)
}

// ParseHMS parses a duration "H:MM:SS" (hours unbounded, as Cisco writes
// it) to nanoseconds.
func ParseHMS(s string) (int64, bool) {
	h, rest, ok := strings.Cut(s, ":")
	if !ok {
		return 0, false
	}
	m, sec, ok := strings.Cut(rest, ":")
	hn, ok1 := ParseUint(h)
	mn, ok2 := ParseUint(m)
	sn, ok3 := ParseUint(sec)
	if !ok || !ok1 || !ok2 || !ok3 || len(m) != 2 || len(sec) != 2 || mn > 59 || sn > 59 || hn > 1<<20 {
		return 0, false
	}
	return ((hn*60+mn)*60 + sn) * int64(time.Second), true
}

// SetTransport sets network.transport and network.iana_number from an IP
// protocol name ("TCP", "icmp6") or number ("6"); a number not in the
// table sets network.iana_number only, a name not in it network.transport
// only (lower case).
func SetTransport(e *event.Event, proto string) {
	if proto == "" {
		return
	}
	if n, ok := ParseUint(proto); ok {
		if n > 255 {
			return
		}
		for _, p := range vendor.IPProtocols {
			if p.Number == proto {
				e.SetStr("network.transport", p.Transport)
				break
			}
		}
		e.SetStr("network.iana_number", proto)
		return
	}
	for _, p := range vendor.IPProtocols {
		if vendor.EqualFold(p.Name, proto) {
			e.SetStr("network.transport", p.Transport)
			e.SetStr("network.iana_number", p.Number)
			return
		}
	}
	e.SetStr("network.transport", Lower(proto))
}

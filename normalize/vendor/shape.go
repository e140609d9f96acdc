package vendor

import (
	"net/netip"
	"strings"
)

// Put emits value under key when it has the shape of kind; a value of the
// wrong shape goes to the vendor namespace under raw instead (kind Extra),
// so that nothing is guessed into ECS and nothing is lost. Empty values and
// the placeholders "N/A" and "-" are not emitted under ECS names.
func Put(emit Emit, key, raw, value string, kind Kind) {
	if value == "" {
		return
	}
	if kind != Extra && kind != Text && Placeholder(value) {
		return
	}
	if Valid(kind, value) {
		emit(key, value, kind)
	} else if raw != "" {
		emit(raw, value, Extra)
	}
}

// Placeholder reports whether v is a vendor's way of saying "no value".
func Placeholder(v string) bool {
	return v == "N/A" || v == "-" || v == "n/a" || v == "None" || v == "none" || v == "UNKNOWN"
}

// Valid reports whether v has the shape of kind. Word, Text, User,
// Interface, Line and Extra accept any non-empty value (Word and Host no
// spaces).
func Valid(kind Kind, v string) bool {
	if v == "" {
		return false
	}
	switch kind {
	case IP:
		return IsIP(v)
	case Port:
		return IsPort(v)
	case Uint:
		return IsUint(v)
	case Transport:
		return IsTransport(v)
	case Direction:
		return EqualFold(v, "inbound") || EqualFold(v, "outbound")
	case MAC:
		return IsMAC(v)
	case Time:
		_, ok := ParseTime(v)
		return ok
	case Seconds:
		return IsUint(v)
	case Protocol:
		return !strings.Contains(v, " ") && !IsIPProtocolName(v)
	case Serial:
		return IsHex(v)
	case Word, Host:
		for i := 0; i < len(v); i++ {
			if v[i] == ' ' {
				return false
			}
		}
	case Duration:
		return false // H:MM:SS is ciscocatalog's; no vendor package here emits it
	}
	return true
}

// IsDigits reports whether s is one or more ASCII digits.
func IsDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// IsUint: decimal digits that fit an int64.
func IsUint(s string) bool { return IsDigits(s) && len(s) <= 18 }

// IsPort: a decimal number in 0-65535.
func IsPort(s string) bool { return IsDigits(s) && len(s) <= 5 && Atoi(s) <= 65535 }

// Atoi converts digits (checked by the caller) to an int.
func Atoi(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		n = n*10 + int(s[i]-'0')
	}
	return n
}

// IPProtocols maps IP protocol names (any case) and numbers to ECS's
// network.transport name and the IANA number.
var IPProtocols = [...]struct{ Name, Transport, Number string }{
	{"tcp", "tcp", "6"},
	{"udp", "udp", "17"},
	{"icmp", "icmp", "1"},
	{"icmpv6", "ipv6-icmp", "58"},
	{"ipv6-icmp", "ipv6-icmp", "58"},
	{"icmp6", "ipv6-icmp", "58"},
	{"igmp", "igmp", "2"},
	{"gre", "gre", "47"},
	{"esp", "esp", "50"},
	{"ah", "ah", "51"},
	{"sctp", "sctp", "132"},
	{"ospf", "ospf", "89"},
	{"pim", "pim", "103"},
	{"carp", "carp", "112"},
	{"vrrp", "vrrp", "112"},
	{"udplite", "udplite", "136"},
	{"ipv6", "ipv6", "41"},
	{"eigrp", "eigrp", "88"},
}

// IsIPProtocolName reports whether s names an IP protocol of IPProtocols
// (any case).
func IsIPProtocolName(s string) bool {
	for _, p := range IPProtocols {
		if EqualFold(p.Name, s) {
			return true
		}
	}
	return false
}

// IsTransport: an IP protocol number (0-255) or a name: a letter, then
// letters, digits, '-' and '_' ("tcp", "ICMP", "ipv6-icmp").
func IsTransport(s string) bool {
	if IsDigits(s) {
		return len(s) <= 3 && Atoi(s) <= 255
	}
	if s == "" || len(s) > 16 || !isLetter(s[0]) {
		return false
	}
	for i := 1; i < len(s); i++ {
		c := s[i]
		if !isLetter(c) && !('0' <= c && c <= '9') && c != '-' && c != '_' {
			return false
		}
	}
	return true
}

// IsMAC: six hex octets separated by ':' or '-', or Cisco's three groups
// of four hex digits separated by '.' ("001a.2b3c.4d5e").
func IsMAC(s string) bool {
	if len(s) == 14 {
		for i := 0; i < 14; i++ {
			if c := s[i]; i%5 == 4 {
				if c != '.' {
					return false
				}
			} else if !isHex(c) {
				return false
			}
		}
		return true
	}
	if len(s) != 17 {
		return false
	}
	for i := 0; i < 17; i++ {
		c := s[i]
		if i%3 == 2 {
			if c != ':' && c != '-' {
				return false
			}
		} else if !isHex(c) {
			return false
		}
	}
	return true
}

// IsIP reports whether s is an IP address, as netip.ParseAddr says (an
// IPv6 zone may hold any character).
func IsIP(s string) bool {
	if IsCanonicalIPv4(s) {
		return true
	}
	_, ok := ParseIP(s)
	return ok
}

// ParseIP is netip.ParseAddr without its cost on the common non-address
// (a host name): netip allocates the error of a failed parse, so the
// characters are checked first and a name fails for free.
func ParseIP(s string) (netip.Addr, bool) {
	if len(s) < 2 || len(s) > 64 {
		return netip.Addr{}, false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; !(isHex(c) || c == '.' || c == ':' || c == '%') {
			if strings.IndexByte(s[:i], '%') < 0 { // a zone may hold any character
				return netip.Addr{}, false
			}
			break
		}
	}
	addr, err := netip.ParseAddr(s)
	return addr, err == nil
}

// IsCanonicalIPv4 reports whether s is an IPv4 address written as netip
// writes it: four decimal numbers 0..255 without leading zeros, joined by
// dots. It is the common address, checked without netip's parse; anything
// else (IPv6, a leading zero) is for netip to judge.
func IsCanonicalIPv4(s string) bool {
	if len(s) < 7 || len(s) > 15 {
		return false
	}
	// Octet by octet: a digit, then (unless it is a lone 0) up to two
	// more, then a dot or the end. Called several times per address on
	// the hot path (shape checks, setters), so it reads each byte once.
	for i, dots := 0, 0; ; dots++ {
		if i == len(s) || s[i] < '0' || s[i] > '9' {
			return false
		}
		n := int(s[i] - '0')
		i++
		if n != 0 {
			for k := 0; k < 2 && i < len(s) && '0' <= s[i] && s[i] <= '9'; k++ {
				n = n*10 + int(s[i]-'0')
				i++
			}
			if n > 255 {
				return false
			}
		}
		if i == len(s) {
			return dots == 3
		}
		if s[i] != '.' || dots == 3 {
			return false
		}
		i++
	}
}

// IsHex reports whether s is hexadecimal digits (either case).
func IsHex(s string) bool {
	for i := 0; i < len(s); i++ {
		if !isHex(s[i]) {
			return false
		}
	}
	return s != ""
}

func isHex(c byte) bool    { return '0' <= c && c <= '9' || 'a' <= c|0x20 && c|0x20 <= 'f' }
func isLetter(c byte) bool { return 'a' <= c|0x20 && c|0x20 <= 'z' }

// EqualFold compares ASCII strings without regard to case.
func EqualFold(a, b string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := 0; i < len(a); i++ {
		if Lower(a[i]) != Lower(b[i]) {
			return false
		}
	}
	return true
}

// Lower lower-cases an ASCII letter.
func Lower(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

// ParseHex parses one to sixteen hex digits, optionally "0x"-prefixed,
// without allocating (strconv allocates the error of a failed parse, and
// Windows puts hex in many fields that a decoder tries).
func ParseHex(s string) (uint64, bool) {
	if len(s) > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X') {
		s = s[2:]
	}
	if s == "" || len(s) > 16 {
		return 0, false
	}
	var n uint64
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case '0' <= c && c <= '9':
			c -= '0'
		case 'a' <= c && c <= 'f':
			c -= 'a' - 10
		case 'A' <= c && c <= 'F':
			c -= 'A' - 10
		default:
			return 0, false
		}
		n = n<<4 | uint64(c)
	}
	return n, true
}

package ciscocatalog

import "github.com/nomenhq/nomen/normalize/vendor"

// Kind says what a value is, so that the decoder sets it with the right
// type: the one definition shared by every vendor package is
// normalize/vendor's. The matcher checks the shape of every value against
// its kind (an IP placeholder that does not hold an IP address fails the
// match), so a decoder may trust it; conversions (names to numbers,
// durations to nanoseconds) remain the decoder's.
type Kind = vendor.Kind

// The kinds the catalogue's placeholders use.
const (
	Word      = vendor.Word
	Text      = vendor.Text
	IP        = vendor.IP
	Port      = vendor.Port
	Uint      = vendor.Uint
	Duration  = vendor.Duration
	Transport = vendor.Transport
	User      = vendor.User
	Direction = vendor.Direction
	Host      = vendor.Host
	Line      = vendor.Line
	Interface = vendor.Interface
	MAC       = vendor.MAC
)

// kindByName parses the ":kind" suffix of a placeholder.
func kindByName(s string) (Kind, bool) { return vendor.KindByName(s) }

// spacey reports whether values of k may hold inner spaces.
func spacey(k Kind) bool { return k == Text || k == User || k == Interface }

// valid reports whether v (trimmed, non-empty) has the shape of kind k.
func valid(k Kind, v string) bool {
	switch k {
	case IP:
		return vendor.IsIP(v)
	case Port:
		if vendor.IsDigits(v) {
			return vendor.IsPort(v)
		}
		return isServiceName(v)
	case Uint:
		return vendor.IsUint(v)
	case Duration:
		return isHMS(v)
	case Transport:
		return isServiceName(v) || vendor.IsDigits(v) && len(v) <= 3
	case User:
		// "(type 8, code 0)" after an address is ICMP, not a user; nor is
		// a TrustSec security group tag ("9999:name"), nor the next
		// " : key = value" of an empty "user = : user IP = ..." (113005).
		return !(len(v) > 5 && v[:5] == "type ") && !isSGT(v) && v[0] != ':'
	case Direction:
		return vendor.EqualFold(v, "inbound") || vendor.EqualFold(v, "outbound")
	case Line:
		return isLine(v)
	case MAC:
		return vendor.IsMAC(v)
	}
	return true
}

// isServiceName: a letter then letters, digits, '-' and '_' ("https",
// "netbios-ssn", "TCP", "icmp6").
func isServiceName(s string) bool {
	if s == "" || !isLetter(s[0]) {
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

func isLetter(c byte) bool { return 'a' <= c|0x20 && c|0x20 <= 'z' }

func isAlnum(c byte) bool { return isLetter(c) || '0' <= c && c <= '9' }

// isSGT reports whether v starts like a security group tag: digits, ':'.
func isSGT(v string) bool {
	i := 0
	for i < len(v) && '0' <= v[i] && v[i] <= '9' {
		i++
	}
	return i > 0 && i < len(v) && v[i] == ':'
}

// isHMS reports whether s is "H:MM:SS" with any number of hour digits.
func isHMS(s string) bool {
	n := len(s)
	if n < 7 || s[n-3] != ':' || s[n-6] != ':' {
		return false
	}
	return vendor.IsDigits(s[:n-6]) && vendor.IsDigits(s[n-5:n-3]) && vendor.IsDigits(s[n-2:]) &&
		s[n-5] <= '5' && s[n-2] <= '5'
}

// isLine reports whether s names a terminal line.
func isLine(s string) bool {
	for _, p := range [...]string{"console", "con", "vty", "tty", "aux", "pts/"} {
		if len(s) >= len(p) && s[:len(p)] == p {
			return true
		}
	}
	for i := 0; i < len(s); i++ {
		if s[i] == '@' {
			return i > 0
		}
	}
	return false
}

// isAddressName reports whether v is a host name the ASA printed in place
// of an address: letters, digits, '-', '_' and '.', at least one letter,
// not starting or ending with '-' or '.'.
func isAddressName(v string) bool {
	if v == "" || len(v) > 253 || v[0] == '-' || v[0] == '.' || v[len(v)-1] == '-' || v[len(v)-1] == '.' {
		return false
	}
	letter := false
	for i := 0; i < len(v); i++ {
		c := v[i]
		switch {
		case isLetter(c):
			letter = true
		case '0' <= c && c <= '9', c == '.', c == '-', c == '_':
		default:
			return false
		}
	}
	return letter
}

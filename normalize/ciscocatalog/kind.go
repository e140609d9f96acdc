package ciscocatalog

import (
	"net/netip"

	"github.com/nomenhq/nomen/normalize/vendor"
)

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
)

// kindByName parses the ":kind" suffix of a placeholder.
func kindByName(s string) (Kind, bool) { return vendor.KindByName(s) }

// spacey reports whether values of k may hold inner spaces.
func spacey(k Kind) bool { return k == Text || k == User || k == Interface }

// valid reports whether v (trimmed, non-empty) has the shape of kind k.
func valid(k Kind, v string) bool {
	switch k {
	case IP:
		return isIP(v)
	case Port:
		if isDigits(v) {
			return len(v) <= 5 && atoi(v) <= 65535
		}
		return isServiceName(v)
	case Uint:
		return isDigits(v) && len(v) <= 18
	case Duration:
		return isHMS(v)
	case Transport:
		return isServiceName(v) || isDigits(v) && len(v) <= 3
	case User:
		// "(type 8, code 0)" after an address is ICMP, not a user.
		return !(len(v) > 5 && v[:5] == "type ")
	case Direction:
		return equalFold(v, "inbound") || equalFold(v, "outbound")
	case Line:
		return isLine(v)
	}
	return true
}

func isDigits(s string) bool {
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

func atoi(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		n = n*10 + int(s[i]-'0')
	}
	return n
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

// isHMS reports whether s is "H:MM:SS" with any number of hour digits.
func isHMS(s string) bool {
	n := len(s)
	if n < 7 || s[n-3] != ':' || s[n-6] != ':' {
		return false
	}
	return isDigits(s[:n-6]) && isDigits(s[n-5:n-3]) && isDigits(s[n-2:]) &&
		s[n-5] <= '5' && s[n-2] <= '5'
}

// isIP reports whether s is an IP address. netip allocates the error of a
// failed parse, so characters are checked first: a name fails for free.
func isIP(s string) bool {
	if len(s) < 2 || len(s) > 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('0' <= c && c <= '9' || 'a' <= c|0x20 && c|0x20 <= 'f' || c == '.' || c == ':' || c == '%') {
			return false
		}
	}
	_, err := netip.ParseAddr(s)
	return err == nil
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

func equalFold(a, b string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := 0; i < len(a); i++ {
		if lower(a[i]) != lower(b[i]) {
			return false
		}
	}
	return true
}

func lower(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

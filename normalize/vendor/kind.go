package vendor

// Kind says what a value is, so that the decoder sets it with the right
// type. Conversions (a Port "https" to 443, a Duration to nanoseconds, a
// Time to a time.Time) are the decoder's; the package that emits a value
// has checked its shape.
type Kind uint8

const (
	// Word: one token, no spaces; set as a string.
	Word Kind = iota
	// Text: free text, may hold spaces; set as a string.
	Text
	// IP: an IPv4 or IPv6 address (related.ip too).
	IP
	// Port: a port number (0-65535) or, from ciscocatalog only, a Cisco
	// service name ("https", "domain") the decoder maps to its number.
	Port
	// Uint: a decimal count.
	Uint
	// Duration: "H:MM:SS" (hours unbounded); event.duration is nanoseconds.
	Duration
	// Transport: an IP protocol name ("TCP", "icmp6") or number ("47"),
	// for network.transport and network.iana_number.
	Transport
	// User: a user name (related.user too).
	User
	// Direction: "inbound" or "outbound", any case; set lower-cased.
	Direction
	// Host: an IP address or a host name (related.ip when an address,
	// else related.hosts).
	Host
	// Line: a terminal line ("console", "vty0", "pts/0").
	Line
	// Interface: an interface name (may hold spaces: "NP Identity Ifc").
	Interface
	// MAC: a MAC address ("00:1a:2b:3c:4d:5e", with '-', or Cisco's
	// "001a.2b3c.4d5e"); ECS writes it upper-case with '-'.
	MAC
	// Time: a timestamp in one of the forms ParseTime reads.
	Time
	// Seconds: a decimal number of seconds (event.duration: times 1e9).
	Seconds
	// Protocol: an application protocol's name (network.protocol: "http",
	// "ssh"); one word, set lower-cased as ECS asks. An IP protocol's name
	// (TCP, ICMP: a transport, which some vendors write there) sets nothing.
	Protocol
	// Serial: a certificate serial number in hex digits; set upper-case,
	// ECS's form for x509.serial_number.
	Serial
	// Extra: a vendor field with no ECS meaning, set as a string under the
	// emitting package's namespace + key ("cef.extensions." + "cs1Label").
	Extra
)

var kindNames = [...]string{"word", "text", "ip", "port", "uint", "duration", "transport", "user",
	"direction", "host", "line", "interface", "mac", "time", "seconds", "protocol", "serial", "extra"}

func (k Kind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return "kind?"
}

// KindByName returns the Kind whose String is name.
func KindByName(name string) (Kind, bool) {
	for i, n := range kindNames {
		if n == name {
			return Kind(i), true
		}
	}
	return 0, false
}

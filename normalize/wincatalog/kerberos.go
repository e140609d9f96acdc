package wincatalog

import "strings"

// The descriptions Winlogbeat's security module adds to Kerberos ticket
// events (4768-4771) beside their codes: winlog.event_data.
// TicketOptionsDescription, TicketEncryptionTypeDescription and
// StatusDescription. The names are Microsoft's (the 4768/4769 pages)
// and RFC 4120's.

// ticketOptionNames names the KDC option bits by their RFC 4120 number:
// bit 0 is the most significant bit of the 32-bit TicketOptions word.
var ticketOptionNames = [32]string{
	"Reserved", "Forwardable", "Forwarded", "Proxiable", "Proxy", "Allow-postdate", "Postdated", "Invalid",
	"Renewable", "Initial", "Pre-authent", "Opt-hardware-auth", "Transited-policy-checked", "Ok-as-delegate",
	"Request-anonymous", "Name-canonicalize", "Unused", "Unused", "Unused", "Unused", "Unused", "Unused",
	"Unused", "Unused", "Unused", "Unused", "Disable-transited-check", "Renewable-ok", "Enc-tkt-in-skey",
	"Unused", "Renew", "Validate",
}

// TicketOptions names the options set in a ticket request's TicketOptions
// ("0x40810000"), least significant bit first, the order Winlogbeat lists
// them in; nil for a value that is no hex word.
func TicketOptions(code string) []string {
	mask, ok := parseHex32(code)
	if !ok {
		return nil
	}
	var out []string
	for bit := 31; bit >= 0; bit-- {
		if mask&(1<<(31-bit)) != 0 {
			out = append(out, ticketOptionNames[bit])
		}
	}
	return out
}

// KerberosEncType names a TicketEncryptionType ("0x12" ->
// AES256-CTS-HMAC-SHA1-96); "" for a type Microsoft's page does not list.
func KerberosEncType(code string) string {
	n, ok := parseHex32(code)
	if !ok {
		return ""
	}
	switch n {
	case 0x1:
		return "DES-CBC-CRC"
	case 0x3:
		return "DES-CBC-MD5"
	case 0x11:
		return "AES128-CTS-HMAC-SHA1-96"
	case 0x12:
		return "AES256-CTS-HMAC-SHA1-96"
	case 0x17:
		return "RC4-HMAC"
	case 0x18:
		return "RC4-HMAC-EXP"
	case 0xffffffff:
		return "FAIL" // the request failed: no ticket, no type
	}
	return ""
}

// KerberosStatusName is the RFC 4120 name of a Kerberos result code
// ("0x18" -> KDC_ERR_PREAUTH_FAILED, "0x0" -> KDC_ERR_NONE), the name
// in parentheses that Status gives with its text; "" for an unknown code.
func KerberosStatusName(code string) string {
	n, ok := parseHex32(code)
	if !ok || n >= 0x100 {
		return ""
	}
	text := kerberosResults[n]
	if i := strings.LastIndexByte(text, '('); i >= 0 && strings.HasSuffix(text, ").") {
		return text[i+1 : len(text)-2]
	}
	return ""
}

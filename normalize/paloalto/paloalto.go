// Package paloalto decodes Palo Alto Networks PAN-OS syslog messages (the
// default CSV format of "Syslog Field Descriptions", PAN-OS 8.1-11.x) into
// ECS fields: TRAFFIC, THREAT, SYSTEM, CONFIG, GLOBALPROTECT, USERID,
// AUTHENTICATION, HIPMATCH, DECRYPTION, IPTAG, GTP, SCTP and Tunnel
// Inspection (START, END) logs.
//
//	1,2024/04/05 19:34:38,013201000001,TRAFFIC,end,2561,2024/04/05 19:34:37,10.1.2.3,198.51.100.20,...
//
// Every type shares the first seven columns (FUTURE_USE, Receive Time,
// Serial Number, Type, Subtype, FUTURE_USE, Generated Time); the rest is
// by the documented position of each type (columns.go). Versions append
// columns at the end, so extra trailing columns are ignored; a line with
// fewer columns than the oldest documented format of its type is Malformed
// and gives no field (columns cannot be guessed). Fields are CSV: a value
// holding commas is double-quoted, a quote inside doubled.
//
// Times (Receive Time, Generated Time, Start Time) are the firewall's
// local time without a zone, so they are kept as written under
// paloalto.panos.* rather than set as @timestamp. The High Resolution
// Timestamp PAN-OS 10 adds (System and User-ID logs here) has its zone:
// it is @timestamp, unless it is the epoch (isEpoch), which
// firewalls print for a time they do not have.
//
// Recognition (Sniff): the syslog program is absent (the parser finds no
// tag: the message starts with the CSV) and the message matches the first
// columns: a short FUTURE_USE value, a "YYYY/MM/DD HH:MM:SS" receive time,
// a serial number and an upper-case type.
package paloalto

import (
	"strings"

	"github.com/nomenhq/nomen/normalize/vendor"
)

// Namespace of the Extra keys.
const Namespace = "paloalto.panos."

// FirstColMax bounds the search for the end of the first column (and is
// the gateway's sniff gate window).
const FirstColMax = 12

// maxCols is the number of columns read; the decoded ones are all below it.
const maxCols = 77

// Sniff reports whether msg is a PAN-OS CSV log line.
func Sniff(program, msg string) bool {
	_, ok := typeOf(msg)
	return ok
}

// typeOf checks the first four columns and returns the type. The receive
// time is the firewall's "YYYY/MM/DD HH:MM:SS" (".mmm" after it with
// millisecond timestamps), or RFC 3339
// ("2021-10-22T16:10:10.000000Z") where Strata Logging Service (Cortex
// Data Lake) forwards the log, with a longer first column.
func typeOf(msg string) (string, bool) {
	c0 := strings.IndexByte(msg[:min(len(msg), FirstColMax)], ',') // the first column is short: look no further
	if c0 < 0 || strings.IndexByte(msg[:c0], ' ') >= 0 {
		return "", false
	}
	rest := msg[c0+1:]
	switch {
	case len(rest) >= 21 && rest[19] == ',' && rest[4] == '/' && vendor.Valid(vendor.Time, rest[:19]):
		rest = rest[20:]
	case len(rest) >= 22 && rest[19] == '.' && rest[4] == '/':
		// Millisecond timestamps: "YYYY/MM/DD HH:MM:SS.mmm".
		c1 := strings.IndexByte(rest[:min(len(rest), 30)], ',')
		if c1 < 21 || !vendor.Valid(vendor.Time, rest[:c1]) {
			return "", false
		}
		rest = rest[c1+1:]
	case len(rest) >= 22 && rest[4] == '-' && rest[10] == 'T':
		c1 := strings.IndexByte(rest[:min(len(rest), 41)], ',')
		if c1 < 20 || !vendor.Valid(vendor.Time, rest[:c1]) {
			return "", false
		}
		rest = rest[c1+1:]
	default:
		return "", false
	}
	c2 := strings.IndexByte(rest, ',')
	if c2 < 0 || c2 > 32 {
		return "", false
	}
	rest = rest[c2+1:]
	c3 := strings.IndexByte(rest, ',')
	if c3 < 3 || c3 > 16 {
		return "", false
	}
	typ := rest[:c3]
	for i := 0; i < len(typ); i++ {
		if c := typ[i]; !('A' <= c && c <= 'Z' || c == '_') {
			return "", false
		}
	}
	return typ, true
}

// Decode decodes a PAN-OS log line.
func Decode(program, msg string, emit vendor.Emit) (vendor.Class, vendor.Status) {
	typ, ok := typeOf(msg)
	if !ok {
		return vendor.Class{}, vendor.NotMine
	}
	var cols [maxCols]string
	n, ok := splitCSV(msg, cols[:])
	if !ok {
		return vendor.Class{}, vendor.Malformed
	}
	layout := layouts[typ]
	if layout != nil && n < layout.min {
		return vendor.Class{}, vendor.Malformed
	}
	for _, c := range common {
		put(emit, &c, cols[:min(n, maxCols)])
	}
	if layout == nil {
		return vendor.Class{}, vendor.Decoded // a type not described here: the common columns only
	}
	// An ICMP session's ports are 0 (ICMP has none): not a port the
	// packets had, as Cisco's ICMP messages leave theirs out.
	icmp := icmpRow(layout, cols[:min(n, maxCols)])
	for i := range layout.cols {
		if icmp && layout.cols[i].kind == vendor.Port {
			continue
		}
		put(emit, &layout.cols[i], cols[:min(n, maxCols)])
	}
	switch typ {
	case "THREAT":
		threatObject(emit, cols[:min(n, maxCols)])
	case "GLOBALPROTECT":
		globalProtectIPv6(emit, cols[:min(n, maxCols)])
	case "DECRYPTION":
		decryptionTLS(emit, cols[:min(n, maxCols)])
	}
	return classify(typ, cols[:min(n, maxCols)]), vendor.Decoded
}

// threatObject sets what a Threat log's "URL/Filename" column (31, kept
// as misc) names, by subtype: the requested URL of a url log
// (url.original: as the firewall saw it, often without a scheme), the
// file of a file, virus or WildFire log (file.name). Other subtypes put
// either there; they stay under misc only.
func threatObject(emit vendor.Emit, cols []string) {
	v := col(cols, 31)
	if v == "" || vendor.Placeholder(v) {
		return
	}
	switch col(cols, 4) {
	case "url":
		vendor.Put(emit, "url.original", "misc", v, vendor.Word)
		host, path := splitURL(v)
		vendor.Put(emit, "url.domain", "", host, vendor.Host)
		vendor.Put(emit, "url.path", "", path, vendor.Text)
	case "file", "virus", "wildfire", "wildfire-virus":
		vendor.Put(emit, "file.name", "misc", v, vendor.Text)
	}
}

// globalProtectIPv6 sets source.ip from a GlobalProtect log's Public
// IPv6 column (16) when its Public IP column (15) is empty or 0.0.0.0: a
// client that reached the portal or gateway over IPv6 has only that one.
func globalProtectIPv6(emit vendor.Emit, cols []string) {
	if v := col(cols, 15); v != "" && v != "0.0.0.0" {
		return
	}
	if v := col(cols, 16); v != "" && v != "::" {
		vendor.Put(emit, "source.ip", "", v, vendor.IP)
	}
}

// decryptionTLS sets what a Decryption log's TLS Version (39) and
// Certificate Serial Number (49) columns say in ECS's form: "TLS1.2" as
// tls.version_protocol "tls" and tls.version "1.2" (SSL3.0 likewise), the
// serial upper-case as ECS asks (each as written in the line: the kinds
// Protocol and Serial set them lower- and upper-case). The columns stay
// under paloalto.panos as written.
func decryptionTLS(emit vendor.Emit, cols []string) {
	v := col(cols, 39)
	for _, proto := range [...]string{"TLS", "SSL"} {
		if num, ok := strings.CutPrefix(v, proto); ok && isVersion(num) {
			emit("tls.version_protocol", proto, vendor.Protocol)
			emit("tls.version", num, vendor.Word)
			break
		}
	}
	vendor.Put(emit, "tls.server.x509.serial_number", "", col(cols, 49), vendor.Serial)
}

// isVersion reports whether s is "N.N" (a TLS or SSL version number).
func isVersion(s string) bool {
	major, minor, ok := strings.Cut(s, ".")
	return ok && vendor.IsDigits(major) && vendor.IsDigits(minor) && len(major) == 1 && len(minor) == 1
}

// splitURL returns the host name and the path of a URL log's URL, which
// the firewall writes without its scheme ("www.example.com/a/b?q=1"); a
// scheme or port, when present, is left out. Either may be empty.
func splitURL(v string) (host, path string) {
	if i := strings.Index(v, "://"); i >= 0 {
		v = v[i+3:]
	}
	end := strings.IndexAny(v, "/?#")
	if end < 0 {
		end = len(v)
	}
	host, rest := v[:end], v[end:]
	if i := strings.LastIndexByte(host, ':'); i >= 0 && !strings.HasSuffix(host, "]") {
		host = host[:i]
	}
	if len(rest) > 0 && rest[0] == '/' {
		path = rest[:strings.IndexAny(rest+"?", "?#")]
	}
	return host, path
}

// icmpRow reports whether a row's protocol column (network.transport)
// says ICMP or ICMPv6.
func icmpRow(l *layout, cols []string) bool {
	for i := range l.cols {
		if c := &l.cols[i]; c.key == "network.transport" && c.at < len(cols) {
			v := unquote(cols[c.at])
			return vendor.EqualFold(v, "icmp") || vendor.EqualFold(v, "ipv6-icmp") || vendor.EqualFold(v, "icmp6")
		}
	}
	return false
}

// isEpoch reports whether an RFC 3339 time is the Unix epoch a firewall
// prints for a time it does not have: "1970-01-01T..." in a zone east of
// UTC, "1969-12-31T..." in one west of it (-08:00: 16:00 the day before).
func isEpoch(v string) bool {
	return strings.HasPrefix(v, "1970-01-01") || strings.HasPrefix(v, "1969-12-31")
}

func put(emit vendor.Emit, c *column, cols []string) {
	if c.at >= len(cols) {
		return
	}
	v := unquote(cols[c.at])
	if v == "" || c.noNAT && (v == "0.0.0.0" || v == "0" || v == "::") {
		return
	}
	if c.kind == vendor.Extra || c.kind == vendor.Time && isEpoch(v) {
		emit(c.name, v, vendor.Extra)
		return
	}
	vendor.Put(emit, c.key, c.name, v, c.kind)
}

// splitCSV splits s into cols (raw, quotes kept) and returns the number
// of columns (which may exceed len(cols)); false for an unterminated quote.
func splitCSV(s string, cols []string) (int, bool) {
	n := 0
	for {
		end := 0
		if len(s) > 0 && s[0] == '"' {
			i := 1
			for {
				j := strings.IndexByte(s[i:], '"')
				if j < 0 {
					return n, false
				}
				i += j + 1
				if i < len(s) && s[i] == '"' {
					i++ // a doubled quote inside
					continue
				}
				break
			}
			end = i
			if end < len(s) && s[end] != ',' {
				return n, false // text after the closing quote
			}
		} else if c := strings.IndexByte(s, ','); c >= 0 {
			end = c
		} else {
			end = len(s)
		}
		if n < len(cols) {
			cols[n] = s[:end]
		}
		n++
		if end >= len(s) {
			return n, true
		}
		s = s[end+1:]
	}
}

// unquote removes a column's quotes and undoubles inner quotes (which
// allocates; unquoted columns cost nothing).
func unquote(c string) string {
	if len(c) < 2 || c[0] != '"' {
		return c
	}
	c = c[1 : len(c)-1]
	if strings.Contains(c, `""`) {
		return strings.ReplaceAll(c, `""`, `"`)
	}
	return c
}

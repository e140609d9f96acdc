// Package ecs is what every normalize decoder family shares: the Decoder
// shape the dispatcher calls, Elastic Common Schema allowed values and
// precomputed (category, type) classes, and the field setters that keep
// related.* in step, so that "a failed logon" is spelled the same way
// whoever reports it.
package ecs

import (
	"net/netip"
	"strconv"
	"strings"
	"time"

	"github.com/nomenhq/nomen/normalize/vendor"
	"github.com/nomenhq/nomen/relay/event"
)

// ECS allowed values used by decoders (https://www.elastic.co/guide/en/ecs/current/ecs-allowed-values-event-category.html).
const (
	CatAuthentication = "authentication"
	CatSession        = "session"
	CatIAM            = "iam"
	CatProcess        = "process"
	CatNetwork        = "network"
	CatEmail          = "email"
	CatWeb            = "web"
	CatFile           = "file"
	CatHost           = "host"
	CatConfiguration  = "configuration"
	CatIntrusion      = "intrusion_detection"
	CatDriver         = "driver"
	CatPackage        = "package"

	TypeStart    = "start"
	TypeEnd      = "end"
	TypeInfo     = "info"
	TypeError    = "error"
	TypeDenied   = "denied"
	TypeAllowed  = "allowed"
	TypeCreation = "creation"
	TypeDeletion = "deletion"
	TypeChange   = "change"
	TypeUser     = "user"
	TypeGroup    = "group"
	TypeAdmin    = "admin"
	TypeAccess   = "access"
	TypeConn     = "connection"
	TypeProtocol = "protocol"
	TypeInstall  = "installation"

	OutcomeSuccess = "success"
	OutcomeFailure = "failure"
	OutcomeUnknown = "unknown"
)

// Cats is a small helper for building category lists inline.
func Cats(c ...string) []string { return c }

// SetUser sets user.name (and related.user). Windows' "-" and empty names are
// ignored. Surrounding spaces are not part of a name: sshd logs a client's
// " alice" as "Invalid user  alice from ..." on one line and PAM as
// "user=alice" on the next, and both must name the same user.
func SetUser(e *event.Event, key, name string) { (*Related)(nil).SetUser(e, key, name) }

// SetUser is the package's SetUser, collecting related.user in r.
func (r *Related) SetUser(e *event.Event, key, name string) {
	name = TrimSpace(name)
	if name == "" || name == "-" {
		return
	}
	e.SetStr(key, name)
	r.add(e, relUser, name)
}

// SetIP sets an IP field (source.ip, destination.ip, client.ip...) and
// related.ip, but only if s is an IP address: a wrong field is worse than none.
// An IPv4-mapped IPv6 address is unmapped; a zone is kept.
func SetIP(e *event.Event, key, s string) bool { return (*Related)(nil).SetIP(e, key, s) }

// SetIP is the package's SetIP, collecting related.ip in r.
func (r *Related) SetIP(e *event.Event, key, s string) bool {
	s = TrimSpace(s)
	if !vendor.IsCanonicalIPv4(s) { // the common address needs no parse
		addr, ok := vendor.ParseIP(s)
		if !ok {
			return false
		}
		s = canonicalIP(s, addr)
	}
	e.SetStr(key, s)
	r.add(e, relIP, s)
	return true
}

// SetPort sets a port field if s is a number in 0..65535.
func SetPort(e *event.Event, key, s string) bool {
	n, err := strconv.ParseUint(TrimSpace(s), 10, 16)
	if err != nil {
		return false
	}
	e.SetInt(key, int64(n))
	return true
}

// SetHostname adds a host name to related.hosts (and sets key if given).
func SetHostname(e *event.Event, key, name string) { (*Related)(nil).SetHostname(e, key, name) }

// SetHostname is the package's SetHostname, collecting related.hosts in r.
func (r *Related) SetHostname(e *event.Event, key, name string) {
	if name == "" || name == "-" {
		return
	}
	if key != "" {
		e.SetStr(key, name)
	}
	r.add(e, relHosts, name)
}

// canonicalIP returns the canonical text of addr (unmapped), reusing s when it
// already is (the common case: no allocation).
func canonicalIP(s string, addr netip.Addr) string {
	addr = addr.Unmap()
	var buf [64]byte
	b := addr.AppendTo(buf[:0])
	if string(b) == s {
		return s
	}
	return string(b)
}

// AddRelatedIP adds s to related.ip if it is an IP address.
func AddRelatedIP(e *event.Event, s string) { (*Related)(nil).AddIP(e, s) }

// AddIP is the package's AddRelatedIP, collecting in r.
func (r *Related) AddIP(e *event.Event, s string) {
	if addr, ok := vendor.ParseIP(s); ok {
		r.add(e, relIP, canonicalIP(s, addr))
	}
}

// IsIP reports whether s is an IPv4 or IPv6 address (vendor.IsIP, for
// the packages that import ecs and not vendor).
func IsIP(s string) bool { return vendor.IsIP(s) }

// IsMAC reports whether s is a MAC address MAC can write (vendor.IsMAC).
func IsMAC(s string) bool { return vendor.IsMAC(s) }

// SetAddress sets <side>.ip (and related.ip) when addr is an IP address, else
// <side>.domain (and related.hosts) when it looks like a host name. side is
// "source", "destination", "client" or "server". "-", "?", "unknown" (and
// "UNKNOWN") are ignored.
func SetAddress(e *event.Event, side, addr string) { (*Related)(nil).SetAddress(e, side, addr) }

// SetAddress is the package's SetAddress, collecting related.* in r.
func (r *Related) SetAddress(e *event.Event, side, addr string) {
	switch addr {
	case "", "-", "?", "unknown", "UNKNOWN", "(null)": // OpenSSH writes UNKNOWN for a peer it could not name
		return
	}
	k, ok := sideKeys[side] // the common sides without allocating
	if !ok {
		k = [2]string{side + ".ip", side + ".domain"}
	}
	ipKey, domainKey := k[0], k[1]
	if r.SetIP(e, ipKey, addr) {
		return
	}
	if looksLikeHostname(addr) {
		r.SetHostname(e, domainKey, addr)
	}
}

var sideKeys = map[string][2]string{
	"source":      {"source.ip", "source.domain"},
	"destination": {"destination.ip", "destination.domain"},
	"client":      {"client.ip", "client.domain"},
	"server":      {"server.ip", "server.domain"},
}

func looksLikeHostname(s string) bool {
	letter := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case 'a' <= c|0x20 && c|0x20 <= 'z':
			letter = true
		case '0' <= c && c <= '9', c == '.', c == '-', c == '_':
		default:
			return false
		}
	}
	return letter
}

// Class is a precomputed (event.category, event.type) pair. Decoders declare
// their classes as package variables so classifying an event allocates
// nothing (the lists are shared and never modified).
type Class struct {
	Category []string
	Type     []string
}

// NewClass returns a Class.
func NewClass(categories []string, types ...string) Class {
	return Class{Category: categories, Type: types}
}

// Set sets event.category and event.type from c, and event.action and
// event.outcome when not empty.
func (c Class) Set(e *event.Event, action, outcome string) {
	e.Set("event.category", event.Value{Type: event.TypeStrings, List: c.Category[:len(c.Category):len(c.Category)]})
	if len(c.Type) > 0 {
		e.Set("event.type", event.Value{Type: event.TypeStrings, List: c.Type[:len(c.Type):len(c.Type)]})
	}
	e.SetStr("event.outcome", outcome)
	e.SetStr("event.action", action)
}

// fieldRule is the field naming the decoder rule that recognised an event
// ("sshd.auth.failure", or a user rule's name).
const fieldRule = "nomen.rule"

// SetRule sets nomen.rule.
func SetRule(e *event.Event, id string) { e.SetStr(fieldRule, id) }

// SetProvider sets event.provider.
func SetProvider(e *event.Event, p string) { e.SetStr("event.provider", p) }

// Reserve makes room for n more fields, so a decoder that sets many fields
// grows e.Fields once instead of doubling it several times.
func Reserve(e *event.Event, n int) {
	if cap(e.Fields)-len(e.Fields) < n {
		f := make([]event.Field, len(e.Fields), len(e.Fields)+n)
		copy(f, e.Fields)
		e.Fields = f
	}
}

// SetTimeIfNone sets @timestamp to t when the event has no timestamp of its
// own (its time is the receive time: a bare line, or a header without one).
func SetTimeIfNone(e *event.Event, t time.Time) {
	if t.IsZero() {
		return
	}
	if e.Time.IsZero() || e.Time.Equal(e.Received) {
		e.Time = t
	}
}

// ParseUint parses a non-empty decimal of at most 18 digits without
// allocating (strconv allocates an error on failure).
func ParseUint(s string) (int64, bool) {
	if s == "" || len(s) > 18 {
		return 0, false
	}
	var n int64
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int64(c-'0')
	}
	return n, true
}

// SetUint sets key to s when s is a decimal number.
func SetUint(e *event.Event, key, s string) bool {
	n, ok := ParseUint(s)
	if ok {
		e.SetInt(key, n)
	}
	return ok
}

// Lower returns s in lower case (strings.ToLower), without allocating
// when s has no ASCII upper-case letter.
func Lower(s string) string {
	if !hasUpper(s) {
		return s
	}
	return strings.ToLower(s)
}

func hasUpper(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; 'A' <= c && c <= 'Z' {
			return true
		}
	}
	return false
}

// ProgramKey is the dispatch form of an APP-NAME: Lower. The lower case
// of a name with capitals ("%ASA-6-302013", "Microsoft-Windows-Security-
// Auditing") is cached: it was an allocation per event, and per decoder
// that asks again.
func ProgramKey(app string) string {
	if !hasUpper(app) {
		return app
	}
	return programKeys.Get(app)
}

var programKeys = NewStringCache(Lower)

// BaseProgram strips a "(pam_unix)" or "/smtpd" style suffix: "su(pam_unix)" -> "su";
// a program logged by its path is its file name ("/USR/SBIN/CRON" of
// older Debian cron, keyed "/usr/sbin/cron" -> "cron").
func BaseProgram(p string) string {
	if strings.HasPrefix(p, "/") {
		p = p[strings.LastIndexByte(p, '/')+1:]
	}
	for i := 0; i < len(p); i++ { // strings.IndexAny builds a byte set per call
		if c := p[i]; c == '(' || c == '/' {
			if i > 0 {
				return p[:i]
			}
			return p
		}
	}
	return p
}

// LoginFromDN returns the login name an LDAP DN names: the value of its
// first RDN when that is uid= (RFC 2307's posixAccount names a user by
// uid), "" for any other DN (cn=Full Name is no login) or a value with
// a space, a multi-valued RDN's "+", a quote or an escape.
func LoginFromDN(dn string) string {
	v, ok := strings.CutPrefix(dn, "uid=")
	if !ok {
		return ""
	}
	u, _, _ := strings.Cut(v, ",")
	if strings.ContainsAny(u, ` \+"`) {
		return ""
	}
	return u
}

// SetTLSVersion sets tls.version_protocol and tls.version from an
// OpenSSL protocol name ("TLSv1.3" -> tls, 1.3; "SSLv3" -> ssl, 3.0): ECS
// keeps the protocol and the number apart, and writes the number with its
// minor part ("1.0", as Elastic's pipelines write OpenSSL's "TLSv1").
// Another name, or a version that is not digits and one dot, sets nothing.
func SetTLSVersion(e *event.Event, name string) {
	var proto, v string
	switch {
	case strings.HasPrefix(name, "TLSv"):
		proto, v = "tls", name[len("TLSv"):]
	case strings.HasPrefix(name, "SSLv"):
		proto, v = "ssl", name[len("SSLv"):]
	}
	if !tlsVersionNumber(v) {
		return
	}
	if !strings.Contains(v, ".") {
		v += ".0"
	}
	e.SetStr("tls.version_protocol", proto)
	e.SetStr("tls.version", v)
}

// tlsVersionNumber reports whether v is "N" or "N.N" (one digit each, as
// every SSL and TLS version is).
func tlsVersionNumber(v string) bool {
	switch len(v) {
	case 1:
		return v[0] >= '0' && v[0] <= '9'
	case 3:
		return v[0] >= '0' && v[0] <= '9' && v[1] == '.' && v[2] >= '0' && v[2] <= '9'
	}
	return false
}

// SetNetworkTotals sets network.bytes and network.packets to the sums of
// their source and destination counts when a decoder gave both sides and
// no total: ECS defines the total as that sum ("if source.bytes and
// destination.bytes are known, network.bytes is their sum"). Leaf decoders
// emit only values found in the line, so the sum is made here.
func SetNetworkTotals(e *event.Event) {
	sumIfNone(e, "network.bytes", "source.bytes", "destination.bytes")
	sumIfNone(e, "network.packets", "source.packets", "destination.packets")
}

func sumIfNone(e *event.Event, total, src, dst string) {
	if e.Has(total) {
		return
	}
	s, ok1 := e.Field(src)
	d, ok2 := e.Field(dst)
	if !ok1 || !ok2 || s.Type != event.TypeInt || d.Type != event.TypeInt {
		return
	}
	e.SetInt(total, s.Num+d.Num)
}

package mail

import (
	"strings"

	"github.com/nomenhq/nomen/normalize/ecs"
	"github.com/nomenhq/nomen/relay/event"
)

// Exim's log lines carry their facts as "K=value" fields after a message's
// flag (spec, chapter "Log files", "Summary of Fields in Log Lines"):
//
//	A   authenticator name (and its set id): A=dovecot_plain:alice
//	C   SMTP confirmation on delivery: C="250 2.0.0 OK"
//	CV  certificate verification status (yes, no, dane)
//	D   duration of an SMTP session (connection lines)
//	DN  distinguished name of the peer's certificate
//	DT  time taken by a delivery
//	F   sender address (deliveries, rejections)
//	H   host name, HELO name and IP address: H=name (helo) [ip]:port
//	I   local interface: I=[ip]:port
//	id  Message-ID header (id*= when Exim made one)
//	P   on <= lines the protocol; on => and ** lines the return path, <ADDR>
//	QT  time on the queue
//	R   on <= lines the message this bounce is about; on others the router
//	RT  time taken by the reception
//	S   size in bytes
//	SNI server name the TLS client asked for
//	T   on <= lines the subject; on others the transport
//	U   local user or RFC 1413 identity
//	X   TLS version, cipher and key size: X=TLS1.3:TLS_AES_256_GCM_SHA384:256
//
// and bare flags (K, L, PRDR, TFO, DS) that say an extension was used.
// The fields are read left to right: a value is one word, a quoted string
// ("..." with \ escapes: a subject) or, for H= F= I=, its own shape, so
// text a sender chose (a subject, a quoted local part) is never read as a
// field of its own.

// eximFields are the fields of one line.
type eximFields struct {
	host             eximHost // H=
	hasHost          bool
	remote           bool   // the line names a client (H=, or its sentence's "from HOST"): U= is its RFC 1413 identity
	ifIP, ifPort     string // I=
	user             string // U=
	auth             string // A=
	sender           string // F=
	hasSender        bool
	p, r, t          string // P=, R=, T= (meaning by the line's flag)
	size             string // S=
	msgid            string // id=
	tls, cv, dn, sni string // X=, CV=, DN=, SNI=
	confirm          string // C=
	qt, dt, rt, d    string // QT=, DT=, RT=, D=
}

// eximHost is H='s value (or a connection sentence's "from HOST").
type eximHost struct {
	name, helo, ip, port string
}

// parseEximFields reads fields from s until a word that is not one, and
// returns the rest from that word (a reason after ": " when the last field
// ended with ':').
//
// An RFC 1413 identity (U= after H=) is the client's ident server's text,
// spaces and all (verify.c keeps the rest of its reply): what follows it
// may be that text imitating fields. Exim writes P= (an arrival) or F=
// (an ACL's line) right after it and no key twice, so a line where
// another key follows the identity, or a key comes again, is read no
// further and keeps only what came before the identity.
//
// A certificate's DN (DN="...") is the peer's text too, and Exim does not
// escape a '"' in it: a client certificate's name can close the quote
// and imitate fields (DN="/CN=x" A=plain:root ...). The fields Exim
// writes after DN= come in a fixed order (eximAfterDN), so after a DN a
// key out of that order, or a word ending in the real closing '"', ends
// the reading as for an identity: an imitation must end where Exim's own
// next field begins (S= on an arrival, C= on a delivery), which is then
// a key twice or out of order.
func parseEximFields(s string, f *eximFields) string {
	var seen uint16
	afterIdent := false
	dnRank := 0 // after DN=: the rank in eximAfterDN of the last key read
	for {
		s = strings.TrimLeft(s, " ")
		if s == "" {
			return ""
		}
		start := s
		word := s
		if sp := strings.IndexByte(s, ' '); sp >= 0 {
			word = s[:sp]
		}
		switch word {
		case "K", "L", "L-", "PRDR", "TFO", "DS", "*": // the fields without a value
			s = s[len(word):]
			continue
		}
		eq := strings.IndexByte(word, '=')
		if eq <= 0 || eq > 4 {
			return s
		}
		key, v := s[:eq], s[eq+1:]
		bit := eximKeyBit(key)
		outOfOrder := false
		if dnRank > 0 {
			r := eximAfterDN[key]
			valWord, _, _ := strings.Cut(v, " ")
			outOfOrder = r <= dnRank || strings.HasSuffix(valWord, `"`) && !strings.HasPrefix(v, `"`)
			dnRank = r
		}
		if bit&seen != 0 || afterIdent && bit != eximBitP && bit != eximBitF || outOfOrder {
			*f = eximFields{host: f.host, hasHost: f.hasHost, remote: f.remote, ifIP: f.ifIP, ifPort: f.ifPort, user: f.user, r: f.r} // R= (a bounce's reference) comes before H=
			return ""
		}
		seen |= bit
		afterIdent = key == "U" && f.remote
		var val string
		switch key {
		case "H":
			h, rest, ok := cutEximHost(v)
			if !ok {
				return s
			}
			f.host, f.hasHost, f.remote, s = h, true, true, rest
			continue
		case "I":
			val, s = cutEximWord(v)
			f.ifIP, f.ifPort = splitEximIPPort(val)
			continue
		case "F":
			a, rest, ok := cutEximAngle(v)
			if !ok { // "F=a@b" without its brackets: one word
				a, rest = cutEximWord(v)
			}
			f.sender, f.hasSender, s = a, true, rest
			continue
		case "P":
			if a, rest, ok := cutEximAngle(v); ok { // a delivery's return path, "P=<ADDR>": the sender's, whose quoted local part may hold " T=..."
				f.p, s = a, rest
				continue
			}
		case "id", "id*": // the Message-ID header as an address: the sender's, a quoted local part may hold spaces ("id*=" Exim made it)
			f.msgid, s = cutEximAddress(v)
			continue
		}
		if strings.HasPrefix(v, `"`) {
			q, rest, ok := cutEximQuoted(v)
			if !ok {
				return s
			}
			val, s = q, rest
		} else {
			val, s = cutEximWord(v)
		}
		switch key {
		case "U":
			f.user = val
		case "A":
			f.auth = val
		case "P":
			f.p = val
		case "R":
			f.r = val
		case "T":
			f.t = val
		case "S":
			f.size = val
		case "X":
			f.tls = val
		case "CV":
			f.cv = val
		case "DN":
			f.dn = val
			dnRank = 1
		case "SNI":
			f.sni = val
		case "C":
			f.confirm = val
		case "QT":
			f.qt = val
		case "DT":
			f.dt = val
		case "RT":
			f.rt = val
		case "D":
			f.d = val
		case "Q", "ST", "M8S", "PRX", "Cds", "DKIM", "SZ":
			// known, not kept
		default:
			return start // not a field: the text goes on from here
		}
	}
}

// eximAfterDN ranks the keys Exim writes after DN=, in their order: on
// an arrival SNI= A= PRX= S= M8S= Q= id= T= RT= (receive.c), on a
// delivery A= C= QT= DT= (deliver.c); a key missing here has rank 0, out
// of order.
var eximAfterDN = map[string]int{"SNI": 2, "A": 3, "PRX": 4, "C": 4, "S": 5, "QT": 5, "M8S": 6, "DT": 6,
	"Q": 7, "id": 8, "id*": 8, "T": 9, "RT": 10}

// cutEximWord cuts s at its first space; a value that ends the line's
// fields with ':' (the host before a reason) keeps the ':' in the rest.
func cutEximWord(s string) (word, rest string) {
	i := strings.IndexByte(s, ' ')
	if i < 0 {
		i = len(s)
	}
	word, rest = s[:i], s[i:]
	if strings.HasSuffix(word, ":") {
		word, rest = word[:len(word)-1], s[len(word)-1:]
	}
	return word, rest
}

// cutEximQuoted reads a "..." value (\" and \\ escaped) and returns it
// unquoted.
func cutEximQuoted(s string) (val, rest string, ok bool) {
	if !strings.HasPrefix(s, `"`) {
		return "", s, false
	}
	if end := strings.IndexAny(s[1:], `"\`); end >= 0 && s[1+end] == '"' { // nothing escaped: no copy
		return s[1 : 1+end], s[2+end:], true
	}
	var b strings.Builder
	for i := 1; i < len(s); i++ {
		switch c := s[i]; c {
		case '\\':
			if i+1 < len(s) {
				i++
				b.WriteByte(s[i])
			}
		case '"':
			return b.String(), s[i+1:], true
		default:
			b.WriteByte(c)
		}
	}
	return "", s, false
}

// cutEximAngle reads "<address>" (a quoted local part may hold '>' and
// spaces) and returns the address without its brackets.
func cutEximAngle(s string) (addr, rest string, ok bool) {
	if !strings.HasPrefix(s, "<") {
		return "", s, false
	}
	inQuote := false
	for i := 1; i < len(s); i++ {
		switch s[i] {
		case '\\':
			i++
		case '"':
			inQuote = !inQuote
		case '>':
			if !inQuote {
				return s[1:i], s[i+1:], true
			}
		}
	}
	return "", s, false
}

// cutEximAddress reads an address that is not in brackets: up to a space,
// a quoted local part ("a b"@example.org) read whole.
func cutEximAddress(s string) (addr, rest string) {
	if strings.HasPrefix(s, "<") {
		if a, r, ok := cutEximAngle(s); ok {
			return "<" + a + ">", r
		}
	}
	i := 0
	if strings.HasPrefix(s, `"`) {
		for i = 1; i < len(s) && s[i] != '"'; i++ {
			if s[i] == '\\' {
				i++
			}
		}
	}
	for ; i < len(s) && s[i] != ' '; i++ {
	}
	if i > len(s) {
		i = len(s)
	}
	return s[:i], s[i:]
}

// cutEximHost reads "name (helo) [ip]:port", each part but the address
// optional ("(helo) [ip]", "[ip]", "name [ip]"; a delivery's "name [ip]").
// A HELO name is the client's text: it ends at the first ") ".
func cutEximHost(s string) (h eximHost, rest string, ok bool) {
	if !strings.HasPrefix(s, "(") && !strings.HasPrefix(s, "[") {
		h.name, s = cutEximWord(s)
		if !strings.HasPrefix(s, " (") && !strings.HasPrefix(s, " [") {
			return h, s, h.name != ""
		}
		s = s[1:]
	}
	if strings.HasPrefix(s, "(") {
		i := strings.Index(s, ") ")
		if i < 0 {
			return h, s, false
		}
		h.helo, s = s[1:i], s[i+2:]
	}
	if !strings.HasPrefix(s, "[") {
		return h, s, h.name != "" || h.helo != ""
	}
	end := strings.IndexByte(s, ']')
	if end < 0 {
		return h, s, false
	}
	h.ip, s = s[1:end], s[end+1:]
	if len(s) > 1 && s[0] == ':' && s[1] >= '0' && s[1] <= '9' {
		i := 1
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
		h.port, s = s[1:i], s[i:]
	}
	return h, s, ecs.IsIP(h.ip)
}

// splitEximIPPort splits "[ip]:port" (I=).
func splitEximIPPort(s string) (ip, port string) {
	if !strings.HasPrefix(s, "[") {
		return "", ""
	}
	end := strings.IndexByte(s, ']')
	if end < 0 {
		return "", ""
	}
	ip = s[1:end]
	if p, ok := strings.CutPrefix(s[end+1:], ":"); ok {
		port = p
	}
	return ip, port
}

// setHost sets side.* from a host: its verified name, address and port,
// and exim.helo (the name the client gave, not verified).
func (h *eximHost) set(e *event.Event, side string) {
	ecs.SetAddress(e, side, h.ip)
	if h.name != "" {
		ecs.SetAddress(e, side, h.name)
	}
	if h.port != "" {
		ecs.SetPort(e, side+".port", h.port)
	}
	e.SetStr("exim.helo", h.helo)
}

// setCommon sets the fields that mean the same on every line. I= is
// Exim's own address: the destination of what it receives.
func (f *eximFields) setCommon(e *event.Event) { f.setCommonAt(e, "destination") }

// setCommonAt is setCommon with Exim's own address (I=) on side: a
// delivery's source.
func (f *eximFields) setCommonAt(e *event.Event, side string) {
	if f.ifIP != "" && ecs.SetIP(e, side+".ip", f.ifIP) {
		ecs.SetPort(e, side+".port", f.ifPort)
	}
	if f.auth != "" {
		// A= "NAME[:ID[:SENDER]]": on what Exim received the client's
		// authenticator and server_set_id (user.name); on a delivery the
		// authenticator Exim used as a client and its client_set_id, its
		// account at the remote host (destination.user.name).
		name, id, _ := strings.Cut(f.auth, ":")
		e.SetStr("exim.authenticator", name)
		if id, _, _ = strings.Cut(id, ":"); id != "" {
			key := "user.name"
			if side == "source" {
				key = "destination.user.name"
			}
			ecs.SetUser(e, key, id)
		}
	}
	if f.user != "" {
		if f.remote { // RFC 1413: what the client's host says
			e.SetStr("exim.ident", f.user)
		} else if !e.Has("user.name") { // a local submission: the user who ran exim
			ecs.SetUser(e, "user.name", f.user)
		}
	}
	if f.hasSender {
		setEmailAddr(e, "email.from.address", f.sender)
	}
	if f.tls != "" {
		setEximTLS(e, f.tls)
	}
	e.SetStr("exim.tls.cert_verified", f.cv)
	e.SetStr("exim.tls.peer_dn", f.dn)
	e.SetStr("tls.client.server_name", f.sni)
	ecs.SetUint(e, "exim.size", f.size)
	e.SetStr("exim.queue_time", f.qt)
	e.SetStr("exim.delivery_time", f.dt)
	e.SetStr("exim.receive_time", f.rt)
	e.SetStr("exim.duration", f.d)
}

// setEximTLS sets tls.* from X=: "TLS1.3:TLS_AES_256_GCM_SHA384:256"
// (GnuTLS, and OpenSSL since 4.92) or "TLSv1.2:ECDHE-RSA-AES256-GCM-SHA384:256".
func setEximTLS(e *event.Event, x string) {
	version, rest, ok := strings.Cut(x, ":")
	if !ok {
		return
	}
	cipher, _, _ := strings.Cut(rest, ":")
	e.Set("tls.established", event.Bool(true))
	if v, ok := strings.CutPrefix(version, "TLS"); ok && !strings.HasPrefix(v, "v") {
		version = "TLSv" + v
	}
	ecs.SetTLSVersion(e, version)
	e.SetStr("tls.cipher", cipher)
}

// eximKeyBit gives each field an identity can imitate its own bit (0 for
// the rest); a switch on bytes, not strings: it runs for every field.
func eximKeyBit(key string) uint16 {
	switch len(key) {
	case 1:
		switch key[0] {
		case 'H':
			return 1 << 0
		case 'I':
			return 1 << 1
		case 'U':
			return 1 << 2
		case 'F':
			return eximBitF
		case 'A':
			return 1 << 4
		case 'P':
			return eximBitP
		case 'R':
			return 1 << 6
		case 'T':
			return 1 << 7
		case 'S':
			return 1 << 8
		case 'X':
			return 1 << 9
		case 'C':
			return 1 << 11
		}
	case 2, 3:
		if key == "id" || key == "id*" {
			return 1 << 10
		}
		if key == "DN" {
			return 1 << 12
		}
		if key == "CV" {
			return 1 << 13
		}
	}
	return 0
}

const eximBitP, eximBitF = 1 << 5, 1 << 3

// Package fortinet decodes Fortinet FortiGate (FortiOS) syslog messages
// into ECS fields: the key=value format of the FortiOS Log Reference,
//
//	date=2024-04-05 time=19:34:38 devname="FGT-EDGE" devid="FG100FTK00000000" logid="0000000013"
//	type="traffic" subtype="forward" level="notice" vd="root" srcip=10.1.2.3 srcport=51000
//	srcintf="port1" dstip=198.51.100.20 dstport=443 dstintf="wan1" action="deny" policyid=7 ...
//
// Values are bare words or double-quoted strings (a backslash escapes the
// next character inside quotes and stays in the value). The keys of the log
// reference with one ECS meaning go to ECS (keys.go); every other key is
// kept under fortinet.fortigate.<key>. The classification comes from
// type, subtype, eventtype, action, status and logdesc (classes.go): traffic
// (forward, local, multicast, sniffer), utm (virus, webfilter, ips,
// app-ctrl, dns, ssl, anomaly), event (system admin logins and
// configuration changes, vpn tunnels and SSL VPN logins, user
// authentication). A type or subtype not in those gets its fields and an
// empty class.
//
// Recognition (Sniff): the message starts with "date=" (FortiOS 5.x-7.x),
// "logver=" or "eventtime=" (FortiOS with the RFC 5424 format option) or
// "time=" (the same line without its date=, as some collectors pass it on:
// the time then comes from eventtime=) and contains " logid=", or " log_id=" (FortiOS 4.x, whose own key names,
// src=, dst_port=, sent=, and status= for a traffic log's action, are
// read when the line has log_id). A message that starts so but has an unterminated
// quote or no type is Malformed; nothing of it is emitted.
package fortinet

import (
	"strings"

	"github.com/nomenhq/nomen/normalize/vendor"
)

// Namespace of the Extra keys.
const Namespace = "fortinet.fortigate."

// Sniff reports whether msg is a FortiGate key=value log.
func Sniff(program, msg string) bool {
	if !strings.HasPrefix(msg, "date=") && !strings.HasPrefix(msg, "logver=") && !strings.HasPrefix(msg, "eventtime=") &&
		!strings.HasPrefix(msg, "time=") {
		return false
	}
	return strings.Contains(msg, " logid=") || strings.Contains(msg, " log_id=")
}

// facts are the values the classification reads.
type facts struct {
	typ, subtype, action, status, logdesc string
	logid                                 string // the log id: type, subtype and message id (logids.go)
	eventtype                             string // a UTM log's kind of event (a virus log: infected, scanerror, oversize, ...)
	filtercat                             string // a DLP log's filter category: file or message
	trandisp                              string // NAT translation: noop, snat, dnat, snat+dnat
	authKey                               string // a VPN log's xauthuser or eapuser, whichever names a user (see vpnUser)
	userNamed                             bool   // user is a name (not an address, not N/A)
	sslVPN                                bool   // tunneltype ssl-*: the remote end is a client that dialled in
	ikeInit, ikeRole                      string // an IPsec log's init (local/remote) and role (initiator/responder): who began
	peer                                  bool   // the log names a source or destination address
	v4                                    bool   // FortiOS 4 key names (log_id=, src=, status=deny)
}

// Decode decodes a FortiGate log line.
func Decode(program, msg string, emit vendor.Emit) (vendor.Class, vendor.Status) {
	if !Sniff(program, msg) {
		return vendor.Class{}, vendor.NotMine
	}
	// The line is read once into a list on the stack (a longer one grows
	// it on the heap): the classification needs its facts before any
	// value is emitted, and a second scan of the line cost more than the
	// list.
	var f facts
	var buf [maxOnStack]pair
	list := buf[:0]
	p := pairs{s: msg}
	for {
		key, v, ok := p.next()
		if !ok {
			break
		}
		list = append(list, pair{key, v})
		switch key {
		case "type":
			f.typ = v
		case "subtype":
			f.subtype = v
		case "eventtype":
			f.eventtype = v
		case "filtercat":
			f.filtercat = v
		case "action":
			f.action = v
		case "status":
			f.status = v
		case "logdesc":
			f.logdesc = v
		case "trandisp":
			f.trandisp = v
		case "logid":
			f.logid = v
		case "log_id":
			f.v4 = true
		}
	}
	if p.bad || f.typ == "" {
		return vendor.Class{}, vendor.Malformed
	}
	if f.typ == "event" {
		f.peer = namesPeer(list)
		if f.subtype == "vpn" {
			f.putVPN(emit, list)
		}
	}
	for _, kv := range list {
		if kv.value == "" {
			continue
		}
		if fd, ok := fields[kv.key]; ok {
			if unset(&f, fd, kv.value) {
				emit(kv.key, kv.value, vendor.Extra)
			} else {
				vendor.Put(emit, fd.Key, kv.key, kv.value, fd.Kind)
			}
			continue
		}
		if fd, ok := v4Fields[kv.key]; ok && f.v4 {
			vendor.Put(emit, fd.Key, kv.key, kv.value, fd.Kind)
			continue
		}
		if fd, ok := urlField(&f, kv.key, kv.value); ok {
			vendor.Put(emit, fd.Key, kv.key, kv.value, fd.Kind)
			continue
		}
		if fd, ok := natField(f.trandisp, kv.key, kv.value); ok {
			vendor.Put(emit, fd.Key, kv.key, kv.value, fd.Kind)
			continue
		}
		emit(kv.key, kv.value, vendor.Extra)
	}
	return classify(&f), vendor.Decoded
}

// unset reports whether a value of an ECS-mapped key says "none" or
// names no side: a free text that is a placeholder (reason="N/A",
// reason="none" of a successful login); in an event log, the address
// 0.0.0.0 or port 0 a process writes when it had no peer (the WAD proxy's
// "SSL fatal alert sent" with srcip=0.0.0.0 srcport=0), and the byte and
// packet counters of a log that names no address (a FortiExtender's
// cellular rx/tx as rcvdbyte/sentbyte: source.bytes would be sent by a
// source there is none of). A traffic log's 0.0.0.0 is a packet's real
// source (DHCP) and stays. The value is kept under fortinet.fortigate.
func unset(f *facts, fd Field, v string) bool {
	switch fd.Kind {
	case vendor.Text:
		return vendor.Placeholder(v)
	case vendor.IP, vendor.Port:
		return f.typ == "event" && (v == "0.0.0.0" || v == "::" || v == "0")
	case vendor.Uint:
		return f.typ == "event" && !f.peer
	}
	return false
}

// namesPeer reports whether an event log names a source or destination
// address (a second look at its pairs, taken for event logs only).
func namesPeer(list []pair) bool {
	for _, kv := range list {
		if kv.key == "srcip" || kv.key == "dstip" {
			return true
		}
	}
	return false
}

// putVPN emits the pairs of a VPN log whose place depends on the log
// (its users, the ends of its tunnel and their bytes) and blanks them in
// list, so that Decode's loop skips them. One look at the pairs finds
// them and the facts they depend on; other logs do not pay for it.
func (f *facts) putVPN(emit vendor.Emit, list []pair) {
	var found [12]int // the pairs' places in list (a VPN log has at most 9)
	n := 0
	for i, kv := range list {
		if kv.value == "" {
			continue // no value: nothing to place (Decode skips it too)
		}
		switch kv.key {
		case "tunneltype":
			f.sslVPN = strings.HasPrefix(kv.value, "ssl")
			continue
		case "init":
			f.ikeInit = kv.value
			continue
		case "role":
			f.ikeRole = kv.value
			continue
		case "user":
			f.userNamed = kv.value != "" && !vendor.Placeholder(kv.value) && !vendor.IsIP(kv.value)
		case "xauthuser", "eapuser":
			if f.authKey == "" && kv.value != "" && !vendor.Placeholder(kv.value) {
				f.authKey = kv.key
			}
		case "remip", "remport", "locip", "locport", "rcvdbyte", "sentbyte":
		default:
			continue
		}
		if n == len(found) {
			// More than a VPN log has (a key repeated): kept, but in no
			// place the log's facts, not yet all seen, would decide.
			emit(kv.key, kv.value, vendor.Extra)
			list[i].value = ""
			continue
		}
		found[n] = i
		n++
	}
	for _, i := range found[:n] {
		kv := &list[i]
		switch kv.key {
		case "user", "xauthuser", "eapuser":
			if vpnUser(f, kv.key) {
				vendor.Put(emit, "user.name", kv.key, kv.value, vendor.User)
			} else if kv.key != "user" || !vendor.Placeholder(kv.value) {
				emit(kv.key, kv.value, vendor.Extra)
			}
		default:
			if sides := f.vpnSides(); sides != nil {
				fd := sides[kv.key]
				vendor.Put(emit, fd.Key, kv.key, kv.value, fd.Kind)
			} else {
				emit(kv.key, kv.value, vendor.Extra)
			}
		}
		kv.value = ""
	}
}

// vpnSides is where a VPN log's ends and bytes go (vpnSided when the
// remote end began, vpnLocalBegan when the FortiGate did), or nil when
// the log does not say who began.
func (f *facts) vpnSides() map[string]Field {
	switch {
	case f.sslVPN, f.ikeInit == "remote", f.ikeInit == "" && f.ikeRole == "responder":
		return vpnSided
	case f.ikeInit == "local", f.ikeInit == "" && f.ikeRole == "initiator":
		return vpnLocalBegan
	}
	return nil
}

// vpnUser reports whether a VPN log's user key names its user. The log
// reference calls user the authenticated user, but an IPsec log without
// one writes the peer gateway's address there (user="203.0.113.9", as
// remip): no user name. The IKE-authenticated user is then xauthuser
// (XAUTH) or eapuser (EAP), when not "N/A"; user.name takes the first
// of user (a name), xauthuser, eapuser.
func vpnUser(f *facts, key string) bool {
	if key == "user" {
		return f.userNamed
	}
	return key == f.authKey && !f.userNamed
}

// maxOnStack is how many pairs Decode lists without allocating (a
// FortiGate traffic log has 40-60).
const maxOnStack = 96

type pair struct{ key, value string }

// pairs reads the key=value pairs of a line (quotes removed, escapes
// kept). A token without '=' is skipped.
type pairs struct {
	s   string
	bad bool // stopped at an unterminated quote
}

// next returns the next pair; false at the end of the line, or at an
// unterminated quote (bad).
func (p *pairs) next() (key, value string, ok bool) {
	s := p.s
	for {
		// The first '=' or ' ': a space first ends a word without '='.
		i := 0
		for i < len(s) && s[i] != '=' && s[i] != ' ' {
			i++
		}
		if i == len(s) {
			p.s = ""
			return "", "", false // trailing words without '='
		}
		if s[i] == ' ' {
			s = s[i+1:]
			continue
		}
		key, rest := s[:i], s[i+1:]
		if len(rest) > 0 && rest[0] == '"' {
			end := closingQuote(rest)
			if end < 0 {
				p.s, p.bad = "", true
				return "", "", false
			}
			p.s = rest[end+1:]
			return key, rest[1:end], true
		}
		end := strings.IndexByte(rest, ' ')
		if end < 0 {
			end = len(rest)
		}
		p.s = rest[end:]
		return key, rest[:end], true
	}
}

// closingQuote returns the index of the '"' that closes the quoted value
// at the start of s (one not escaped by an odd run of backslashes), or -1.
func closingQuote(s string) int {
	for i := 1; ; {
		j := strings.IndexByte(s[i:], '"')
		if j < 0 {
			return -1
		}
		i += j
		bs := 0
		for k := i - 1; k >= 1 && s[k] == '\\'; k-- {
			bs++
		}
		if bs%2 == 0 {
			return i
		}
		i++
	}
}

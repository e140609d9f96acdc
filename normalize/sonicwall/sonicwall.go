// Package sonicwall decodes SonicWall SonicOS syslog messages into ECS
// fields: the key=value format of the SonicOS Log Events Reference Guide,
// default and enhanced ("Enhanced Syslog" adds gcat, srcZone, natSrc, ...)
// alike,
//
//	id=firewall sn=0040103CE114 time="2026-05-16 08:18:41 UTC" fw=203.0.113.5 pri=6 c=1024
//	gcat=6 m=537 msg="Connection Closed" src=192.0.2.10:51234:X0:pc7.example.com
//	dst=198.51.100.7:443:X1 proto=tcp/https sent=1935 rcvd=1577 rule="15 (LAN->WAN)" ...
//
// Values are bare words or quoted with '"' or '\” (appName='General
// HTTPS'); a key may come twice (IPS alerts write msg= twice): the last
// one stays. The tags with one ECS meaning go to ECS (keys.go); src= and
// dst= (IP:port:interface:resolved name), natSrc=/natDst= (IP[:port], an
// IPv6 one in brackets) and proto= (transport/service) are split; every
// other tag is kept under sonicwall.<tag>. The classification comes from
// the message id m= alone (catalog.go): the guide's id catalog, one row
// per id, so that a reworded msg= changes nothing.
//
// Recognition: the message starts with "id=" (the firewall's syslog name,
// "firewall" unless set) and holds " sn=" (the serial number) and " m="
// or " fw=" (the message id, the firewall's address) in its head; a relay that wrote the sender's address without a syslog
// header leaves "192.0.2.1 id=firewall sn=..." (Sniff takes that too). A
// line cut short inside a quoted value (a datagram's size limit) keeps
// that value under sonicwall.<tag>, whatever the tag. A line without m=
// (some 5.x drops) gets its fields and no class.
package sonicwall

import (
	"strings"

	"github.com/nomenhq/nomen/normalize/vendor"
)

// Namespace of the Extra keys.
const Namespace = "sonicwall."

// headWindow is how far into a message sn= and m= are looked for: the
// head (id, sn, time, fw, pri, c, gcat, m) is written first.
const headWindow = 160

// Sniff reports whether msg is a SonicOS log, with or without a leading
// host word (a relay's).
func Sniff(msg string) bool {
	_, ok := body(msg)
	return ok
}

// body returns the key=value part of msg (from "id=") when msg is a
// SonicOS log.
func body(msg string) (string, bool) {
	if !strings.HasPrefix(msg, "id=") {
		// "<host> id=...": one word without '=' before it.
		i := strings.IndexByte(msg, ' ')
		if i <= 0 || i > 64 || strings.IndexByte(msg[:i], '=') >= 0 {
			return "", false
		}
		msg = strings.TrimLeft(msg[i:], " ")
		if !strings.HasPrefix(msg, "id=") {
			return "", false
		}
	}
	head := msg[:min(len(msg), headWindow)]
	if !strings.Contains(head, " sn=") || (!strings.Contains(head, " m=") && !strings.Contains(head, " fw=")) {
		return "", false
	}
	return msg, true
}

// Decode decodes a SonicOS log line.
func Decode(program, msg string, emit vendor.Emit) (vendor.Class, vendor.Status) {
	kv, ok := body(msg)
	if !ok {
		return vendor.Class{}, vendor.NotMine
	}
	// Read once into a list on the stack: the URL fields depend on keys
	// that may come later (arg= after dstname=), and nothing is emitted
	// before the line is known to be whole.
	var buf [maxOnStack]vendor.Pair
	list, whole := vendor.ReadPairs(kv, buf[:0])
	var f facts
	hasProto, icmpMsg := false, false
	for _, kv := range whole {
		v := kv.Value
		switch kv.Key {
		case "m":
			f.msgID = v
		case "arg":
			f.web = true
		case "proto":
			hasProto = true
			t, _, _ := strings.Cut(v, "/")
			f.icmp = vendor.EqualFold(t, "icmp") || vendor.EqualFold(t, "icmpv6")
		case "msg":
			icmpMsg = icmpMsg || strings.Contains(v, "ICMP")
		}
	}
	if !hasProto && icmpMsg {
		// No proto=, but the message is about an ICMP packet ("ICMP
		// packet dropped", an IPS alert on "ICMP Echo Reply").
		f.icmp = true
	}
	if f.icmp {
		emit = dropPorts(emit)
	}
	for i, kv := range list {
		if kv.Value == "" || kv.Key == "" || repeated(list, i) {
			continue
		}
		if i >= len(whole) { // cut short: kept, but not as ECS
			emit(kv.Key, kv.Value, vendor.Extra)
			continue
		}
		put(&f, kv.Key, kv.Value, emit)
	}
	return catalog[f.msgID], vendor.Decoded
}

// facts are what the reading of one key needs from others.
type facts struct {
	msgID string // m=
	web   bool   // arg= is present: dstname= is the requested host
	icmp  bool   // an ICMP packet: what src=/dst= print as ports are none
}

// dropPorts wraps emit to leave out ports: ICMP has none, and what an
// ICMP event prints in their place is its type or the ports of the
// packet an ICMP error quotes (type=3 code=3 after a UDP datagram), not
// the ICMP packet's.
func dropPorts(emit vendor.Emit) vendor.Emit {
	return func(key, value string, kind vendor.Kind) {
		if kind == vendor.Port {
			return
		}
		emit(key, value, kind)
	}
}

// repeated reports whether list[i]'s key comes again later: the last
// value of a key stays, as the vendor's own viewers show it.
func repeated(list []vendor.Pair, i int) bool {
	k := list[i].Key
	if k != "msg" { // the one key SonicOS repeats (IPS alerts)
		return false
	}
	for _, kv := range list[i+1:] {
		if kv.Key == k {
			return true
		}
	}
	return false
}

// maxOnStack is how many pairs Decode lists without allocating (a
// connection log has 20-35).
const maxOnStack = 64

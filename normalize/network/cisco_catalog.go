package network

import (
	"strings"

	"github.com/nomenhq/nomen/normalize/ciscocatalog"
	"github.com/nomenhq/nomen/normalize/ecs"
	"github.com/nomenhq/nomen/parse"
	"github.com/nomenhq/nomen/relay/event"
)

// The message knowledge of Cisco ASA and IOS bodies is the catalogue's
// (normalize/ciscocatalog): which ids exist, their documented shapes, their
// classification and where each value goes. This file only turns a match
// into fields: the catalogue hands out substrings of the body with a Kind,
// and the Kind says which setter types the value.

// setCatalogued matches body against m. On a match it sets the
// classification, nomen.rule and every value, and reports true. A body in
// no documented shape gives no value: it is marked not understood
// (nomen.parse_error, reason outOfShape) and gets the class of the id
// alone when the id has one (ciscocatalog's IDClass: a 302016 is a
// teardown whatever its text, a 113004 may be a login or an accounting
// record); nomen.rule stays the decoder's. A body of an Open id (NX-OS
// SYSTEM_MSG) in none of its catalogued shapes is another program's
// message: nothing is set.
func setCatalogued(e *event.Event, m *ciscocatalog.Msg, body, outOfShape string) bool {
	class, ok := m.Match(body, func(key, value string, kind ciscocatalog.Kind) {
		setCiscoValue(e, key, value, kind)
	})
	if !ok {
		if m.Open {
			return false // another program's message (ciscocatalog.Msg.Open)
		}
		malformed(e, outOfShape)
		if c := m.IDClass(); c != nil {
			ecs.SetVendorClass(e, *c)
		}
		return false
	}
	ecs.SetVendorClass(e, *class)
	ecs.SetRule(e, m.Rule)
	icmpOverIPv6(e)
	return true
}

// Reasons (nomen.parse_error) for a catalogued message whose body is in
// none of its documented shapes.
const (
	asaOutOfShape = "cisco_asa: body not in the documented shape of its message id"
	iosOutOfShape = "cisco_ios: body not in the documented shape of its mnemonic"
)

// malformed marks a message the decoder recognised but whose body it could
// not read. A parse error the parser found first stays.
func malformed(e *event.Event, reason string) {
	if !e.Has(parse.FieldParseError) {
		e.SetStr(parse.FieldParseError, reason)
	}
}

// icmpOverIPv6: the ASA names ICMPv6 "ICMP" in its connection messages;
// between IPv6 addresses it is ipv6-icmp (58), not icmp (1).
func icmpOverIPv6(e *event.Event) {
	if e.Str("network.transport") != "icmp" {
		return
	}
	if strings.IndexByte(e.Str("source.ip"), ':') >= 0 || strings.IndexByte(e.Str("destination.ip"), ':') >= 0 {
		ecs.SetKind(e, "network.transport", "icmp6", ciscocatalog.Transport)
	}
}

// setCiscoValue sets one catalogue value: what is Cisco's own here (the
// unassigned address, service names for ports, interfaces, NX-OS lines),
// the rest with ecs.SetKind, the one setter by kind.
func setCiscoValue(e *event.Event, key, v string, kind ciscocatalog.Kind) {
	switch kind {
	case ciscocatalog.IP:
		if unassigned(key, v) {
			return
		}
		netIP(e, key, v)
	case ciscocatalog.Port:
		setPortOrService(e, key, v)
	case ciscocatalog.Interface:
		setInterface(e, key, v)
	case ciscocatalog.User:
		// IKEv2 (750xxx, 751xxx) prints "Username:Unknown" before the
		// peer has named itself: no user.
		if v != "Unknown" {
			ecs.SetKind(e, key, v, kind)
		}
	case ciscocatalog.Line:
		e.SetStr(key, v)
		// NX-OS names the line "10.0.0.1@pts/0": the address is the
		// client's.
		if host, _, ok := ecs.CutByte(v, '@'); ok {
			netIP(e, "source.ip", host)
		}
	default:
		ecs.SetKind(e, key, v, kind)
	}
}

// unassigned reports whether v is the unspecified address standing for
// "none" in an assignment ("IPv6 address <::> assigned to session"). A
// packet's source or destination 0.0.0.0 is a real address (DHCP).
func unassigned(key, v string) bool {
	if v != "::" && v != "0.0.0.0" {
		return false
	}
	return !strings.HasPrefix(key, "source.") && !strings.HasPrefix(key, "destination.")
}

// isASAFamily reports whether fam is a family of the ASA message catalogue.
func isASAFamily(fam string) bool {
	switch fam {
	case "ASA", "PIX", "FTD", "FWSM", "NGIPS":
		return true
	}
	return false
}

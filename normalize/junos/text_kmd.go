package junos

import (
	"strings"

	"github.com/nomenhq/nomen/normalize/vendor"
)

// The key management daemon (kmd, IPsec VPN) reports the end of an IKE
// negotiation without a tag (Juniper's IPsec VPN troubleshooting guides):
//
//	kmd[1234]: IKE negotiation failed with error: REASON. IKE Version: 2, VPN: NAME Gateway: GW, Local: A/P, Remote: B/Q, Local IKE-ID: X, Remote IKE-ID: Y, VR-ID: 0[, Role: Initiator|Responder]
//	kmd[1234]: IKE negotiation successfully completed. IKE Version: 2, VPN: ... (the same list)
//	kmd[1234]: IPSec negotiation failed with error: REASON. IKE Version: 2, VPN: ... (phase 2; the same list)
//
// Some releases print the Role after the VR-ID with a colon ("VR-ID: 5:
// Role: Initiator"): it is the Role all the same, and says the sides.
//
// With Role, the initiator is the source and the responder the
// destination; without it nothing says who began (the remote peer may
// have, or this device), so the addresses stay juniper.junos.local and
// .remote, no source or destination, as FortiGate's remip without its IKE
// fields. "Not-Available" is Junos's word for an unknown value.
const (
	ikeFailLead   = "IKE negotiation failed with error: "
	ikeDoneLead   = "IKE negotiation successfully completed. "
	ipsecFailLead = "IPSec negotiation failed with error: "
)

// ikeNegotiation reports whether a kmd message is the end of an IKE
// negotiation.
func ikeNegotiation(program, msg string) bool {
	return program == "kmd" && (strings.HasPrefix(msg, ikeFailLead) || strings.HasPrefix(msg, ikeDoneLead) ||
		strings.HasPrefix(msg, ipsecFailLead))
}

// ikeLabels: the labels of the list after the reason, by their
// parameter names.
var ikeLabels = map[string]string{
	"IKE Version": "ike-version", "VPN": "vpn-name", "Gateway": "gateway-name",
	"Local": "local", "Remote": "remote", "Local IKE-ID": "local-ike-id",
	"Remote IKE-ID": "remote-ike-id", "VR-ID": "vr-id", "Role": "role",
}

// decodeIKENegotiation reads the message; nothing is emitted unless every
// label is a documented one and both ends are an address/port.
func decodeIKENegotiation(msg string, emit vendor.Emit) (vendor.Class, vendor.Status) {
	class, reason, list := vendor.TunnelEstablished, "", ""
	if rest, ok := strings.CutPrefix(msg, ikeDoneLead); ok {
		list = rest
	} else {
		// The reason may hold ". ": the list starts at its first label.
		lead := ikeFailLead
		if strings.HasPrefix(msg, ipsecFailLead) {
			lead = ipsecFailLead
		}
		var ok bool
		reason, list, ok = strings.Cut(msg[len(lead):], ". IKE Version: ")
		if !ok || reason == "" {
			return vendor.Class{}, vendor.Malformed
		}
		list = "IKE Version: " + list
		class = classIKEFailed
	}
	if !strings.HasPrefix(list, "IKE Version: ") {
		return vendor.Class{}, vendor.Malformed
	}
	list = strings.TrimRight(list, " ")
	var kv [10][2]string
	n := 0
	for item := range strings.SplitSeq(list, ", ") {
		label, v, ok := strings.Cut(item, ": ")
		if label == "VPN" {
			// "VPN: NAME Gateway: GW": no comma between the two.
			name, gw, ok2 := strings.Cut(v, " Gateway: ")
			if !ok2 || n >= len(kv)-1 {
				return vendor.Class{}, vendor.Malformed
			}
			kv[n] = [2]string{"vpn-name", name}
			n++
			label, v = "Gateway", gw
		}
		if vr, r, found := strings.Cut(v, ": Role: "); label == "VR-ID" && found && n < len(kv)-1 {
			kv[n] = [2]string{"vr-id", vr}
			n++
			label, v = "Role", r
		}
		name, known := ikeLabels[label]
		if !ok || !known || n >= len(kv) {
			return vendor.Class{}, vendor.Malformed
		}
		kv[n] = [2]string{name, v}
		n++
	}
	var local, remote, role string
	for _, e := range kv[:n] {
		switch e[0] {
		case "local":
			local = e[1]
		case "remote":
			remote = e[1]
		case "role":
			role = e[1]
		}
	}
	la, lp, ok1 := cutLast(local, '/')
	ra, rp, ok2 := cutLast(remote, '/')
	if !ok1 || !ok2 || !vendor.IsIP(la) || !vendor.IsIP(ra) || !vendor.IsPort(lp) || !vendor.IsPort(rp) {
		return vendor.Class{}, vendor.Malformed
	}
	src, sp, dst, dp := ra, rp, la, lp
	sides := true
	switch role {
	case "Responder":
	case "Initiator":
		src, sp, dst, dp = la, lp, ra, rp
	case "":
		sides = false
	default:
		return vendor.Class{}, vendor.Malformed
	}
	vendor.Put(emit, "event.reason", "reason", reason, vendor.Text)
	if sides {
		vendor.Put(emit, "source.ip", "", src, vendor.IP)
		vendor.Put(emit, "source.port", "", sp, vendor.Port)
		vendor.Put(emit, "destination.ip", "", dst, vendor.IP)
		vendor.Put(emit, "destination.port", "", dp, vendor.Port)
	}
	for _, e := range kv[:n] {
		if (!sides || e[0] != "local" && e[0] != "remote") && e[1] != "Not-Available" && e[1] != "" {
			emit(e[0], e[1], vendor.Extra)
		}
	}
	return class, vendor.Decoded
}

// arpChange reads KERN_ARP_ADDR_CHANGE's text (Junos System Log
// Messages reference):
//
//	arp info overwritten for 192.0.2.7 from 00:00:5e:00:53:01 to 00:00:5e:00:53:02
//
// The kernel learns an ARP entry from a received ARP packet's sender: the
// address and the new hardware address are that packet's source.
func (p *parsed) arpChange(text string) bool {
	rest, ok := strings.CutPrefix(text, "arp info overwritten for ")
	if !ok {
		return false
	}
	ip, rest, ok1 := strings.Cut(rest, " from ")
	old, mac, ok2 := strings.Cut(rest, " to ")
	mac = strings.TrimRight(mac, " ")
	if !ok1 || !ok2 || !vendor.IsIP(ip) || !vendor.Valid(vendor.MAC, old) || !vendor.Valid(vendor.MAC, mac) {
		return false
	}
	p.add("arp-ip-address", ip)
	p.add("arp-old-mac-address", old)
	p.add("arp-new-mac-address", mac)
	return true
}

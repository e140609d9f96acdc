// Package netacl is the one copy of allowed-network lists
// (allowed_networks): parsing and the membership test used by every
// listener.
package netacl

import (
	"fmt"
	"net"
	"net/netip"
	"strings"
)

// List is a set of allowed networks; an empty List allows every address.
type List []netip.Prefix

// Parse reads an allowed_networks list: CIDRs ("10.0.0.0/8") and single
// addresses ("192.0.2.7", taken as a /32 or /128).
func Parse(nets []string) (List, error) {
	var out List
	for _, s := range nets {
		if !strings.Contains(s, "/") {
			a, err := netip.ParseAddr(s)
			if err != nil {
				return nil, fmt.Errorf("allowed_networks: %q is neither a CIDR nor an address", s)
			}
			out = append(out, netip.PrefixFrom(a, a.BitLen()))
			continue
		}
		p, err := netip.ParsePrefix(s)
		if err != nil {
			return nil, fmt.Errorf("allowed_networks: %q: %v", s, err)
		}
		out = append(out, p.Masked())
	}
	return out, nil
}

// Allows reports whether addr is in one of the networks (IPv4-mapped IPv6
// addresses count as IPv4).
func (l List) Allows(addr netip.Addr) bool {
	if len(l) == 0 {
		return true
	}
	addr = addr.Unmap()
	for _, p := range l {
		if p.Contains(addr) {
			return true
		}
	}
	return false
}

// AllowsNet is Allows for a net.Addr (a TCP or UDP peer); an address that
// is not IP:port is refused unless the list is empty.
func (l List) AllowsNet(addr net.Addr) bool {
	if len(l) == 0 {
		return true
	}
	ap, err := netip.ParseAddrPort(addr.String())
	if err != nil {
		return false
	}
	return l.Allows(ap.Addr())
}

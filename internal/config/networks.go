package config

import (
	"fmt"
	"net/netip"
	"strings"
)

// ParseNetworks reads an allowed_networks list: CIDRs ("10.0.0.0/8") and
// single addresses ("192.0.2.7", taken as a /32 or /128).
func ParseNetworks(nets []string) ([]netip.Prefix, error) {
	var out []netip.Prefix
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

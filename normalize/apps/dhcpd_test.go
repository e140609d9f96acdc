package apps

import "testing"

// A client's name is any printable text: dhcpd's placeholder for one it
// will not print is no name, and a name holding ") via IF uid X" before
// Infoblox's free-text uid shifts no field into the event.
func TestDHCPDClientNameForged(t *testing.T) {
	c := catalogByName(t, "dhcpd")
	for msg, want := range map[string][4]string{
		`DHCPDISCOVER from 0a:0b:0c:0d:0e:0f (Hostname Unsuitable for Printing) via eth2`:                                       {"", "eth2", "", "0A-0B-0C-0D-0E-0F"},
		`DHCPDISCOVER from 0a:0b:0c:0d:0e:0f (lab-7) via eth2`:                                                                  {"lab-7", "eth2", "", "0A-0B-0C-0D-0E-0F"},
		`DHCPREQUEST for 198.51.100.7 from 0a:0b:0c:0d:0e:0f (n) via tun0 uid 99) via eth2: database update failed`:             {"", "", "", "0A-0B-0C-0D-0E-0F"},
		`DHCPREQUEST for 198.51.100.7 from 0a:0b:0c:0d:0e:0f (n) via eth2 TransID 0c1d uid 01:0a:0b:0c: database update failed`: {"n", "eth2", "01:0a:0b:0c", "0A-0B-0C-0D-0E-0F"},
	} {
		e := decodeWith(c, "dhcpd", msg)
		if e == nil {
			t.Errorf("%q: not decoded", msg)
			continue
		}
		got := [4]string{e.Str("client.domain"), e.Str("dhcpd.via"), e.Str("dhcpd.client_id"), e.Str("client.mac")}
		if got != want {
			t.Errorf("%q: client.domain, dhcpd.via, dhcpd.client_id, client.mac = %q, want %q", msg, got, want)
		}
	}
}

// client.mac is a MAC only: dhcpd writes the client's identifier where the
// packet had no hardware type, and older dhcpd one digit for a low octet.
func TestDHCPDClientNotMAC(t *testing.T) {
	c := catalogByName(t, "dhcpd")
	for msg, want := range map[string][2]string{
		`DHCPDISCOVER from 0a:0b:0c:0d:0e:0f via eth2`:                            {"0A-0B-0C-0D-0E-0F", ""},
		`DHCPDISCOVER from a:b:c:d:e:f via eth2`:                                  {"0A-0B-0C-0D-0E-0F", ""},
		`DHCPDISCOVER from 01:0a:0b:0c:0d:0e:0f via eth2`:                         {"", "01:0a:0b:0c:0d:0e:0f"},
		`DHCPACK on 198.51.100.7 to 80:00:02:08:fe:80:00:00:00 via eth2`:          {"", "80:00:02:08:fe:80:00:00:00"},
		`BOOTREPLY on 198.51.100.8 to 0a:0b:0c:0d:0e:0f (pxe-4) via 198.51.100.1`: {"0A-0B-0C-0D-0E-0F", ""},
	} {
		e := decodeWith(c, "dhcpd", msg)
		if e == nil {
			t.Errorf("%q: not decoded", msg)
			continue
		}
		got := [2]string{e.Str("client.mac"), e.Str("dhcpd.client")}
		if got != want {
			t.Errorf("%q: client.mac, dhcpd.client = %q, want %q", msg, got, want)
		}
	}
}

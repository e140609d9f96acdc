package unix

import (
	"encoding/binary"
	"encoding/hex"
	"net/netip"
	"strconv"
	"strings"

	"github.com/nomenhq/nomen/normalize/ecs"
	"github.com/nomenhq/nomen/relay/event"
)

// auditSockaddr reads a SOCKADDR record's saddr=, the hex of the struct
// sockaddr a call passed (connect, bind, sendto, accept): family, address,
// port, or a local socket's path, into auditd.data.saddr_*. Whether the
// address is the peer or the local end depends on the call, which is in
// another record of the event: so the address goes to related.ip, never to
// source.* or destination.*.
func auditSockaddr(e *event.Event, saddr string) {
	b, err := hex.DecodeString(saddr)
	if err != nil || len(b) < 2 {
		return
	}
	switch binary.LittleEndian.Uint16(b) { // sa_family, host order (little-endian on x86_64, aarch64)
	case 1: // AF_UNIX
		path := b[2:]
		if i := strings.IndexByte(string(path), 0); i >= 0 {
			path = path[:i]
		}
		if len(path) == 0 {
			return // an abstract socket: a name, not a path
		}
		e.SetStr("auditd.data.saddr_fam", "local")
		e.SetStr("auditd.data.saddr_path", string(path))
	case 2: // AF_INET: port (network order), then the address
		if len(b) < 8 {
			return
		}
		ip := netip.AddrFrom4([4]byte(b[4:8]))
		auditSockaddrIP(e, "inet", ip, binary.BigEndian.Uint16(b[2:4]))
	case 10: // AF_INET6: port, flow info, then the address
		if len(b) < 24 {
			return
		}
		ip := netip.AddrFrom16([16]byte(b[8:24])).Unmap()
		auditSockaddrIP(e, "inet6", ip, binary.BigEndian.Uint16(b[2:4]))
	}
}

func auditSockaddrIP(e *event.Event, fam string, ip netip.Addr, port uint16) {
	e.SetStr("auditd.data.saddr_fam", fam)
	if ip.IsUnspecified() {
		return // 0.0.0.0 or ::: a bind to any address, not a peer
	}
	ecs.SetIP(e, "auditd.data.saddr_addr", ip.String()) // and related.ip
	e.SetStr("auditd.data.saddr_port", strconv.Itoa(int(port)))
}

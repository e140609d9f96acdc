package normalize

import (
	"github.com/nomenhq/nomen/normalize/apps"
	"github.com/nomenhq/nomen/normalize/ecs"
	"github.com/nomenhq/nomen/normalize/gateway"
	"github.com/nomenhq/nomen/normalize/mail"
	"github.com/nomenhq/nomen/normalize/network"
	"github.com/nomenhq/nomen/normalize/unix"
	"github.com/nomenhq/nomen/normalize/web"
	"github.com/nomenhq/nomen/normalize/windows"
)

// builtins lists every built-in decoder. Each vendor family lives in its own
// file and contributes one function here; order only matters between
// decoders that share a program name or prefix (first match wins).
func builtins() []*ecs.Decoder {
	var ds []*ecs.Decoder
	for _, family := range [][]*ecs.Decoder{
		unix.Decoders(),       // unix.go: sshd, sudo, su, PAM, user management, audit
		mail.Decoders(),       // mail.go: postfix, sendmail, Exim, procmail, Exchange
		web.Decoders(),        // web.go: Apache, nginx
		apps.Decoders(),       // apps.go: FTP, dovecot, Courier, Cyrus, ClamAV, OpenVPN, BIND, dhcpd, dhclient, MySQL, PostgreSQL, systemd, logind, polkit, slapd, krb5kdc, kadmind, SSSD, Samba
		network.Decoders(),    // network.go: Cisco ASA/PIX, IOS, iptables, pfSense
		apps.KernelDecoders(), // apps.go: the kernel's OOM, fault and USB lines, after iptables
		windows.Decoders(),    // windows.go: Windows Security events by every road
		gateway.Decoders(),    // gateway.go: FortiGate, PAN-OS, Junos, Check Point, CEF, LEEF, Suricata EVE, JSON in syslog
	} {
		ds = append(ds, family...)
	}
	return ds
}

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
		unix.Decoders(),       // unix.go: sshd, sudo, doas, su, login, PAM, user management, audit
		mail.Decoders(),       // mail.go: postfix, sendmail, Exim, procmail, Exchange
		web.Decoders(),        // web.go: Apache, nginx, squid, HAProxy, IIS
		apps.Decoders(),       // apps.go: one catalog per program under apps/catalogs (FTP, dovecot, dropbear, ClamAV, BIND, MySQL, PostgreSQL, systemd, fail2ban, Samba, ...)
		network.Decoders(),    // network.go: Cisco ASA/PIX/FTD, IOS, iptables, pfSense filterlog and pf
		apps.KernelDecoders(), // apps.go: the kernel's OOM, fault and USB lines, after iptables
		windows.Decoders(),    // windows.go: Windows events (Security, Sysmon, other channels) by every road
		gateway.Decoders(),    // gateway.go: FortiGate, PAN-OS, Junos, ScreenOS, SonicWall, Sophos, Check Point, CEF, LEEF, Suricata EVE, JSON in syslog
	} {
		ds = append(ds, family...)
	}
	return ds
}

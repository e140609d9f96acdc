package parse

import (
	"strings"

	"github.com/nomenhq/nomen/relay/event"
)

// FieldSyslogHostname is log.syslog.hostname when it differs from
// host.name: the HOSTNAME of a syslog-ng hostname chain as sent.
const FieldSyslogHostname = "log.syslog.hostname"

// unchainHost makes Hostname the originating host of a syslog-ng hostname
// chain and keeps the header's value in log.syslog.hostname.
//
// syslog-ng with chain_hostnames(yes) rewrites HOST on every hop
// (log_source_mangle_hostname): a message from a local source becomes
// "<source name>@<host>" ("s_all@web1"), a message from the network
// "<its HOST>/<the sender's address or name>" ("web1/relay1"; without a
// HOST "<sender>/<sender>"), and each further hop appends "/<hop>"
// ("s_src@web1/relay1/10.0.0.9"). The first name of the chain, after the
// "@" of a local source, is where the message was logged. Neither "@" nor
// "/" occurs in a host name or an address, so a HOSTNAME with either is
// read as a chain when every part of it is a name: other shapes ("a//b",
// "@web1", "web1/") are left as sent. An "@" is read as a source's only
// after a name in syslog-ng's convention for sources, "s_" first (s_all,
// s_src, s_local, s_sys: the shipped configurations'): a device that puts
// an "@" in its own name ("Hostn@me2") keeps it, since reading half of
// it as the host would be a wrong field, and a chain from a source named
// otherwise is left as sent (log.syslog.hostname is not set then either).
func unchainHost(e *event.Event) {
	h := e.Hostname
	if strings.IndexByte(h, '/') < 0 && strings.IndexByte(h, '@') < 0 {
		return
	}
	first, hops, _ := strings.Cut(h, "/")
	origin := first
	if group, host, ok := strings.Cut(first, "@"); ok {
		if !strings.HasPrefix(group, "s_") || !isChainName(group) {
			return
		}
		origin = host
	}
	if !isChainName(origin) {
		return
	}
	if len(first) < len(h) { // "/hop" follows: every hop is a name
		for hop := range strings.SplitSeq(hops, "/") {
			if !isChainName(hop) {
				return
			}
		}
	}
	e.SetStr(FieldSyslogHostname, h)
	e.Hostname = origin
}

// isChainName reports whether s can be one name of a chain: a host name,
// an address or a syslog-ng source name, without the chain's separators.
func isChainName(s string) bool {
	return isHostname(s) && strings.IndexByte(s, '@') < 0 && strings.IndexByte(s, '/') < 0
}

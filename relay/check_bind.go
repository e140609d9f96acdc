package relay

import (
	"errors"
	"net"
	"syscall"

	"github.com/nomenhq/nomen/relay/agent"
	"github.com/nomenhq/nomen/relay/listen"
)

// checkBinds tries what `run` does first: bind every listener's address
// (and [metrics] listen), closing each at once. A port another process
// holds is only a warning: check cannot tell that process from the
// running nomen it is checking a new configuration for (before a reload,
// nomen holds its own ports). An address this host does not have is an
// error. Unix sockets: the directory must let acct create the socket, and
// a socket that answers is in use (warning, as for ports).
func (c *Config) checkBinds(data []byte, acct account, p *problems) {
	for _, it := range c.items(data) {
		network, addr := "", ""
		switch v := it.v.(type) {
		case *listen.Config:
			network, addr = v.Protocol, v.Address
		case *agent.Config:
			network, addr = "tcp", v.Address
		case *MetricsConfig:
			network, addr = "tcp", v.Listen
		}
		if addr == "" || p.mentions(addr) {
			continue // validation said it already
		}
		switch network {
		case "unix":
			checkSocket(it, addr, acct, p)
		case "udp":
			if pc, err := net.ListenPacket("udp", addr); err != nil {
				bindProblem(it, "udp", addr, err, p)
			} else {
				pc.Close()
			}
		default: // tcp, tls, agent, metrics
			if l, err := net.Listen("tcp", addr); err != nil {
				bindProblem(it, "tcp", addr, err, p)
			} else {
				l.Close()
			}
		}
	}
}

func bindProblem(it configItem, network, addr string, err error, p *problems) {
	switch {
	case errors.Is(err, syscall.EADDRINUSE):
		p.warnf(it.line, "%s: address %s (%s) is in use: by another process, or by the nomen running now (then a reload keeps it)", it.label, addr, network)
	case errors.Is(err, syscall.EACCES):
		// A port below 1024: the service may have the capability check lacks.
		p.warnf(it.line, "%s: address %s (%s): the user running check may not bind it (%v)", it.label, addr, network, err)
	default:
		p.errorf(it.line, "%s: address %s (%s): cannot bind: %v", it.label, addr, network, err)
	}
}

func checkSocket(it configItem, path string, acct account, p *problems) {
	if path == "" || path[0] == '@' {
		return // abstract socket: no file
	}
	state, err := listen.ProbeSocket(path)
	switch {
	case err != nil:
		p.warnf(it.line, "%s: %v (run will not remove it)", it.label, err)
	case state == listen.SocketNotSocket:
		p.errorf(it.line, "%s: socket %s: %s is in the way (run removes only a stale socket)", it.label, path, listen.DescribePath(path))
	case state == listen.SocketLive:
		p.warnf(it.line, "%s: socket %s is in use: by another process (run will not start), or by the nomen running now (then a reload keeps it)", it.label, path)
	case state == listen.SocketAbsent:
		if err := acct.canWrite(path, false); err != nil {
			p.errorf(it.line, "%s: socket %s: %v", it.label, path, err)
		}
	} // a stale socket: run removes it
}

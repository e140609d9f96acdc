package relay

import (
	"context"
	"fmt"
	"net"
	"net/url"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/nomenhq/nomen/forward/http"
	"github.com/nomenhq/nomen/forward/nats"
	"github.com/nomenhq/nomen/forward/postgres"
	"github.com/nomenhq/nomen/forward/syslog"
)

// checkOnline reports the outputs that cannot be reached within timeout:
// a TCP connection to syslog (tcp, tls), http and nats destinations, a
// PostgreSQL connection and `SELECT 1`. Nothing is written, created or
// sent there; credentials and streams are found out by the running relay
// (as configuration errors, see /readyz).
func (c *Config) checkOnline(data []byte, timeout time.Duration, p *problems) {
	for _, o := range c.Outputs {
		line := nameLine(data, "output", o.Common.Name)
		ctx, cancel := context.WithTimeout(context.Background(), timeout)
		err := reach(ctx, o)
		cancel()
		if err != nil {
			p.errorf(line, "output %q: not reachable: %v", o.Common.Name, err)
		}
	}
}

func reach(ctx context.Context, o OutputConfig) error {
	switch s := o.Sink.(type) {
	case *syslog.Config:
		if s.Transport == "udp" {
			return nil // nothing answers a datagram
		}
		return dial(ctx, s.Address)
	case *http.Config:
		return dialURL(ctx, s.URL, map[string]string{"http": "80", "https": "443"})
	case *nats.Config:
		return dialURL(ctx, s.URL, map[string]string{"nats": "4222", "tls": "4222"})
	case *postgres.Config:
		conn, err := pgx.Connect(ctx, s.DSN)
		if err != nil {
			return err
		}
		defer conn.Close(context.Background())
		_, err = conn.Exec(ctx, "SELECT 1")
		return err
	}
	return nil
}

func dial(ctx context.Context, addr string) error {
	var d net.Dialer
	c, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		return err
	}
	return c.Close()
}

// dialURL dials the host of raw (the first, for a list of NATS servers).
func dialURL(ctx context.Context, raw string, ports map[string]string) error {
	u, err := url.Parse(firstURL(raw))
	if err != nil {
		return err
	}
	host, port := u.Hostname(), u.Port()
	if port == "" {
		port = ports[u.Scheme]
	}
	if host == "" || port == "" {
		return fmt.Errorf("cannot tell host and port of %q", raw)
	}
	return dial(ctx, net.JoinHostPort(host, port))
}

func firstURL(s string) string {
	for i, c := range s {
		if c == ',' {
			return s[:i]
		}
	}
	return s
}

package relay

import (
	"strings"
	"testing"

	"github.com/nomenhq/nomen/internal/testpeer"
)

const metricsTestConfig = `
state_dir = "./var/state"

[[listener]]
name = "udp"
protocol = "udp"
address = "127.0.0.1:15514"

[[output]]
name = "archive"
type = "file"
path = "./var/events.jsonl"
`

func TestMetricsDefaults(t *testing.T) {
	for name, src := range map[string]string{
		"no [metrics]":    metricsTestConfig,
		"empty [metrics]": metricsTestConfig + "\n[metrics]\nlisten = \"127.0.0.1:9514\"\n",
	} {
		cfg, err := ParseConfigData("t.toml", []byte(src))
		if err != nil {
			t.Fatal(err)
		}
		m := cfg.Metrics
		if m.Auth != "token" || m.TokenFile != "var/state/api.token" || m.MetricsAuth || m.TLS != nil || m.MaxSubscribers != 16 || m.SubscriberBuffer != 64 {
			t.Errorf("%s: %+v", name, m)
		}
	}
	pki := testpeer.NewPKI(t)
	cfg, err := ParseConfigData("t.toml", []byte(metricsTestConfig+`
[metrics]
listen = "127.0.0.1:9514"
tls = { cert = "`+pki.ServerCert+`", key = "`+pki.ServerKey+`", client_ca = "`+pki.CA+`" }
`))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Metrics.Auth != "tls" {
		t.Errorf("with tls.client_ca, auth = %q, want tls", cfg.Metrics.Auth)
	}
}

func TestMetricsErrors(t *testing.T) {
	pki := testpeer.NewPKI(t)
	tlsNoCA := `tls = { cert = "` + pki.ServerCert + `", key = "` + pki.ServerKey + `" }`
	for name, c := range map[string]struct{ section, want string }{
		"bad auth":            {`auth = "basic"`, `metrics: auth "basic": want "token", "tls" or "none"`},
		"tls without CA":      {`auth = "tls"` + "\n" + tlsNoCA, `auth = "tls" needs tls`},
		"tls without section": {`auth = "tls"`, `auth = "tls" needs tls`},
		"missing key file":    {`tls = { cert = "` + pki.ServerCert + `", key = "/nonexistent.key" }`, `metrics: tls:`},
		"max_subscribers":     {`max_subscribers = -1`, `metrics.max_subscribers -1`},
		"subscriber_buffer":   {`subscriber_buffer = 100000`, `metrics.subscriber_buffer 100000`},
		"unknown key":         {`auth_mode = "none"`, `unknown key "metrics.auth_mode"`},
		"bad listen":          {`listen = "nowhere"`, `metrics.listen "nowhere"`},
	} {
		section := c.section
		if !strings.Contains(section, "listen =") {
			section = "listen = \"127.0.0.1:9514\"\n" + section
		}
		_, err := ParseConfigData("t.toml", []byte(metricsTestConfig+"\n[metrics]\n"+section+"\n"))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: err %v, want %q", name, err, c.want)
		}
	}
}

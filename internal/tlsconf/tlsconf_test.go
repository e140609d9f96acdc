package tlsconf_test

import (
	"crypto/tls"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nomenhq/nomen/internal/testpeer"
	"github.com/nomenhq/nomen/internal/tlsconf"
)

// TestMutualHandshake builds both sides from the same files and completes
// a mutual TLS 1.3 handshake over a real socket.
func TestMutualHandshake(t *testing.T) {
	p := testpeer.NewPKI(t)
	srv, err := tlsconf.Server{Cert: p.ServerCert, Key: p.ServerKey, ClientCA: p.CA, Floor: tls.VersionTLS13}.Build()
	if err != nil {
		t.Fatal(err)
	}
	cli, err := tlsconf.Client{CA: p.CA, Cert: p.ClientCert, Key: p.ClientKey}.Build("localhost")
	if err != nil {
		t.Fatal(err)
	}
	ln, err := tls.Listen("tcp", "127.0.0.1:0", srv)
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	done := make(chan string, 1)
	go func() {
		c, err := ln.Accept()
		if err != nil {
			done <- err.Error()
			return
		}
		defer c.Close()
		tc := c.(*tls.Conn)
		if err := tc.Handshake(); err != nil {
			done <- err.Error()
			return
		}
		st := tc.ConnectionState()
		io.WriteString(c, "x")
		done <- st.PeerCertificates[0].Subject.CommonName
	}()
	c, err := tls.Dial("tcp", ln.Addr().String(), cli)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if v := c.ConnectionState().Version; v != tls.VersionTLS13 {
		t.Errorf("version %x, want TLS 1.3", v)
	}
	if cn := <-done; cn != "nomen-test-client" {
		t.Errorf("server saw %q", cn)
	}
}

func TestErrors(t *testing.T) {
	p := testpeer.NewPKI(t)
	cases := map[string]error{}
	_, cases["no key"] = tlsconf.Server{Cert: p.ServerCert}.Build()
	_, cases["optional without CA"] = tlsconf.Server{Cert: p.ServerCert, Key: p.ServerKey, ClientAuth: "optional"}.Build()
	_, cases["bad min_version"] = tlsconf.Server{Cert: p.ServerCert, Key: p.ServerKey, MinVersion: "1.1"}.Build()
	_, cases["1.2 under a 1.3 floor"] = tlsconf.Server{Cert: p.ServerCert, Key: p.ServerKey, MinVersion: "1.2", Floor: tls.VersionTLS13}.Build()
	_, cases["CA is not PEM"] = tlsconf.Client{CA: p.ServerKey + ".missing"}.Build("x")
	_, cases["cert without key"] = tlsconf.Client{Cert: p.ClientCert}.Build("x")
	for name, err := range cases {
		if err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

// TestKeyPairErrorsNameTheFile: a key or certificate that is missing, not
// PEM or not of the pair is reported with the setting and the file at
// fault, so that the operator knows which one to fix (crypto/tls alone
// says "failed to find any PEM data in key input", naming no file).
func TestKeyPairErrorsNameTheFile(t *testing.T) {
	p := testpeer.NewPKI(t)
	garbage := filepath.Join(t.TempDir(), "garbage.key")
	if err := os.WriteFile(garbage, []byte("not a key\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	missing := filepath.Join(t.TempDir(), "missing.crt")
	cases := []struct {
		name      string
		cert, key string
		want      []string
	}{
		{"key not PEM", p.ServerCert, garbage, []string{"key " + garbage, "PEM"}},
		{"key of another certificate", p.ServerCert, p.ClientKey, []string{"cert " + p.ServerCert, "key " + p.ClientKey, "does not match"}},
		{"cert missing", missing, p.ServerKey, []string{"tls: cert: ", missing}},
		{"key missing", p.ServerCert, missing, []string{"tls: key: ", missing}},
	}
	for _, c := range cases {
		_, srvErr := tlsconf.Server{Cert: c.cert, Key: c.key}.Build()
		_, cliErr := tlsconf.Client{Cert: c.cert, Key: c.key}.Build("x")
		for side, err := range map[string]error{"server": srvErr, "client": cliErr} {
			if err == nil {
				t.Errorf("%s (%s): accepted", c.name, side)
				continue
			}
			for _, w := range c.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("%s (%s): %q does not say %q", c.name, side, err, w)
				}
			}
			if strings.Contains(err.Error(), "tls: tls:") {
				t.Errorf("%s (%s): %q repeats its prefix", c.name, side, err)
			}
		}
	}
}

package tlsconf_test

import (
	"crypto/tls"
	"io"
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

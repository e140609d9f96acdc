package kafka

import (
	"context"
	"crypto/tls"
	"strings"
	"testing"

	"github.com/nomenhq/nomen/forward"
	"github.com/nomenhq/nomen/forward/sinktest"
	"github.com/nomenhq/nomen/internal/testpeer"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/sasl/plain"
)

// TestKafkaSASL: each mechanism against kfake's SASL (the broker checks
// PLAIN passwords and runs the SCRAM exchange); a wrong password fails
// Open with a retryable error (the events wait until it is fixed).
func TestKafkaSASL(t *testing.T) {
	for _, mech := range []string{mechPlain, mechSHA256, mechSHA512} {
		t.Run(mech, func(t *testing.T) {
			c := newCluster(t, kfake.NumBrokers(1), kfake.SeedTopics(1, "events"), kfake.EnableSASL(),
				kfake.Superuser(mech, "nomen", "s3cret"), kfake.Superuser(mechPlain, "reader", "r"))
			cfg := Config{Brokers: c.ListenAddrs(), Topic: "events",
				SASL: SASLConfig{Mechanism: strings.ToLower(mech), Username: "nomen", Password: "s3cret"}}
			s := openKafka(t, cfg, "j")
			sinktest.MustWrite(t, s, sinktest.SampleEvents(t, 1, 5))
			r := newReader(t, c, []string{"events"}, kgo.SASL(plain.Auth{User: "reader", Pass: "r"}.AsMechanism()))
			exactlyOnce(t, r.readN(t, 5), 5)

			cfg.SASL.Password = "wrong"
			bad, err := New(cfg, forward.Runtime{})
			if err != nil {
				t.Fatal(err)
			}
			err = bad.Open(context.Background())
			bad.Close()
			t.Logf("wrong password: %v", err)
			if err == nil || forward.IsPermanent(err) {
				t.Fatalf("open with a wrong password: %v, want a retryable error", err)
			}
		})
	}
}

// TestKafkaTLS: mutual TLS against a kfake cluster that requires a client
// certificate signed by the test CA; without one the handshake fails.
func TestKafkaTLS(t *testing.T) {
	pki := testpeer.NewPKI(t)
	server := pki.ServerConfig(t)
	server.ClientAuth = tls.RequireAndVerifyClientCert
	c := newCluster(t, kfake.NumBrokers(1), kfake.SeedTopics(1, "events"), kfake.TLS(server))
	cfg := Config{Brokers: c.ListenAddrs(), Topic: "events",
		TLS: &forward.TLSConfig{CA: pki.CA, Cert: pki.ClientCert, Key: pki.ClientKey}}
	s := openKafka(t, cfg, "j")
	sinktest.MustWrite(t, s, sinktest.SampleEvents(t, 1, 5))
	cert, err := tls.LoadX509KeyPair(pki.ClientCert, pki.ClientKey)
	if err != nil {
		t.Fatal(err)
	}
	r := newReader(t, c, []string{"events"},
		kgo.DialTLSConfig(&tls.Config{RootCAs: pki.Pool, Certificates: []tls.Certificate{cert}}))
	exactlyOnce(t, r.readN(t, 5), 5)

	cfg.TLS = &forward.TLSConfig{CA: pki.CA} // no client certificate
	bad, err := New(cfg, forward.Runtime{})
	if err != nil {
		t.Fatal(err)
	}
	err = bad.Open(context.Background())
	bad.Close()
	t.Logf("no client certificate: %v", err)
	if err == nil || forward.IsPermanent(err) {
		t.Fatalf("open without a client certificate: %v, want a retryable error", err)
	}
}

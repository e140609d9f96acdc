package main

import (
	"crypto/tls"
	"crypto/x509"
	"io"
	"net"
	"os"
	"testing"
	"time"

	"github.com/nomenhq/nomen/relay/agent/agenttest"
	"github.com/nomenhq/nomen/relay/wire"
)

// discardConn stands in for the relay's socket: it takes every write.
type discardConn struct{ net.Conn }

func (discardConn) Write(p []byte) (int, error)      { return len(p), nil }
func (discardConn) SetWriteDeadline(time.Time) error { return nil }

// BenchmarkSendRecord measures the agent's send path per record: a
// record added to its channel's batch and, every -batch-events records,
// the batch framed, lz4-compressed and written, then acknowledged. With
// "plain" the socket takes the bytes as they come; with "tls" they go
// through mutual TLS 1.3 over loopback to a reader that drops them. The
// records are about 1 KiB of Windows event XML; allocs/op is per record.
// "rendered" gives each record as a fresh allocation, as the Windows
// source does (it renders every event into a new string): the garbage
// collector's share of sending (try GOGC=25 against GOGC=100).
func BenchmarkSendRecord(b *testing.B) {
	b.Run("plain", func(b *testing.B) { benchSend(b, discardConn{}, false) })
	b.Run("tls", func(b *testing.B) { benchSend(b, tlsToDiscard(b), false) })
	b.Run("rendered", func(b *testing.B) { benchSend(b, discardConn{}, true) })
}

func benchSend(b *testing.B, conn net.Conn, rendered bool) {
	recs := make([][]byte, 1000)
	for i := range recs {
		recs[i] = agenttest.Record1K(uint64(i + 1))
	}
	a := newAgent(Options{}, &agentState{})
	s := &sess{agent: a, conn: conn}
	s.limits(wire.Welcome{KeepaliveMillis: 10_000, Limits: wire.Limits{MaxFrame: 16 << 20, MaxBatchRecords: 100_000,
		MaxBatchBytes: 16 << 20, MaxRecord: 1 << 20, MaxRatio: 255}})
	b.SetBytes(int64(len(recs[0])))
	b.ReportAllocs()
	seq := uint64(0)
	for b.Loop() {
		seq++
		data := recs[seq%uint64(len(recs))]
		if rendered {
			data = []byte(string(data))
		}
		if err := s.add(Item{Channel: "Security", Epoch: 1, Seq: seq, Data: data}); err != nil {
			b.Fatal(err)
		}
		if n := len(s.inflight); n > 0 {
			s.onAck(wire.Ack{Channel: "Security", Epoch: 1, Seq: s.inflight[n-1].last})
		}
	}
}

// tlsToDiscard returns the client end of a mutual TLS 1.3 connection
// whose server reads and drops everything.
func tlsToDiscard(b *testing.B) net.Conn {
	dir := b.TempDir()
	pki := agenttest.NewPKI(b, dir, "bench")
	scert, skey := pki.Server(b, "relay")
	ccert, ckey := pki.Client(b, "bench01")
	pair, err := tls.LoadX509KeyPair(scert, skey)
	if err != nil {
		b.Fatal(err)
	}
	caPEM, _ := os.ReadFile(pki.CAFile)
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(caPEM)
	ln, err := tls.Listen("tcp", "127.0.0.1:0", &tls.Config{Certificates: []tls.Certificate{pair}, ClientCAs: pool,
		ClientAuth: tls.RequireAndVerifyClientCert, MinVersion: tls.VersionTLS13})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { ln.Close() })
	go func() {
		c, err := ln.Accept()
		if err == nil {
			io.Copy(io.Discard, c)
			c.Close()
		}
	}()
	cfg, _, err := clientTLS(ccert, ckey, pki.CAFile, "", ln.Addr().String())
	if err != nil {
		b.Fatal(err)
	}
	conn, err := tls.Dial("tcp", ln.Addr().String(), cfg)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { conn.Close() })
	return conn
}

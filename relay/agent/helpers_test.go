package agent

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"log/slog"
	"net"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/nomenhq/nomen/internal/config"
	"github.com/nomenhq/nomen/internal/syncbuf"
	"github.com/nomenhq/nomen/relay/agent/agenttest"
	"github.com/nomenhq/nomen/relay/wire"
	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
)

// fixture is a running agent listener with a recording Deliver.
type fixture struct {
	t    testing.TB
	pki  *agenttest.PKI
	cfg  Config
	srv  *Server
	addr string
	rec  *agenttest.Recorder
	reg  *prometheus.Registry
	m    *Metrics     // one set for every server the fixture starts
	log  *slog.Logger // the next start's server logs here (nil: discarded)
}

func newFixture(t testing.TB, mod func(*Config)) *fixture {
	t.Helper()
	dir := t.TempDir()
	pki := agenttest.NewPKI(t, dir, "agents")
	cert, key := pki.Server(t, "relay")
	cfg := Config{
		Name:     "agents",
		Protocol: "agent",
		TLS:      &TLSConfig{Cert: cert, Key: key, ClientCA: pki.CAFile},
		StateDir: dir,
	}
	if mod != nil {
		mod(&cfg)
	}
	f := &fixture{t: t, pki: pki, cfg: cfg, rec: agenttest.NewRecorder(), reg: prometheus.NewRegistry()}
	f.m = NewMetrics(f.reg)
	f.start()
	return f
}

// start starts (or restarts) the server on a new port.
func (f *fixture) start() {
	f.t.Helper()
	srv, err := NewServer(f.cfg, f.rec.Deliver, f.log, nil, WithMetrics(f.m))
	if err != nil {
		f.t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		f.t.Fatal(err)
	}
	f.srv, f.addr = srv, ln.Addr().String()
	go srv.Serve(ln)
	f.t.Cleanup(func() { f.stop() })
}

// startLogging restarts the server logging into the buffer it returns
// (the panic tests read the logged stacks).
func (f *fixture) startLogging() *syncbuf.Buffer {
	logged := new(syncbuf.Buffer)
	f.log = slog.New(slog.NewTextHandler(logged, nil))
	f.start()
	return logged
}

func (f *fixture) stop() {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	f.srv.Shutdown(ctx)
}

// metric returns the value of a counter or gauge (summed over its series).
func (f *fixture) metric(c prometheus.Collector) float64 {
	ch := make(chan prometheus.Metric, 16)
	go func() {
		c.Collect(ch)
		close(ch)
	}()
	sum := 0.0
	for m := range ch {
		var d dto.Metric
		if err := m.Write(&d); err != nil {
			f.t.Fatal(err)
		}
		sum += d.GetCounter().GetValue() + d.GetGauge().GetValue()
	}
	return sum
}

func (f *fixture) protocolErrors(reason string) float64 {
	return f.metric(f.srv.m.ProtocolErrors.WithLabelValues(reason))
}

// client is a scripted agent speaking the wire protocol frame by frame.
type client struct {
	t    testing.TB
	conn net.Conn
	r    *wire.Reader
}

// dial connects with a client certificate for cn issued by pki.
func (f *fixture) dial(pki *agenttest.PKI, cn string) *client {
	f.t.Helper()
	cert, key := pki.Client(f.t, cn)
	c, err := dialTLS(f.addr, f.pki.CAFile, cert, key)
	if err != nil {
		f.t.Fatal(err)
	}
	return newClient(f.t, c)
}

func dialTLS(addr, caFile, certFile, keyFile string) (net.Conn, error) {
	cert, err := tls.LoadX509KeyPair(certFile, keyFile)
	if err != nil {
		return nil, err
	}
	pem, err := os.ReadFile(caFile)
	if err != nil {
		return nil, err
	}
	roots := x509.NewCertPool()
	roots.AppendCertsFromPEM(pem)
	d := &net.Dialer{Timeout: 5 * time.Second}
	return tls.DialWithDialer(d, "tcp", addr, &tls.Config{
		Certificates: []tls.Certificate{cert},
		RootCAs:      roots,
		ServerName:   "127.0.0.1",
		MinVersion:   tls.VersionTLS13,
	})
}

func newClient(t testing.TB, c net.Conn) *client {
	cl := &client{t: t, conn: c, r: wire.NewReader(c, 64<<20)}
	t.Cleanup(func() { c.Close() })
	return cl
}

func (c *client) send(frame []byte) error {
	c.conn.SetWriteDeadline(time.Now().Add(5 * time.Second))
	_, err := c.conn.Write(frame)
	return err
}

func (c *client) mustSend(frame []byte) {
	c.t.Helper()
	if err := c.send(frame); err != nil {
		c.t.Fatalf("send: %v", err)
	}
}

func (c *client) next() (wire.Frame, error) {
	c.conn.SetReadDeadline(time.Now().Add(10 * time.Second))
	return c.r.Read()
}

// hello sends HELLO and returns the WELCOME.
func (c *client) hello(id string, streams ...wire.StreamPos) wire.Welcome {
	c.t.Helper()
	c.mustSend((&wire.Hello{AgentID: id, Host: "WS01", OS: "windows 10.0.20348", AgentVersion: "test", Streams: streams}).AppendFrame(nil))
	fr, err := c.next()
	if err != nil {
		c.t.Fatalf("waiting for WELCOME: %v", err)
	}
	if fr.Type != wire.TypeWelcome {
		c.t.Fatalf("got %v (%s), want WELCOME", fr.Type, describe(fr))
	}
	var w wire.Welcome
	if err := w.Decode(fr.Body); err != nil {
		c.t.Fatal(err)
	}
	return w
}

// waitAck reads until an ACK of the stream at or above seq; it fails on
// any ERROR.
func (c *client) waitAck(channel string, epoch, seq uint64) wire.Ack {
	c.t.Helper()
	a, err := c.readAck(channel, epoch, seq)
	if err != nil {
		c.t.Fatal(err)
	}
	return a
}

// readAck is waitAck for goroutines other than the test's.
func (c *client) readAck(channel string, epoch, seq uint64) (wire.Ack, error) {
	for {
		fr, err := c.next()
		if err != nil {
			return wire.Ack{}, fmt.Errorf("waiting for ACK %d: %w", seq, err)
		}
		switch fr.Type {
		case wire.TypeAck:
			var a wire.Ack
			if err := a.Decode(fr.Body); err != nil {
				return a, err
			}
			if a.Channel == channel && a.Epoch == epoch && a.Seq >= seq {
				return a, nil
			}
		case wire.TypePing:
			var p wire.Ping
			p.Decode(fr.Body)
			if err := c.send(p.AppendFrame(nil, true)); err != nil {
				return wire.Ack{}, err
			}
		default:
			return wire.Ack{}, fmt.Errorf("waiting for ACK %d: got %v (%s)", seq, fr.Type, describe(fr))
		}
	}
}

// expectError reads until an ERROR frame, checks its code and that the
// relay then closes the connection.
func (c *client) expectError(code wire.Code) string {
	c.t.Helper()
	for {
		fr, err := c.next()
		if err != nil {
			c.t.Fatalf("waiting for ERROR %v: %v", code, err)
		}
		if fr.Type != wire.TypeError {
			continue
		}
		var e wire.ErrorFrame
		if err := e.Decode(fr.Body); err != nil {
			c.t.Fatal(err)
		}
		if e.Code != code {
			c.t.Fatalf("got ERROR %v %q, want %v", e.Code, e.Msg, code)
		}
		if _, err := c.next(); err == nil {
			c.t.Fatalf("connection still open after ERROR %v", code)
		}
		return e.Msg
	}
}

func describe(fr wire.Frame) string {
	switch fr.Type {
	case wire.TypeError:
		var e wire.ErrorFrame
		e.Decode(fr.Body)
		return fmt.Sprintf("%v: %s", e.Code, e.Msg)
	case wire.TypeAck:
		var a wire.Ack
		a.Decode(fr.Body)
		return fmt.Sprintf("%s/%d@%d", a.Channel, a.Epoch, a.Seq)
	}
	return fmt.Sprintf("%d bytes", len(fr.Body))
}

// record renders a realistic Security record with the given id.
func record(id uint64) []byte {
	return fmt.Appendf(nil, "<Event xmlns='http://schemas.microsoft.com/win/2004/08/events/event'><System>"+
		"<Provider Name='Microsoft-Windows-Security-Auditing' Guid='{54849625-5478-4994-a5ba-3e3b0328c30d}'/>"+
		"<EventID>4624</EventID><Version>2</Version><Level>0</Level><Task>12544</Task><Opcode>0</Opcode>"+
		"<Keywords>0x8020000000000000</Keywords><TimeCreated SystemTime='2026-11-22T10:15:%02d.1234567Z'/>"+
		"<EventRecordID>%d</EventRecordID><Correlation/><Execution ProcessID='640' ThreadID='712'/>"+
		"<Channel>Security</Channel><Computer>WS01.corp.example</Computer><Security/></System>"+
		"<EventData><Data Name='TargetUserName'>alice</Data><Data Name='LogonType'>3</Data>"+
		"<Data Name='IpAddress'>10.1.2.%d</Data></EventData>"+
		"<RenderingInfo Culture='en-US'><Message>An account was successfully logged on. #%d</Message></RenderingInfo></Event>",
		id%60, id, id%250, id)
}

// batch builds a BATCH of records first..last of Security, epoch.
func batch(epoch, first, last uint64) []byte {
	var b wire.BatchBuilder
	b.Reset("Security", epoch)
	for i := first; i <= last; i++ {
		b.Add(i, record(i))
	}
	return b.AppendFrame(nil, DefaultMaxRatio)
}

// goodAgent is a well-behaved agent that keeps delivering in the
// background while a test misbehaves next to it; stop returns how many
// records were acknowledged.
type goodAgent struct {
	stop func() uint64
}

func (f *fixture) startGoodAgent(cn string) *goodAgent {
	c := f.dial(f.pki, cn)
	c.hello(cn, wire.StreamPos{Channel: "Security", Epoch: 1})
	var mu sync.Mutex
	acked := uint64(0)
	quit := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		for next := uint64(1); ; next += 10 {
			select {
			case <-quit:
				return
			default:
			}
			if err := c.send(batch(1, next, next+9)); err != nil {
				f.t.Errorf("good agent: send: %v", err)
				return
			}
			a, err := c.readAck("Security", 1, next+9)
			if err != nil {
				f.t.Errorf("good agent: %v", err)
				return
			}
			mu.Lock()
			acked = a.Seq
			mu.Unlock()
			time.Sleep(5 * time.Millisecond)
		}
	}()
	return &goodAgent{stop: func() uint64 {
		close(quit)
		<-done
		mu.Lock()
		defer mu.Unlock()
		return acked
	}}
}

func durationCfg(d time.Duration) config.Duration { return config.Duration(d) }

// wantSentAgain: the agent's next session resumes before the batch a
// panic or a failed delivery interrupted (nothing was acknowledged),
// sends it again, and all of it is delivered.
func wantSentAgain(t *testing.T, f *fixture) {
	t.Helper()
	c := f.dial(f.pki, "ws01")
	w := c.hello("ws01", wire.StreamPos{Channel: "Security", Epoch: 1})
	if w.Streams[0].Seq != 0 {
		t.Fatalf("resume %d after the panic, want 0", w.Streams[0].Seq)
	}
	c.mustSend(batch(1, 1, 5))
	c.waitAck("Security", 1, 5)
	if f.rec.Count() != 5 {
		t.Fatalf("%d events delivered, want the 5 sent again", f.rec.Count())
	}
}

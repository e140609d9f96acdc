package syslog

import (
	"bufio"
	"crypto/tls"
	"io"
	"net"
	"strconv"
	"sync"
	"testing"

	"github.com/nomenhq/nomen/forward"
	"github.com/nomenhq/nomen/forward/sinktest"
	"github.com/nomenhq/nomen/internal/config"
	"github.com/nomenhq/nomen/internal/testpeer"
	"github.com/nomenhq/nomen/relay/event"
)

// TestConformance runs the shared sink checks against real TCP, TLS and
// UDP receivers. The payload is the original message (format raw), so
// what arrives can be compared with the event itself; the other formats
// have golden files. Syslog has no way to reject a record.
func TestConformance(t *testing.T) {
	want := func(e *event.Event) string { return e.Original }
	for _, transport := range []string{"tcp", "tls", "udp"} {
		t.Run(transport, func(t *testing.T) {
			suite := sinktest.Suite{
				Want: want,
				Receiver: func(t *testing.T) sinktest.Receiver {
					cfg, l := listen(t, transport)
					got := &records{}
					if transport == "udp" {
						go got.readDatagrams(l.(net.PacketConn))
					} else {
						go got.acceptStreams(l.(net.Listener), nil)
					}
					return sinktest.Receiver{
						NewSink: func() (forward.Sink, error) { return New(cfg, forward.Runtime{}) },
						Got:     got.list,
					}
				},
			}
			if transport != "udp" { // a datagram to a closed port may go unnoticed
				suite.Unreachable = func(t *testing.T) forward.Sink {
					cfg, l := listen(t, transport)
					l.Close() // nothing listens there any more
					return mustNew(t, cfg)
				}
				suite.Stalled = func(t *testing.T) (forward.Sink, <-chan struct{}) {
					cfg, l := listen(t, transport)
					accepted := make(chan struct{})
					go (&records{}).acceptStreams(l.(net.Listener), accepted)
					cfg.Format = "json" // large messages fill the socket buffers sooner
					cfg.WriteTimeout = config.Duration(waitForever)
					return mustNew(t, cfg), accepted
				}
			}
			sinktest.Run(t, suite)
		})
	}
}

// waitForever is a write timeout beyond the suite's patience: only the
// cancelled context can end a stalled write.
const waitForever = 1 << 62

func mustNew(t *testing.T, cfg Config) forward.Sink {
	s, err := New(cfg, forward.Runtime{})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// listen starts a receiver's socket for transport and returns the sink
// config that reaches it (octet-counted framing, raw payload).
func listen(t *testing.T, transport string) (Config, io.Closer) {
	cfg := Config{Transport: transport, Framing: "octet", Format: "raw"}
	var l io.Closer
	var err error
	switch transport {
	case "udp":
		var pc net.PacketConn
		pc, err = net.ListenPacket("udp", "127.0.0.1:0")
		if err == nil {
			cfg.Address, l = pc.LocalAddr().String(), pc
		}
	case "tls":
		pki := testpeer.NewPKI(t)
		var ln net.Listener
		ln, err = tls.Listen("tcp", "127.0.0.1:0", pki.ServerConfig(t))
		if err == nil {
			cfg.Address, l = ln.Addr().String(), ln
			cfg.TLS = forward.TLSConfig{CA: pki.CA}
		}
	default:
		var ln net.Listener
		ln, err = net.Listen("tcp", "127.0.0.1:0")
		if err == nil {
			cfg.Address, l = ln.Addr().String(), ln
		}
	}
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	return cfg, l
}

// records are the messages a receiver got, in order.
type records struct {
	mu   sync.Mutex
	msgs []string
	err  error
}

func (r *records) add(msg string, err error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if err != nil {
		r.err = err
		return
	}
	r.msgs = append(r.msgs, msg)
}

func (r *records) list() ([]string, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.msgs...), r.err
}

// acceptStreams reads RFC 6587 octet-counted frames ("LEN SP MSG") from
// each connection in turn. With stalled set it closes the channel on the
// first connection and never reads.
func (r *records) acceptStreams(l net.Listener, stalled chan struct{}) {
	for {
		c, err := l.Accept()
		if err != nil {
			return
		}
		if stalled != nil {
			if tc, ok := c.(*tls.Conn); ok {
				tc.Handshake()
			}
			close(stalled)
			stalled = nil
			continue // never read: the sender's writes fill the buffers and block
		}
		br := bufio.NewReader(c)
		for {
			n, err := br.ReadString(' ')
			if err == io.EOF && n == "" {
				break // the sender closed the connection between frames
			}
			if err == nil {
				var size int
				size, err = strconv.Atoi(n[:len(n)-1])
				n = strconv.Itoa(size)
			}
			if err != nil {
				r.add("", err)
				break
			}
			size, _ := strconv.Atoi(n)
			msg := make([]byte, size)
			if _, err := io.ReadFull(br, msg); err != nil {
				r.add("", err)
				break
			}
			r.add(string(msg), nil)
		}
		c.Close()
	}
}

// readDatagrams takes each datagram as one message (RFC 5426).
func (r *records) readDatagrams(pc net.PacketConn) {
	buf := make([]byte, 64<<10)
	for {
		n, _, err := pc.ReadFrom(buf)
		if err != nil {
			return
		}
		r.add(string(buf[:n]), nil)
	}
}

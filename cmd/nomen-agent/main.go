// Command nomen-agent sends Windows event logs to a nomen relay over the
// native agent protocol (mutual TLS 1.3, lz4 batches, acknowledged and
// resumable; see relay/wire/README.md).
//
//	nomen-agent run       [flags]          read event log channels (Windows; as a service or in a console)
//	nomen-agent install   [flags]          install the Windows service with these flags
//	nomen-agent uninstall                  remove the Windows service
//	nomen-agent replay    [flags] FILE...  send events from Windows event XML / NXLog / evtx_dump JSON files (any OS)
//	nomen-agent version
//
// The agent id is its client certificate's subject Common Name.
package main

import (
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"runtime"
	"runtime/debug"
	"strings"
	"time"

	"github.com/nomenhq/nomen/internal/tlsconf"
)

// version is set at build time (-ldflags "-X main.version=...").
var version = ""

func main() {
	tuneRuntime = true
	os.Exit(dispatch(os.Args[1:], os.Stdout, os.Stderr))
}

func dispatch(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		usage(stderr)
		return 2
	}
	cmd, args := args[0], args[1:]
	switch cmd {
	case "replay":
		return replayCmd(args, stderr)
	case "run":
		return runCmd(args, stderr)
	case "install":
		return installCmd(args, stderr)
	case "uninstall":
		return uninstallCmd(args, stderr)
	case "version":
		fmt.Fprintln(stdout, "nomen-agent", agentVersion())
		return 0
	case "help", "-h", "--help":
		usage(stdout)
		return 0
	}
	fmt.Fprintf(stderr, "nomen-agent: unknown command %q\n", cmd)
	usage(stderr)
	return 2
}

func usage(w io.Writer) {
	fmt.Fprint(w, `usage:
  nomen-agent run       -relay HOST:PORT -cert C -key K -ca CA [-channels Security,System,...] [flags]
                        read Windows event log channels and send them (Windows only)
  nomen-agent install   (the flags of run)   install and start the Windows service "nomen-agent"
  nomen-agent uninstall                      stop and remove the Windows service
  nomen-agent replay    -relay HOST:PORT -cert C -key K -ca CA [flags] FILE...
                        send the events of Windows event XML, NXLog JSON or evtx_dump JSON files (any OS)
  nomen-agent version

The agent id is the client certificate's subject CN. Run "nomen-agent run -h" or "replay -h" for flags.
`)
}

func agentVersion() string {
	if version != "" {
		return version
	}
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, s := range bi.Settings {
			if s.Key == "vcs.revision" && len(s.Value) >= 12 {
				return "dev-" + s.Value[:12]
			}
		}
	}
	return "dev"
}

// connFlags are the flags every sending command has.
type connFlags struct {
	relay, cert, key, ca, serverName string
	plaintext                        bool
	state                            string
	batchEvents, batchBytes          int
	batchDelay                       time.Duration
	memoryLimitMiB                   int
	verbose                          bool
}

func (c *connFlags) register(fs *flag.FlagSet, defaultState string) {
	fs.StringVar(&c.relay, "relay", "", "relay `HOST:PORT` (its agent listener)")
	fs.StringVar(&c.cert, "cert", "", "client certificate `FILE` (PEM); its subject CN is the agent id")
	fs.StringVar(&c.key, "key", "", "client key `FILE` (PEM)")
	fs.StringVar(&c.ca, "ca", "", "`FILE` with the CA certificate(s) that signed the relay's certificate")
	fs.StringVar(&c.serverName, "server-name", "", "name to verify in the relay's certificate (default: the host of -relay)")
	fs.BoolVar(&c.plaintext, "plaintext-for-testing", false, "connect WITHOUT TLS (the relay must set plaintext_for_testing); never in production")
	fs.StringVar(&c.state, "state", defaultState, "state `FILE`: acknowledged positions per channel (empty: keep in memory)")
	fs.IntVar(&c.batchEvents, "batch-events", 1000, "send a batch when it has this many records")
	fs.IntVar(&c.batchBytes, "batch-bytes", defaultBatchBytes, "send a batch when its records reach this many bytes (the agent's buffers are about three times this)")
	fs.DurationVar(&c.batchDelay, "batch-delay", 200*time.Millisecond, "send a batch this long after its first record at the latest")
	fs.IntVar(&c.memoryLimitMiB, "memory-limit", 16, "soft limit in `MiB` of the agent's memory (Go heap and runtime; replay: above its files' records);\n"+
		"near it the garbage collector works harder (0: none; GOMEMLIMIT, if set, wins)")
	fs.BoolVar(&c.verbose, "v", false, "log debug messages")
}

// options validates the flags and loads the certificates.
func (c *connFlags) options(log *slog.Logger) (Options, error) {
	o := Options{Relay: c.relay, BatchEvents: c.batchEvents, BatchBytes: c.batchBytes, BatchDelay: c.batchDelay,
		AgentVersion: agentVersion(), Log: log}
	if c.relay == "" {
		return o, errors.New("-relay is required")
	}
	switch {
	case c.batchEvents < 1:
		return o, errors.New("-batch-events must be at least 1")
	case c.batchBytes < 4<<10:
		return o, errors.New("-batch-bytes must be at least 4096")
	case c.batchDelay <= 0:
		return o, errors.New("-batch-delay must be positive")
	case c.memoryLimitMiB < 0:
		return o, errors.New("-memory-limit cannot be negative")
	}
	if c.plaintext {
		log.Warn("PLAINTEXT connection (-plaintext-for-testing): no encryption, no authentication; never use this in production")
		if c.cert != "" {
			id, err := certCN(c.cert)
			if err != nil {
				return o, err
			}
			o.AgentID = id
		}
		return o, nil
	}
	if c.cert == "" || c.key == "" || c.ca == "" {
		return o, errors.New("-cert, -key and -ca are required (mutual TLS); -plaintext-for-testing exists for tests only")
	}
	cfg, id, err := clientTLS(c.cert, c.key, c.ca, c.serverName, c.relay)
	if err != nil {
		return o, err
	}
	o.TLS, o.AgentID = cfg, id
	return o, nil
}

// clientTLS builds the agent's TLS configuration: TLS 1.3, its client
// certificate, the relay verified against caFile. It returns the agent id
// (the certificate's CN).
func clientTLS(certFile, keyFile, caFile, serverName, relay string) (*tls.Config, string, error) {
	if serverName == "" {
		serverName = relay
		if i := strings.LastIndexByte(relay, ':'); i >= 0 {
			serverName = strings.Trim(relay[:i], "[]")
		}
	}
	cfg, err := tlsconf.Client{CA: caFile, Cert: certFile, Key: keyFile, Floor: tls.VersionTLS13}.Build(serverName)
	if err != nil {
		return nil, "", err
	}
	leaf, err := x509.ParseCertificate(cfg.Certificates[0].Certificate[0])
	if err != nil {
		return nil, "", fmt.Errorf("client certificate: %w", err)
	}
	if leaf.Subject.CommonName == "" {
		return nil, "", fmt.Errorf("client certificate %s has no subject CN (the CN is the agent id)", certFile)
	}
	return cfg, leaf.Subject.CommonName, nil
}

// certCN returns the subject CN of the first certificate in a PEM file.
func certCN(certFile string) (string, error) {
	data, err := os.ReadFile(certFile)
	if err != nil {
		return "", err
	}
	for {
		var block *pem.Block
		block, data = pem.Decode(data)
		if block == nil {
			return "", fmt.Errorf("%s: no certificate found", certFile)
		}
		if block.Type == "CERTIFICATE" {
			leaf, err := x509.ParseCertificate(block.Bytes)
			if err != nil {
				return "", fmt.Errorf("%s: %w", certFile, err)
			}
			return leaf.Subject.CommonName, nil
		}
	}
}

func newLogger(w io.Writer, verbose bool) *slog.Logger {
	level := slog.LevelInfo
	if verbose {
		level = slog.LevelDebug
	}
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: level}))
}

// tuneRuntime is set by main: tests that run commands in their own
// process keep the Go defaults.
var tuneRuntime = false

// agentRuntime sets the Go runtime for an agent (its defaults suit a
// server), before it reads or sends anything. An agent should not compete
// with the host's work, keeps little in memory (a batch, a few buffers)
// and allocates next to nothing per record, so:
//   - one processor: 10,000 records a second take a few percent of one
//     core, and a single processor saves the wakeups of idle ones;
//   - a small heap: the garbage collector runs when the heap has grown by
//     a quarter (GOGC=25), not doubled, which costs little where little
//     is allocated.
//
// GOMAXPROCS and GOGC in the environment win.
func agentRuntime() {
	if !tuneRuntime {
		return
	}
	if os.Getenv("GOMAXPROCS") == "" {
		runtime.GOMAXPROCS(1)
	}
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(25)
	}
}

// agentMemory sets a soft memory limit of limit bytes above held (what
// the agent keeps by design: the records of the files replay sends;
// GOMEMLIMIT in the environment wins), once the agent is ready to send,
// and returns what starting up left behind (replay's files read and
// converted) to the system now, not minutes later.
func agentMemory(limit, held int64) {
	if !tuneRuntime {
		return
	}
	if os.Getenv("GOMEMLIMIT") == "" && limit > 0 {
		debug.SetMemoryLimit(limit + held)
	}
	debug.FreeOSMemory()
}

func osDescription() string { return runtime.GOOS + "/" + runtime.GOARCH }

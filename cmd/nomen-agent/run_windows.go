//go:build windows

package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"time"

	"golang.org/x/sys/windows"
	"golang.org/x/sys/windows/svc"
	"golang.org/x/sys/windows/svc/mgr"
)

const serviceName = "nomen-agent"

func dataDir() string {
	base := os.Getenv("ProgramData")
	if base == "" {
		base = `C:\ProgramData`
	}
	return filepath.Join(base, "nomen-agent")
}

// runFlags are run's (and install's) flags.
type runFlags struct {
	connFlags
	channels string
	logFile  string
}

func parseRunFlags(name string, args []string, stderr io.Writer) (*runFlags, *flag.FlagSet, error) {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	var f runFlags
	f.register(fs, filepath.Join(dataDir(), "state.json"))
	fs.StringVar(&f.channels, "channels", "", "comma-separated event log `channels` to send (never filtered; "+
		"default: Security, System, Sysmon and the other channels nomen maps, those present, "+
		"but Microsoft-Windows-DNS-Client/Operational, read only when named)")
	fs.StringVar(&f.logFile, "log", "", "log `FILE` (default: stderr; as a service: "+filepath.Join(dataDir(), "agent.log")+")")
	if err := fs.Parse(args); err != nil {
		return nil, fs, err
	}
	if fs.NArg() > 0 {
		return nil, fs, fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	return &f, fs, nil
}

func runCmd(args []string, stderr io.Writer) int {
	f, _, err := parseRunFlags("run", args, stderr)
	if err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(stderr, "nomen-agent run:", err)
		}
		return 2
	}
	agentRuntime()
	isService, err := svc.IsWindowsService()
	if err != nil {
		fmt.Fprintln(stderr, "nomen-agent run:", err)
		return 1
	}
	logOut := stderr
	if f.logFile == "" && isService {
		f.logFile = filepath.Join(dataDir(), "agent.log")
	}
	if f.logFile != "" {
		os.MkdirAll(filepath.Dir(f.logFile), 0o700)
		lf, err := os.OpenFile(f.logFile, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
		if err != nil {
			fmt.Fprintln(stderr, "nomen-agent run:", err)
			return 1
		}
		defer lf.Close()
		logOut = lf
	}
	log := newLogger(logOut, f.verbose)
	run := func(ctx context.Context) error {
		a, err := f.agent(log)
		if err != nil {
			return err
		}
		agentMemory(int64(f.memoryLimitMiB)<<20, 0)
		return a.Run(ctx)
	}
	if isService {
		if err := svc.Run(serviceName, &service{run: run}); err != nil {
			log.Error("service failed", "err", err)
			return 1
		}
		return 0
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx); err != nil && !errors.Is(err, context.Canceled) {
		log.Error("agent stopped", "err", err)
		return 1
	}
	return 0
}

// agent builds the agent: one source per channel.
func (f *runFlags) agent(log *slog.Logger) (*Agent, error) {
	opt, err := f.options(log)
	if err != nil {
		return nil, err
	}
	host, err := os.Hostname()
	if err != nil {
		return nil, err
	}
	opt.Host, opt.OS = host, windowsVersion()
	if opt.AgentID == "" {
		opt.AgentID = host
	}
	channels, optional := splitChannels(f.channels), false
	if len(channels) == 0 {
		channels, optional = defaultChannels(), true
	}
	state, err := loadState(f.state)
	if err != nil {
		return nil, err
	}
	accounts := newAccountCache()
	var srcs []Source
	var read []string
	for _, ch := range channels {
		src, err := newWinSource(ch, state, log, accounts)
		if err != nil && optional && ch != "Security" {
			log.Info("default channel not readable here: skipped", "channel", ch, "err", err)
			continue
		}
		if err != nil {
			return nil, err
		}
		src.gather = gatherDelay(opt.BatchDelay)
		srcs = append(srcs, src)
		read = append(read, ch)
	}
	channels = read
	if err := state.save(); err != nil {
		return nil, err
	}
	log.Info("nomen-agent starting", "agent", opt.AgentID, "relay", opt.Relay, "channels", channels, "version", opt.AgentVersion)
	return newAgent(opt, state, srcs...), nil
}

// service adapts the agent to the Windows service control manager.
type service struct {
	run func(ctx context.Context) error
}

func (s *service) Execute(_ []string, req <-chan svc.ChangeRequest, status chan<- svc.Status) (bool, uint32) {
	status <- svc.Status{State: svc.StartPending}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- s.run(ctx) }()
	status <- svc.Status{State: svc.Running, Accepts: svc.AcceptStop | svc.AcceptShutdown}
	for {
		select {
		case c := <-req:
			switch c.Cmd {
			case svc.Interrogate:
				status <- c.CurrentStatus
			case svc.Stop, svc.Shutdown:
				status <- svc.Status{State: svc.StopPending, WaitHint: 15000}
				cancel()
				select {
				case <-done:
				case <-time.After(15 * time.Second):
				}
				return false, 0
			}
		case err := <-done:
			if err != nil && !errors.Is(err, context.Canceled) {
				return false, 1 // a non-zero exit lets the recovery actions restart the service
			}
			return false, 0
		}
	}
}

func installCmd(args []string, stderr io.Writer) int {
	f, _, err := parseRunFlags("install", args, stderr)
	if err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(stderr, "nomen-agent install:", err)
		}
		return 2
	}
	// Check the flags now (certificates readable, relay given), not at the
	// first service start.
	if _, err := f.options(newLogger(io.Discard, false)); err != nil {
		fmt.Fprintln(stderr, "nomen-agent install:", err)
		return 2
	}
	exe, err := os.Executable()
	if err != nil {
		fmt.Fprintln(stderr, "nomen-agent install:", err)
		return 1
	}
	m, err := mgr.Connect()
	if err != nil {
		fmt.Fprintln(stderr, "nomen-agent install:", err)
		return 1
	}
	defer m.Disconnect()
	s, err := m.CreateService(serviceName, exe, mgr.Config{
		DisplayName: "nomen agent",
		Description: "Sends Windows event logs to a nomen relay (mutual TLS, acknowledged, resumable).",
		StartType:   mgr.StartAutomatic,
	}, append([]string{"run"}, args...)...)
	if err != nil {
		fmt.Fprintln(stderr, "nomen-agent install:", err)
		return 1
	}
	defer s.Close()
	s.SetRecoveryActions([]mgr.RecoveryAction{
		{Type: mgr.ServiceRestart, Delay: 5 * time.Second},
		{Type: mgr.ServiceRestart, Delay: 30 * time.Second},
		{Type: mgr.ServiceRestart, Delay: 2 * time.Minute},
	}, 86400)
	if err := s.Start(); err != nil {
		fmt.Fprintln(stderr, "nomen-agent install: installed, but starting failed:", err)
		return 1
	}
	chans := f.channels
	if chans == "" {
		chans = "default"
	}
	fmt.Fprintf(stderr, "nomen-agent: service %q installed and started (channels %s)\n", serviceName, chans)
	return 0
}

func uninstallCmd(_ []string, stderr io.Writer) int {
	m, err := mgr.Connect()
	if err != nil {
		fmt.Fprintln(stderr, "nomen-agent uninstall:", err)
		return 1
	}
	defer m.Disconnect()
	s, err := m.OpenService(serviceName)
	if err != nil {
		fmt.Fprintln(stderr, "nomen-agent uninstall:", err)
		return 1
	}
	defer s.Close()
	if st, err := s.Control(svc.Stop); err == nil {
		for i := 0; i < 30 && st.State != svc.Stopped; i++ {
			time.Sleep(500 * time.Millisecond)
			if st, err = s.Query(); err != nil {
				break
			}
		}
	}
	if err := s.Delete(); err != nil {
		fmt.Fprintln(stderr, "nomen-agent uninstall:", err)
		return 1
	}
	fmt.Fprintf(stderr, "nomen-agent: service %q removed (state kept in %s)\n", serviceName, dataDir())
	return 0
}

func windowsVersion() string {
	v := windows.RtlGetVersion()
	return fmt.Sprintf("windows %d.%d.%d", v.MajorVersion, v.MinorVersion, v.BuildNumber)
}

func splitChannels(s string) []string {
	var out []string
	for _, c := range strings.Split(s, ",") {
		if c = strings.TrimSpace(c); c != "" {
			out = append(out, c)
		}
	}
	return out
}

package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/nomenhq/nomen/relay"
	"github.com/nomenhq/nomen/relay/systemd"
	"github.com/prometheus/client_golang/prometheus"
)

// runCmd runs the relay until SIGTERM/SIGINT. SIGHUP reloads the
// configuration (the old one keeps running if the new one is invalid) and
// reopens output files (logrotate).
func runCmd(path string, stderr io.Writer) int {
	if missingDefaultConfig(path, stderr) {
		return 1
	}
	cfg, err := relay.LoadConfig(path)
	if err != nil {
		fmt.Fprintln(stderr, "nomen:", err)
		return 1
	}
	log := cfg.NewLogger(os.Stderr)
	reg := relay.NewRegistry()
	reg.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Name: "nomen_build_info", Help: "Always 1; the version label says which nomen runs.",
		ConstLabels: prometheus.Labels{"version": Version()},
	}, func() float64 { return 1 }))

	signals := make(chan os.Signal, 4)
	signal.Notify(signals, syscall.SIGHUP, syscall.SIGTERM, syscall.SIGINT)
	defer signal.Stop(signals)

	r := relay.New(cfg, log, reg)
	notify := systemd.FromEnv()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	if sig, err := startRelay(ctx, cancel, r, signals); err != nil {
		if sig != nil {
			log.Info("start abandoned", "signal", sig.String())
			return 0
		}
		log.Error("nomen could not start", "config", path, "err", err)
		return 1
	}
	log.Info("nomen started", "version", Version(), "config", path, "running", r.Summary())
	notify.Ready(r.Summary()) // only now: every listener is bound
	go notify.RunWatchdog(ctx, systemd.WatchdogInterval(), r.Healthy)

	for sig := range signals {
		if sig != syscall.SIGHUP {
			notify.Stopping()
			return stopRelay(r, sig, signals, log)
		}
		notify.Reloading()
		if err := r.ReloadFrom(ctx, path); err != nil {
			log.Error("configuration reload failed; the previous configuration keeps running", "config", path, "err", err)
		} else {
			log.Info("configuration reloaded", "running", r.Summary())
		}
		r.Reopen()
		notify.Ready(r.Summary())
	}
	return 0
}

// startRelay starts r while listening for signals: SIGTERM or SIGINT
// cancels the start (and the signal is returned); SIGHUP is ignored until
// nomen runs.
func startRelay(ctx context.Context, cancel context.CancelFunc, r *relay.Relay, signals <-chan os.Signal) (os.Signal, error) {
	done := make(chan error, 1)
	go func() { done <- r.Start(ctx) }()
	for {
		select {
		case err := <-done:
			return nil, err
		case sig := <-signals:
			if sig == syscall.SIGHUP {
				continue
			}
			cancel()
			if err := <-done; err != nil {
				return sig, err
			}
			return sig, context.Canceled // cancelled as it finished: Start stopped it
		}
	}
}

// stopGrace is how long after shutdown_timeout nomen still waits for the
// stop to end before it exits anyway (something did not honour the
// deadline); a second SIGTERM or SIGINT exits at once.
const stopGrace = 10 * time.Second

// stopRelay stops r within its shutdown_timeout and returns the exit code.
func stopRelay(r *relay.Relay, sig os.Signal, signals <-chan os.Signal, log *slog.Logger) int {
	timeout := r.ShutdownTimeout()
	log.Info("stopping: draining listeners, pipeline and outputs", "signal", sig.String(), "timeout", timeout)
	sctx, scancel := context.WithTimeout(context.Background(), timeout)
	defer scancel()
	done := make(chan error, 1)
	go func() { done <- r.Stop(sctx) }()
	hard := time.NewTimer(timeout + stopGrace)
	defer hard.Stop()
	for {
		select {
		case err := <-done:
			if err != nil {
				log.Warn("stopped with errors", "err", err)
				return 1
			}
			log.Info("stopped")
			return 0
		case <-hard.C:
			log.Error("stop did not end within shutdown_timeout; exiting anyway", "timeout", timeout)
			return 1
		case s := <-signals:
			if s != syscall.SIGHUP {
				log.Warn("second signal while stopping; exiting at once", "signal", s.String())
				return 1
			}
		}
	}
}

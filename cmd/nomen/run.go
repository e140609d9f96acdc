package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

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
	if err := r.Start(ctx); err != nil {
		log.Error("nomen could not start", "err", err)
		return 1
	}
	log.Info("nomen started", "version", Version(), "config", path, "running", r.Summary())
	notify.Ready(r.Summary())
	go notify.RunWatchdog(ctx, systemd.WatchdogInterval(), r.Healthy)

	for sig := range signals {
		switch sig {
		case syscall.SIGHUP:
			notify.Reloading()
			if err := r.ReloadFrom(ctx, path); err != nil {
				log.Error("configuration reload failed; the previous configuration keeps running", "err", err)
			} else {
				log.Info("configuration reloaded", "running", r.Summary())
			}
			r.Reopen()
			notify.Ready(r.Summary())
		default:
			notify.Stopping()
			timeout := r.ShutdownTimeout()
			log.Info("stopping: draining listeners, pipeline and outputs", "signal", sig.String(), "timeout", timeout)
			sctx, scancel := context.WithTimeout(context.Background(), timeout)
			err := r.Stop(sctx)
			scancel()
			if err != nil {
				log.Warn("stopped with errors", "err", err)
				return 1
			}
			log.Info("stopped")
			return 0
		}
	}
	return 0
}

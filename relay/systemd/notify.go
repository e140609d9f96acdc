// Package systemd speaks the sd_notify protocol (READY, RELOADING, STOPPING,
// WATCHDOG) without libsystemd: one datagram per state change to the unix
// socket named by $NOTIFY_SOCKET. Outside systemd every call is a no-op.
package systemd

import (
	"context"
	"fmt"
	"net"
	"os"
	"strconv"
	"strings"
	"time"
)

// Notifier sends state changes to systemd.
type Notifier struct {
	addr string // "" outside systemd
}

// FromEnv returns a Notifier for $NOTIFY_SOCKET (no-op if unset).
func FromEnv() *Notifier {
	return &Notifier{addr: os.Getenv("NOTIFY_SOCKET")}
}

// Enabled reports whether nomen runs under a systemd notify unit.
func (n *Notifier) Enabled() bool { return n.addr != "" }

// Notify sends one state string such as "READY=1\nSTATUS=listening".
func (n *Notifier) Notify(state string) error {
	if n.addr == "" {
		return nil
	}
	addr := n.addr
	if addr[0] == '@' { // abstract namespace socket
		addr = "\x00" + addr[1:]
	}
	conn, err := net.DialUnix("unixgram", nil, &net.UnixAddr{Name: addr, Net: "unixgram"})
	if err != nil {
		return fmt.Errorf("systemd: notify: %w", err)
	}
	defer conn.Close()
	if _, err := conn.Write([]byte(state)); err != nil {
		return fmt.Errorf("systemd: notify: %w", err)
	}
	return nil
}

// Ready tells systemd the service is up (Type=notify).
func (n *Notifier) Ready(status string) error {
	return n.Notify("READY=1\nSTATUS=" + oneLine(status))
}

// Reloading tells systemd a reload started (Type=notify-reload wants the
// monotonic timestamp); call Ready when it is done.
func (n *Notifier) Reloading() error {
	return n.Notify("RELOADING=1\nMONOTONIC_USEC=" + strconv.FormatInt(monotonicUsec(), 10))
}

// Stopping tells systemd a graceful stop started.
func (n *Notifier) Stopping() error { return n.Notify("STOPPING=1") }

// Status updates the free-text status shown by systemctl status.
func (n *Notifier) Status(s string) error { return n.Notify("STATUS=" + oneLine(s)) }

// WatchdogInterval returns how often to ping the watchdog (half of
// WatchdogSec), or 0 when systemd does not expect pings from this process.
func WatchdogInterval() time.Duration {
	usec, err := strconv.ParseInt(os.Getenv("WATCHDOG_USEC"), 10, 64)
	if err != nil || usec <= 0 {
		return 0
	}
	if pid := os.Getenv("WATCHDOG_PID"); pid != "" && pid != strconv.Itoa(os.Getpid()) {
		return 0
	}
	return time.Duration(usec) * time.Microsecond / 2
}

// RunWatchdog pings systemd every interval while healthy() holds, until ctx
// ends. A stuck pipeline stops the pings and systemd restarts nomen.
func (n *Notifier) RunWatchdog(ctx context.Context, interval time.Duration, healthy func() bool) {
	if interval <= 0 || n.addr == "" {
		return
	}
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if healthy() {
				n.Notify("WATCHDOG=1")
			}
		}
	}
}

func oneLine(s string) string { return strings.ReplaceAll(s, "\n", " ") }

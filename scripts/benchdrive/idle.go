package main

import (
	"fmt"
	"net"
	"os"
	"strconv"
	"strings"
	"time"
)

// The tcp-idle-N scenario measures what N connections that send nothing
// cost nomen: its resident memory with them open, less before. Every
// connection first sends a few messages (so that it has been read from
// and decoded for), then goes quiet; RSS is read 7s later.

// idleMessages is how many messages each connection sends first.
const idleMessages = 5

func idleCount(sc string) (int, bool) {
	n, err := strconv.Atoi(strings.TrimPrefix(sc, "tcp-idle-"))
	return n, strings.HasPrefix(sc, "tcp-idle-") && err == nil && n > 0
}

func runIdle(pid int, addr string, n int) (result, error) {
	before := rss(pid)
	conns := make([]net.Conn, 0, n)
	defer func() {
		for _, c := range conns {
			c.Close()
		}
	}()
	var msgs []byte // what each connection sends before it goes quiet
	for _, m := range corpus(idleMessages, "lf") {
		msgs = append(msgs, m...)
	}
	for range n {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			return result{}, fmt.Errorf("connection %d: %w", len(conns)+1, err)
		}
		conns = append(conns, c)
		c.Write(msgs)
	}
	// Every connection read, flushed and waiting; a collection or two
	// may have shrunk the goroutines' stacks, as on a relay that has
	// been up a while.
	time.Sleep(7 * time.Second)
	after := rss(pid)
	fmt.Fprintf(os.Stderr, "benchdrive: %d idle connections: RSS %.1f -> %.1f MiB\n", n, before, after)
	return result{rssMiB: after - before, elapsed: 1, check: fmt.Sprintf("ok: RSS +%.1f MiB for %d idle connections (peak %.1f)", after-before, n, peakRSS(pid))}, nil
}

// rss is the resident memory of pid now, in MiB.
func rss(pid int) float64 {
	b, _ := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	for _, line := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(line, "VmRSS:") {
			kb, _ := strconv.ParseFloat(strings.Fields(line)[1], 64)
			return kb / 1024
		}
	}
	return 0
}

package main

import (
	"bufio"
	"fmt"
	"net"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// freePort returns a loopback port that was free a moment ago, for a
// configuration that must keep its ports across a restart.
func freePort(t *testing.T, network string) int {
	t.Helper()
	switch network {
	case "udp":
		c, err := net.ListenPacket("udp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		return c.LocalAddr().(*net.UDPAddr).Port
	default:
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		defer l.Close()
		return l.Addr().(*net.TCPAddr).Port
	}
}

// TestTapReconnect: `nomen tap -config` (the address and token file from
// the configuration) prints an event sent over UDP; nomen is killed and
// started again on the same ports; tap says it lost the stream, reconnects
// and prints the next event.
func TestTapReconnect(t *testing.T) {
	udpPort, apiPort := freePort(t, "udp"), freePort(t, "tcp")
	n := startNomen(t, fmt.Sprintf(`
state_dir = "{{.Dir}}/state"
[metrics]
listen = "127.0.0.1:%d"
[parse]
timezone = "UTC"
[[listener]]
name = "udp"
protocol = "udp"
address = "127.0.0.1:%d"
[[output]]
name = "archive"
type = "file"
path = "{{.Dir}}/events.jsonl"
`, apiPort, udpPort))
	udpAddr := fmt.Sprintf("127.0.0.1:%d", udpPort)

	tap := exec.Command(nomenBin, "tap", "-config", n.config, "-where", "log.syslog.appname=tapper")
	stdout, _ := tap.StdoutPipe()
	stderr, _ := tap.StderrPipe()
	if err := tap.Start(); err != nil {
		t.Fatal(err)
	}
	out, errs := newLogBuffer(), newLogBuffer()
	var wg sync.WaitGroup
	wg.Add(2)
	go func() { defer wg.Done(); out.consume(stdout) }()
	go func() { defer wg.Done(); errs.consume(stderr) }()
	defer func() {
		tap.Process.Signal(syscall.SIGINT)
		wg.Wait()
		if err := tap.Wait(); err != nil {
			t.Errorf("tap after SIGINT: %v\n%s", err, errs)
		}
	}()

	connected := regexp.MustCompile(`^nomen tap: connected to http://127\.0\.0\.1:` + strconv.Itoa(apiPort) + `/v1/events`)
	_, epos, ok := errs.waitFor(connected, 0, 20*time.Second)
	if !ok {
		t.Fatalf("tap did not connect:\n%s", errs)
	}
	sendUDP(t, udpAddr, "<14>Jul  1 10:00:00 web1 tapper[1]: before the restart")
	m, opos, ok := out.waitFor(regexp.MustCompile(`web1 tapper: (.*)$`), 0, 10*time.Second)
	if !ok || m[1] != "before the restart" {
		t.Fatalf("tap printed no event (stdout %q):\n%s", out, errs)
	}

	n.kill()
	_, epos, ok = errs.waitFor(regexp.MustCompile(`^nomen tap: .*; reconnecting in `), epos, 10*time.Second)
	if !ok {
		t.Fatalf("tap did not report the lost stream:\n%s", errs)
	}
	n.start()
	if _, _, ok = errs.waitFor(connected, epos, 20*time.Second); !ok {
		t.Fatalf("tap did not reconnect:\n%s", errs)
	}
	sendUDP(t, udpAddr, "<14>Jul  1 10:00:01 web1 tapper[1]: after the restart")
	sendUDP(t, udpAddr, "<14>Jul  1 10:00:01 web1 other[1]: filtered out")
	m, _, ok = out.waitFor(regexp.MustCompile(`web1 \S+: (.*)$`), opos, 10*time.Second)
	if !ok || m[1] != "after the restart" {
		t.Fatalf("tap printed nothing after reconnecting (stdout %q):\n%s", out, errs)
	}
}

// TestTapJSONAndBadWhere: -format json prints the ECS documents; a where
// term the API refuses ends tap with status 2 and the API's reason.
func TestTapJSONAndBadWhere(t *testing.T) {
	n := startNomen(t, loggerConfig)
	n.apiToken() // waits until nomen has written the token file
	tokenFile := n.dir + "/state/api.token"
	bad := exec.Command(nomenBin, "tap", "-api", "http://"+n.api, "-token-file", tokenFile, "-where", "evnt.category=x")
	outb, err := bad.CombinedOutput()
	if code := exitCode(err); code != 2 || !strings.Contains(string(outb), "400") {
		t.Errorf("tap with a bad field: exit %d, %q; want 2 and the API's 400", code, outb)
	}
	noToken := exec.Command(nomenBin, "tap", "-api", "http://"+n.api, "-config", "/nonexistent")
	outb, err = noToken.CombinedOutput()
	if code := exitCode(err); code != 1 || !strings.Contains(string(outb), "401") {
		t.Errorf("tap without a token: exit %d, %q; want 1 and 401", code, outb)
	}

	tap := exec.Command(nomenBin, "tap", "-api", "http://"+n.api+"/", "-token-file", tokenFile, "-format", "json")
	stdout, _ := tap.StdoutPipe()
	stderr, _ := tap.StderrPipe()
	if err := tap.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { tap.Process.Signal(syscall.SIGINT); tap.Wait() }()
	errs := newLogBuffer()
	go errs.consume(stderr)
	if _, _, ok := errs.waitFor(regexp.MustCompile(`connected to`), 0, 20*time.Second); !ok {
		t.Fatalf("tap did not connect:\n%s", errs)
	}
	sendUDP(t, n.addr("udp"), "<14>Jul  1 10:00:00 web1 app[1]: as json \x1b[2J")
	sc := bufio.NewScanner(stdout)
	if !sc.Scan() {
		t.Fatalf("no output:\n%s", errs)
	}
	if line := sc.Text(); !strings.HasPrefix(line, "{") || !strings.Contains(line, `"message":"as json \u001b[2J"`) {
		t.Errorf("json line: %s", line)
	}
}

// topTable returns the rows (name -> columns) of a table of a top screen.
func topTable(screen, title string) map[string][]string {
	rows := map[string][]string{}
	in := false
	for _, l := range strings.Split(screen, "\n") {
		switch {
		case strings.HasPrefix(l, title+" "):
			in = true
		case in && strings.TrimSpace(l) == "":
			return rows
		case in:
			if f := strings.Fields(l); len(f) > 1 {
				rows[f[0]] = f[1:]
			}
		}
	}
	return rows
}

// TestTopInTmux runs `nomen top` in a tmux pane while UDP traffic flows:
// the listener's row shows a rate above zero; once traffic stops, its
// totals equal those of /metrics.
func TestTopInTmux(t *testing.T) {
	tmux := needCommand(t, "tmux")
	n := startNomen(t, loggerConfig)
	sock := fmt.Sprintf("nomen-top-test-%d", time.Now().UnixNano())
	run(t, tmux, "-L", sock, "-f", "/dev/null", "new-session", "-d", "-s", "top", "-x", "100", "-y", "50",
		nomenBin, "top", "-api", "http://"+n.api, "-interval", "200ms")
	defer exec.Command(tmux, "-L", sock, "kill-server").Run()
	capture := func() string {
		out, _ := exec.Command(tmux, "-L", sock, "capture-pane", "-p", "-t", "top").Output()
		return string(out)
	}

	stop := make(chan struct{})
	sent := make(chan int)
	go func() {
		c, err := net.Dial("udp", n.addr("udp"))
		if err != nil {
			t.Error(err)
			sent <- 0
			return
		}
		defer c.Close()
		i := 0
		for {
			select {
			case <-stop:
				sent <- i
				return
			case <-time.After(2 * time.Millisecond):
				i++
				fmt.Fprintf(c, "<14>Jul  1 10:00:00 web1 app[1]: event %d", i)
			}
		}
	}()

	var screen string
	deadline := time.Now().Add(20 * time.Second)
	for {
		screen = capture()
		if r := topTable(screen, "LISTENER")["udp"]; len(r) == 3 {
			if rate, err := strconv.ParseFloat(r[0], 64); err == nil && rate > 0 {
				break
			}
		}
		if time.Now().After(deadline) {
			close(stop)
			<-sent
			t.Fatalf("no non-zero udp rate in top:\n%s", screen)
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Logf("while sending:\n%s", screen)
	close(stop)
	if <-sent == 0 {
		t.Fatal("sent nothing")
	}

	// Traffic stopped: the counters settle, and top shows what /metrics says.
	deadline = time.Now().Add(20 * time.Second)
	for {
		received := n.metric("nomen_received_events_total", `listener="udp"`)
		delivered := n.metric("nomen_output_events_total", `output="archive"`)
		screen = capture()
		l, o := topTable(screen, "LISTENER")["udp"], topTable(screen, "OUTPUT")["archive"]
		if len(l) == 3 && len(o) == 6 && l[0] == "0.0" && l[2] == number(received) && o[2] == number(delivered) && o[5] == "ok" && received > 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("top never showed /metrics' totals (received %v, delivered %v):\n%s", received, delivered, screen)
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Logf("settled:\n%s", screen)
}

// TestTopShowsOutputState: an output whose receiver is down shows its
// state in top (cannot_open), beside its growing lag, not only a count.
func TestTopShowsOutputState(t *testing.T) {
	_, closed := busyAndClosed(t)
	n := startNomen(t, headConfig+`[[listener]]
name = "tcp"
protocol = "tcp"
address = "127.0.0.1:0"
`+archiveOutput+`[[output]]
name = "down"
type = "syslog"
address = "`+closed+`"
`)
	var screen string
	for deadline := time.Now().Add(20 * time.Second); ; {
		out, err := exec.Command(nomenBin, "top", "-api", "http://"+n.api, "-count", "1", "-plain").CombinedOutput()
		screen = string(out)
		outputs := topTable(screen, "OUTPUT")
		if err == nil && len(outputs["down"]) == 6 && outputs["down"][5] == "cannot_open" && outputs["archive"][5] == "ok" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("top never showed the down output as cannot_open (%v):\n%s", err, screen)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// TestTopCountUnreachableFails: `top -count 1` against an address where no
// nomen answers shows why and exits 1, so that a script notices.
func TestTopCountUnreachableFails(t *testing.T) {
	_, closed := busyAndClosed(t)
	out, err := exec.Command(nomenBin, "top", "-api", "http://"+closed, "-count", "1", "-plain").CombinedOutput()
	if code := exitCode(err); code != 1 || !strings.Contains(string(out), "reading /metrics") {
		t.Errorf("top -count 1 with nobody listening: exit %d, %q; want 1 and the reason", code, out)
	}
}

// TestTapMissingTokenFileSaysWhich: a token file that does not exist is
// named as the token file, with what to do (tap goes on retrying: nomen
// writes the file at its first start).
func TestTapMissingTokenFileSaysWhich(t *testing.T) {
	_, closed := busyAndClosed(t)
	missing := t.TempDir() + "/api.token"
	tap := exec.Command(nomenBin, "tap", "-api", "http://"+closed, "-token-file", missing)
	stderr, err := tap.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := tap.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { tap.Process.Kill(); tap.Wait() }()
	line, _ := bufio.NewReader(stderr).ReadString('\n')
	for _, want := range []string{"token file", missing, "-token-file"} {
		if !strings.Contains(line, want) {
			t.Errorf("tap's first complaint %q does not say %q", line, want)
		}
	}
}

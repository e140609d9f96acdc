//go:build unix

package main

// What a listener has accepted when nomen stops (SIGTERM) or a reload
// replaces the listener is delivered, counted in nomen_dropped_events_total,
// or the sender learns of the loss (TCP: a reset; UDP and unix: the socket
// refuses) — never lost silently (#13).

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/nomenhq/nomen/internal/testpeer"
	"golang.org/x/sys/unix"
)

// drainConfig has one listener of the protocol under test; the reload test
// changes its max_message_size, which replaces it (and its port: 0 binds a
// new one).
const drainConfig = `
state_dir = "{{.Dir}}/state"
shutdown_timeout = "60s"
[metrics]
listen = "127.0.0.1:0"
[journal]
fsync = "never"
[[listener]]
name = "in"
protocol = "PROTO"
address = "ADDRESS"
max_message_size = "64KiB"
` + archiveOutput

func drainMessage(seq int) []byte {
	return []byte(fmt.Sprintf("<13>Nov 23 10:00:00 host app[1]: drain seq=%08d end\n", seq))
}

var reDrainMessage = regexp.MustCompile(`^<13>Nov 23 10:00:00 host app\[1\]: drain seq=(\d{8}) end\n?$`)

// senderResult is what a sender knows: how many messages the kernel took
// from it (writes that returned without error), and whether it was told
// that some did not arrive (a reset, a refused datagram).
type senderResult struct {
	accepted int
	learned  error
}

// sendUntil writes messages numbered from first at full speed until stop
// is closed, max are written, or a write fails.
func sendUntil(conn net.Conn, stop <-chan struct{}, first, max int) senderResult {
	var res senderResult
	for i := first; i < first+max; i++ {
		if i%64 == 0 {
			select {
			case <-stop:
				return res
			default:
			}
		}
		conn.SetWriteDeadline(time.Now().Add(time.Minute)) // a bound for a broken test, not an assertion
		if _, err := conn.Write(drainMessage(i)); err != nil {
			res.learned = err
			return res
		}
		res.accepted++
	}
	return res
}

// sendTCP streams until stopped or reset; then it closes its side and reads
// until nomen ends its own. It does not watch for nomen's end while it
// writes (unlike rsyslog). The connection is returned open: once nomen has
// finished with it, resetOf says whether it was reset.
func sendTCP(addr string, stop <-chan struct{}) (senderResult, *net.TCPConn) {
	c, err := net.Dial("tcp", addr)
	if err != nil {
		return senderResult{learned: err}, nil
	}
	conn := c.(*net.TCPConn)
	res := sendUntil(conn, stop, 0, 1<<30)
	if res.learned != nil {
		return res, conn
	}
	conn.CloseWrite()
	conn.SetReadDeadline(time.Now().Add(2 * time.Minute))
	if _, err := io.Copy(io.Discard, conn); err != nil {
		res.learned = err
	}
	return res, conn
}

// resetOf returns the error a reset left on conn (SO_ERROR), if any: after
// both sides' ends (FIN), a reset shows nowhere else.
func resetOf(t *testing.T, conn *net.TCPConn) error {
	rc, err := conn.SyscallConn()
	if err != nil {
		t.Fatal(err)
	}
	var soErr int
	rc.Control(func(fd uintptr) { soErr, err = unix.GetsockoptInt(int(fd), unix.SOL_SOCKET, unix.SO_ERROR) })
	if err != nil {
		t.Fatal(err)
	}
	if soErr != 0 {
		return syscall.Errno(soErr)
	}
	return nil
}

// drainStop sends SIGTERM, waits for the exit and returns what nomen
// counted as dropped over its whole run (its last log line says).
func drainStop(t *testing.T, n *nomen) float64 {
	t.Helper()
	n.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-n.exited:
	case <-time.After(3 * time.Minute): // a bound for a hung stop, not a timing assertion
		n.cmd.Process.Kill()
		t.Fatalf("nomen did not stop:\n%s", n.log)
	}
	log := n.log.String()
	if code := n.cmd.ProcessState.ExitCode(); code != 0 {
		t.Fatalf("nomen exited with %d:\n%s", code, log)
	}
	if strings.Contains(log, "abandoning undelivered events") {
		t.Fatalf("the output did not deliver everything within shutdown_timeout:\n%s", log)
	}
	return droppedAtStop(t, log)
}

var reDroppedAtStop = regexp.MustCompile(`msg="events dropped since start.*`)

// droppedAtStop sums the counts of the "events dropped since start" line
// nomen logs when it stops (none: nothing was dropped).
func droppedAtStop(t *testing.T, log string) float64 {
	line := reDroppedAtStop.FindString(log)
	sum := 0.0
	for _, kv := range regexp.MustCompile(`(\S+)=(\d+)`).FindAllStringSubmatch(line, -1) {
		v, _ := strconv.ParseFloat(kv[2], 64)
		sum += v
		t.Logf("dropped at stop: %s = %s", kv[1], kv[2])
	}
	return sum
}

// delivered reads the output: how often each sequence number is there, and
// how many events are not whole messages (a frame cut by a reset or a
// stop); those must be flagged nomen.truncated.
func delivered(t *testing.T, path string) (seqs map[int]int, cut int) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	seqs = map[int]int{}
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		var doc struct {
			Event struct{ Original string }
			Nomen struct{ Truncated bool }
		}
		if err := json.Unmarshal(sc.Bytes(), &doc); err != nil {
			t.Fatalf("%s: %v: %q", path, err, sc.Text())
		}
		m := reDrainMessage.FindStringSubmatch(doc.Event.Original)
		if m == nil {
			cut++
			t.Logf("not a whole message: %q (nomen.truncated %v)", doc.Event.Original, doc.Nomen.Truncated)
			if !doc.Nomen.Truncated {
				t.Errorf("a cut message is not flagged nomen.truncated: %q", doc.Event.Original)
			}
			continue
		}
		k, _ := strconv.Atoi(m[1])
		seqs[k]++
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return seqs, cut
}

// midStream waits until nomen has journaled some of the stream.
func midStream(t *testing.T, n *nomen, events float64) {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	for n.metric("nomen_journal_appended_events_total", "") < events {
		if time.Now().After(deadline) {
			t.Fatalf("fewer than %v events journaled after a minute:\n%s", events, n.log)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// reloadChanged rewrites the listener's max_message_size and reloads: the
// listener is replaced.
func reloadChanged(t *testing.T, n *nomen) {
	t.Helper()
	cfg, err := os.ReadFile(n.config)
	if err != nil {
		t.Fatal(err)
	}
	changed := strings.Replace(string(cfg), `max_message_size = "64KiB"`, `max_message_size = "32KiB"`, 1)
	if err := os.WriteFile(n.config, []byte(changed), 0o644); err != nil {
		t.Fatal(err)
	}
	pos := n.signal(syscall.SIGHUP)
	m, _, ok := n.log.waitFor(regexp.MustCompile(`msg="configuration reload(ed| failed)`), pos, time.Minute)
	if !ok || strings.Contains(m[0], "failed") {
		t.Fatalf("reload did not succeed:\n%s", n.log)
	}
}

func startDrainNomen(t *testing.T, proto, address string) *nomen {
	cfg := strings.NewReplacer("PROTO", proto, "ADDRESS", address).Replace(drainConfig)
	return startNomen(t, cfg)
}

// TestTCPStopAndReloadLoseNothingSilently: a TCP sender streams at full
// speed; mid-stream nomen is stopped (then started again) or its listener
// replaced by a reload. Every message the sender's kernel accepted is in
// the output, in order and once, unless the sender was reset; a reset
// leaves a prefix of the stream (nothing missing in between).
func TestTCPStopAndReloadLoseNothingSilently(t *testing.T) {
	if testing.Short() {
		t.Skip("slow end-to-end test")
	}
	for _, trigger := range []string{"sigterm", "reload"} {
		t.Run(trigger, func(t *testing.T) {
			n := startDrainNomen(t, "tcp", "127.0.0.1:0")
			stop := make(chan struct{})
			done := make(chan senderResult, 1)
			var conn *net.TCPConn
			go func() {
				res, c := sendTCP(n.addr("in"), stop)
				conn = c
				done <- res
			}()
			midStream(t, n, 20000)

			var dropped float64
			if trigger == "sigterm" {
				dropped += drainStop(t, n)
				n.start() // the journal's rest (none, after a clean stop) goes out now
			} else {
				reloadChanged(t, n)
			}
			close(stop)
			res := <-done
			dropped += drainStop(t, n)
			if conn != nil {
				defer conn.Close()
				if res.learned == nil {
					res.learned = resetOf(t, conn)
				}
			}

			seqs, cut := delivered(t, filepath.Join(n.dir, "events.jsonl"))
			t.Logf("accepted by the kernel %d, delivered %d, dropped (counted) %v, sender told: %v",
				res.accepted, len(seqs), dropped, res.learned)
			for k, c := range seqs {
				if c != 1 {
					t.Errorf("seq %d delivered %d times", k, c)
				}
			}
			for k := range len(seqs) {
				if seqs[k] == 0 {
					t.Fatalf("seq %d missing, but later ones delivered (%d delivered)", k, len(seqs))
				}
			}
			if res.learned == nil && float64(len(seqs))+dropped < float64(res.accepted) {
				t.Errorf("%d messages accepted by the sender's kernel, %d delivered, %v counted as dropped: %v lost silently (the sender saw no reset)",
					res.accepted, len(seqs), dropped, float64(res.accepted)-float64(len(seqs))-dropped)
			}
			if cut > 1 || (cut == 1 && res.learned == nil) {
				t.Errorf("%d cut messages in the output (sender told: %v)", cut, res.learned)
			}
		})
	}
}

// TestDatagramStopAndReloadCountLoss: a datagram sender (UDP, unix) sends
// at full speed, and nomen is stopped (then started again) or its listener
// replaced by a reload while its socket still holds a backlog. Every
// datagram the sender's kernel accepted is delivered or counted in
// nomen_dropped_events_total: what the socket held at close is read first.
//
// UDP: the sender finishes before the stop, so that no datagram goes to a
// port already closed (the kernel answers that with a refusal nomen never
// sees). unix: a send succeeds only if the datagram is queued on nomen's
// socket, so the sender goes on during the stop until it is refused.
func TestDatagramStopAndReloadCountLoss(t *testing.T) {
	if testing.Short() {
		t.Skip("slow end-to-end test")
	}
	for _, proto := range []string{"udp", "unix"} {
		for _, trigger := range []string{"sigterm", "reload", "reload-same-port"} {
			if proto == "unix" && trigger == "reload-same-port" {
				continue // a unix listener keeps its path in either case
			}
			t.Run(proto+"/"+trigger, func(t *testing.T) {
				address := "127.0.0.1:0"
				if trigger == "reload-same-port" {
					address = freeUDPAddr(t)
				}
				if proto == "unix" {
					address = filepath.Join(t.TempDir(), "log.sock")
				}
				n := startDrainNomen(t, proto, address)
				network := map[string]string{"udp": "udp", "unix": "unixgram"}[proto]
				conn, err := net.Dial(network, n.addr("in"))
				if err != nil {
					t.Fatal(err)
				}
				defer conn.Close()
				stop := make(chan struct{})
				done := make(chan senderResult, 1)
				max := 1 << 30
				if proto == "udp" {
					max = 200000
				}
				go func() { done <- sendUntil(conn, stop, 0, max) }()
				var res senderResult
				if proto == "udp" {
					res = <-done // all sent: nomen still reads its backlog
				} else {
					midStream(t, n, 5000)
				}

				var dropped float64
				if trigger == "sigterm" {
					dropped += drainStop(t, n)
					n.start()
				} else {
					reloadChanged(t, n)
				}
				if proto != "udp" {
					close(stop)
					res = <-done
				}
				if trigger == "reload-same-port" {
					// The new sockets share the port with the old ones while
					// those drain: what goes there meanwhile is delivered or
					// counted too.
					more := sendUntil(conn, nil, res.accepted, max)
					res.accepted += more.accepted
					res.learned = more.learned
				}
				dropped += drainStop(t, n)

				seqs, cut := delivered(t, filepath.Join(n.dir, "events.jsonl"))
				t.Logf("accepted by the kernel %d, delivered %d, dropped (counted) %v, sender told: %v",
					res.accepted, len(seqs), dropped, res.learned)
				if res.learned != nil && !errors.Is(res.learned, syscall.ECONNREFUSED) && !errors.Is(res.learned, syscall.ENOENT) && !errors.Is(res.learned, syscall.EPIPE) {
					t.Errorf("send failed: %v", res.learned)
				}
				if cut > 0 {
					t.Errorf("%d lines in the output that are not whole messages", cut)
				}
				for k, c := range seqs {
					if c != 1 || k >= res.accepted {
						t.Errorf("seq %d delivered %d times (%d accepted)", k, c, res.accepted)
					}
				}
				if got := float64(len(seqs)) + dropped; got != float64(res.accepted) {
					t.Errorf("%d datagrams accepted by the sender's kernel, but %d delivered + %v counted as dropped = %v: %v lost silently",
						res.accepted, len(seqs), dropped, got, float64(res.accepted)-got)
				}
			})
		}
	}
}

// drainBlockedConfig: a journal that fills up, because its only output's
// receiver does not answer.
const drainBlockedConfig = `
state_dir = "{{.Dir}}/state"
shutdown_timeout = "10s"
[metrics]
listen = "127.0.0.1:0"
[pipeline]
queue_batches = 1
[journal]
fsync = "never"
max_bytes = "1MiB"
segment_size = "128KiB"
on_full = "block"
[[listener]]
name = "in"
protocol = "tcp"
address = "127.0.0.1:0"
max_message_size = "64KiB"
[[output]]
name = "stuck"
type = "http"
kind = "ndjson"
url = "http://%s/ingest"
timeout = "10m"
`

// TestReloadWhileJournalFull: a reload that replaces a TCP listener whose
// connection waits for room in a full journal completes (it used to wait
// for that connection, holding the lock /healthz and SIGTERM need), and
// nomen still stops cleanly.
func TestReloadWhileJournalFull(t *testing.T) {
	if testing.Short() {
		t.Skip("slow end-to-end test")
	}
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	defer srv.Close()
	defer close(release)
	n := startNomen(t, fmt.Sprintf(drainBlockedConfig, srv.Listener.Addr().String()))

	// Fill the journal until nomen stops reading: the sender's writes block.
	conn, err := net.Dial("tcp", n.addr("in"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	pad := strings.Repeat("x", 400)
	for i := 0; ; i++ {
		conn.SetWriteDeadline(time.Now().Add(3 * time.Second))
		if _, err := fmt.Fprintf(conn, "<13>Nov 23 10:00:00 host app[1]: full seq=%08d %s\n", i, pad); err != nil {
			if !errors.Is(err, os.ErrDeadlineExceeded) {
				t.Fatal(err)
			}
			break // backpressure: the journal is full
		}
		if i > 1_000_000 {
			t.Fatal("nomen never stopped reading: the journal did not fill")
		}
	}

	reloadChanged(t, n) // fails if the reload does not complete
	resp, err := http.Get("http://" + n.api + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	n.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-n.exited:
	case <-time.After(time.Minute): // shutdown_timeout is 10s: a bound for a hung stop
		n.cmd.Process.Kill()
		t.Fatalf("nomen did not stop after a reload while its journal was full:\n%s", n.log)
	}
	// The journal stayed full: what could not be journaled within
	// shutdown_timeout is dropped (counted) and the exit code says so.
	t.Logf("exit code %d", n.cmd.ProcessState.ExitCode())
	droppedAtStop(t, n.log.String())
}

// freeUDPAddr returns a loopback UDP address nothing is bound to now.
func freeUDPAddr(t *testing.T) string {
	t.Helper()
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer pc.Close()
	return pc.LocalAddr().String()
}

// TestRsyslogSenderLosesNothingOnReload: rsyslog forwards a stream over
// TCP; mid-stream a reload replaces nomen's listener (same address). nomen
// ends its side of the connection first, rsyslog closes its own after what
// it sent and reconnects to the new listener: every message arrives once.
// (nomen used to reset the connection, and rsyslog lost what its socket
// still held.)
func TestRsyslogSenderLosesNothingOnReload(t *testing.T) {
	if testing.Short() {
		t.Skip("slow end-to-end test")
	}
	if _, err := testpeer.FindRsyslog(); err != nil {
		t.Skipf("rsyslog is not available (scripts/setup-peers.sh): %v", err)
	}
	port := testpeer.FreePort(t)
	n := startDrainNomen(t, "tcp", fmt.Sprintf("127.0.0.1:%d", port))
	in := testpeer.FreePort(t)
	conf := `
module(load="imptcp")
input(type="imptcp" address="127.0.0.1" port="{{.Vars.in}}" ruleset="fwd")
ruleset(name="fwd") {
  action(type="omfwd" target="127.0.0.1" port="{{.Vars.out}}" protocol="tcp" TCP_Framing="traditional"
         template="RSYSLOG_ForwardFormat" action.resumeRetryCount="-1" action.resumeInterval="1")
}
`
	testpeer.StartRsyslog(t, conf, map[string]any{"in": in, "out": port}, fmt.Sprintf("127.0.0.1:%d", in))
	feed, err := net.Dial("tcp", fmt.Sprintf("127.0.0.1:%d", in))
	if err != nil {
		t.Fatal(err)
	}
	const total = 300000
	fed := make(chan error, 1)
	go func() {
		w := bufio.NewWriter(feed)
		for i := 0; i < total; i++ {
			w.Write(drainMessage(i))
		}
		err := w.Flush()
		feed.Close()
		fed <- err
	}()
	midStream(t, n, 5000)
	reloadChanged(t, n)
	t.Logf("reloaded with %v of %d journaled", n.metric("nomen_journal_appended_events_total", ""), total)
	if err := <-fed; err != nil {
		t.Fatal(err)
	}

	path := filepath.Join(n.dir, "events.jsonl")
	reSeq := regexp.MustCompile(`drain seq=(\d{8}) end`)
	count := func() map[int]int {
		seqs := map[int]int{}
		for _, line := range testpeer.WaitLines(t, path, 0, 0) {
			if m := reSeq.FindStringSubmatch(line); m != nil {
				k, _ := strconv.Atoi(m[1])
				seqs[k]++
			}
		}
		return seqs
	}
	deadline := time.Now().Add(2 * time.Minute) // a bound for the wait, not an assertion on speed
	seqs := count()
	for len(seqs) < total && time.Now().Before(deadline) {
		time.Sleep(200 * time.Millisecond)
		seqs = count()
	}
	dropped := drainStop(t, n)
	seqs = count()
	missing, again := 0, 0
	for k := 0; k < total; k++ {
		switch seqs[k] {
		case 0:
			missing++
		case 1:
		default:
			again++
		}
	}
	// rsyslog sends again what it cannot know was received when its
	// connection ends (at least once): copies are its protocol's, loss
	// would be nomen's.
	t.Logf("%d of %d messages delivered more than once (rsyslog's resend after the reconnect)", again, total)
	if missing > 0 || dropped > 0 {
		t.Errorf("%d of %d messages relayed by rsyslog missing, %v counted as dropped", missing, total, dropped)
	}
}

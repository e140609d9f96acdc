package main

// End-to-end test of the status page (issue 16, item 5) in a real browser:
// Debian's chromium, headless, against the real binary. The browser logs in
// with /?token= (the cookie), the page's script polls /v1/status, and what
// the page shows is compared with /metrics.

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

const chromiumPath = "/usr/bin/chromium"

const statusConfig = headConfig + `[[listener]]
name = "udp"
protocol = "udp"
address = "127.0.0.1:0"
[[listener]]
name = "tcp"
protocol = "tcp"
address = "127.0.0.1:0"
` + archiveOutput + `[sequence]
grace = "1s"
[[correlate.threshold]]
name = "ssh-bruteforce"
message = "{count} failed logons from {source.ip}, the last as {user.name}"
where = { "event.category" = "authentication", "event.outcome" = "failure" }
group_by = ["source.ip"]
count = 5
window = "60s"
`

// injected is a user name an attacker chose: it reaches the finding's
// message, which the page must show as text.
const injected = `<script>document.title='pwned'</script>`

// chromium runs headless chromium on url with args (--dump-dom or
// --screenshot) and returns its standard output.
func chromium(t *testing.T, url string, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, chromiumPath, append([]string{
		"--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
		"--disable-background-networking", "--disable-component-update", "--disable-sync",
		"--user-data-dir=" + t.TempDir(), "--virtual-time-budget=8000",
	}, append(args, url)...)...)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("chromium %s: %v\n%s", strings.Join(args, " "), err, stderr.String())
	}
	return string(out)
}

// cellValue returns data-value of column col in the row data-name=row of
// table id in a dumped DOM.
func cellValue(t *testing.T, dom, id, row, col string) string {
	t.Helper()
	table := regexp.MustCompile(`(?s)<table id="` + id + `".*?</table>`).FindString(dom)
	tr := regexp.MustCompile(`(?s)<tr data-name="` + regexp.QuoteMeta(row) + `"[^>]*>.*?</tr>`).FindString(table)
	m := regexp.MustCompile(`<td[^>]*data-col="` + col + `"[^>]*data-value="([^"]*)"`).FindStringSubmatch(tr)
	if m == nil {
		t.Fatalf("table %s row %s has no %s value:\n%s", id, row, col, table)
	}
	return m[1]
}

func TestStatusPage(t *testing.T) {
	if _, err := os.Stat(chromiumPath); err != nil {
		t.Skipf("%s is not installed (apt-get install chromium; .ci/run installs it)", chromiumPath)
	}
	n := startNomen(t, statusConfig)
	token := n.apiToken()
	base := "http://" + n.api

	// The page is behind the API's authentication.
	for _, path := range []string{"/", "/v1/status", "/status.js", "/?token=" + token[:32]} {
		resp, err := http.Get(base + path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusUnauthorized {
			t.Errorf("GET %s without the token: %d, want 401", path, resp.StatusCode)
		}
	}

	// Traffic: a brute force over UDP whose user name is markup, ordinary
	// lines, and a numbered RFC 5424 stream over TCP with a hole (3-4).
	udp, err := net.Dial("udp", n.addr("udp"))
	if err != nil {
		t.Fatal(err)
	}
	defer udp.Close()
	stamp := time.Now().UTC().Format(time.Stamp)
	for i := range 6 {
		fmt.Fprintf(udp, "<38>%s web1 sshd[77]: Failed password for invalid user %s from 192.0.2.7 port %d ssh2", stamp, injected, 50000+i)
		time.Sleep(time.Millisecond) // loopback UDP: no burst beyond the socket buffer
	}
	for i := range 10 {
		fmt.Fprintf(udp, "<30>%s web1 systemd[1]: Started session %d of user alice.", stamp, i)
	}
	tcp, err := net.Dial("tcp", n.addr("tcp"))
	if err != nil {
		t.Fatal(err)
	}
	for _, seq := range []int{1, 2, 5} {
		fmt.Fprintf(tcp, "<14>1 %s app1 billing 42 - [meta sequenceId=\"%d\"] invoice %d sent\n", time.Now().UTC().Format(time.RFC3339), seq, seq)
	}
	tcp.Close()

	// Wait until everything is received, journaled and delivered, the
	// finding raised and the gap confirmed: the counters stand still.
	deadline := time.Now().Add(30 * time.Second)
	for {
		appended := n.metric("nomen_journal_appended_events_total", "")
		if n.metric("nomen_received_events_total", `listener="udp"`) == 16 &&
			n.metric("nomen_received_events_total", `listener="tcp"`) == 3 &&
			n.metric("nomen_findings_total", `rule="ssh-bruteforce"`) == 1 &&
			n.metric("nomen_sequence_gaps_total", "") == 1 &&
			appended == 21 && n.metric("nomen_output_events_total", `output="archive"`) == appended {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("traffic did not settle:\n%s", n.log)
		}
		time.Sleep(100 * time.Millisecond)
	}

	// The browser opens /?token=: the cookie, the redirect, the page, its
	// script (allowed by the Content-Security-Policy), four polls.
	dom := chromium(t, base+"/?token="+token, "--dump-dom")
	polls := regexp.MustCompile(`<body data-polls="(\d+)"`).FindStringSubmatch(dom)
	if polls == nil || polls[1] == "0" || polls[1] == "1" {
		t.Fatalf("the page did not poll /v1/status (logged in by cookie) twice or more:\n%s\nnomen's log:\n%s", dom, n.log)
	}
	if m := regexp.MustCompile(`<span id="state"[^>]*>([^<]*)<`).FindStringSubmatch(dom); m == nil || m[1] != "" {
		t.Errorf("the page reports a problem: %q", m)
	}
	for _, l := range []string{"udp", "tcp"} {
		want := n.metric("nomen_received_events_total", `listener="`+l+`"`)
		if got := cellValue(t, dom, "listeners", l, "received"); got != strconv.FormatFloat(want, 'f', -1, 64) {
			t.Errorf("listener %s: the page shows %s received, /metrics %v", l, got, want)
		}
	}
	want := n.metric("nomen_output_events_total", `output="archive"`)
	if got := cellValue(t, dom, "outputs", "archive", "delivered"); got != strconv.FormatFloat(want, 'f', -1, 64) {
		t.Errorf("output archive: the page shows %s delivered, /metrics %v", got, want)
	}
	if got := cellValue(t, dom, "findings", "ssh-bruteforce", "findings"); got != "1" {
		t.Errorf("findings of ssh-bruteforce: the page shows %s, want 1", got)
	}
	alerts := regexp.MustCompile(`(?s)<table id="alerts".*?</table>`).FindString(dom)
	for _, want := range []string{
		`<td data-col="rule" class="text">ssh-bruteforce</td>`,
		`<td data-col="rule" class="text">sequence-gap</td>`,
		`<td data-col="key" class="text">source.ip=192.0.2.7</td>`,
		// The attacker's markup, as text.
		`the last as &lt;script&gt;document.title='pwned'&lt;/script&gt;</td>`,
	} {
		if !strings.Contains(alerts, want) {
			t.Errorf("the latest alerts lack %s:\n%s", want, alerts)
		}
	}
	if scripts := regexp.MustCompile(`<script[^>]*>`).FindAllString(dom, -1); len(scripts) != 1 || !strings.Contains(scripts[0], `src="/status.js"`) {
		t.Errorf("script elements in the page: %q, want only /status.js", scripts)
	}
	if !strings.Contains(dom, "<title>nomen status</title>") {
		t.Error("the injected script ran: the title changed")
	}
	if strings.Contains(dom, token) {
		t.Error("the token is in the page")
	}

	// A screenshot, with traffic flowing so that the rates and plots move.
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			case <-time.After(5 * time.Millisecond):
				fmt.Fprintf(udp, "<30>%s web1 systemd[1]: Started session %d of user bob.", stamp, i)
			}
		}
	})
	shot := filepath.Join(t.TempDir(), "status.png")
	if keep := os.Getenv("NOMEN_STATUS_SCREENSHOT"); keep != "" {
		shot = keep // to look at it after the test (the temp dir is removed)
	}
	chromium(t, base+"/?token="+token, "--window-size=1400,1300", "--screenshot="+shot)
	close(stop)
	wg.Wait()
	if fi, err := os.Stat(shot); err != nil || fi.Size() == 0 {
		t.Fatalf("no screenshot: %v", err)
	}
	t.Logf("screenshot: %s", shot)
}

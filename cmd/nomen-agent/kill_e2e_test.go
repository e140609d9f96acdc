package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"testing"
	"time"

	"github.com/nomenhq/nomen/internal/syncbuf"
)

// TestKillRelayMidReplay is the end-to-end proof of the delivery contract
// with the real daemon: an agent replays records over mutual TLS, the
// relay is killed with SIGKILL mid-stream and started again on the same
// state, and in the end the output file holds every record exactly once.
func TestKillRelayMidReplay(t *testing.T) {
	if testing.Short() {
		t.Skip("slow end-to-end test")
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "nomen")
	if out, err := exec.Command("go", "build", "-o", bin, "../nomen").CombinedOutput(); err != nil {
		t.Fatalf("building cmd/nomen:\n%s", out)
	}
	r := newAgentRelay(t, dir, "")
	pki, port, cfgPath := r.pki, r.port, r.cfgPath
	if out, err := exec.Command(bin, "check", "-config", cfgPath).CombinedOutput(); err != nil {
		t.Fatalf("nomen check refuses the agent relay's configuration:\n%s", out)
	}

	relay := startDaemon(t, bin, cfgPath)
	if !relay.waitLog(regexp.MustCompile(`agent listener started`), 20*time.Second) {
		relay.kill()
		t.Fatalf("the relay did not start its agent listener:\n%s", relay.log())
	}

	const n = 20000 // ~20 MiB: several seconds of replay under the race detector
	file := synthetic(t, n)
	ccert, ckey := pki.Client(t, "ws01.corp.example")
	var code int
	var stderr syncbuf.Buffer // read on timeout while the replay may still write
	done := make(chan struct{})
	go func() {
		defer close(done)
		code = dispatch([]string{"replay", "-relay", fmt.Sprintf("127.0.0.1:%d", port), "-cert", ccert, "-key", ckey,
			"-ca", pki.CAFile, "-batch-events", "250", file}, &bytes.Buffer{}, &stderr)
	}()

	out := filepath.Join(dir, "events.jsonl")
	// Kill as soon as the first events have arrived (stat is cheap enough
	// to poll fast: a replay on an idle machine takes a second or two).
	// Reading the file and converting it may take long on a loaded
	// machine under the race detector, hence the generous deadline.
	deadline := time.Now().Add(120 * time.Second)
	for fileSize(out) == 0 && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	relay.kill()
	before := len(recordIDs(t, out))
	t.Logf("killed the relay with %d of %d records in the output", before, n)
	if before == 0 {
		t.Fatalf("nothing arrived within 2 minutes:\n%s\nrelay:\n%s", stderr.String(), relay.log())
	}
	if before >= n {
		t.Fatal("the replay finished before the kill; nothing was tested")
	}
	relay = startDaemon(t, bin, cfgPath)
	defer relay.stop()

	select {
	case <-done:
	case <-time.After(120 * time.Second):
		t.Fatalf("replay did not finish after the restart:\n%s\nrelay:\n%s", stderr.String(), relay.log())
	}
	if code != 0 {
		t.Fatalf("replay exit %d:\n%s", code, stderr.String())
	}
	deadline = time.Now().Add(60 * time.Second)
	for len(recordIDs(t, out)) < n && time.Now().Before(deadline) {
		time.Sleep(200 * time.Millisecond)
	}
	seen := recordIDs(t, out)
	missing, dup := 0, 0
	for i := 1; i <= n; i++ {
		switch seen[i] {
		case 0:
			missing++
		case 1:
		default:
			dup++
		}
	}
	if missing > 0 || dup > 0 {
		t.Fatalf("after the kill: %d records missing, %d duplicated (of %d)", missing, dup, n)
	}
}

func freePort(t *testing.T) int {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

func fileSize(path string) int64 {
	fi, err := os.Stat(path)
	if err != nil {
		return 0
	}
	return fi.Size()
}

// recordIDs counts the agent records in a JSON lines output by
// winlog.record_id. The relay may be writing: a last line without its line
// feed is not complete yet and is left for the next look.
func recordIDs(t *testing.T, path string) map[int]int {
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	data = data[:bytes.LastIndexByte(data, '\n')+1]
	seen := map[int]int{}
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 1<<20), 16<<20)
	for sc.Scan() {
		var doc struct {
			Winlog struct {
				RecordID int `json:"record_id"`
			} `json:"winlog"`
			Agent struct {
				ID string `json:"id"`
			} `json:"agent"`
		}
		if err := json.Unmarshal(sc.Bytes(), &doc); err != nil {
			t.Fatalf("output line: %v", err)
		}
		if doc.Agent.ID == "ws01.corp.example" {
			seen[doc.Winlog.RecordID]++
		}
	}
	return seen
}

package main

// The end-to-end harness: builds the real nomen binary once, starts it on
// 127.0.0.1:0 ports with a config written for the test, learns the bound
// addresses from its structured log, and reads its output files.

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"text/template"
	"time"
)

var nomenBin string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "nomen-e2e-bin")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	nomenBin = filepath.Join(dir, "nomen")
	build := exec.Command("go", "build", "-race", "-o", nomenBin, ".")
	if !raceEnabled {
		build = exec.Command("go", "build", "-o", nomenBin, ".")
	}
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "building nomen:", err)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// nomen is one running nomen process.
type nomen struct {
	t      testing.TB
	dir    string
	config string
	cmd    *exec.Cmd
	log    *logBuffer
	addrs  map[string]string // listener name -> bound address
	api    string
	exited chan struct{}
}

// logBuffer collects nomen's stderr and lets the harness wait for lines.
type logBuffer struct {
	mu    sync.Mutex
	buf   bytes.Buffer
	lines []string
	cond  *sync.Cond
}

func newLogBuffer() *logBuffer {
	b := &logBuffer{}
	b.cond = sync.NewCond(&b.mu)
	return b
}

func (b *logBuffer) consume(r io.Reader) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		b.mu.Lock()
		b.lines = append(b.lines, sc.Text())
		b.buf.WriteString(sc.Text() + "\n")
		b.cond.Broadcast()
		b.mu.Unlock()
	}
	b.mu.Lock()
	b.lines = append(b.lines, "<EOF>")
	b.cond.Broadcast()
	b.mu.Unlock()
}

func (b *logBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// waitFor waits for a log line matching re that comes after line from, and
// returns its submatches and the index after it.
func (b *logBuffer) waitFor(re *regexp.Regexp, from int, timeout time.Duration) ([]string, int, bool) {
	deadline := time.Now().Add(timeout)
	timer := time.AfterFunc(timeout, func() { b.mu.Lock(); b.cond.Broadcast(); b.mu.Unlock() })
	defer timer.Stop()
	b.mu.Lock()
	defer b.mu.Unlock()
	for i := from; ; {
		for ; i < len(b.lines); i++ {
			if b.lines[i] == "<EOF>" {
				return nil, i, false
			}
			if m := re.FindStringSubmatch(b.lines[i]); m != nil {
				return m, i + 1, true
			}
		}
		if time.Now().After(deadline) {
			return nil, i, false
		}
		b.cond.Wait()
	}
}

var (
	reListening = regexp.MustCompile(`msg=listening listener=(\S+) .*address=(\S+)`)
	reAgentLn   = regexp.MustCompile(`msg="agent listener started" listener=(\S+) .*address=(\S+)`)
	reAPI       = regexp.MustCompile(`msg="metrics and API listening" address=(\S+)`)
	reStarted   = regexp.MustCompile(`msg="nomen started"`)
)

// startNomen writes config (a text/template with {{.Dir}}) into a temp
// dir and starts nomen on it, waiting until it logs that it started.
func startNomen(t testing.TB, config string) *nomen {
	t.Helper()
	dir := t.TempDir()
	var buf bytes.Buffer
	if err := template.Must(template.New("cfg").Parse(config)).Execute(&buf, map[string]string{"Dir": dir}); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "nomen.toml")
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	n := &nomen{t: t, dir: dir, config: path}
	n.start()
	t.Cleanup(func() { n.stop() })
	return n
}

func (n *nomen) start() {
	n.t.Helper()
	n.cmd = exec.Command(nomenBin, "run", "-config", n.config)
	n.cmd.Dir = n.dir
	n.cmd.Env = append(os.Environ(), "TZ=UTC")
	stderr, err := n.cmd.StderrPipe()
	if err != nil {
		n.t.Fatal(err)
	}
	n.log = newLogBuffer()
	n.addrs = map[string]string{}
	n.exited = make(chan struct{})
	if err := n.cmd.Start(); err != nil {
		n.t.Fatal(err)
	}
	go func() {
		n.log.consume(stderr)
		n.cmd.Wait()
		close(n.exited)
	}()
	from := 0
	for {
		m, next, ok := n.log.waitFor(regexp.MustCompile(reListening.String()+`|`+reAgentLn.String()+`|`+reAPI.String()+`|`+reStarted.String()), from, 20*time.Second)
		if !ok {
			n.t.Fatalf("nomen did not start:\n%s", n.log)
		}
		from = next
		switch {
		case m[1] != "":
			n.addrs[m[1]] = m[2]
		case m[3] != "":
			n.addrs[m[3]] = m[4]
		case m[5] != "":
			n.api = m[5]
		default:
			return
		}
	}
}

// addr returns the bound address of a listener.
func (n *nomen) addr(listener string) string {
	a, ok := n.addrs[listener]
	if !ok {
		n.t.Fatalf("no listener %q in %v", listener, n.addrs)
	}
	return a
}

// port returns the bound port of a listener.
func (n *nomen) port(listener string) string {
	a := n.addr(listener)
	return a[strings.LastIndexByte(a, ':')+1:]
}

// stop sends SIGTERM and waits for a clean exit.
func (n *nomen) stop() {
	if n.cmd == nil || n.cmd.Process == nil {
		return
	}
	select {
	case <-n.exited:
		return
	default:
	}
	n.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-n.exited:
		if code := n.cmd.ProcessState.ExitCode(); code != 0 {
			n.t.Errorf("nomen exited with %d:\n%s", code, n.log)
		}
	case <-time.After(30 * time.Second):
		n.cmd.Process.Kill()
		n.t.Errorf("nomen did not stop within 30s:\n%s", n.log)
	}
}

// kill sends SIGKILL and waits.
func (n *nomen) kill() {
	n.cmd.Process.Kill()
	<-n.exited
}

// signal sends sig and returns the log position before it.
func (n *nomen) signal(sig os.Signal) int {
	n.log.mu.Lock()
	pos := len(n.log.lines)
	n.log.mu.Unlock()
	n.cmd.Process.Signal(sig)
	return pos
}

var reTokenFile = regexp.MustCompile(`msg="API requires a bearer token" .*token_file=(\S+)`)

// apiToken returns the API's bearer token, read from the token file whose
// path nomen logged at start.
func (n *nomen) apiToken() string {
	n.t.Helper()
	m, _, ok := n.log.waitFor(reTokenFile, 0, 5*time.Second)
	if !ok {
		n.t.Fatalf("nomen logged no API token file:\n%s", n.log)
	}
	data, err := os.ReadFile(m[1])
	if err != nil {
		n.t.Fatal(err)
	}
	return strings.TrimSpace(string(data))
}

// apiRequest returns a GET request for path (with its query) on the API,
// carrying the bearer token.
func (n *nomen) apiRequest(ctx context.Context, path string) *http.Request {
	n.t.Helper()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+n.api+path, nil)
	if err != nil {
		n.t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+n.apiToken())
	return req
}

// metric returns the sum of every series of a metric family from /metrics
// whose labels contain match (e.g. `listener="udp"`).
func (n *nomen) metric(name, match string) float64 {
	n.t.Helper()
	resp, err := http.Get("http://" + n.api + "/metrics")
	if err != nil {
		n.t.Fatal(err)
	}
	defer resp.Body.Close()
	sum := 0.0
	sc := bufio.NewScanner(resp.Body)
	for sc.Scan() {
		line := sc.Text()
		if !strings.HasPrefix(line, name) || (len(line) > len(name) && line[len(name)] != '{' && line[len(name)] != ' ') {
			continue
		}
		if match != "" && !strings.Contains(line, match) {
			continue
		}
		f, err := strconv.ParseFloat(line[strings.LastIndexByte(line, ' ')+1:], 64)
		if err == nil {
			sum += f
		}
	}
	return sum
}

// readJSONLines returns the documents of a JSON lines file (missing: none).
// nomen may be writing it: a last line without its line feed is not
// complete yet and is left for the next look.
func readJSONLines(t testing.TB, path string) []map[string]any {
	t.Helper()
	data, err := os.ReadFile(path)
	if os.IsNotExist(err) {
		return nil
	}
	if err != nil {
		t.Fatal(err)
	}
	data = data[:bytes.LastIndexByte(data, '\n')+1]
	var docs []map[string]any
	for i, line := range bytes.Split(data, []byte("\n")) {
		if len(line) == 0 {
			continue
		}
		var doc map[string]any
		if err := json.Unmarshal(line, &doc); err != nil {
			t.Fatalf("%s line %d is not JSON (%v): %q", path, i+1, err, line)
		}
		docs = append(docs, doc)
	}
	return docs
}

// waitJSONLines polls path until it holds at least n documents.
func waitJSONLines(t testing.TB, path string, n int, timeout time.Duration) []map[string]any {
	t.Helper()
	return waitJSONLinesWhere(t, path, n, timeout, func(map[string]any) bool { return true })
}

// waitJSONLinesWhere is waitJSONLines counting only the documents that
// match (events of the inputs, not the records correlation adds).
func waitJSONLinesWhere(t testing.TB, path string, n int, timeout time.Duration, match func(map[string]any) bool) []map[string]any {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		docs := readJSONLines(t, path)
		got := 0
		for _, d := range docs {
			if match(d) {
				got++
			}
		}
		if got >= n || time.Now().After(deadline) {
			return docs
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// get returns a dotted field of a decoded ECS document.
func get(doc map[string]any, path string) any {
	var cur any = doc
	for _, part := range strings.Split(path, ".") {
		m, ok := cur.(map[string]any)
		if !ok {
			return nil
		}
		cur = m[part]
	}
	return cur
}

func getStr(doc map[string]any, path string) string {
	switch v := get(doc, path).(type) {
	case string:
		return v
	case nil:
		return ""
	case float64:
		return strconv.FormatFloat(v, 'f', -1, 64)
	default:
		return fmt.Sprint(v)
	}
}

// needCommand skips the test when a command is not installed.
func needCommand(t testing.TB, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		t.Skipf("%s is not installed (.ci/run installs it)", name)
	}
	return p
}

// run runs a command and fails the test on error.
func run(t testing.TB, name string, args ...string) string {
	t.Helper()
	out, err := exec.Command(name, args...).CombinedOutput()
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
	}
	return string(out)
}

// sendUDP sends one datagram to addr.
func sendUDP(t *testing.T, addr, line string) {
	t.Helper()
	c, err := net.Dial("udp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if _, err := c.Write([]byte(line)); err != nil {
		t.Fatal(err)
	}
}

// The pieces most test configs share ({{.Dir}} is the test's directory).
const (
	// headConfig: the state under the test's directory, the API on a free
	// port, times without a zone read as UTC.
	headConfig = `
state_dir = "{{.Dir}}/state"
[metrics]
listen = "127.0.0.1:0"
[parse]
timezone = "UTC"
`
	// archiveOutput: the file output the tests read (events.jsonl).
	archiveOutput = `[[output]]
name = "archive"
type = "file"
path = "{{.Dir}}/events.jsonl"
`
)

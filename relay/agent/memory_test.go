package agent

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"os"
	"os/exec"
	"runtime"
	"sync/atomic"
	"testing"
	"time"

	"github.com/nomenhq/nomen/relay/event"
	"github.com/nomenhq/nomen/relay/wire"
)

// agentsChildEnv makes the test binary the agents' process
// (TestConnectedAgentsChild): the clients' memory is not the relay's.
const agentsChildEnv = "NOMEN_TEST_AGENTS_CHILD"

type agentsJob struct {
	Addr, CA      string
	Certs, Keys   []string
	Records, Size int
}

// TestConnectedAgentsMemory: 1,000 agents connected over TLS, each having
// delivered a batch and gone quiet, cost the relay (heap and stacks, the
// agents run in a child process) at most 64 KiB each.
func TestConnectedAgentsMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("connects 1,000 agents")
	}
	const agents = 1000
	f := newFixture(t, nil)
	f.stop()
	// A server whose events are counted, not kept: the events are the
	// journal's memory, not the sessions'.
	var delivered atomic.Int64
	srv, err := NewServer(f.cfg, func(_ context.Context, evs []*event.Event) error {
		delivered.Add(int64(len(evs)))
		return nil
	}, nil, nil, WithMetrics(f.m))
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	f.srv, f.addr = srv, ln.Addr().String()
	go srv.Serve(ln)

	job := agentsJob{Addr: f.addr, CA: f.pki.CAFile}
	for i := range agents {
		cert, key := f.pki.Client(t, fmt.Sprintf("ws%04d", i))
		job.Certs, job.Keys = append(job.Certs, cert), append(job.Keys, key)
	}
	spec, _ := json.Marshal(job)
	before := inUse()
	child := exec.Command(os.Args[0], "-test.run=^TestConnectedAgentsChild$")
	child.Env = append(os.Environ(), agentsChildEnv+"="+string(spec))
	child.Stderr = os.Stderr
	stdin, _ := child.StdinPipe()
	stdout, _ := child.StdoutPipe()
	if err := child.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { stdin.Close(); child.Wait() }()
	sc := bufio.NewScanner(stdout)
	for sc.Scan() && sc.Text() != "connected" {
	}
	if n := delivered.Load(); n < agents*10 {
		t.Fatalf("%d events delivered, want %d", n, agents*10)
	}
	time.Sleep(100 * time.Millisecond) // every session back in its wait
	used := inUse() - before
	t.Logf("%d agents: %d KiB each", agents, used/agents>>10)
	if used > agents*64<<10 {
		t.Errorf("%d agents use %d MiB, want at most %d MiB", agents, used>>20, agents*64<<10>>20)
	}
}

// TestConnectedAgentsChild is TestConnectedAgentsMemory's agents: each
// connects, says hello, delivers 10 records and waits for their ACK; then
// it prints "connected" and holds the connections until stdin closes.
func TestConnectedAgentsChild(t *testing.T) {
	spec := os.Getenv(agentsChildEnv)
	if spec == "" {
		t.Skip("the child of TestConnectedAgentsMemory")
	}
	var job agentsJob
	if err := json.Unmarshal([]byte(spec), &job); err != nil {
		t.Fatal(err)
	}
	for i := range job.Certs {
		conn, err := dialTLS(job.Addr, job.CA, job.Certs[i], job.Keys[i])
		if err != nil {
			t.Fatal(err)
		}
		cl := newClient(t, conn)
		cl.hello(fmt.Sprintf("ws%04d", i), wire.StreamPos{Channel: "Security", Epoch: 1})
		cl.mustSend(batch(1, 1, 10))
		cl.waitAck("Security", 1, 10)
	}
	fmt.Println("connected")
	bufio.NewReader(os.Stdin).ReadByte() // until the parent closes stdin
}

// inUse is the heap and stack memory in use after a collection.
func inUse() int64 {
	runtime.GC()
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return int64(m.HeapInuse + m.StackInuse)
}

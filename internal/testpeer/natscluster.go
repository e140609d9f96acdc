package testpeer

import (
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/nomenhq/nomen/internal/syncbuf"
)

// NATSNode is one nats-server of a NATSCluster.
type NATSNode struct {
	Name  string
	URL   string // nats://127.0.0.1:<client port>
	conf  string
	cmd   *exec.Cmd
	out   *syncbuf.Buffer
	ended chan struct{}
}

// NATSCluster is a cluster of nats-server processes with JetStream, on
// free loopback ports, each with its own store directory; Stop (run at
// the test's end) kills what is still running.
type NATSCluster struct {
	Nodes []*NATSNode
}

// URLs is every node's URL, comma-separated (a client's server list).
func (c *NATSCluster) URLs() string {
	urls := make([]string, len(c.Nodes))
	for i, n := range c.Nodes {
		urls[i] = n.URL
	}
	return strings.Join(urls, ",")
}

// FindNATSServer locates nats-server: $NOMEN_NATS_SERVER, /usr/sbin, or PATH.
func FindNATSServer() (string, error) {
	if p := os.Getenv("NOMEN_NATS_SERVER"); p != "" {
		return p, check(p)
	}
	if check("/usr/sbin/nats-server") == nil {
		return "/usr/sbin/nats-server", nil
	}
	if p, err := exec.LookPath("nats-server"); err == nil {
		return p, nil
	}
	return "", fmt.Errorf("nats-server not found: install it (Debian: nats-server) or set NOMEN_NATS_SERVER")
}

// StartNATSCluster starts n nats-server processes routed to each other
// with JetStream, or skips the test when there is no nats-server. It
// returns once every node accepts clients (JetStream's meta leader may
// still be being elected: create streams with a retry).
func StartNATSCluster(t testing.TB, n int) *NATSCluster {
	t.Helper()
	bin, err := FindNATSServer()
	if err != nil {
		t.Skip(err)
	}
	dir := t.TempDir()
	clientPorts, routePorts := make([]int, n), make([]int, n)
	for i := range n {
		clientPorts[i], routePorts[i] = FreePort(t), FreePort(t)
	}
	c := &NATSCluster{}
	t.Cleanup(c.Stop)
	for i := range n {
		var routes []string
		for j := range n {
			if j != i {
				routes = append(routes, fmt.Sprintf("nats-route://127.0.0.1:%d", routePorts[j]))
			}
		}
		name := fmt.Sprintf("n%d", i+1)
		conf := fmt.Sprintf(`server_name: %s
listen: "127.0.0.1:%d"
jetstream { store_dir: %q }
cluster {
  name: "nomentest"
  listen: "127.0.0.1:%d"
  routes: [%s]
}
`, name, clientPorts[i], filepath.Join(dir, name), routePorts[i], strings.Join(routes, ", "))
		path := filepath.Join(dir, name+".conf")
		if err := os.WriteFile(path, []byte(conf), 0o644); err != nil {
			t.Fatal(err)
		}
		node := &NATSNode{Name: name, URL: fmt.Sprintf("nats://127.0.0.1:%d", clientPorts[i]), conf: path}
		c.Nodes = append(c.Nodes, node)
		node.start(t, bin)
	}
	for _, node := range c.Nodes {
		node.waitClients(t)
	}
	return c
}

func (n *NATSNode) start(t testing.TB, bin string) {
	n.out = &syncbuf.Buffer{}
	n.cmd = exec.Command(bin, "-c", n.conf)
	n.cmd.Stdout, n.cmd.Stderr = n.out, n.out
	if err := n.cmd.Start(); err != nil {
		t.Fatalf("nats-server %s: %v", n.Name, err)
	}
	n.ended = make(chan struct{})
	go func() { n.cmd.Wait(); close(n.ended) }()
}

func (n *NATSNode) waitClients(t testing.TB) {
	addr := strings.TrimPrefix(n.URL, "nats://")
	deadline := time.Now().Add(15 * time.Second)
	for {
		conn, err := net.DialTimeout("tcp", addr, time.Second)
		if err == nil {
			conn.Close()
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("nats-server %s does not accept clients at %s:\n%s", n.Name, addr, n.out.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// Kill sends SIGKILL to the node and waits for it to end.
func (n *NATSNode) Kill() {
	if n.cmd != nil && n.cmd.Process != nil {
		n.cmd.Process.Signal(syscall.SIGKILL)
		<-n.ended
	}
}

// Output is what the node logged.
func (n *NATSNode) Output() string { return n.out.String() }

// Stop kills every node.
func (c *NATSCluster) Stop() {
	for _, n := range c.Nodes {
		n.Kill()
	}
}

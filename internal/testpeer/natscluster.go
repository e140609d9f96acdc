package testpeer

import (
	"encoding/json"
	"fmt"
	"net"
	"net/http"
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
	http  string // 127.0.0.1:<monitoring port>
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
// returns once every node accepts clients and JetStream's meta group has
// a leader that counts every node as a current peer: before that, a
// replicated stream or bucket can fail with "no suitable peers for
// placement".
func StartNATSCluster(t testing.TB, n int) *NATSCluster {
	t.Helper()
	bin, err := FindNATSServer()
	if err != nil {
		t.Skip(err)
	}
	dir := t.TempDir()
	clientPorts, routePorts, httpPorts := make([]int, n), make([]int, n), make([]int, n)
	for i := range n {
		clientPorts[i], routePorts[i], httpPorts[i] = FreePort(t), FreePort(t), FreePort(t)
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
http: "127.0.0.1:%d"
jetstream { store_dir: %q }
cluster {
  name: "nomentest"
  listen: "127.0.0.1:%d"
  routes: [%s]
}
`, name, clientPorts[i], httpPorts[i], filepath.Join(dir, name), routePorts[i], strings.Join(routes, ", "))
		path := filepath.Join(dir, name+".conf")
		if err := os.WriteFile(path, []byte(conf), 0o644); err != nil {
			t.Fatal(err)
		}
		node := &NATSNode{Name: name, URL: fmt.Sprintf("nats://127.0.0.1:%d", clientPorts[i]),
			http: fmt.Sprintf("127.0.0.1:%d", httpPorts[i]), conf: path}
		c.Nodes = append(c.Nodes, node)
		node.start(t, bin)
	}
	for _, node := range c.Nodes {
		node.waitClients(t)
	}
	for _, node := range c.Nodes {
		node.waitMeta(t, n)
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

// metaCluster is the part of a node's /jsz answer that says whether
// JetStream's meta group is whole.
type metaCluster struct {
	MetaCluster struct {
		Leader   string `json:"leader"`
		Replicas []struct {
			Current bool `json:"current"`
			Offline bool `json:"offline"`
		} `json:"replicas"`
	} `json:"meta_cluster"`
}

// waitMeta waits until the node sees a meta leader and, when it is the
// leader, all n-1 other nodes as current peers.
func (n *NATSNode) waitMeta(t testing.TB, size int) {
	deadline := time.Now().Add(60 * time.Second)
	last := "no answer"
	for {
		if ok, why := n.metaWhole(size); ok {
			return
		} else {
			last = why
		}
		if time.Now().After(deadline) {
			t.Fatalf("nats-server %s: JetStream meta group not whole: %s\n%s", n.Name, last, n.out.String())
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func (n *NATSNode) metaWhole(size int) (bool, string) {
	client := http.Client{Timeout: 2 * time.Second}
	resp, err := client.Get("http://" + n.http + "/jsz")
	if err != nil {
		return false, err.Error()
	}
	defer resp.Body.Close()
	var m metaCluster
	if err := json.NewDecoder(resp.Body).Decode(&m); err != nil {
		return false, "jsz: " + err.Error()
	}
	if m.MetaCluster.Leader == "" {
		return false, "no meta leader yet"
	}
	if m.MetaCluster.Leader != n.Name {
		return true, "" // the leader's own check counts the peers
	}
	current := 0
	for _, r := range m.MetaCluster.Replicas {
		if r.Current && !r.Offline {
			current++
		}
	}
	if current < size-1 {
		return false, fmt.Sprintf("leader %s has %d of %d peers current", n.Name, current, size-1)
	}
	return true, ""
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

package main

// Scale-out end to end with the real binary and real NATS JetStream: an
// edge nomen (syslog in, nats out) and a tier nomen (nats in, file out).
// See docs/scale-out.md.

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/nomenhq/nomen/internal/testpeer"
)

// soStream creates a stream of its own on subjects <prefix>.> with the
// given replicas (retrying while a new cluster elects its leaders) and
// deletes it at the end. Its duplicate window is 10 minutes.
func soStream(t *testing.T, js jetstream.JetStream, replicas int) (prefix, stream string) {
	t.Helper()
	return soStreamWindow(t, js, replicas, 10*time.Minute)
}

// soStreamWindow is soStream with the given duplicate window.
func soStreamWindow(t *testing.T, js jetstream.JetStream, replicas int, window time.Duration) (prefix, stream string) {
	t.Helper()
	n := rand.Uint32()
	prefix, stream = fmt.Sprintf("soe2e%d", n), fmt.Sprintf("SO_E2E_%d", n)
	deadline := time.Now().Add(30 * time.Second)
	for {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		_, err := js.CreateStream(ctx, jetstream.StreamConfig{Name: stream, Subjects: []string{prefix + ".>"},
			Replicas: replicas, Storage: jetstream.FileStorage, Duplicates: window})
		cancel()
		if err == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("create stream: %v", err)
		}
		time.Sleep(200 * time.Millisecond)
	}
	t.Cleanup(func() { js.DeleteStream(context.Background(), stream) })
	return prefix, stream
}

func soConnect(t *testing.T, urls string) jetstream.JetStream {
	t.Helper()
	nc, err := nats.Connect(urls, nats.Timeout(2*time.Second), nats.MaxReconnects(-1))
	if err != nil {
		t.Skipf("NATS not reachable at %s: %v", urls, err)
	}
	t.Cleanup(nc.Close)
	js, err := jetstream.New(nc)
	if err != nil {
		t.Fatal(err)
	}
	return js
}

// soEdge starts an edge: syslog over TCP in, the nats output and a local
// copy (edge.jsonl) out. Sequence tracking is the tier's: an edge may see
// only part of a source's numbers.
func soEdge(t *testing.T, urls, prefix string) *nomen {
	return startNomen(t, fmt.Sprintf(`
state_dir = "{{.Dir}}/state"
hostname = "edge-1"
[metrics]
listen = "127.0.0.1:0"
[sequence]
enabled = false
[[listener]]
name = "tcp"
protocol = "tcp"
address = "127.0.0.1:0"
[[output]]
name = "bus"
type = "nats"
url = %q
subject = "%s.{event.category}"
batch_size = 500
[[output]]
name = "local"
type = "file"
path = "{{.Dir}}/edge.jsonl"
`, urls, prefix))
}

// soTier starts a tier: the nats listener in, tier.jsonl out.
func soTier(t *testing.T, urls, stream string) *nomen {
	return startNomen(t, fmt.Sprintf(`
state_dir = "{{.Dir}}/state"
hostname = "tier-1"
[metrics]
listen = "127.0.0.1:0"
[[listener]]
name = "bus"
protocol = "nats"
url = %q
stream = %q
[[output]]
name = "archive"
type = "file"
path = "{{.Dir}}/tier.jsonl"
`, urls, stream))
}

// soLine is the i-th test line: an sshd failure the edge normalizes.
func soLine(i int) string {
	return fmt.Sprintf("<38>Nov 22 10:15:02 web%d sshd[%d]: Failed password for invalid user u%d from 10.%d.%d.%d port %d ssh2",
		i%5, 1000+i%7, i, i>>16&255, i>>8&255, i&255, 1024+i%50000)
}

// soSend sends lines from..to-1 over one TCP connection.
func soSend(t *testing.T, addr string, from, to int) {
	lines := make([]string, 0, max(to-from, 0))
	for i := from; i < to; i++ {
		lines = append(lines, soLine(i))
	}
	soSendLines(t, addr, lines)
}

// soSendLines sends lines, newline-framed, over one TCP connection.
func soSendLines(t *testing.T, addr string, lines []string) {
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Error(err)
		return
	}
	defer conn.Close()
	w := bufio.NewWriterSize(conn, 64<<10)
	for _, l := range lines {
		w.WriteString(l)
		w.WriteByte('\n')
	}
	if err := w.Flush(); err != nil {
		t.Error(err)
	}
}

// soArrived reads the tier's file: the documents by nomen.nats.id, and
// the ids whose events the tier journaled more than once (distinct
// nomen.id: a redelivery not dropped; the same nomen.id twice is the file
// output's own at-least-once after a crash, not a journal duplicate).
func soArrived(t *testing.T, path string) (byID map[string]map[string]any, journaledTwice []string) {
	byID = map[string]map[string]any{}
	tierIDs := map[string]string{}
	for _, d := range readJSONLines(t, path) {
		id := getStr(d, "nomen.nats.id")
		if prev, ok := tierIDs[id]; ok && prev != getStr(d, "nomen.id") {
			journaledTwice = append(journaledTwice, id)
		}
		tierIDs[id] = getStr(d, "nomen.id")
		byID[id] = d
	}
	return byID, journaledTwice
}

// soLines counts the lines of a file cheaply (the tests poll it while
// nomen works: decoding every document each time would take the CPU the
// rate is measured with).
func soLines(path string) int {
	data, _ := os.ReadFile(path)
	return bytes.Count(data, []byte{'\n'})
}

// soAll waits until the tier's file holds total distinct messages.
func soAll(t *testing.T, path string, total int, timeout time.Duration) {
	t.Helper()
	soWait(t, timeout, "every event at the tier", func() (bool, string) {
		if n := soLines(path); n < total {
			return false, fmt.Sprintf("%d lines of %d", n, total)
		}
		got, _ := soArrived(t, path)
		return len(got) == total, fmt.Sprintf("%d of %d", len(got), total)
	})
}

func soWait(t *testing.T, timeout time.Duration, what string, cond func() (bool, string)) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		ok, state := cond()
		if ok {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s: %s", what, state)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// soCheckSame holds every tier document to the edge's: the same event,
// normalized once (at the edge), with the edge as observer.
func soCheckSame(t *testing.T, edgePath string, tier map[string]map[string]any) {
	t.Helper()
	edge := map[string]map[string]any{}
	for _, d := range readJSONLines(t, edgePath) {
		edge[getStr(d, "event.original")] = d
	}
	bad := 0
	for id, d := range tier {
		e, ok := edge[getStr(d, "event.original")]
		if !ok {
			t.Errorf("%s: tier event not in the edge's file: %s", id, getStr(d, "event.original"))
			bad++
		}
		for _, k := range []string{"@timestamp", "event.created", "event.action", "event.outcome", "user.name",
			"source.ip", "source.port", "host.name", "process.pid", "log.syslog.priority"} {
			if fmt.Sprint(get(d, k)) != fmt.Sprint(get(e, k)) {
				t.Errorf("%s: %s = %v at the tier, %v at the edge", id, k, get(d, k), get(e, k))
				bad++
			}
		}
		if getStr(d, "observer.hostname") != "edge-1" || getStr(d, "nomen.edge.input") != "tcp" || getStr(d, "nomen.input") != "bus" {
			t.Errorf("%s: observer %q, nomen.edge.input %q, nomen.input %q", id,
				getStr(d, "observer.hostname"), getStr(d, "nomen.edge.input"), getStr(d, "nomen.input"))
			bad++
		}
		if bad > 10 {
			t.FailNow()
		}
	}
}

// TestScaleOutEdgeToTier: events go edge -> JetStream -> tier once,
// normalized once; the tier is killed (SIGKILL) mid-stream and restarted:
// nothing is lost and the messages it fetched again are dropped.
func TestScaleOutEdgeToTier(t *testing.T) {
	js := soConnect(t, "nats://127.0.0.1:4222")
	prefix, stream := soStream(t, js, 1)
	edge := soEdge(t, "nats://127.0.0.1:4222", prefix)
	tier := soTier(t, "nats://127.0.0.1:4222", stream)
	tierFile := filepath.Join(tier.dir, "tier.jsonl")

	// A clean run first: the end-to-end rate.
	const clean = 20000
	start := time.Now()
	soSend(t, edge.addr("tcp"), 0, clean)
	soWait(t, 120*time.Second, "the clean run in the stream", func() (bool, string) {
		si, err := js.Stream(context.Background(), stream)
		if err != nil {
			return false, err.Error()
		}
		n := si.CachedInfo().State.Msgs
		return n >= clean, fmt.Sprint(n)
	})
	inStream := time.Since(start)
	t.Logf("edge (tcp -> edge -> JetStream): %d events in %v = %.0f events/s", clean, inStream.Round(time.Millisecond), clean/inStream.Seconds())
	soAll(t, tierFile, clean, 120*time.Second)
	took := time.Since(start)
	t.Logf("end to end (tcp -> edge -> JetStream -> tier -> file), one edge and one tier on this machine: %d events in %v = %.0f events/s",
		clean, took.Round(time.Millisecond), clean/took.Seconds())
	if n := tier.metric("nomen_normalized_events_total", ""); n != 0 {
		t.Errorf("the tier normalized %v events: they were normalized at the edge", n)
	}

	// The tier killed mid-stream, then restarted.
	const total = 2 * clean
	go soSend(t, edge.addr("tcp"), clean, total)
	soWait(t, 60*time.Second, "the tier halfway", func() (bool, string) {
		n := soLines(tierFile)
		return n >= clean+clean/4, fmt.Sprintf("%d", n)
	})
	tier.kill()
	time.Sleep(500 * time.Millisecond)
	tier.start()
	soAll(t, tierFile, total, 120*time.Second)
	got, twice := soArrived(t, tierFile)
	if len(twice) > 0 {
		t.Errorf("%d messages journaled twice by the tier (e.g. %s)", len(twice), twice[0])
	}
	t.Logf("after the restart: %v redeliveries dropped", tier.metric("nomen_nats_input_messages_total", `result="duplicate"`))
	soCheckSame(t, filepath.Join(edge.dir, "edge.jsonl"), got)
}

// TestNATSInMalformed: a message that is not a nomen document is
// dead-lettered with its reason and acknowledged, and reading goes on.
func TestNATSInMalformed(t *testing.T) {
	js := soConnect(t, "nats://127.0.0.1:4222")
	prefix, stream := soStream(t, js, 1)
	ctx := context.Background()
	for _, m := range []string{`{"broken": `, "<13>Nov 22 10:15:03 web2 app: after the broken one"} {
		if _, err := js.Publish(ctx, prefix+".x", []byte(m)); err != nil {
			t.Fatal(err)
		}
	}
	tier := soTier(t, "nats://127.0.0.1:4222", stream)
	docs := waitJSONLines(t, filepath.Join(tier.dir, "tier.jsonl"), 1, 30*time.Second)
	if getStr(docs[0], "message") != "after the broken one" {
		t.Errorf("event: %v", docs[0])
	}
	soWait(t, 30*time.Second, "the malformed message acknowledged", func() (bool, string) {
		c, err := js.Consumer(ctx, stream, "nomen-bus")
		if err != nil {
			return false, err.Error()
		}
		info, err := c.Info(ctx)
		if err != nil {
			return false, err.Error()
		}
		return info.NumAckPending == 0 && info.NumPending == 0, fmt.Sprintf("ack pending %d, pending %d", info.NumAckPending, info.NumPending)
	})
	if n := tier.metric("nomen_nats_input_messages_total", `result="dead_letter"`); n != 1 {
		t.Errorf("dead_letter = %v", n)
	}
	dl, err := os.ReadFile(filepath.Join(tier.dir, "state", "deadletter", "listener-bus.jsonl"))
	if err != nil || !strings.Contains(string(dl), `"stream_sequence":1`) || !strings.Contains(string(dl), `not nomen's ECS JSON`) {
		t.Errorf("dead letter: %s %v", dl, err)
	}
}

// TestScaleOutClusterNodeKilled: a 3-node JetStream cluster, the stream
// replicated 3 times; the node leading the stream is SIGKILLed mid-stream:
// nothing is lost.
func TestScaleOutClusterNodeKilled(t *testing.T) {
	cluster := testpeer.StartNATSCluster(t, 3)
	urls := cluster.URLs()
	js := soConnect(t, urls)
	prefix, stream := soStream(t, js, 3)
	edge := soEdge(t, urls, prefix)
	tier := soTier(t, urls, stream)
	tierFile := filepath.Join(tier.dir, "tier.jsonl")

	const total = 20000
	start := time.Now()
	go soSend(t, edge.addr("tcp"), 0, total)
	soWait(t, 60*time.Second, "a third at the tier", func() (bool, string) {
		n := soLines(tierFile)
		return n >= total/3, fmt.Sprintf("%d", n)
	})
	t.Logf("killed %s, the stream's leader", killStreamLeader(t, js, stream, cluster))
	soAll(t, tierFile, total, 180*time.Second)
	took := time.Since(start)
	t.Logf("3-node cluster, R3 stream, leader killed: %d events in %v = %.0f events/s", total, took.Round(time.Millisecond), total/took.Seconds())
	got, twice := soArrived(t, tierFile)
	if len(twice) > 0 {
		t.Errorf("%d messages journaled twice by the tier (e.g. %s)", len(twice), twice[0])
	}
	soCheckSame(t, filepath.Join(edge.dir, "edge.jsonl"), got)
}

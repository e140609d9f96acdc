package main

// Issue #18: an edge's nats output when the JetStream stream's leader
// dies under it (docs/scale-out.md, Failures).

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/nomenhq/nomen/internal/testpeer"
)

// TestEdgeStreamLeaderKilled: an edge publishes a steady flow of events
// to an R3 stream (JetStream's default duplicate window, 2 minutes) and
// the stream's leader node is SIGKILLed a third of the way in, once with
// the edge connected to another node (nothing tells it that its batch in
// flight is lost) and once with the edge connected to the leader (it
// reconnects). Every event is in the stream exactly once: its
// Nats-Msg-Id once and its line once. The test prints when the new
// leader was elected, when the stream stored again and when it held
// everything, counted from the kill, and how many events the edge
// published again.
func TestEdgeStreamLeaderKilled(t *testing.T) {
	if testing.Short() {
		t.Skip("3-node NATS clusters: not with -short")
	}
	for _, onLeader := range []bool{false, true} {
		name := map[bool]string{false: "edge on a follower", true: "edge with the leader as its only url"}[onLeader]
		t.Run(name, func(t *testing.T) { edgeLeaderKilled(t, onLeader) })
	}
}

func edgeLeaderKilled(t *testing.T, onLeader bool) {
	const total = 10000
	cluster := testpeer.StartNATSCluster(t, 3)
	js := soConnect(t, cluster.URLs())
	prefix, stream := soStreamWindow(t, js, 3, 0) // 0: JetStream's default window
	leader := streamLeader(t, js, stream)
	var edgeURLs, watchURLs []string
	var dead *testpeer.NATSNode
	for _, n := range cluster.Nodes {
		if n.Name == leader {
			dead = n
		} else {
			watchURLs = append(watchURLs, n.URL)
		}
		if (n.Name == leader) == onLeader {
			edgeURLs = append(edgeURLs, n.URL)
		}
	}
	// The test watches the election from a node that survives.
	watch := soConnect(t, strings.Join(watchURLs, ","))
	elected := make(chan time.Time, 8)
	sub, err := watch.Conn().Subscribe("$JS.EVENT.ADVISORY.STREAM.LEADER_ELECTED."+stream, func(*nats.Msg) {
		select {
		case elected <- time.Now():
		default:
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	defer sub.Unsubscribe()
	edge := soEdge(t, strings.Join(edgeURLs, ","), prefix)
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("the edge's log:\n%s", edge.log)
		}
	})

	// A steady flow of up to 10,000 events/s (100 lines every 10 ms):
	// more than the edge publishes here, so that it always has a batch
	// in flight.
	sent := make(chan time.Time, 1)
	go func() {
		for i := 0; i < total; i += 100 {
			soSend(t, edge.addr("tcp"), i, min(i+100, total))
			time.Sleep(10 * time.Millisecond)
		}
		sent <- time.Now()
	}()
	before := 0
	soWait(t, 60*time.Second, "a third in the stream", func() (bool, string) {
		before = streamMsgs(watch, stream)
		return before >= total/3, fmt.Sprintf("%d", before)
	})
	killed := time.Now()
	dead.Kill()
	t.Logf("SIGKILLed %s, the stream's leader, with %d of %d events in the stream", leader, before, total)
	soWait(t, 180*time.Second, "every event in the stream", func() (bool, string) {
		n := streamMsgs(watch, stream)
		return n >= total, fmt.Sprintf("%d of %d", n, total)
	})
	allIn := time.Since(killed)
	sendEnd := (<-sent).Sub(killed)
	time.Sleep(2 * time.Second) // a copy stored twice would come now

	ids, lines, firstAfter := streamContents(t, watch, stream, killed)
	if n := streamMsgs(watch, stream); n != total {
		t.Errorf("%d messages in the stream, want %d", n, total)
	}
	for id, n := range ids {
		if n != 1 {
			t.Errorf("Nats-Msg-Id %s stored %d times", id, n)
		}
	}
	for i := range total {
		if n := lines[soLine(i)]; n != 1 {
			t.Errorf("line %d stored %d times", i, n)
		}
	}
	election := "not seen"
	select {
	case at := <-elected:
		election = at.Sub(killed).Round(100 * time.Millisecond).String()
	default:
	}
	t.Logf("after the kill: new leader elected %s, the stream stored again %s, every event in it %s (the sender finished at %s); the edge published %v events again",
		election, firstAfter.Sub(killed).Round(100*time.Millisecond), allIn.Round(100*time.Millisecond),
		sendEnd.Round(100*time.Millisecond), edge.metric("nomen_nats_resent_events_total", ""))
}

// streamLeader is the name of the node leading stream.
func streamLeader(t *testing.T, js jetstream.JetStream, stream string) string {
	t.Helper()
	st, err := js.Stream(context.Background(), stream)
	if err != nil {
		t.Fatal(err)
	}
	return st.CachedInfo().Cluster.Leader
}

// killStreamLeader SIGKILLs the node leading stream and returns its name.
func killStreamLeader(t *testing.T, js jetstream.JetStream, stream string, cluster *testpeer.NATSCluster) string {
	t.Helper()
	leader := streamLeader(t, js, stream)
	for _, n := range cluster.Nodes {
		if n.Name == leader {
			n.Kill()
		}
	}
	return leader
}

// streamMsgs is the number of messages in stream (-1 while it cannot be
// asked, e.g. during an election).
func streamMsgs(js jetstream.JetStream, stream string) int {
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	st, err := js.Stream(ctx, stream)
	if err != nil {
		return -1
	}
	return int(st.CachedInfo().State.Msgs)
}

// streamContents reads every message of stream: how many times each
// Nats-Msg-Id and each original line is stored, and when the first
// message after since was stored. It asks the stream's leader for each
// message (an ordered consumer may be placed on the dead node and wait
// for it).
func streamContents(t *testing.T, js jetstream.JetStream, stream string, since time.Time) (ids, lines map[string]int, firstAfter time.Time) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 120*time.Second)
	defer cancel()
	st, err := js.Stream(ctx, stream)
	if err != nil {
		t.Fatal(err)
	}
	state := st.CachedInfo().State
	ids, lines = map[string]int{}, map[string]int{}
	for seq := state.FirstSeq; seq <= state.LastSeq; seq++ {
		m, err := st.GetMsg(ctx, seq)
		if err != nil {
			t.Fatalf("message %d: %v", seq, err)
		}
		ids[m.Header.Get(jetstream.MsgIDHeader)]++
		var doc map[string]any
		if err := json.Unmarshal(m.Data, &doc); err != nil {
			t.Fatalf("message %d: %v", seq, err)
		}
		lines[getStr(doc, "event.original")]++
		if m.Time.After(since) && firstAfter.IsZero() {
			firstAfter = m.Time
		}
	}
	return ids, lines, firstAfter
}

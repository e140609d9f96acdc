package main

// Issue #18 end to end: a 3-node NATS JetStream cluster, 3 edge relays
// publishing to it, 2 correlation-tier instances sharing partitions,
// with a tier instance and a NATS node SIGKILLed mid-stream.

import (
	"fmt"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/nomenhq/nomen/internal/testpeer"
)

// spread sends lines[i] to edge i%len(edges), one connection per edge,
// all at once (as sources behind a load balancer would).
func spread(t *testing.T, edges []*nomen, lines []string) {
	per := make([][]string, len(edges))
	for i, l := range lines {
		per[i%len(edges)] = append(per[i%len(edges)], l)
	}
	var wg sync.WaitGroup
	for i, e := range edges {
		wg.Add(1)
		go func() {
			defer wg.Done()
			soSendLines(t, e.addr("tcp"), per[i])
		}()
	}
	wg.Wait()
}

// bruteForce is attempts from..to-1 of each address, interleaved, so
// that consecutive attempts of an address go to different edges.
func bruteForce(ips []string, from, to int) []string {
	var lines []string
	for k := from; k < to; k++ {
		for _, ip := range ips {
			lines = append(lines, fmt.Sprintf("<38>Nov 22 10:15:02 web%d sshd[%d]: Failed password for invalid user root from %s port %d ssh2", k%3, 1000+k, ip, 40000+k))
		}
	}
	return lines
}

// clusterFindings reads both instances' findings: per source.ip the
// distinct event.ids and how many times it was reported, and the gap
// alerts.
func clusterFindings(t *testing.T, tiers ...*nomen) (ids map[string]map[string]int, gaps []map[string]any) {
	ids = map[string]map[string]int{}
	for _, n := range tiers {
		for _, doc := range readJSONLines(t, filepath.Join(n.dir, "findings.jsonl")) {
			if getStr(doc, "event.action") == "sequence-gap" {
				gaps = append(gaps, doc)
				continue
			}
			ip := getStr(doc, "source.ip")
			if ids[ip] == nil {
				ids[ip] = map[string]int{}
			}
			ids[ip][getStr(doc, "event.id")]++
		}
	}
	return ids, gaps
}

// checkOneFindingEach: every address has findings of exactly one id (the
// same finding reported by two instances, or twice by one, is one).
func checkOneFindingEach(t *testing.T, ids map[string]map[string]int, ips []string) {
	t.Helper()
	for _, ip := range ips {
		if len(ids[ip]) != 1 {
			t.Errorf("%s: findings under %d ids (%v), want exactly one", ip, len(ids[ip]), ids[ip])
		}
	}
}

// clusterLeaseTTL: a NATS node killed costs the cluster seconds of
// elections on this loaded machine, during which no lease is renewed.
const clusterLeaseTTL = "10s"

// TestTierClusterEndToEnd is issue #18's proof, in one run: the edges
// spread an SSH brute force (one finding per address) and a numbered
// source (no false gap, one gap alert for the real hole); then a tier
// instance and the NATS node leading the stream are SIGKILLed mid-attack:
// every address still gets exactly one finding (the same id if two
// instances made it), and the surviving instance reads every message.
// It prints the takeover time and the end-to-end rate.
//
// It was opt-in while three faults made it flaky (docs/scale-out.md, item
// 4): false gaps when one edge's share of the numbers came before
// another's, states read from a replica behind the dead leader, and lease
// listings and state reads through ephemeral consumers placed on the dead
// node. Skipped with -short: it takes about a minute.
func TestTierClusterEndToEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("a 3-node NATS cluster, 3 edges and 2 tier instances: not with -short")
	}
	cluster := testpeer.StartNATSCluster(t, 3)
	urls := cluster.URLs()
	js := soConnect(t, urls)
	prefix, stream := soStream(t, js, 3)
	bucket := tierBucket(t, js)
	edges := []*nomen{soEdge(t, urls, prefix), soEdge(t, urls, prefix), soEdge(t, urls, prefix)}
	a := tierInstanceOn(t, urls, 3, clusterLeaseTTL, "cl-a", stream, bucket)
	b := tierInstanceOn(t, urls, 3, clusterLeaseTTL, "cl-b", stream, bucket)
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("a's log:\n%s", a.log)
			t.Logf("b's log:\n%s", b.log)
		}
	})
	waitShared(t, 120*time.Second, a, b)
	start := time.Now()
	sent := 0

	// 1. A brute force spread over the 3 edges: one finding per address.
	first := addresses("198.51.100", 20)
	lines := bruteForce(first, 0, 5)
	spread(t, edges, lines)
	sent += len(lines)
	soWait(t, 120*time.Second, "a finding per address", func() (bool, string) {
		ids, _ := clusterFindings(t, a, b)
		return len(ids) >= len(first), fmt.Sprintf("%d of %d", len(ids), len(first))
	})

	// 2. A numbered source spread over the edges, with a real hole (20-22):
	// its numbers arrive out of order, and only the hole is a gap.
	var numbered []string
	for n := 1; n <= 90; n++ {
		if n < 20 || n > 22 {
			numbered = append(numbered, fmt.Sprintf(`<134>1 2026-11-22T10:15:02.%03dZ web9 app 77 - [meta sequenceId="%d"] request %d served`, n, n, n))
		}
	}
	spread(t, edges, numbered)
	sent += len(numbered)
	soWait(t, 120*time.Second, "the gap alert", func() (bool, string) {
		_, gaps := clusterFindings(t, a, b)
		return len(gaps) > 0, fmt.Sprintf("%d gap alerts", len(gaps))
	})

	// 3. Mid-stream, tier instance a and then the NATS node leading the
	// stream are SIGKILLed: 40 addresses, 20 of which complete their
	// brute force before the kills and 20 after.
	second := addresses("203.0.113", 40)
	early, late := second[:20], second[20:]
	lines = append(bruteForce(early, 0, 5), bruteForce(late, 0, 2)...)
	spread(t, edges, lines)
	sent += len(lines)
	killed := time.Now()
	a.kill()
	leader := killStreamLeader(t, js, stream, cluster)
	t.Logf("SIGKILLed tier instance a and NATS node %s (the stream's leader)", leader)
	lines = bruteForce(late, 2, 5)
	spread(t, edges, lines)
	sent += len(lines)
	soWait(t, 180*time.Second, "b to take a's partitions", func() (bool, string) {
		n := b.metric("nomen_partitions_owned", "")
		return n == tierPartitions, fmt.Sprintf("b owns %v", n)
	})
	t.Logf("takeover: b owned all %d partitions %s after a was SIGKILLed (lease_ttl %s, a NATS node down too)",
		tierPartitions, time.Since(killed).Round(100*time.Millisecond), clusterLeaseTTL)
	soWait(t, 180*time.Second, "a finding per address of the second attack", func() (bool, string) {
		ids, _ := clusterFindings(t, a, b)
		n := 0
		for _, ip := range second {
			if len(ids[ip]) > 0 {
				n++
			}
		}
		return n == len(second), fmt.Sprintf("%d of %d", n, len(second))
	})
	took := time.Since(start)
	soWait(t, 180*time.Second, "b to have read every message", func() (bool, string) {
		n := int(b.metric("nomen_nats_input_messages_total", `result="journaled"`))
		return n >= sent, fmt.Sprintf("%d of %d", n, sent)
	})
	time.Sleep(3 * time.Second) // a second finding or gap alert would come now

	ids, gaps := clusterFindings(t, a, b)
	checkOneFindingEach(t, ids, first)
	checkOneFindingEach(t, ids, second)
	if len(ids) != len(first)+len(second) {
		t.Errorf("findings for %d addresses, want %d: %v", len(ids), len(first)+len(second), ids)
	}
	// One gap alert: the instance that took the stream over may confirm
	// the hole again from a state saved before the first confirmation,
	// with the same id (JetStream or the SIEM keeps one).
	gapIDs := map[string]bool{}
	for _, g := range gaps {
		gapIDs[getStr(g, "event.id")] = true
		if getStr(g, "nomen.gap.first_missing") != "20" || getStr(g, "nomen.gap.last_missing") != "22" {
			t.Errorf("a gap alert other than the hole 20-22: %v", g)
		}
	}
	if len(gapIDs) != 1 {
		t.Errorf("want one gap alert (one id), got %d: %v", len(gapIDs), gaps)
	}
	if n := b.metric("nomen_partition_states_total", `op="load",result="success"`); n == 0 {
		t.Error("b loaded no partition state when it took a's partitions")
	}
	t.Logf("end to end: %d events through 3 edges, a 3-node R3 cluster and 2 tier instances (one, and a NATS node, killed) in %s = %.0f events/s",
		sent, took.Round(100*time.Millisecond), float64(sent)/took.Seconds())
}

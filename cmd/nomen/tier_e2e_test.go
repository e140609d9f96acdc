package main

// The correlation tier end to end with the real binary and real NATS
// JetStream: two tier instances read the whole stream (each through its
// own durable) and share correlation by partitions leased in a JetStream
// key-value bucket ([tier], relay/partition, docs/scale-out.md).

import (
	"context"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

const tierPartitions = 16

// tierInstance starts one instance of the correlation tier on the local
// JetStream server: the stream in through its own durable, its findings
// (only) out to findings.jsonl.
func tierInstance(t *testing.T, name, stream, bucket string) *nomen {
	return tierInstanceOn(t, "nats://127.0.0.1:4222", 1, "3s", name, stream, bucket)
}

// tierInstanceOn is tierInstance on the servers urls, the lease bucket and
// the state store with replicas, leases of leaseTTL.
func tierInstanceOn(t *testing.T, urls string, replicas int, leaseTTL, name, stream, bucket string) *nomen {
	return startNomen(t, fmt.Sprintf(`
state_dir = "{{.Dir}}/state"
hostname = %[1]q
[metrics]
listen = "127.0.0.1:0"
[[listener]]
name = "bus"
protocol = "nats"
url = %[5]q
stream = %[2]q
durable = "corr-%[1]s"
[tier]
listener = "bus"
bucket = %[3]q
partitions = %[4]d
lease_ttl = %[7]q
replicas = %[6]d
[[correlate.threshold]]
name = "ssh-bruteforce"
where = { "event.category" = "authentication", "event.outcome" = "failure" }
group_by = ["source.ip"]
count = 5
window = "10m"
[[output]]
name = "findings"
type = "file"
path = "{{.Dir}}/findings.jsonl"
where = { "event.kind" = "alert" }
`, name, stream, bucket, tierPartitions, urls, replicas, leaseTTL))
}

// tierBucket names a lease bucket for one test and deletes it, and the
// state store beside it, when the test ends.
func tierBucket(t *testing.T, js jetstream.JetStream) string {
	bucket := fmt.Sprintf("nomen_tier_e2e_%d", rand.Uint32())
	t.Cleanup(func() {
		js.DeleteKeyValue(context.Background(), bucket)
		js.DeleteObjectStore(context.Background(), bucket+"-state")
	})
	return bucket
}

// tierAttack publishes the sshd failures number from to to-1 from each
// address, interleaved (as several edges would spread them), with unique
// message ids.
func tierAttack(t *testing.T, js jetstream.JetStream, prefix string, ips []string, from, to int) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	for k := from; k < to; k++ {
		for _, ip := range ips {
			line := fmt.Sprintf("<38>Nov 22 10:15:02 web%d sshd[%d]: Failed password for invalid user root from %s port %d ssh2", k%3, 1000+k, ip, 40000+k)
			msg := &nats.Msg{Subject: prefix + ".auth", Data: []byte(line), Header: nats.Header{}}
			msg.Header.Set(jetstream.MsgIDHeader, fmt.Sprintf("%s-%d", ip, k))
			if _, err := js.PublishMsg(ctx, msg); err != nil {
				t.Fatal(err)
			}
		}
	}
}

// tierFindings returns source.ip -> event.id of the findings in n's file,
// and the addresses reported more than once.
func tierFindings(t *testing.T, n *nomen) (map[string]string, []string) {
	byIP, twice := map[string]string{}, []string(nil)
	for _, doc := range readJSONLines(t, filepath.Join(n.dir, "findings.jsonl")) {
		ip := getStr(doc, "source.ip")
		if _, dup := byIP[ip]; dup {
			twice = append(twice, ip)
		}
		byIP[ip] = getStr(doc, "event.id")
	}
	return byIP, twice
}

// waitShared waits until instances a and b own every partition between
// them, each some.
func waitShared(t *testing.T, timeout time.Duration, a, b *nomen) {
	t.Helper()
	soWait(t, timeout, "the two instances to share the partitions", func() (bool, string) {
		na, nb := a.metric("nomen_partitions_owned", ""), b.metric("nomen_partitions_owned", "")
		return na > 0 && nb > 0 && na+nb == tierPartitions, fmt.Sprintf("a %v, b %v", na, nb)
	})
}

// tierPair starts two tier instances (names name-a, name-b) on a fresh
// stream and lease bucket of the local NATS server and waits until they
// share the partitions.
func tierPair(t *testing.T, name string) (js jetstream.JetStream, prefix, bucket string, a, b *nomen) {
	t.Helper()
	js = soConnect(t, "nats://127.0.0.1:4222")
	prefix, stream := soStream(t, js, 1)
	bucket = tierBucket(t, js)
	a = tierInstance(t, name+"-a", stream, bucket)
	b = tierInstance(t, name+"-b", stream, bucket)
	waitShared(t, 90*time.Second, a, b)
	return js, prefix, bucket, a, b
}

func addresses(prefix string, n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("%s.%d", prefix, i+1)
	}
	return out
}

// TestTierPartitionedCorrelation: a brute force whose attempts both tier
// instances read is reported exactly once, by the instance owning its
// address's partition; after one instance is SIGKILLed, the other takes
// its partitions (the takeover time is printed) and reports brute forces
// from every address.
func TestTierPartitionedCorrelation(t *testing.T) {
	js, prefix, _, a, b := tierPair(t, "corr")

	first := addresses("198.51.100", 20)
	tierAttack(t, js, prefix, first, 0, 5)
	var fa, fb map[string]string
	soWait(t, 120*time.Second, "a finding per address", func() (bool, string) {
		fa, _ = tierFindings(t, a)
		fb, _ = tierFindings(t, b)
		return len(fa)+len(fb) >= len(first), fmt.Sprintf("a %d, b %d of %d", len(fa), len(fb), len(first))
	})
	time.Sleep(2 * time.Second) // a second finding for an address would come now
	fa, twiceA := tierFindings(t, a)
	fb, twiceB := tierFindings(t, b)
	if len(twiceA)+len(twiceB) > 0 || len(fa)+len(fb) != len(first) {
		t.Fatalf("want exactly one finding per address: a %v (twice %v), b %v (twice %v)", fa, twiceA, fb, twiceB)
	}
	for _, ip := range first {
		_, inA := fa[ip]
		_, inB := fb[ip]
		if inA == inB {
			t.Errorf("%s: reported by a: %v, by b: %v; want exactly one", ip, inA, inB)
		}
	}
	if len(fa) == 0 || len(fb) == 0 {
		t.Errorf("one instance made every finding (a %d, b %d): the partitions are not shared", len(fa), len(fb))
	}

	killed := time.Now()
	b.kill()
	soWait(t, 120*time.Second, "a to take b's partitions", func() (bool, string) {
		n := a.metric("nomen_partitions_owned", "")
		return n == tierPartitions, fmt.Sprintf("a owns %v", n)
	})
	t.Logf("takeover: a owned all %d partitions %s after b was killed (lease_ttl 3s)", tierPartitions, time.Since(killed).Round(100*time.Millisecond))

	second := addresses("203.0.113", 20)
	tierAttack(t, js, prefix, second, 0, 5)
	soWait(t, 120*time.Second, "a finding per new address, all by a", func() (bool, string) {
		fa, _ = tierFindings(t, a)
		n := 0
		for _, ip := range second {
			if _, ok := fa[ip]; ok {
				n++
			}
		}
		return n == len(second), fmt.Sprintf("%d of %d", n, len(second))
	})
	if _, twice := tierFindings(t, a); len(twice) > 0 {
		t.Errorf("reported twice by a: %v", twice)
	}
}

// TestTierPartitionedSequence: a numbered source read by both tier
// instances is tracked by one: its real hole gives exactly one gap alert,
// its other numbers none.
func TestTierPartitionedSequence(t *testing.T) {
	js, prefix, _, a, b := tierPair(t, "seq")

	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	for n := 1; n <= 60; n++ {
		if n >= 20 && n <= 22 {
			continue // the hole
		}
		line := fmt.Sprintf(`<134>1 2026-11-22T10:15:02.%03dZ web9 app 77 - [meta sequenceId="%d"] request %d served`, n, n, n)
		msg := &nats.Msg{Subject: prefix + ".app", Data: []byte(line), Header: nats.Header{}}
		msg.Header.Set(jetstream.MsgIDHeader, fmt.Sprintf("web9-%d", n))
		if _, err := js.PublishMsg(ctx, msg); err != nil {
			t.Fatal(err)
		}
	}
	gaps := func() (all []map[string]any) {
		for _, n := range []*nomen{a, b} {
			for _, doc := range readJSONLines(t, filepath.Join(n.dir, "findings.jsonl")) {
				if getStr(doc, "event.action") == "sequence-gap" {
					all = append(all, doc)
				}
			}
		}
		return all
	}
	soWait(t, 120*time.Second, "the gap alert", func() (bool, string) {
		n := len(gaps())
		return n > 0, fmt.Sprintf("%d gap alerts", n)
	})
	time.Sleep(2 * time.Second) // a second alert (the other instance's) would come now
	got := gaps()
	if len(got) != 1 || getStr(got[0], "nomen.gap.first_missing") != "20" || getStr(got[0], "nomen.gap.last_missing") != "22" || getStr(got[0], "event.id") == "" {
		t.Fatalf("want one gap alert for 20-22 with an id, got %v", got)
	}
}

package main

// A correlation tier's partition state moving between instances through
// JetStream (relay/tierstate.go, docs/scale-out.md): what one instance
// counted is continued by the instance that takes its partitions over.

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"
)

// savedWindows returns, for each address, the most attempts a saved
// threshold window of it holds in the tier's state store.
func savedWindows(t *testing.T, js jetstream.JetStream, bucket string) map[string]int {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	store, err := js.ObjectStore(ctx, bucket+"-state")
	if err != nil {
		return nil // not created yet
	}
	infos, err := store.List(ctx)
	if err != nil {
		return nil
	}
	out := map[string]int{}
	for _, info := range infos {
		if !strings.HasPrefix(info.Name, "correlate.") {
			continue
		}
		b, err := store.GetBytes(ctx, info.Name)
		if err != nil {
			// Saved again while read (the new save purges the chunks
			// being read): not seen yet, read at the next poll.
			return nil
		}
		var env struct {
			State struct {
				Rules map[string][]struct {
					K string `json:"k"`
					V struct {
						Slots []json.RawMessage `json:"slots"`
					} `json:"v"`
				} `json:"rules"`
			} `json:"state"`
		}
		if err := json.Unmarshal(b, &env); err != nil {
			t.Fatalf("%s: %v", info.Name, err)
		}
		for _, entries := range env.State.Rules {
			for _, e := range entries {
				out[e.K] = max(out[e.K], len(e.V.Slots))
			}
		}
	}
	return out
}

// TestTierStateMovesOnTakeover: three attempts from each of 20 addresses
// are counted by the instance owning the address's partition, which saves
// its windows to JetStream; it is SIGKILLed; a fourth attempt arrives
// while nobody owns its partitions; the other instance takes them over,
// loading their windows and replaying the fourth attempts, and the fifth
// gives exactly one finding per address (from scratch, the killed
// instance's addresses would give none).
func TestTierStateMovesOnTakeover(t *testing.T) {
	js, prefix, bucket, a, b := tierPair(t, "move")

	ips := addresses("192.0.2", 20)
	tierAttack(t, js, prefix, ips, 0, 3)
	soWait(t, 120*time.Second, "every address's window of 3 attempts saved", func() (bool, string) {
		saved := savedWindows(t, js, bucket)
		n := 0
		for _, ip := range ips {
			if saved[ip] == 3 {
				n++
			}
		}
		return n == len(ips), fmt.Sprintf("%d of %d", n, len(ips))
	})

	killed := time.Now()
	a.kill()
	// The 4th attempts arrive while nobody owns a's partitions: b reads
	// them (and journals them) but counts them only once it has taken
	// over, by replaying its journal after the saved state's position.
	tierAttack(t, js, prefix, ips, 3, 4)
	if n := b.metric("nomen_partitions_owned", ""); n == tierPartitions {
		t.Fatal("b took a's partitions before the 4th attempts were sent: the replay is not tested")
	}
	soWait(t, 120*time.Second, "b to take a's partitions", func() (bool, string) {
		n := b.metric("nomen_partitions_owned", "")
		return n == tierPartitions, fmt.Sprintf("b owns %v", n)
	})
	t.Logf("takeover: b owned all %d partitions, with their saved state loaded, %s after a was SIGKILLed (lease_ttl 3s)",
		tierPartitions, time.Since(killed).Round(100*time.Millisecond))
	if n := b.metric("nomen_partition_states_total", `op="load",result="success"`); n == 0 {
		t.Fatal("b loaded no partition state")
	}

	tierAttack(t, js, prefix, ips, 4, 5)
	var fb map[string]string
	soWait(t, 120*time.Second, "a finding per address from b", func() (bool, string) {
		fb, _ = tierFindings(t, b)
		return len(fb) >= len(ips), fmt.Sprintf("%d of %d", len(fb), len(ips))
	})
	time.Sleep(2 * time.Second) // a second finding for an address would come now
	fa, _ := tierFindings(t, a)
	fb, twice := tierFindings(t, b)
	if len(fa) != 0 || len(twice) != 0 || len(fb) != len(ips) {
		t.Fatalf("want exactly one finding per address, all from b: a %v, b %v (twice %v)", fa, fb, twice)
	}
}

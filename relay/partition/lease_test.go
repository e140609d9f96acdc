package partition

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/nomenhq/nomen/internal/testwait"
	"github.com/nomenhq/nomen/relay/stage"
)

// The Manager is what the stages ask (sequence.Options.Owner).
var _ stage.Owner = (*Manager)(nil)

// Independent vectors (FNV-1a 64 computed outside Go): the partition of a
// key is a contract between the instances of a tier.
func TestOf(t *testing.T) {
	for _, c := range []struct {
		key       string
		count, is int
	}{
		{"rfc5424:web1/app/77", 64, 43}, {"rfc5424:web1/app/77", 7, 6},
		{"source.ip=10.0.0.5", 64, 54}, {"source.ip=10.0.0.5", 7, 1},
		{"", 64, 37},
	} {
		if got := Of(c.key, c.count); got != c.is {
			t.Errorf("Of(%q, %d) = %d, want %d", c.key, c.count, got, c.is)
		}
	}
}

// testBucket connects to the JetStream server of this machine
// ($NOMEN_TEST_NATS, else nats://127.0.0.1:4222) or skips, and creates a
// lease bucket of its own, deleted at the end.
func testBucket(t *testing.T, ttl time.Duration) (open func() (leases, *nats.Conn)) {
	t.Helper()
	url := os.Getenv("NOMEN_TEST_NATS")
	if url == "" {
		url = "nats://127.0.0.1:4222"
	}
	connect := func() (jetstream.JetStream, *nats.Conn) {
		nc, err := nats.Connect(url, nats.Timeout(2*time.Second))
		if err != nil {
			t.Skipf("NATS not reachable at %s (set NOMEN_TEST_NATS): %v", url, err)
		}
		t.Cleanup(nc.Close)
		js, err := jetstream.New(nc)
		if err != nil {
			t.Fatal(err)
		}
		return js, nc
	}
	js, _ := connect()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if _, err := js.AccountInfo(ctx); err != nil {
		t.Skipf("NATS at %s has no JetStream: %v", url, err)
	}
	name := fmt.Sprintf("nomen_partition_test_%d", rand.Uint32())
	if _, _, err := Bucket(ctx, js, name, ttl, 1); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { js.DeleteKeyValue(context.Background(), name) })
	// Each instance gets its own connection, as separate processes would.
	return func() (leases, *nats.Conn) {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		js, nc := connect()
		kv, err := js.KeyValue(ctx, name)
		if err != nil {
			t.Fatal(err)
		}
		s, err := js.Stream(ctx, "KV_"+name)
		if err != nil {
			t.Fatal(err)
		}
		return leases{kv, s}, nc
	}
}

// Short times so that the test waits seconds, not minutes; the argument
// does not depend on them (docs/scale-out.md).
const (
	testCount  = 16
	testTTL    = 3 * time.Second
	testMargin = time.Second
	testRenew  = 400 * time.Millisecond
)

// leases is a bucket as one instance's connection sees it.
type leases struct {
	kv     jetstream.KeyValue
	stream jetstream.Stream
}

func kvOf(open func() (leases, *nats.Conn)) leases {
	l, _ := open()
	return l
}

// instance is a Manager with what its callbacks saw.
type instance struct {
	*Manager
	cancel context.CancelFunc
	done   chan struct{}

	mu                       sync.Mutex
	acquired, released, lost []int
}

func newInstance(t *testing.T, l leases, name string, others func() []*instance, overlaps *atomic.Int64) *instance {
	in := &instance{}
	m, err := New(Options{KV: l.kv, Stream: l.stream, Instance: name, Count: testCount, TTL: testTTL, Renew: testRenew, Margin: testMargin,
		// The moment that matters: this instance holds p's lease, the
		// server said so. No other instance may still act on p.
		Acquired: func(p int) error {
			for _, o := range others() {
				if o.Owns(p) {
					overlaps.Add(1)
					t.Errorf("%s acquired partition %d while another instance still reports owning it", name, p)
				}
			}
			in.record(&in.acquired, p)
			return nil
		},
		Released: func(p int) { in.record(&in.released, p) },
		Lost:     func(p int) { in.record(&in.lost, p) },
	})
	if err != nil {
		t.Fatal(err)
	}
	in.Manager = m
	return in
}

func (in *instance) record(list *[]int, p int) {
	in.mu.Lock()
	*list = append(*list, p)
	in.mu.Unlock()
}

func (in *instance) recorded(list *[]int) []int {
	in.mu.Lock()
	defer in.mu.Unlock()
	return append([]int(nil), *list...)
}

// start runs the instance until stop (and the end of the test).
func (in *instance) start(t *testing.T) {
	t.Cleanup(func() {
		if in.cancel != nil {
			in.stop()
		}
	})
	ctx, cancel := context.WithCancel(context.Background())
	in.cancel, in.done = cancel, make(chan struct{})
	go func() {
		defer close(in.done)
		in.Run(ctx)
	}()
}

// stop ends Run without releasing: a paused or killed process.
func (in *instance) stop() {
	in.cancel()
	<-in.done
	in.cancel = nil
}

// waitFor polls cond until it holds or a generous deadline passes (a
// loaded machine is slow; the test asserts order, not speed).
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	testwait.For(t, what, 90*time.Second, cond)
}

// watchOverlap checks, until the test ends, that no partition is ever
// owned by two instances at once.
func watchOverlap(t *testing.T, ins func() []*instance, overlaps *atomic.Int64) {
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			select {
			case <-stop:
				return
			default:
			}
			all := ins()
			for p := range testCount {
				n := 0
				for _, in := range all {
					if in.Owns(p) {
						n++
					}
				}
				if n > 1 {
					overlaps.Add(1)
				}
			}
			time.Sleep(time.Millisecond)
		}
	}()
	t.Cleanup(func() {
		close(stop)
		<-done
		if n := overlaps.Load(); n > 0 {
			t.Errorf("a partition was owned by two instances at once (%d observations)", n)
		}
	})
}

func disjointAndComplete(a, b []int) bool {
	seen := map[int]bool{}
	for _, p := range append(append([]int(nil), a...), b...) {
		if seen[p] {
			return false
		}
		seen[p] = true
	}
	return len(seen) == testCount
}

// TestTakeoverFromAPausedInstance: two instances split the partitions; one
// stops renewing without giving its leases back (paused, or cut off); the
// other takes them once the bucket expired them, and at that moment the
// paused one already reports it does not own them. When the paused one
// comes back it finds its leases gone (lost, not renewed) and the two
// share again.
func TestTakeoverFromAPausedInstance(t *testing.T) {
	open := testBucket(t, testTTL)
	var overlaps atomic.Int64
	var a, b *instance
	both := func() []*instance { return []*instance{a, b} }
	other := func(self **instance) func() []*instance {
		return func() []*instance {
			if *self == a {
				return []*instance{b}
			}
			return []*instance{a}
		}
	}
	a = newInstance(t, kvOf(open), "a", other(&a), &overlaps)
	b = newInstance(t, kvOf(open), "b", other(&b), &overlaps)
	a.start(t)
	b.start(t)
	watchOverlap(t, both, &overlaps)

	waitFor(t, "the two instances to split the partitions", func() bool {
		oa, ob := a.Owned(), b.Owned()
		return len(oa) == testCount/2 && len(ob) == testCount/2 && disjointAndComplete(oa, ob)
	})

	before := map[int]uint64{}
	for _, p := range b.Owned() {
		before[p], _ = b.LeaseOf(p)
	}
	b.stop() // paused: no renewal, no release
	paused, releasedBefore := b.Owned(), len(b.recorded(&b.released))
	t.Logf("b paused holding %v", paused)
	waitFor(t, "a to take every partition", func() bool { return len(a.Owned()) == testCount })
	if got := b.Owned(); len(got) != 0 {
		t.Fatalf("the paused instance still reports owning %v", got)
	}
	taken := map[int]bool{}
	for _, p := range a.recorded(&a.acquired) {
		taken[p] = true
	}
	for _, p := range paused {
		if !taken[p] {
			t.Errorf("partition %d of the paused instance was not taken over", p)
		}
	}
	if got := b.recorded(&b.released)[releasedBefore:]; len(got) != 0 {
		t.Errorf("the paused instance released %v: it was to keep its leases until they expired", got)
	}

	b.start(t) // comes back: its old leases are gone
	waitFor(t, "the instance that came back to count its old leases lost", func() bool {
		return len(b.recorded(&b.lost)) >= len(paused)
	})
	waitFor(t, "the two instances to share again", func() bool {
		oa, ob := a.Owned(), b.Owned()
		return len(oa) == testCount/2 && len(ob) == testCount/2 && disjointAndComplete(oa, ob)
	})
	// What b holds again is under new leases: state it kept from before
	// is recognisably stale.
	for _, p := range b.Owned() {
		if l, ok := b.LeaseOf(p); ok && before[p] != 0 && l == before[p] {
			t.Errorf("partition %d: the same lease number %d before the pause and after the comeback", p, l)
		}
	}
	if _, ok := b.Lease("any key"); ok != b.Owns(Of("any key", testCount)) {
		t.Errorf("Lease and Owns disagree")
	}
}

// TestReleaseHandsOver: an instance that stops cleanly gives its
// partitions back (its state saved in Released before the lease is
// deleted) and the other takes them without waiting for the TTL.
func TestReleaseHandsOver(t *testing.T) {
	open := testBucket(t, testTTL)
	var overlaps atomic.Int64
	var a, b *instance
	both := func() []*instance { return []*instance{a, b} }
	a = newInstance(t, kvOf(open), "a", func() []*instance { return []*instance{b} }, &overlaps)
	b = newInstance(t, kvOf(open), "b", func() []*instance { return []*instance{a} }, &overlaps)
	a.start(t)
	b.start(t)
	watchOverlap(t, both, &overlaps)
	waitFor(t, "the two instances to split the partitions", func() bool {
		return len(a.Owned()) == testCount/2 && len(b.Owned()) == testCount/2
	})

	a.stop()
	held, before := a.Owned(), len(a.recorded(&a.released))
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := a.Release(ctx); err != nil {
		t.Fatal(err)
	}
	if got := a.Owned(); len(got) != 0 {
		t.Fatalf("owns %v after Release", got)
	}
	if got := a.recorded(&a.released)[before:]; len(got) != len(held) {
		t.Errorf("Released called for %v, held %v", got, held)
	}
	// Taken out of the bucket, not marked deleted: a marker is listed as
	// a value until it expires, and b would wait for the TTL. What is left
	// of a's keys is b's new leases.
	for _, key := range append([]string{memberKey("a")}, partKeys(held)...) {
		m, err := a.o.Stream.GetLastMsgForSubject(ctx, a.subject(key))
		if errors.Is(err, jetstream.ErrMsgNotFound) {
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		if string(m.Data) != "b" || m.Header.Get("KV-Operation") != "" {
			t.Errorf("%s after Release: %q %v, want nothing or b's lease", key, m.Data, m.Header)
		}
	}
	waitFor(t, "b to take every partition", func() bool { return len(b.Owned()) == testCount })
}

func partKeys(ps []int) (keys []string) {
	for _, p := range ps {
		keys = append(keys, partKey(p))
	}
	return keys
}

// noKV and noStream stand for a bucket where New does not touch it.
type (
	noKV     struct{ jetstream.KeyValue }
	noStream struct{ jetstream.Stream }
)

func TestOptions(t *testing.T) {
	if _, err := New(Options{KV: noKV{}, Stream: noStream{}, Instance: "relay-1_a"}); err != nil {
		t.Errorf("defaults: %v", err)
	}
	for why, o := range map[string]Options{
		"no bucket":                  {Instance: "a"},
		"no stream":                  {KV: noKV{}, Instance: "a"},
		"no name":                    {KV: noKV{}, Stream: noStream{}},
		"a dot in the name":          {KV: noKV{}, Stream: noStream{}, Instance: "a.b"},
		"margin = ttl":               {KV: noKV{}, Stream: noStream{}, Instance: "a", TTL: time.Second, Margin: time.Second},
		"renew > half of ttl-margin": {KV: noKV{}, Stream: noStream{}, Instance: "a", TTL: 3 * time.Second, Margin: time.Second, Renew: 1500 * time.Millisecond},
		"negative partitions":        {KV: noKV{}, Stream: noStream{}, Instance: "a", Count: -1},
	} {
		if _, err := New(o); err == nil {
			t.Errorf("%s: no error", why)
		}
	}
}

// TestCutOffInstanceStopsBeforeTakeover: an instance that keeps running
// but can no longer reach the server (its connection closed) cannot renew:
// it stops owning its partitions at its own deadline, counts them lost,
// and the other takes them only after that.
func TestCutOffInstanceStopsBeforeTakeover(t *testing.T) {
	open := testBucket(t, testTTL)
	var overlaps atomic.Int64
	var a, b *instance
	both := func() []*instance { return []*instance{a, b} }
	a = newInstance(t, kvOf(open), "a", func() []*instance { return []*instance{b} }, &overlaps)
	kvB, ncB := open()
	b = newInstance(t, kvB, "b", func() []*instance { return []*instance{a} }, &overlaps)
	a.start(t)
	b.start(t)
	watchOverlap(t, both, &overlaps)
	waitFor(t, "the two instances to split the partitions", func() bool {
		oa, ob := a.Owned(), b.Owned()
		return len(oa) == testCount/2 && len(ob) == testCount/2 && disjointAndComplete(oa, ob)
	})

	held, releasedBefore := b.Owned(), len(b.recorded(&b.released))
	ncB.Close() // b runs on, every write fails
	waitFor(t, "a to take every partition", func() bool { return len(a.Owned()) == testCount })
	if got := b.Owned(); len(got) != 0 {
		t.Fatalf("the cut-off instance still reports owning %v", got)
	}
	waitFor(t, "the cut-off instance to count its leases lost", func() bool {
		return len(b.recorded(&b.lost)) == len(held)
	})
	if got := b.recorded(&b.released)[releasedBefore:]; len(got) != 0 {
		t.Errorf("the cut-off instance released %v: it cannot save state it may no longer own", got)
	}
}

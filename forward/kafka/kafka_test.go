package kafka

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/nomenhq/nomen/forward"
	"github.com/nomenhq/nomen/forward/sinktest"
	"github.com/nomenhq/nomen/relay/event"
	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"
)

// TestKafkaProduceAndConsume: every event once, on its templated topic,
// keyed by its source (all of a key in one partition, in order), with the
// ECS JSON document as value and the headers naming the event.
func TestKafkaProduceAndConsume(t *testing.T) {
	c := newCluster(t, kfake.NumBrokers(3), kfake.AllowAutoTopicCreation(), kfake.DefaultNumPartitions(4))
	s := openKafka(t, Config{Brokers: c.ListenAddrs(), Topic: "t.{event.category}.{host.name}", AutoCreateTopics: true}, "j1")
	evs := append(sinktest.SampleEvents(t, 1, 3), sinktest.TrickyEvent(t, 4))
	odd := sinktest.BuildEvent(t, 5, sinktest.Spec{Raw: "<13>Nov 22 10:15:10 a.b+c app: no category", Fields: map[string]any{"event.category": []any{}}})
	evs = append(evs, odd)
	wantTopic := []string{"t.authentication.web1", "t.process.db2", "t.network.unknown", "t.authentication.gw1", "t.unknown.a.b_c"}
	for i, more := range sinktest.SampleEvents(t, 6, 45) { // more of each source, to check the order
		evs = append(evs, more)
		wantTopic = append(wantTopic, wantTopic[i%3])
	}
	sinktest.MustWrite(t, s, evs[:2])
	sinktest.MustWrite(t, s, evs[2:20])
	sinktest.MustWrite(t, s, evs[20:])

	topics := slices.Compact(slices.Sorted(slices.Values(wantTopic)))
	recs := newReader(t, c, topics).readN(t, len(evs))
	if len(recs) != len(evs) {
		t.Fatalf("%d records, want %d", len(recs), len(evs))
	}
	enc := event.Encoder{Observer: "relay1"}
	byID := map[uint64]*kgo.Record{}
	for _, r := range recs {
		id, err := strconv.ParseUint(header(r, headerID), 10, 64)
		if err != nil || byID[id] != nil || header(r, headerJournal) != "j1" {
			t.Fatalf("record at %s/%d@%d: headers %v", r.Topic, r.Partition, r.Offset, r.Headers)
		}
		byID[id] = r
	}
	partOfKey := map[string]int32{}
	lastOffset := map[string]int64{} // per topic/partition
	for i, e := range evs {
		r := byID[e.ID]
		if r == nil {
			t.Fatalf("event %d missing", e.ID)
		}
		if string(r.Value) != string(enc.AppendJSON(nil, e)) {
			t.Errorf("event %d: value %s", e.ID, r.Value)
		}
		if r.Topic != wantTopic[i] {
			t.Errorf("event %d: topic %s, want %s", e.ID, r.Topic, wantTopic[i])
		}
		if key := string(appendKey(nil, e)); string(r.Key) != key || key == "" {
			t.Errorf("event %d: key %q, want %q", e.ID, r.Key, key)
		}
		k := r.Topic + "/" + string(r.Key)
		if p, ok := partOfKey[k]; ok && p != r.Partition {
			t.Errorf("key %s in partitions %d and %d", k, p, r.Partition)
		}
		partOfKey[k] = r.Partition
		tp := fmt.Sprintf("%s/%d", r.Topic, r.Partition)
		if last, ok := lastOffset[tp]; ok && r.Offset <= last {
			t.Errorf("event %d at offset %d of %s, after an event of a higher ID at %d", e.ID, r.Offset, tp, last)
		}
		lastOffset[tp] = r.Offset
	}
}

// exactlyOnce checks that recs hold events 1 to n, each once.
func exactlyOnce(t *testing.T, recs []*kgo.Record, n int) {
	t.Helper()
	seen := map[string]int{}
	for _, r := range recs {
		seen[header(r, headerID)]++
	}
	for id := 1; id <= n; id++ {
		if c := seen[strconv.Itoa(id)]; c != 1 {
			t.Errorf("event %d stored %d times (ids: %s)", id, c, idsOf(recs))
		}
	}
	if len(recs) != n {
		t.Errorf("%d records, want %d", len(recs), n)
	}
}

// inOrder checks that the records of one partition are in ID order.
func inOrder(t *testing.T, recs []*kgo.Record) {
	t.Helper()
	for i := 1; i < len(recs); i++ {
		a, _ := strconv.Atoi(header(recs[i-1], headerID))
		b, _ := strconv.Atoi(header(recs[i], headerID))
		if a >= b {
			t.Fatalf("records out of order: %s", idsOf(recs))
		}
	}
}

// TestKafkaRecoversFromNotLeader: a broker answering NOT_LEADER_FOR_PARTITION
// (a leader election in progress) delays the batch; the producer finds the
// leader again and every event is stored once, in order.
func TestKafkaRecoversFromNotLeader(t *testing.T) {
	c := newCluster(t, kfake.NumBrokers(1), kfake.SeedTopics(1, "events"))
	s := openKafka(t, Config{Brokers: c.ListenAddrs(), Topic: "events"}, "j", fastMetadata)
	faults := c.Fault(kfake.Fault{Keys: []kmsg.Key{kmsg.Produce}, Topic: "events", Err: kerr.NotLeaderForPartition, Count: 2})
	sinktest.MustWrite(t, s, sinktest.SampleEvents(t, 1, 30))
	if hits := faults.Hits(); hits != 2 {
		t.Fatalf("the fault answered %d produce requests, want 2", hits)
	}
	recs := newReader(t, c, []string{"events"}).readN(t, 30)
	exactlyOnce(t, recs, 30)
	inOrder(t, recs)
}

// TestKafkaIdempotentRetry: the broker stores a batch but answers with an
// error (NOT_ENOUGH_REPLICAS_AFTER_APPEND: written on the leader, not
// replicated in time); the producer sends it again and the broker drops the
// copy by its producer id and sequence. The same without idempotence shows
// the test can tell.
func TestKafkaIdempotentRetry(t *testing.T) {
	for _, idempotent := range []bool{true, false} {
		t.Run(fmt.Sprintf("idempotent=%v", idempotent), func(t *testing.T) {
			c := newCluster(t, kfake.NumBrokers(1), kfake.SeedTopics(1, "events"))
			var extra []kgo.Opt
			if !idempotent {
				extra = append(extra, kgo.DisableIdempotentWrite())
			}
			s := openKafka(t, Config{Brokers: c.ListenAddrs(), Topic: "events"}, "j", extra...)
			c.Fault(kfake.Fault{Keys: []kmsg.Key{kmsg.Produce}, Topic: "events", Err: kerr.NotEnoughReplicasAfterAppend})
			sinktest.MustWrite(t, s, sinktest.SampleEvents(t, 1, 10))
			recs := newReader(t, c, []string{"events"}).readN(t, 10)
			if idempotent {
				exactlyOnce(t, recs, 10)
				inOrder(t, recs)
			} else if len(recs) <= 10 {
				t.Errorf("%d records without idempotence: the fault did not make the broker store a copy", len(recs))
			}
		})
	}
}

// TestKafkaLeaderChange: the partition's leader moves to another broker
// between batches; the producer learns it from the old leader's answer.
//
// The producer must still believe in the old leader when the second batch
// goes out. franz-go may refresh metadata at any time after the first
// batch (records produced while the topic was loading queue a second
// refresh, which a loaded machine runs after the move), so until a produce
// request has reached the old leader the cluster answers partition 0's
// metadata with LEADER_NOT_AVAILABLE, as a broker that has not yet heard
// of the move would: franz-go keeps the leader it knew.
func TestKafkaLeaderChange(t *testing.T) {
	c := newCluster(t, kfake.NumBrokers(3), kfake.SeedTopics(1, "events"))
	s := openKafka(t, Config{Brokers: c.ListenAddrs(), Topic: "events"}, "j", fastMetadata)
	evs := sinktest.SampleEvents(t, 1, 40)
	sinktest.MustWrite(t, s, evs[:20])
	old := c.LeaderFor("events", 0)
	next := (old + 1) % 3
	var triedOld atomic.Bool // set on the cluster goroutine, which also reads it
	atOld := c.Fault(kfake.Fault{Keys: []kmsg.Key{kmsg.Produce}, Nodes: []int32{old}, Observe: true, Count: -1,
		When: func(kmsg.Request) bool { triedOld.Store(true); return true }})
	c.Fault(kfake.Fault{Keys: []kmsg.Key{kmsg.Metadata}, Topic: "events", Partitions: []int32{0},
		Err: kerr.LeaderNotAvailable, Count: -1, When: func(kmsg.Request) bool { return !triedOld.Load() }})
	if err := c.MoveTopicPartition("events", 0, next); err != nil {
		t.Fatal(err)
	}
	if c.LeaderFor("events", 0) == old {
		t.Fatal("the leader did not move")
	}
	sinktest.MustWrite(t, s, evs[20:])
	if atOld.Hits() == 0 {
		t.Fatal("no produce request reached the old leader: the move was not tested")
	}
	recs := newReader(t, c, []string{"events"}).readN(t, 40)
	exactlyOnce(t, recs, 40)
	inOrder(t, recs)
}

// TestKafkaRejectedRecords: an event larger than batch_max_bytes, and the
// events for a topic the broker does not let nomen write to, are permanent
// items of a BatchError; the rest of the batch is delivered.
func TestKafkaRejectedRecords(t *testing.T) {
	c := newCluster(t, kfake.NumBrokers(1), kfake.SeedTopics(1, "t.authentication", "t.process", "t.network"))
	c.Fault(kfake.Fault{Keys: []kmsg.Key{kmsg.Produce}, Topic: "t.process", Err: kerr.TopicAuthorizationFailed, Count: -1})
	s := openKafka(t, Config{Brokers: c.ListenAddrs(), Topic: "t.{event.category}", BatchMaxBytes: 64 << 10}, "j")
	evs := sinktest.SampleEvents(t, 1, 9) // categories authentication, process, network, ...
	big := *evs[6]
	big.Original = strings.Repeat("x", 100<<10)
	evs[6] = &big
	err := s.Write(context.Background(), evs)
	var be *forward.BatchError
	if !errors.As(err, &be) {
		t.Fatalf("write: %v, want a BatchError", err)
	}
	failed := map[int]error{}
	for _, it := range be.Items {
		if !forward.IsPermanent(it.Err) {
			t.Errorf("item %d: %v is retryable", it.Index, it.Err)
		}
		failed[it.Index] = it.Err
	}
	if got := slices.Sorted(maps.Keys(failed)); !slices.Equal(got, []int{1, 4, 6, 7}) {
		t.Fatalf("failed items %v (%v), want 1, 4, 7 (t.process) and 6 (too large)", got, be)
	}
	if !errors.Is(failed[6], kerr.MessageTooLarge) || !errors.Is(failed[1], kerr.TopicAuthorizationFailed) {
		t.Errorf("errors: %v; %v", failed[6], failed[1])
	}
	recs := newReader(t, c, []string{"t.authentication", "t.network"}).readN(t, 5)
	if len(recs) != 5 {
		t.Errorf("%d records delivered, want 5: %s", len(recs), idsOf(recs))
	}
}

// TestKafkaTooLargeForTheBroker: the broker's message.max.bytes is below
// batch_max_bytes (a misconfiguration the broker reports): permanent.
func TestKafkaTooLargeForTheBroker(t *testing.T) {
	c := newCluster(t, kfake.NumBrokers(1), kfake.SeedTopics(1, "events"),
		kfake.BrokerConfigs(map[string]string{"message.max.bytes": "4096"}))
	s := openKafka(t, Config{Brokers: c.ListenAddrs(), Topic: "events", Compression: "none"}, "j")
	err := s.Write(context.Background(), []*event.Event{bigEvent(t, 1, 16<<10)})
	var be *forward.BatchError
	if !errors.As(err, &be) || len(be.Items) != 1 || !forward.IsPermanent(be.Items[0].Err) || !errors.Is(be.Items[0].Err, kerr.MessageTooLarge) {
		t.Fatalf("write: %v, want the event permanently failed with MESSAGE_TOO_LARGE", err)
	}
}

// TestKafkaNoReplicasIsRetryable: a partition without enough in-sync
// replicas for the whole delivery_timeout: the batch is retried (its
// events wait in the journal), not dead-lettered.
func TestKafkaNoReplicasIsRetryable(t *testing.T) {
	c := newCluster(t, kfake.NumBrokers(1), kfake.SeedTopics(1, "events"))
	c.Fault(kfake.Fault{Keys: []kmsg.Key{kmsg.Produce}, Topic: "events", Err: kerr.NotEnoughReplicas, Count: -1})
	s := openKafka(t, Config{Brokers: c.ListenAddrs(), Topic: "events", RequestTimeout: cfgDur(time.Second),
		DeliveryTimeout: cfgDur(2 * time.Second)}, "j")
	err := s.Write(context.Background(), sinktest.SampleEvents(t, 1, 5))
	var be *forward.BatchError
	if err == nil || forward.IsPermanent(err) || errors.As(err, &be) && anyPermanent(be.Items) {
		t.Fatalf("write: %v, want a retryable error", err)
	}
}

// bigEvent is an event whose document is about n bytes that compress
// poorly.
func bigEvent(t testing.TB, id uint64, n int) *event.Event {
	e := sinktest.SampleEvents(t, id, 1)[0]
	var b strings.Builder
	for x := uint64(88172645463325252); b.Len() < n; {
		x ^= x << 13
		x ^= x >> 7
		x ^= x << 17
		b.WriteString(strconv.FormatUint(x, 36))
	}
	c := *e
	c.Original = b.String()
	return &c
}

// BenchmarkKafkaProduce: events/s through the sink and franz-go into a
// kfake broker that validates and drops the records (BlackholeProduce), in
// batches of 1000 acknowledged before the next (one op is one event). It
// measures the relay's side (encoding, keys, client); a real broker adds
// its disk and network.
func BenchmarkKafkaProduce(b *testing.B) {
	c := newCluster(b, kfake.NumBrokers(1), kfake.SeedTopics(6, "events"), kfake.BlackholeProduce())
	s := openKafka(b, Config{Brokers: c.ListenAddrs(), Topic: "events"}, "bench")
	base := sinktest.SampleEvents(b, 1, 1000)
	b.ReportAllocs()
	b.ResetTimer()
	id := uint64(1)
	for done := 0; done < b.N; {
		n := min(len(base), b.N-done)
		if err := s.Write(context.Background(), sinktest.WithIDs(base[:n], id)); err != nil {
			b.Fatal(err)
		}
		id += uint64(n)
		done += n
	}
	b.StopTimer()
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "events/s")
}

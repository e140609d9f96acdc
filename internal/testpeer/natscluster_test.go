package testpeer

import (
	"context"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

// A replicated stream placed right after StartNATSCluster returns, with no
// retry: the wait for a whole meta group is what tests with R3 streams and
// buckets rely on (without it: "no suitable peers for placement").
func TestNATSClusterPlacesReplicatedStreamAtOnce(t *testing.T) {
	if testing.Short() {
		t.Skip("a 3-node NATS cluster: not with -short")
	}
	c := StartNATSCluster(t, 3)
	nc, err := nats.Connect(c.URLs(), nats.Timeout(2*time.Second))
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	js, err := jetstream.New(nc)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if _, err := js.CreateStream(ctx, jetstream.StreamConfig{Name: "PLACE", Subjects: []string{"place.>"},
		Replicas: 3, Storage: jetstream.FileStorage}); err != nil {
		t.Fatalf("R3 stream right after start: %v", err)
	}
	if _, err := js.CreateKeyValue(ctx, jetstream.KeyValueConfig{Bucket: "place", Replicas: 3}); err != nil {
		t.Fatalf("R3 bucket right after start: %v", err)
	}
}

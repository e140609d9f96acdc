package relay

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

// TestStateStoreReadsThroughTheLeader: the state store's stream has
// direct gets off (a replica behind would answer them with an older
// state), also when it was created by an older nomen with them on, and
// read returns what was last saved under a name, chunked or not, and
// ErrObjectNotFound for a name never saved (against the JetStream server
// of this machine: $NOMEN_TEST_NATS, else nats://127.0.0.1:4222).
func TestStateStoreReadsThroughTheLeader(t *testing.T) {
	url := cmp.Or(os.Getenv("NOMEN_TEST_NATS"), "nats://127.0.0.1:4222")
	nc, err := nats.Connect(url, nats.Timeout(2*time.Second))
	if err != nil {
		t.Skipf("NATS not reachable at %s (set NOMEN_TEST_NATS): %v", url, err)
	}
	defer nc.Close()
	js, err := jetstream.New(nc)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if _, err := js.AccountInfo(ctx); err != nil {
		t.Skipf("NATS at %s has no JetStream: %v", url, err)
	}
	bucket := fmt.Sprintf("nomen_state_test_%d", rand.Uint32())
	defer js.DeleteObjectStore(context.Background(), bucket)
	// As an older nomen created it: nats.go's defaults, direct gets on.
	if _, err := js.CreateObjectStore(ctx, jetstream.ObjectStoreConfig{Bucket: bucket, Storage: jetstream.FileStorage}); err != nil {
		t.Fatal(err)
	}
	s, err := openStateStore(ctx, js, bucket, 1)
	if err != nil {
		t.Fatal(err)
	}
	again, err := openStateStore(ctx, js, bucket, 1) // a second instance
	if err != nil {
		t.Fatal(err)
	}
	for _, st := range []*stateStore{s, again} {
		if st.stream.CachedInfo().Config.AllowDirect {
			t.Error("direct gets are on")
		}
	}

	small := []byte(`{"state":1}`)
	big := make([]byte, 300_000) // three chunks of 128 KiB
	for i := range big {
		big[i] = byte(rand.N(256))
	}
	for _, c := range []struct {
		name string
		data [][]byte // saved in turn; the last counts
	}{{"small", [][]byte{small}}, {"big", [][]byte{small, big}}, {"shrunk", [][]byte{big, small}}} {
		for _, d := range c.data {
			if _, err := s.PutBytes(ctx, c.name, d); err != nil {
				t.Fatal(err)
			}
		}
		got, err := s.read(ctx, c.name)
		if want := c.data[len(c.data)-1]; err != nil || !bytes.Equal(got, want) {
			t.Errorf("%s: read %d bytes, %v; want the %d bytes last saved", c.name, len(got), err, len(want))
		}
	}
	if _, err := s.read(ctx, "never"); !errors.Is(err, jetstream.ErrObjectNotFound) {
		t.Errorf("a name never saved: %v, want ErrObjectNotFound", err)
	}
}

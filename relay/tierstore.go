package relay

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"

	"github.com/nats-io/nats.go/jetstream"
)

// stateStore is the tier's JetStream object store of partition states
// (partStates), read through its stream's leader and without a consumer.
//
// nats.go's own reads are unsafe for a takeover in two ways, both seen on
// a 3-node cluster with a node killed:
//   - it reads an object's info by a direct get (allow_direct, set on
//     every object store), which any replica answers: a follower that has
//     not applied the latest save yet, or is catching up after a node
//     died, answers with an older state or with none, and the new owner
//     resumes from it;
//   - it reads the chunks through an ephemeral ordered consumer, and
//     nats-server before 2.12 may place an ephemeral consumer on a server
//     that is offline (nats-io/nats-server#7165): while a node is down, a
//     share of the reads hang until their timeout.
//
// So the store's stream has allow_direct off (then the info is a message
// get the leader answers), and an object's chunks are read one message
// get each (the next message on its chunk subject, also answered by the
// leader), checked against the info's digest. Writes are nats.go's.
type stateStore struct {
	jetstream.ObjectStore
	stream jetstream.Stream // OBJ_<bucket>, allow_direct off
	bucket string
}

// openStateStore creates the object store if missing (file storage,
// replicas like the lease bucket), turns allow_direct off and binds to it.
// Only creation sets allow_direct (nats.go sets it), and an instance turns
// it off before it binds, so an instance never holds a store that reads
// by direct gets the servers no longer answer.
func openStateStore(ctx context.Context, js jetstream.JetStream, bucket string, replicas int) (*stateStore, error) {
	_, err := js.CreateObjectStore(ctx, jetstream.ObjectStoreConfig{
		Bucket: bucket, Description: "nomen partition states", Storage: jetstream.FileStorage, Replicas: replicas,
	})
	if err != nil && !errors.Is(err, jetstream.ErrBucketExists) {
		return nil, fmt.Errorf("state store %s: %w", bucket, err)
	}
	s, err := js.Stream(ctx, "OBJ_"+bucket)
	if err != nil {
		return nil, fmt.Errorf("state store %s: %w", bucket, err)
	}
	if cfg := s.CachedInfo().Config; cfg.AllowDirect || cfg.Replicas != replicas {
		cfg.AllowDirect, cfg.Replicas = false, replicas
		if s, err = js.UpdateStream(ctx, cfg); err != nil {
			return nil, fmt.Errorf("state store %s: turning direct gets off: %w", bucket, err)
		}
	}
	obs, err := js.ObjectStore(ctx, bucket) // bound after: its info reads go to the leader
	if err != nil {
		return nil, fmt.Errorf("state store %s: %w", bucket, err)
	}
	return &stateStore{ObjectStore: obs, stream: s, bucket: bucket}, nil
}

// read returns object name's content (jetstream.ErrObjectNotFound if there
// is none), as the stream's leader has it.
func (s *stateStore) read(ctx context.Context, name string) ([]byte, error) {
	info, err := s.GetInfo(ctx, name)
	if err != nil {
		return nil, err
	}
	subject := "$O." + s.bucket + ".C." + info.NUID
	data := make([]byte, 0, info.Size)
	seq := uint64(1)
	for range info.Chunks {
		m, err := s.stream.GetMsg(ctx, seq, jetstream.WithGetMsgSubject(subject))
		if err != nil {
			return nil, fmt.Errorf("object %s, chunk after sequence %d: %w", name, seq, err)
		}
		data = append(data, m.Data...)
		seq = m.Sequence + 1
	}
	sum := sha256.Sum256(data)
	if got := "SHA-256=" + base64.URLEncoding.EncodeToString(sum[:]); uint64(len(data)) != info.Size || got != info.Digest {
		return nil, fmt.Errorf("object %s: %d bytes with digest %s, its info says %d with %s", name, len(data), got, info.Size, info.Digest)
	}
	return data, nil
}

package partition

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/nats-io/nats.go/jetstream"
	"github.com/nomenhq/nomen/internal/logthrottle"
)

// Defaults of Options (docs/scale-out.md, the timing argument).
const (
	DefaultTTL = 15 * time.Second
	// A lease is renewed every TTL/5 and trusted for TTL - TTL/3: a
	// healthy instance has three tries before its own deadline.
	defaultRenewDiv  = 5
	defaultMarginDiv = 3
)

// Options configure a Manager.
type Options struct {
	// KV is the lease bucket and Stream the stream under it (see
	// Bucket); its TTL must be TTL.
	KV     jetstream.KeyValue
	Stream jetstream.Stream
	// Instance names this instance, unique in the tier: letters, digits,
	// '-' and '_'.
	Instance string
	// Count is the number of partitions (DefaultCount if 0); every
	// instance of the tier must use the same.
	Count int
	// TTL is the bucket's TTL (DefaultTTL if 0).
	TTL time.Duration
	// Renew is how often leases and membership are written (TTL/5 if 0).
	Renew time.Duration
	// Margin is how long before the earliest moment the server could
	// expire a lease this instance stops trusting it (TTL/3 if 0). It
	// must cover clock rate differences over TTL and the longest action
	// started while Owns was true.
	Margin time.Duration

	// Acquired is called when this instance took partition p, before
	// Owns(p) is true: the place to load p's state. If it fails, the
	// lease is given back at once and p is tried again at the next round
	// (a partition is not taken without its state). Released is called
	// when it gives p back on purpose (rebalancing, Release), once Owns(p)
	// is false and before the lease is deleted: the place to save p's
	// state for the next owner. Lost is called when its lease lapsed or was
	// taken: Owns(p) has been false since its deadline, another instance
	// may own p already, so p's state must be dropped, not saved. All
	// three run on the goroutine of Run (or Release) and may be nil.
	Acquired       func(p int) error
	Released, Lost func(p int)

	Log     *slog.Logger
	Metrics *Metrics // nil: not counted
}

// Manager holds this instance's leases. Owns and Owned may be called from
// any goroutine; Run and Release not concurrently with each other.
type Manager struct {
	o     Options
	valid time.Duration // TTL - Margin
	base  time.Time     // origin of the deadlines (monotonic)
	// deadline[p]: until when (time since base, ns) Owns(p) is true; 0:
	// not held.
	deadline []atomic.Int64
	// lease[p]: a number new at each acquisition of p (LeaseOf), unique
	// across restarts too (it starts from the clock).
	lease     []atomic.Uint64
	nextLease uint64

	mu        sync.Mutex // serialises tick and Release
	rev       []uint64   // revision of this instance's lease of p, 0: none
	owned     int        // partitions with rev != 0
	memberRev uint64     // revision of the last membership write
	warn      *logthrottle.Logger
}

// New checks o and returns a Manager holding no lease; Run takes some.
func New(o Options) (*Manager, error) {
	if o.KV == nil || o.Stream == nil {
		return nil, errors.New("partition: Options.KV and Options.Stream are required")
	}
	if o.Instance == "" || strings.Trim(o.Instance, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_") != "" {
		return nil, fmt.Errorf("partition: instance name %q: use letters, digits, '-' and '_'", o.Instance)
	}
	if o.Count == 0 {
		o.Count = DefaultCount
	}
	if o.TTL == 0 {
		o.TTL = DefaultTTL
	}
	if o.Renew == 0 {
		o.Renew = o.TTL / defaultRenewDiv
	}
	if o.Margin == 0 {
		o.Margin = o.TTL / defaultMarginDiv
	}
	switch {
	case o.Count < 1:
		return nil, fmt.Errorf("partition: count %d: must be at least 1", o.Count)
	case o.Margin <= 0 || o.Margin >= o.TTL:
		return nil, fmt.Errorf("partition: margin %s must be within (0, ttl %s)", o.Margin, o.TTL)
	case o.Renew <= 0 || 2*o.Renew > o.TTL-o.Margin:
		// One failed renewal must not cost the lease.
		return nil, fmt.Errorf("partition: renew %s must be at most half of ttl - margin (%s)", o.Renew, o.TTL-o.Margin)
	}
	if o.Log == nil {
		o.Log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	return &Manager{o: o, valid: o.TTL - o.Margin, base: time.Now(),
		deadline: make([]atomic.Int64, o.Count), lease: make([]atomic.Uint64, o.Count), nextLease: uint64(time.Now().UnixNano()),
		rev: make([]uint64, o.Count), warn: logthrottle.New(o.Log, 0)}, nil
}

// Bucket creates the lease bucket, or updates it to these settings:
// history 1, the given TTL and replicas, file storage. It returns the
// bucket and the stream under it (Options.KV and Options.Stream).
func Bucket(ctx context.Context, js jetstream.JetStream, name string, ttl time.Duration, replicas int) (jetstream.KeyValue, jetstream.Stream, error) {
	kv, err := js.CreateOrUpdateKeyValue(ctx, jetstream.KeyValueConfig{
		Bucket: name, Description: "nomen partition leases", History: 1, TTL: ttl, Replicas: replicas, Storage: jetstream.FileStorage,
	})
	if err != nil {
		return nil, nil, fmt.Errorf("partition: lease bucket %s: %w", name, err)
	}
	s, err := js.Stream(ctx, "KV_"+name)
	if err != nil {
		return nil, nil, fmt.Errorf("partition: lease bucket %s: %w", name, err)
	}
	return kv, s, nil
}

// Count is the number of partitions.
func (m *Manager) Count() int { return m.o.Count }

// Of returns the partition of key.
func (m *Manager) Of(key string) int { return Of(key, m.o.Count) }

// Owns reports whether this instance may act on partition p now: it holds
// its lease and the local deadline has not passed.
func (m *Manager) Owns(p int) bool {
	d := m.deadline[p].Load()
	return d != 0 && int64(time.Since(m.base)) < d
}

// LeaseOf reports whether this instance owns p now (Owns) and the number
// of its lease, new at each acquisition: state kept under another number
// is from before another instance had p.
func (m *Manager) LeaseOf(p int) (uint64, bool) {
	l := m.lease[p].Load()
	if !m.Owns(p) || m.lease[p].Load() != l { // not ours, or changing hands
		return 0, false
	}
	return l, true
}

// LeaseNumber is the number of p's latest lease, whether Owns(p) or not:
// in Acquired (before Owns(p) is true) the lease that state loaded for p
// is to be kept under.
func (m *Manager) LeaseNumber(p int) uint64 { return m.lease[p].Load() }

// Lease is LeaseOf the partition of key: a Manager is the stages' Owner
// (relay/stage.Owner).
func (m *Manager) Lease(key string) (uint64, bool) { return m.LeaseOf(m.Of(key)) }

// Owned returns the partitions Owns reports true for, ascending.
func (m *Manager) Owned() []int {
	var out []int
	for p := range m.deadline {
		if m.Owns(p) {
			out = append(out, p)
		}
	}
	return out
}

// Run keeps membership and leases, rebalancing every Renew, until ctx is
// done (a round in progress finishes first). It keeps the leases when it
// returns (as a process that died would): call Release to give them back.
func (m *Manager) Run(ctx context.Context) {
	t := time.NewTicker(m.o.Renew)
	defer t.Stop()
	for {
		// Not ctx: a round stopped half-way would leave writes whose
		// outcome is unknown (a renewal stored but its reply lost), and a
		// clean stop would then fail to delete those leases.
		m.tick(context.Background())
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// Release gives every lease back (Released, then remove) and leaves the
// membership, so that others take the partitions at once rather than
// after TTL. Call it once Run has returned.
func (m *Manager) Release(ctx context.Context) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	var errs []error
	for p := range m.rev {
		if m.rev[p] != 0 {
			errs = append(errs, m.release(ctx, p))
		}
	}
	if err := m.remove(ctx, memberKey(m.o.Instance), m.memberRev); err != nil {
		errs = append(errs, fmt.Errorf("partition: leaving: %w", err))
	}
	return errors.Join(errs...)
}

func partKey(p int) string         { return "p." + strconv.Itoa(p) }
func memberKey(name string) string { return "m." + name }

// since is now on the deadlines' clock.
func (m *Manager) since() int64 { return int64(time.Since(m.base)) }

// tick writes the membership, renews the leases, then gives back the
// surplus or takes free partitions up to this instance's share.
func (m *Manager) tick(ctx context.Context) {
	m.mu.Lock()
	defer m.mu.Unlock()
	start := time.Now()
	// Writes that hang must not outlast the leases (valid > 2*Renew).
	ctx, cancel := context.WithTimeout(ctx, m.valid-m.o.Renew)
	defer cancel()
	if rev, err := m.o.KV.Put(ctx, memberKey(m.o.Instance), []byte(time.Now().UTC().Format(time.RFC3339))); err != nil {
		m.failed("member", err)
	} else {
		m.memberRev = rev
	}
	m.renew(ctx)
	taken, err := m.list(ctx)
	if err != nil {
		m.failed("list", err)
		return
	}
	members := 0
	for k := range taken {
		if strings.HasPrefix(k, "m.") {
			members++
		}
	}
	share := (m.o.Count + max(members, 1) - 1) / max(members, 1)
	// The surplus goes from the top, so that instances settle on ranges.
	for p := m.o.Count - 1; p >= 0 && m.owned > share; p-- {
		if m.rev[p] != 0 {
			if err := m.release(ctx, p); err != nil {
				m.failed("release", err)
			}
		}
	}
	for p := 0; p < m.o.Count && m.owned < share; p++ {
		if m.rev[p] != 0 || taken[partKey(p)] {
			continue
		}
		if time.Since(start) > m.o.Renew {
			// Taking a partition includes loading its state (Acquired):
			// the rest waits for the next round rather than delay the
			// renewals of the leases held.
			break
		}
		sent := m.since()
		rev, err := m.o.KV.Create(ctx, partKey(p), []byte(m.o.Instance))
		if err != nil {
			if !errors.Is(err, jetstream.ErrKeyExists) {
				m.failed("create", err)
			}
			continue
		}
		m.nextLease++
		m.lease[p].Store(m.nextLease)
		if m.o.Acquired != nil {
			if err := m.o.Acquired(p); err != nil {
				// Not taken without its state: given back at once (at
				// the revision just created), tried again next round.
				m.failed("acquire", err)
				if err := m.remove(ctx, partKey(p), rev); err != nil {
					m.failed("release", err) // it expires after TTL
				}
				continue
			}
		}
		m.rev[p] = rev
		m.owned++
		m.deadline[p].Store(sent + int64(m.valid))
		m.count("acquired")
	}
	if m.o.Metrics != nil {
		m.o.Metrics.Owned.Set(float64(len(m.Owned())))
	}
}

// renew extends every lease held: at the revision last written, so that
// a lease another instance took since (after it expired) is not renewed
// but lost.
func (m *Manager) renew(ctx context.Context) {
	for p, rev := range m.rev {
		if rev == 0 {
			continue
		}
		if !m.Owns(p) { // the deadline passed: another may hold it now
			m.lose(p)
			continue
		}
		sent := m.since()
		next, err := m.o.KV.Update(ctx, partKey(p), []byte(m.o.Instance), rev)
		switch {
		case err == nil:
			m.rev[p] = next
			m.deadline[p].Store(sent + int64(m.valid))
		case errors.Is(err, jetstream.ErrKeyRevisionMismatch), errors.Is(err, jetstream.ErrKeyNotFound):
			m.lose(p)
		default:
			m.failed("renew", err) // kept until its deadline; tried again next tick
		}
	}
}

// lose forgets partition p, whose lease lapsed or went to another.
func (m *Manager) lose(p int) {
	m.deadline[p].Store(0)
	m.rev[p] = 0
	m.owned--
	m.count("lost")
	m.o.Log.Warn("partition: lease lost", "partition", p)
	if m.o.Lost != nil {
		m.o.Lost(p)
	}
}

// release gives partition p back: stop acting, let the state be saved,
// then remove the lease (only if still ours) so another takes it at once.
func (m *Manager) release(ctx context.Context, p int) error {
	rev := m.rev[p]
	stillOurs := m.Owns(p)
	m.deadline[p].Store(0)
	m.rev[p] = 0
	m.owned--
	if !stillOurs {
		m.count("lost")
		if m.o.Lost != nil {
			m.o.Lost(p)
		}
		return nil
	}
	if m.o.Released != nil {
		m.o.Released(p)
	}
	m.count("released")
	if err := m.remove(ctx, partKey(p), rev); err != nil {
		return fmt.Errorf("partition: releasing %d: %w", p, err) // it expires after TTL anyway
	}
	return nil
}

// list returns the keys of the bucket that hold a value (a lease or a
// membership the TTL has not expired), from the stream's leader: the
// subjects that hold a message. Not KV.Keys: it reads through an
// ephemeral consumer, which nats-server before 2.12 may place on an
// offline node (nats-io/nats-server#7165), so that while a NATS node is
// down a share of the listings hang until their timeout, and every round
// creating a consumer loads the cluster's meta leader. This is one
// request, answered by the leader.
func (m *Manager) list(ctx context.Context) (map[string]bool, error) {
	prefix := m.subject("")
	info, err := m.o.Stream.Info(ctx, jetstream.WithSubjectFilter(prefix+">"))
	if err != nil {
		return nil, err
	}
	keys := make(map[string]bool, len(info.State.Subjects))
	for subject := range info.State.Subjects {
		keys[strings.TrimPrefix(subject, prefix)] = true
	}
	return keys, nil
}

// remove takes key's value written at revision rev out of the bucket, if
// it is still the latest, leaving no delete marker (a marker would be
// listed as a value until it expires): a purge of the key's subject below
// rev+1, which never touches a later write of another instance.
func (m *Manager) remove(ctx context.Context, key string, rev uint64) error {
	if rev == 0 {
		return nil
	}
	return m.o.Stream.Purge(ctx, jetstream.WithPurgeSubject(m.subject(key)), jetstream.WithPurgeSequence(rev+1))
}

// subject is the stream subject of key.
func (m *Manager) subject(key string) string { return "$KV." + m.o.KV.Bucket() + "." + key }

func (m *Manager) count(change string) {
	if m.o.Metrics != nil {
		m.o.Metrics.Changes.WithLabelValues(change).Inc()
	}
}

func (m *Manager) failed(op string, err error) {
	if m.o.Metrics != nil {
		m.o.Metrics.Errors.WithLabelValues(op).Inc()
	}
	m.warn.Warn("partition: lease bucket "+op+" failed", "instance", m.o.Instance, "err", err)
}

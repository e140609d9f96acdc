// Package partition shares a fixed number of partitions among the
// instances of a correlation tier, so that each stream key (sequence
// tracking) and each group key (correlation) is handled by exactly one
// instance at a time (docs/scale-out.md).
//
// A key's partition is Of(key, count): FNV-1a (64 bits) of its bytes
// modulo count. The function and the count are part of the tier's
// contract: every instance must use the same, and changing either moves
// keys between partitions (their state with them only through a
// migration).
//
// Ownership is a lease per partition in a JetStream key-value bucket whose
// TTL (the stream's max age) expires what is not renewed: key "p.<n>"
// holds the owner's name. An instance takes a free partition with Create
// (fails if the key exists) and renews its lease with Update at the
// revision it last wrote (fails if anyone else wrote since): the server
// decides, so two instances never both hold a lease. Each instance also
// writes "m.<name>" every renewal, its membership: with N members alive,
// each aims at ceil(count/N) partitions, gives back its surplus and takes
// free partitions up to that.
//
// # No split brain
//
// An instance acts on partition p only while Owns(p), which is true until
// a local deadline: the time it sent its last successful write of the
// lease (on its monotonic clock) plus TTL minus Margin. The server
// expires the lease no earlier than TTL after it stored that write, which
// is after it was sent; only then can another instance Create it. So the
// old owner stops at least Margin before a new owner can start, whatever
// the network or a paused process did in between, as long as Margin
// covers the difference of the two clocks' rates over TTL and the
// longest an action begun while Owns(p) can take.
package partition

import "hash/fnv"

// DefaultCount is the number of partitions when the configuration does
// not say: enough for dozens of instances, few enough to renew cheaply.
const DefaultCount = 64

// Of returns the partition of key among count (> 0): FNV-1a, 64 bits,
// of the key's bytes, modulo count. Stable across versions: a contract.
func Of(key string, count int) int {
	h := fnv.New64a()
	h.Write([]byte(key))
	return int(h.Sum64() % uint64(count))
}

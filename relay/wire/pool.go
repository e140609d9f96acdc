package wire

import (
	"math/bits"
	"sync"
)

// Large buffers (frame bodies, decompressed record blocks) come from pools
// by size class, so a relay with thousands of mostly idle agents does not
// keep a multi-megabyte buffer per connection, and a busy one does not
// allocate one per batch.

const (
	minClassShift = 16 // the smallest class: 64 KiB
	numClasses    = 10 // 64 KiB, 128 KiB, ... 32 MiB; larger buffers are not pooled
)

var pools [numClasses]sync.Pool

// classOf returns the pool index for a buffer of n bytes: class c holds
// buffers of 64 KiB << c.
func classOf(n int) int {
	if n <= 1<<minClassShift {
		return 0
	}
	return bits.Len(uint(n-1)) - minClassShift
}

// getBuf returns a buffer of length n, pooled when n is in a pooled class.
func getBuf(n int) *[]byte {
	c := classOf(n)
	if c >= len(pools) {
		b := make([]byte, n)
		return &b
	}
	if p, ok := pools[c].Get().(*[]byte); ok {
		*p = (*p)[:n]
		return p
	}
	b := make([]byte, n, 1<<(minClassShift+c))
	return &b
}

// putBuf returns a buffer from getBuf to its pool.
func putBuf(p *[]byte) {
	if p == nil {
		return
	}
	c := classOf(cap(*p))
	if c >= len(pools) || cap(*p) != 1<<(minClassShift+c) {
		return
	}
	pools[c].Put(p)
}

// Package testwait is the tests' one way to wait for what other
// goroutines do: poll a condition until it holds. The deadline only
// guards against a hang (a loaded machine is slow): tests assert what
// happens, never how fast.
package testwait

import (
	"testing"
	"time"
)

// For polls cond until it holds; after within, the test fails (Fatal),
// naming what it waited for.
func For(t testing.TB, what string, within time.Duration, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(within)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

package testwait

import (
	"sync/atomic"
	"testing"
	"time"
)

// TestForReturnsOnceTheConditionHolds: For waits for a condition another
// goroutine makes true, and returns with it true.
func TestForReturnsOnceTheConditionHolds(t *testing.T) {
	var done atomic.Bool
	go func() {
		time.Sleep(20 * time.Millisecond)
		done.Store(true)
	}()
	For(t, "the goroutine", time.Minute, done.Load)
	if !done.Load() {
		t.Fatal("For returned before the condition held")
	}
}

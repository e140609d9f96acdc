package retry

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"
)

// recorder is a Policy whose Sleep records the delays instead of waiting.
func recorder(p Policy) (Policy, *[]time.Duration) {
	var delays []time.Duration
	p.Sleep = func(ctx context.Context, d time.Duration) error {
		delays = append(delays, d)
		return ctx.Err()
	}
	return p, &delays
}

func TestDoRetriesUntilSuccess(t *testing.T) {
	p, delays := recorder(Policy{Min: 10 * time.Millisecond, Max: time.Second})
	calls := 0
	err := Do(context.Background(), p, func(n int) error {
		if n != calls {
			t.Errorf("attempt %d, want %d", n, calls)
		}
		calls++
		if calls < 4 {
			return errors.New("refused")
		}
		return nil
	})
	if err != nil || calls != 4 {
		t.Fatalf("err %v after %d calls, want nil after 4", err, calls)
	}
	if len(*delays) != 3 {
		t.Fatalf("delays %v, want 3", *delays)
	}
	for i, d := range *delays {
		if ceil := 10 * time.Millisecond << i; d < 0 || d > ceil {
			t.Errorf("delay %d = %v, want within [0, %v]", i, d, ceil)
		}
	}
}

func TestDoStopsOnPermanent(t *testing.T) {
	p, delays := recorder(Policy{})
	bad := errors.New("400 bad request")
	calls := 0
	err := Do(context.Background(), p, func(int) error {
		calls++
		return fmt.Errorf("post: %w", Permanent(bad))
	})
	if !errors.Is(err, bad) || !IsPermanent(err) || calls != 1 || len(*delays) != 0 {
		t.Fatalf("err %v, %d calls, delays %v: want the permanent error after one call, no wait", err, calls, *delays)
	}
}

func TestDoHonoursHintCapped(t *testing.T) {
	p, delays := recorder(Policy{MaxHint: time.Minute})
	calls := 0
	err := Do(context.Background(), p, func(int) error {
		calls++
		switch calls {
		case 1:
			return After(errors.New("429"), 7*time.Second)
		case 2:
			return After(errors.New("503"), time.Hour)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if want := []time.Duration{7 * time.Second, time.Minute}; fmt.Sprint(*delays) != fmt.Sprint(want) {
		t.Fatalf("delays %v, want %v", *delays, want)
	}
}

func TestDoEndsWithContext(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	calls := 0
	done := make(chan error)
	go func() {
		done <- Do(ctx, Policy{Min: time.Hour, Max: time.Hour}, func(int) error {
			calls++
			return errors.New("down")
		})
	}()
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Fatalf("err %v, want context.Canceled", err)
	}
	if calls < 1 {
		t.Fatal("attempt never called")
	}
}

func TestFullJitterIsCapped(t *testing.T) {
	for n := range 100 {
		if d := FullJitter(100*time.Millisecond, 30*time.Second, n); d < 0 || d > 30*time.Second {
			t.Fatalf("attempt %d: %v", n, d)
		}
	}
}

func TestClassification(t *testing.T) {
	if Permanent(nil) != nil {
		t.Error("Permanent(nil) != nil")
	}
	base := errors.New("x")
	if IsPermanent(base) || IsPermanent(After(base, time.Second)) {
		t.Error("plain and hinted errors are retryable")
	}
	if !IsPermanent(Permanentf("bad %d", 1)) {
		t.Error("Permanentf is not permanent")
	}
	if d, ok := Hint(fmt.Errorf("w: %w", After(base, 3*time.Second))); !ok || d != 3*time.Second {
		t.Errorf("hint %v %v", d, ok)
	}
	if _, ok := Hint(base); ok {
		t.Error("a plain error has no hint")
	}
}

// TestDoBackoffStartsOverAfterAHealthyRun: failures in a row make the
// backoff grow to Max; an attempt that ran Healthy before failing starts
// it again from Min, as for a first failure. Without Healthy it keeps
// growing. (Min of 1ns and Max of an hour: a backoff that did not start
// over would wait 1ns or less with a chance of one in 3.6e12.)
func TestDoBackoffStartsOverAfterAHealthyRun(t *testing.T) {
	for _, healthy := range []time.Duration{time.Minute, 0} {
		now := time.Unix(0, 0)
		p, delays := recorder(Policy{Min: time.Nanosecond, Max: time.Hour, Healthy: healthy, Now: func() time.Time { return now }})
		n := 0
		Do(context.Background(), p, func(int) error {
			n++
			switch {
			case n == 60:
				now = now.Add(2 * time.Minute) // a long healthy run, then a failure
			case n > 60:
				return nil
			}
			return errors.New("panicked")
		})
		last := (*delays)[len(*delays)-1]
		if healthy > 0 && last > time.Nanosecond {
			t.Errorf("waited %v after a healthy run, want at most Min (1ns)", last)
		}
		if healthy == 0 && last <= time.Nanosecond {
			t.Errorf("waited %v without Healthy: the backoff started over", last)
		}
	}
}

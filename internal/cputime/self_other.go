//go:build !unix

package cputime

import "time"

// Self is not measured outside Unix: per-operation CPU figures read 0.
func Self() time.Duration { return 0 }

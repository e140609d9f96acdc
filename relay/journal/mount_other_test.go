//go:build !linux

package journal

import "testing"

func smallFS(t *testing.T, _ int) string {
	t.Skip("small filesystems are mounted on Linux only")
	return ""
}

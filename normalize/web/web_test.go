package web

import (
	"testing"
	"time"
)

func TestParseCLFTime(t *testing.T) {
	for in, want := range map[string]string{
		"26/Dec/2016:16:16:29 +0200": "2016-12-26T14:16:29Z",
		"01/Jul/2026:10:11:14 -0530": "2026-07-01T15:41:14Z",
		"31/Dec/2025:23:59:59 +0000": "2025-12-31T23:59:59Z",
	} {
		got, ok := parseCLFTime(in)
		if !ok || got.Format(time.RFC3339) != want {
			t.Errorf("%s: got %v %v, want %s", in, got, ok, want)
		}
	}
	for _, bad := range []string{"26/Foo/2016:16:16:29 +0200", "26/Dec/2016:25:16:29 +0200", "26/Dec/2016:16:16:29 0200", ""} {
		if _, ok := parseCLFTime(bad); ok {
			t.Errorf("%q accepted", bad)
		}
	}
}

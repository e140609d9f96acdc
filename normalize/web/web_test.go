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

// HAProxy's timers word: numbers joined by '/', -1 for an aborted step,
// "+" for logasap's lower bound; a custom log-format's word (a host name)
// before it is not one.
func TestHAProxyTimers(t *testing.T) {
	for s, want := range map[string]bool{
		"0/0/1/17/18": true, "-1/-1/-1/-1/0": true, "0/0/+35": true, "+-1/2": true,
		"10/0/30/69/+109": true, "1/2": true,
		"shop.example.com": false, "": false, "0": false, "0//1": false, "0/1/": false,
		"/0/1": false, "-+1/2": false, "--1/2": false, "1-/2": false, "a/1": false,
	} {
		if got := haproxyTimers(s); got != want {
			t.Errorf("haproxyTimers(%q) = %v, want %v", s, got, want)
		}
	}
}

package forward

import (
	"runtime/debug"
	"sync"
	"time"
	"unicode/utf8"
)

// ProductVersion is nomen's version as the CEF header and HTTP User-Agent
// show it: the main module's version, "dev" for a source build.
var ProductVersion = sync.OnceValue(func() string {
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		return bi.Main.Version
	}
	return "dev"
})

// EventTime returns the time a sink reports for an event: @timestamp, else
// when nomen received it, else now.
func EventTime(t, received time.Time) time.Time {
	if !t.IsZero() {
		return t
	}
	if !received.IsZero() {
		return received
	}
	return time.Now()
}

// TruncateUTF8 cuts s to at most n bytes without splitting a character.
func TruncateUTF8(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

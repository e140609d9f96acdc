package logging

import (
	"strings"
	"testing"
)

func TestStart(t *testing.T) {
	if got := Start("a\x00b"); got != `"a\x00b"` {
		t.Errorf("Start = %s, want control bytes escaped", got)
	}
	long := strings.Repeat("x", 100)
	if got, want := Start([]byte(long)), `"`+long[:64]+`"...`; got != want {
		t.Errorf("Start of 100 bytes = %s, want %s", got, want)
	}
}

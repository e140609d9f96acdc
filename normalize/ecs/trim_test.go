package ecs

import (
	"strings"
	"testing"
)

// TestTrimSpace: TrimSpace trims what strings.TrimSpace trims, ASCII white
// space or not, at either end.
func TestTrimSpace(t *testing.T) {
	for _, s := range []string{
		"", " ", "\t\r\n", "jdoe", "\tjdoe\r\n\t", " a b ", "\v\fx\f\v",
		"\u00a0jdoe\u00a0", "\t\u0085 x \u00a0\t", " é ", "é", "\u2003x\u3000",
		"\x00x\x00", " \x7f ", "\xff", " \xff ", "\t\xc2\xa0\t",
	} {
		if got, want := TrimSpace(s), strings.TrimSpace(s); got != want {
			t.Errorf("TrimSpace(%q) = %q, want %q", s, got, want)
		}
	}
}

// Package vendortest holds the property every vendor decoder's fuzz
// target checks (normalize/vendor's contract), so that it is written once.
package vendortest

import (
	"strings"
	"testing"

	"github.com/nomenhq/nomen/normalize/ecs"
	"github.com/nomenhq/nomen/normalize/vendor"
)

// Check runs decode and fails t unless every value it emits is non-empty
// and found in one of sources (the message, and whatever else the decoder
// was given or may unescape: a program, a MSGID, the message with a
// format's quoting undone), has the shape of its kind (Extra and Text take
// anything), nothing is emitted unless the status is Decoded, and the
// class takes only ECS's allowed values.
func Check(t testing.TB, decode func(vendor.Emit) (vendor.Class, vendor.Status), sources ...string) {
	t.Helper()
	n := 0
	class, st := decode(func(k, v string, kind vendor.Kind) {
		n++
		if v == "" || !inAny(sources, v) {
			t.Fatalf("%s=%q is not in %q", k, v, sources)
		}
		if kind != vendor.Extra && kind != vendor.Text && !vendor.Valid(kind, v) {
			t.Fatalf("%s=%q is not a %s", k, v, kind)
		}
	})
	if st != vendor.Decoded && n > 0 {
		t.Fatalf("status %v with %d fields", st, n)
	}
	if err := ecs.CheckClass(class); err != nil {
		t.Fatal(err)
	}
}

func inAny(sources []string, v string) bool {
	for _, s := range sources {
		if strings.Contains(s, v) {
			return true
		}
	}
	return false
}

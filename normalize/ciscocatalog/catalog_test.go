package ciscocatalog

import (
	"fmt"
	"strings"
	"testing"
)

// matchAll returns the fields a body yields as "key=value" lines and the action.
func matchAll(t *testing.T, m *Msg, body string) (map[string]string, *Class) {
	t.Helper()
	got := map[string]string{}
	class, ok := m.Match(body, func(k, v string, kind Kind) {
		if _, dup := got[k]; dup {
			t.Errorf("%s: %s handed out twice", m.ID, k)
		}
		got[k] = v
	})
	if !ok {
		return nil, nil
	}
	return got, class
}

func fmtFields(f map[string]string) string {
	var b strings.Builder
	for k, v := range f {
		fmt.Fprintf(&b, "%s=%q ", k, v)
	}
	return b.String()
}

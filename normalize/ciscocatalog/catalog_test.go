package ciscocatalog

import (
	"maps"
	"slices"
	"strings"
	"testing"
)

// lineCase is one body in the documented format and every field it must
// yield; action "" means the body must not match.
type lineCase struct {
	id, body string
	action   string
	want     map[string]string
}

// run checks each case against the ASA catalogue (ios: the IOS one).
func runCases(t *testing.T, ios bool, cases []lineCase) {
	t.Helper()
	for _, c := range cases {
		m, ok := lookup(ios, c.id)
		if !ok {
			t.Errorf("%s: not catalogued", c.id)
			continue
		}
		got := map[string]string{}
		class, matched := m.Match(c.body, func(k, v string, _ Kind) {
			if _, dup := got[k]; dup {
				t.Errorf("%s: %s handed out twice", c.id, k)
			}
			got[k] = v
		})
		if c.action == "" {
			if matched {
				t.Errorf("%s: %q matched (%v), want no match", c.id, c.body, got)
			}
			continue
		}
		if !matched {
			t.Errorf("%s: %q did not match", c.id, c.body)
			continue
		}
		if class.Action != c.action {
			t.Errorf("%s: action %q, want %q", c.id, class.Action, c.action)
		}
		if !maps.Equal(got, c.want) {
			t.Errorf("%s: %q\n got  %s\n want %s", c.id, c.body, show(got), show(c.want))
		}
	}
}

func show(m map[string]string) string {
	keys := slices.Sorted(maps.Keys(m))
	var b strings.Builder
	for _, k := range keys {
		b.WriteString(k + "=" + m[k] + "; ")
	}
	return b.String()
}

// TestIDClass: the id alone classes a message only when no value of its
// body can pick another class, even one with a default (LINK-UPDOWN's
// state change when the state is none of its cases).
func TestIDClass(t *testing.T) {
	for _, c := range []struct {
		ios    bool
		id     string
		action string // "" for none
	}{
		{false, "106023", "connection-denied"},
		{false, "302016", "connection-teardown"},
		{false, "113004", ""}, // login, authorization or accounting by its words
		{false, "106100", ""}, // permitted or denied
		{true, "SEC_LOGIN-LOGIN_FAILED", "logon-failed"},
		{true, "LINK-UPDOWN", ""},
	} {
		m, ok := lookup(c.ios, c.id)
		if !ok {
			t.Fatalf("%s not catalogued", c.id)
		}
		got := ""
		if class := m.IDClass(); class != nil {
			got = class.Action
		}
		if got != c.action {
			t.Errorf("%s: IDClass action %q, want %q", c.id, got, c.action)
		}
	}
}

// lookup finds an IOS "FACILITY-MNEMONIC" or an ASA message id.
func lookup(ios bool, id string) (*Msg, bool) {
	if ios {
		fac, mn, _ := cutLastDash(id)
		return IOS(fac, mn)
	}
	return ASA(id)
}

// A message's templates are compiled on its first match; a device's first
// lines, read at once on several listeners' goroutines, all match them
// (go test -race checks that they share the compiled templates safely).
func TestFirstMatchFromManyGoroutines(t *testing.T) {
	m := &Msg{ID: "302013", prefix: asaPrefix, Class: classBuilt, Formats: []string{builtTCPUDP}}
	body := "Built inbound TCP connection 4410 for outside:198.51.100.14/40112 (198.51.100.14/40112) to dmz:10.5.5.80/443 (192.0.2.80/443)"
	done := make(chan bool)
	for range 4 {
		go func() { done <- m.Matches(body) }()
	}
	for range 4 {
		if !<-done {
			t.Error("a body in the documented shape did not match on the message's first use")
		}
	}
}

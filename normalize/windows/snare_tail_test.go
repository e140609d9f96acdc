package windows

import "testing"

// NXLog's negated counter is cut from a message's end only when it is the
// record's own counter, after a space.
func TestSnareCutCounter(t *testing.T) {
	for _, c := range []struct{ msg, counter, want string }{
		{"Tag: Demo      -4001", "4001", "Tag: Demo"},
		{"Tag: Demo -4001", "4001", "Tag: Demo"},
		{"Tag: Demo      -4002", "4001", "Tag: Demo      -4002"}, // another number: the value's
		{"Tag: Demo-4001", "4001", "Tag: Demo-4001"},             // no space: part of the value
		{"Tag: Demo      4001", "4001", "Tag: Demo      4001"},   // not negated
		{"Tag: Demo      -14001", "4001", "Tag: Demo      -14001"},
		{"-4001", "4001", "-4001"},
		{"Tag: Demo", "", "Tag: Demo"},
	} {
		if got := snareCutCounter(c.msg, c.counter); got != c.want {
			t.Errorf("snareCutCounter(%q, %q) = %q, want %q", c.msg, c.counter, got, c.want)
		}
	}
}

// winMarked finds Snare's and OSSEC's markers, and only them.
func TestWinMarked(t *testing.T) {
	for _, c := range []struct {
		m    string
		want bool
	}{
		{"MSWinEventLog\t1\tSecurity", true},
		{"host MSWinEventLog 1", true},
		{"WinEvtLog: Security: AUDIT_SUCCESS(4624): ...", true},
		{"2026 Mar 03 09:14:55 WinEvtLog: Security: ...", true},
		{"(FS-02) 10.0.0.1->WinEvtLog 2026 Mar 03 09:14:55 WinEvtLog: Security", true},
		{"(FS-02) 10.0.0.1->WinEvtLog; user: x", false}, // the alert's location only
		{"WinEventLog without its MS", false},
		{"XWinEvtLog: Security", false},
		{"WinEv", false},
		{"", false},
	} {
		if got := winMarked(c.m); got != c.want {
			t.Errorf("winMarked(%q) = %v, want %v", c.m, got, c.want)
		}
	}
}

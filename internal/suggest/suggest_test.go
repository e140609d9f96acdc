package suggest

import "testing"

func TestDistance(t *testing.T) {
	for _, tc := range []struct {
		a, b string
		want int
	}{
		{"", "", 0}, {"run", "run", 0}, {"rnu", "run", 1}, {"rn", "run", 1}, {"confg", "config", 1},
		{"tpa", "tap", 1}, {"foo", "top", 2}, {"", "abc", 3}, {"abc", "xyz", 3},
		{"event", "evnt", 1}, {"categroy", "category", 1}, {"user", "usr", 1},
	} {
		if got := Distance(tc.a, tc.b); got != tc.want {
			t.Errorf("Distance(%q, %q) = %d, want %d", tc.a, tc.b, got, tc.want)
		}
	}
}

func TestClosest(t *testing.T) {
	commands := []string{"run", "check", "parse", "tap", "top", "version"}
	for _, tc := range []struct {
		s          string
		candidates []string
		want       string
	}{
		{"rnu", commands, "run"},
		{"tpa", commands, "tap"},
		{"xyzzy", commands, ""},
		{"foo", commands, ""}, // two edits from "top": too far for a short word
		{"chek", commands, "check"},
		{"versoin", commands, "version"},
		{"ver", commands, "version"}, // a prefix
		{"stat_dir", []string{"metrics", "output", "state_dir"}, "state_dir"},
		{"categroy", []string{"action", "category", "code"}, "category"},
		{"listen_address", []string{"listen", "name"}, "listen"}, // s begins with it
		{"tp", []string{"tap", "top"}, "tap"},                    // a tie: the first
		{"", commands, ""},
	} {
		if got := Closest(tc.s, tc.candidates); got != tc.want {
			t.Errorf("Closest(%q) = %q, want %q", tc.s, got, tc.want)
		}
	}
}

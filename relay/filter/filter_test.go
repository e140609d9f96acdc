package filter

import (
	"testing"
	"time"

	"github.com/nomenhq/nomen/relay/event"
)

func TestMatch(t *testing.T) {
	e := event.New(time.Now())
	e.Hostname = "web1"
	e.AppName = "sshd"
	e.SetList("event.category", "authentication", "session")
	e.SetStr("event.outcome", "failure")
	e.SetInt("source.port", 22)
	e.SetStr("user.name", "IUSR_WEB1")

	for _, tc := range []struct {
		where map[string]any
		want  bool
	}{
		{nil, true},
		{map[string]any{"event.category": "authentication"}, true},
		{map[string]any{"event.category": "session", "event.outcome": "failure"}, true},
		{map[string]any{"event.category": "session", "event.outcome": "success"}, false},
		{map[string]any{"event.outcome": []any{"success", "failure"}}, true},
		{map[string]any{"user.name": "IUSR_*"}, true},
		{map[string]any{"user.name": "*_WEB?"}, false},
		{map[string]any{"user.name": "I*R*1"}, true},
		{map[string]any{"source.port": int64(22)}, true},
		{map[string]any{"host.name": "web1", "process.name": "sshd"}, true}, // derived fields
		{map[string]any{"destination.ip": "!"}, true},
		{map[string]any{"user.name": "!"}, false},
		{map[string]any{"user.name": "*"}, true},
		{map[string]any{"destination.ip": "*"}, false},
		{map[string]any{"event.kind": "event"}, true},
	} {
		f, err := Compile(tc.where)
		if err != nil {
			t.Fatal(err)
		}
		if got := f.Match(e); got != tc.want {
			t.Errorf("%v: got %v want %v", tc.where, got, tc.want)
		}
	}
}

func TestParseAndErrors(t *testing.T) {
	f, err := Parse([]string{"event.outcome=success,failure", "user.name=IUSR_*"})
	if err != nil {
		t.Fatal(err)
	}
	if f.String() != "event.outcome=success,failure & user.name=IUSR_*" {
		t.Errorf("String: %s", f)
	}
	for _, bad := range [][]string{{"novalue"}, {"=x"}, {"a=1", "a=2"}} {
		if _, err := Parse(bad); err == nil {
			t.Errorf("%v: want error", bad)
		}
	}
	if _, err := Compile(map[string]any{"a": map[string]any{}}); err == nil {
		t.Error("table value: want error")
	}
	if _, err := Compile(map[string]any{"a": []any{}}); err == nil {
		t.Error("empty list: want error")
	}
}

func TestGlob(t *testing.T) {
	for _, tc := range []struct {
		p, s string
		want bool
	}{
		{"*", "", true}, {"a*", "abc", true}, {"*c", "abc", true}, {"a*c", "ac", true},
		{"a*b*c", "aXbYc", true}, {"a*b*c", "acb", false}, {"ab*ab", "ab", false}, {"x", "x", true},
	} {
		if got := NewGlob(tc.p).Match(tc.s); got != tc.want {
			t.Errorf("%q ~ %q: got %v", tc.p, tc.s, got)
		}
	}
}

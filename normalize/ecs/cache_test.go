package ecs

import (
	"strconv"
	"sync"
	"testing"
)

func TestStringCache(t *testing.T) {
	c := NewStringCache(func(k string) string { return "ns." + k })
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range MaxCached * 2 {
				key := "k" + strconv.Itoa((i+g)%(MaxCached*2))
				if got := c.Get(key); got != "ns."+key {
					t.Errorf("Get(%q) = %q", key, got)
					return
				}
			}
		}()
	}
	wg.Wait()
	if n := c.Len(); n != MaxCached {
		t.Errorf("%d entries cached, bound %d", n, MaxCached)
	}
	long := string(make([]byte, MaxCachedLen+1))
	c = NewStringCache(func(k string) string { return "ns." + k })
	if c.Get(long) != "ns."+long || c.Len() != 0 {
		t.Error("a long string was cached")
	}
}

func TestProgramKey(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"sshd", "sshd"}, {"%ASA-6-302013", "%asa-6-302013"}, {"Microsoft-Windows-Security-Auditing", "microsoft-windows-security-auditing"},
		{"", ""}, {"ÄB", "äb"}, {"Ä", "Ä"}, // strings.ToLower, once an ASCII capital asks for it
	} {
		for range 2 { // computed, then cached
			if got := ProgramKey(c.in); got != c.want {
				t.Errorf("ProgramKey(%q) = %q, want %q", c.in, got, c.want)
			}
		}
	}
}

func TestBaseProgram(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"su(pam_unix)", "su"}, {"postfix/smtpd", "postfix"}, {"sshd", "sshd"}, {"", ""},
		{"(x)", "(x)"}, // a name that starts with one is kept whole
		{"a/b(c)", "a"},
		// a program logged by its path is its file name
		{"/usr/sbin/cron", "cron"}, {"/usr/sbin/sshd", "sshd"}, {"/usr/libexec/postfix/smtpd", "smtpd"}, {"/", ""},
	} {
		if got := BaseProgram(c.in); got != c.want {
			t.Errorf("BaseProgram(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

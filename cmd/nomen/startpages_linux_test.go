package main

import (
	"os"
	"reflect"
	"strconv"
	"strings"
	"testing"
)

// Only the executable's mappings that are read-only and unwritten are
// released: not its data, not a page a relocation wrote, not a library's.
func TestExecutableReadOnlyMappings(t *testing.T) {
	smaps := `00400000-00f1a000 r-xp 00000000 08:01 1234 /usr/bin/nomen
Rss:                2176 kB
Anonymous:             0 kB
00f1a000-01b17000 r--p 00b1a000 08:01 1234 /usr/bin/nomen
Anonymous:             0 kB
01b17000-01b20000 r--p 01717000 08:01 1234 /usr/bin/nomen
Anonymous:             8 kB
01b20000-01bd2000 rw-p 01720000 08:01 1234 /usr/bin/nomen
Anonymous:           216 kB
01bd2000-03c33000 rw-p 00000000 00:00 0
Anonymous:           208 kB
7f0000000000-7f0000100000 r-xp 00000000 08:01 99 /usr/lib/libc.so.6
Anonymous:             0 kB
`
	got := executableReadOnlyMappings([]byte(smaps), 0x500000)
	want := []mapping{{0x400000, 0xf1a000}, {0xf1a000, 0x1b17000}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("released %x, want %x", got, want)
	}
	if got := executableReadOnlyMappings([]byte(smaps), 0x1); got != nil {
		t.Errorf("an address in no mapping released %x", got)
	}
}

// Released pages leave nomen's resident memory, and what runs afterwards
// (this test) reads its code and constants as before.
func TestReleaseStartupPages(t *testing.T) {
	before := executableRss(t)
	releaseStartupPages()
	after := executableRss(t)
	if after >= before {
		t.Errorf("the executable's read-only pages resident: %d kB before, %d kB after", before, after)
	}
	if strconv.Itoa(42) != "42" || !strings.HasPrefix(smapsHeader, "Rss") {
		t.Error("code or constants read differently after the release")
	}
}

const smapsHeader = "Rss:"

func executableRss(t *testing.T) int {
	t.Helper()
	smaps, err := os.ReadFile("/proc/self/smaps")
	if err != nil {
		t.Skip(err)
	}
	ro := executableReadOnlyMappings(smaps, uint64(reflect.ValueOf(releaseStartupPages).Pointer()))
	kb, in := 0, false
	for _, line := range strings.Split(string(smaps), "\n") {
		if f := strings.Fields(line); len(f) >= 6 && !strings.HasSuffix(f[0], ":") {
			lo, _, _ := strings.Cut(f[0], "-")
			a, _ := strconv.ParseUint(lo, 16, 64)
			in = false
			for _, m := range ro {
				in = in || m.lo == a
			}
		} else if v, ok := strings.CutPrefix(line, smapsHeader); ok && in {
			n, _ := strconv.Atoi(strings.TrimSuffix(strings.TrimSpace(v), " kB"))
			kb += n
		}
	}
	if len(ro) == 0 {
		t.Fatal("no read-only mapping of the executable found")
	}
	return kb
}

package main

import (
	"bufio"
	"bytes"
	"os"
	"reflect"
	"strconv"
	"strings"
	"syscall"
)

// releaseStartupPages takes the executable's read-only pages (code,
// constants, the function tables) out of nomen's page tables once it has
// started. Start-up maps far more of them than running does: every
// package's initialisation, the configuration's decoding and checking,
// each output's and listener's setup, and around every page touched the
// kernel maps its neighbours that are cached (fault-around, 64 KiB), so
// ~16 MiB of the 25 MB binary stayed resident for the life of the
// process, though a relay that runs a UDP listener and a file output
// touches a few MiB of it. The pages stay in the page cache (they are
// the file's), so what runs next maps them again with a minor fault, no
// read; what start-up alone used is no longer counted in nomen's
// resident memory.
//
// Only mappings of the executable that nothing has written are released
// (a private page written, e.g. a relocation, would be lost): those with
// no anonymous pages, checked in smaps.
func releaseStartupPages() {
	smaps, err := os.ReadFile("/proc/self/smaps")
	if err != nil {
		return
	}
	for _, m := range executableReadOnlyMappings(smaps, uint64(reflect.ValueOf(releaseStartupPages).Pointer())) {
		syscall.Syscall(syscall.SYS_MADVISE, uintptr(m.lo), uintptr(m.hi-m.lo), syscall.MADV_DONTNEED)
	}
}

// mapping is an address range of /proc/PID/smaps.
type mapping struct{ lo, hi uint64 }

// executableReadOnlyMappings returns the mappings of the file that holds
// address code (the executable) that are not writable and have no
// anonymous pages.
func executableReadOnlyMappings(smaps []byte, code uint64) []mapping {
	type entry struct {
		mapping
		path     string
		readOnly bool
		anon     bool
	}
	var all []entry
	exe := ""
	sc := bufio.NewScanner(bytes.NewReader(smaps))
	for sc.Scan() {
		line := sc.Text()
		if v, ok := strings.CutPrefix(line, "Anonymous:"); ok && len(all) > 0 {
			all[len(all)-1].anon = strings.TrimSpace(v) != "0 kB"
			continue
		}
		fields := strings.Fields(line)
		if len(fields) < 6 || strings.HasSuffix(fields[0], ":") {
			continue // a field line, or a mapping of no file
		}
		lo, hi, ok := strings.Cut(fields[0], "-")
		if !ok {
			continue
		}
		a, err1 := strconv.ParseUint(lo, 16, 64)
		b, err2 := strconv.ParseUint(hi, 16, 64)
		if err1 != nil || err2 != nil || len(fields[1]) != 4 {
			continue
		}
		e := entry{mapping: mapping{a, b}, path: strings.Join(fields[5:], " "), readOnly: fields[1][1] != 'w'}
		if a <= code && code < b {
			exe = e.path
		}
		all = append(all, e)
	}
	var out []mapping
	for _, e := range all {
		if exe != "" && e.path == exe && e.readOnly && !e.anon {
			out = append(out, e.mapping)
		}
	}
	return out
}

// Package cputime measures CPU time (user + system) for benchmarks and
// budget tests: on a shared, busy machine it says more about the code
// than the wall clock does.
package cputime

import (
	"bytes"
	"os"
	"strconv"
	"strings"
	"time"
)

// Of returns the CPU time process pid has used so far, from
// /proc/<pid>/stat (Linux); false when that cannot be read (another OS, a
// process gone, or in another PID namespace).
func Of(pid int) (time.Duration, bool) {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return 0, false
	}
	// "pid (comm) state ...": comm may hold spaces and parentheses, so the
	// fields are counted after its last ')'; utime and stime are the 14th
	// and 15th of the line, the 12th and 13th after comm.
	i := bytes.LastIndexByte(b, ')')
	if i < 0 || i+2 > len(b) {
		return 0, false
	}
	f := strings.Fields(string(b[i+2:]))
	if len(f) < 13 {
		return 0, false
	}
	utime, err1 := strconv.ParseInt(f[11], 10, 64)
	stime, err2 := strconv.ParseInt(f[12], 10, 64)
	if err1 != nil || err2 != nil {
		return 0, false
	}
	return time.Duration(utime+stime) * (time.Second / userHZ), true
}

// userHZ is the unit of /proc's times: USER_HZ, 100 on every Linux
// architecture Go runs on.
const userHZ = 100

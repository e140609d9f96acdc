package windows

import (
	"strconv"
	"strings"

	"github.com/nomenhq/nomen/normalize/ecs"
	"github.com/nomenhq/nomen/normalize/vendor"
)

// How Windows prints numbers and ids in EventData, and their one spelling
// in nomen's fields.

// winLogonID returns a logon id in one spelling: "0x3e7" whether the road
// gave "0x3E7", "0x3e7" or the 2003 "(0x0,0x3E7)".
func winLogonID(s string) string {
	if s == "" {
		return ""
	}
	if len(s) > 5 && s[0] == '(' && s[len(s)-1] == ')' {
		hi, lo, ok := ecs.CutByte(s[1:len(s)-1], ',')
		h, ok1 := vendor.ParseHex(strings.TrimSpace(hi))
		l, ok2 := vendor.ParseHex(strings.TrimSpace(lo))
		if !ok || !ok1 || !ok2 || h > 0xffffffff || l > 0xffffffff {
			return s
		}
		return "0x" + strconv.FormatUint(h<<32|l, 16)
	}
	return winHexLower(s)
}

// winHexLower lower-cases a "0x..." value, without allocating when it already is.
func winHexLower(s string) string {
	if !strings.HasPrefix(s, "0x") && !strings.HasPrefix(s, "0X") {
		return s
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; 'A' <= c && c <= 'Z' {
			return strings.ToLower(s)
		}
	}
	return s
}

// winPID parses a process id (or an exit status) as Windows prints it:
// hex "0x1a2c" (Vista+) or decimal "1536" (2003).
func winPID(s string) (int64, bool) {
	if strings.HasPrefix(s, "0x") || strings.HasPrefix(s, "0X") {
		n, ok := vendor.ParseHex(s[2:])
		return int64(n), ok && n <= 1<<62
	}
	return ecs.ParseUint(s)
}

// winBaseName returns the file name of a Windows path.
func winBaseName(p string) string {
	if i := strings.LastIndexAny(p, `\/`); i >= 0 {
		return p[i+1:]
	}
	return p
}

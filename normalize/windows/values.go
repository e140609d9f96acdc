package windows

import (
	"strconv"
	"strings"
	"time"

	"github.com/nomenhq/nomen/normalize/ecs"
	"github.com/nomenhq/nomen/normalize/vendor"
	"github.com/nomenhq/nomen/normalize/wincatalog"
	"github.com/nomenhq/nomen/relay/event"
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
		h, ok1 := vendor.ParseHex(ecs.TrimSpace(hi))
		l, ok2 := vendor.ParseHex(ecs.TrimSpace(lo))
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

// winTime reads an RFC 3339 time (System/TimeCreated's SystemTime,
// Winlogbeat's @timestamp) as time.Parse(time.RFC3339Nano) does. The
// usual UTC form, "2026-07-01T10:15:02.1234567Z", is read without
// time.Parse (~700 instructions a record); any other is left to it.
func winTime(v string) (time.Time, bool) {
	if t, ok := rfc3339UTC(v); ok {
		return t, true
	}
	t, err := time.Parse(time.RFC3339Nano, v)
	return t, err == nil
}

// rfc3339UTC reads "2026-07-01T10:15:02Z" with no fraction or one of 1 to
// 9 digits; false for anything else (an offset, a day past the month's
// end...), whatever time.Parse would make of it.
func rfc3339UTC(v string) (time.Time, bool) {
	if len(v) < 20 || v[10] != 'T' || v[len(v)-1] != 'Z' {
		return time.Time{}, false
	}
	ns := 0
	if frac := v[19 : len(v)-1]; frac != "" {
		if frac[0] != '.' || len(frac) < 2 || len(frac) > 10 {
			return time.Time{}, false
		}
		n, ok := ecs.ParseUint(frac[1:])
		if !ok {
			return time.Time{}, false
		}
		for range 10 - len(frac) { // "5" is 500000000 ns
			n *= 10
		}
		ns = int(n)
	}
	return dateTimeUTC(v[:19], ns)
}

// dateTimeUTC reads "2026-07-01?10:15:02" (any byte between date and
// time; the caller checked it) as UTC, plus ns nanoseconds (0 to
// 999999999); false when a number is out of its range (a day past the
// month's end included). The seconds since 1970 are counted here, not by
// time.Date, which normalizes every field and was, with six calls to
// ParseUint and the day's check, ~460 instructions a record.
func dateTimeUTC(v string, ns int) (time.Time, bool) {
	if len(v) != 19 || v[4] != '-' || v[7] != '-' || v[13] != ':' || v[16] != ':' {
		return time.Time{}, false
	}
	c, yc, mo, d := twoDigits(v, 0), twoDigits(v, 2), twoDigits(v, 5), twoDigits(v, 8)
	hh, mm, ss := twoDigits(v, 11), twoDigits(v, 14), twoDigits(v, 17)
	if c > 99 || yc > 99 || mo < 1 || mo > 12 || d < 1 || hh > 23 || mm > 59 || ss > 59 {
		return time.Time{}, false
	}
	y := int(c*100 + yc)
	if d > daysIn(int(mo), y) {
		return time.Time{}, false // past the month's end
	}
	sec := daysSinceEpoch(y, int(mo), int(d))*86400 + int64(hh*3600+mm*60+ss)
	return time.Unix(sec, int64(ns)).UTC(), true
}

// twoDigits returns the number v[i:i+2] writes, or 100 when either byte
// is not a digit (a byte below '0' wraps to a large number too).
func twoDigits(v string, i int) uint {
	hi, lo := uint(v[i]-'0'), uint(v[i+1]-'0')
	if hi > 9 || lo > 9 {
		return 100
	}
	return hi*10 + lo
}

// daysIn returns the days of month mo (1-12) of year y (Gregorian, as
// package time counts them for every year).
func daysIn(mo, y int) uint {
	switch mo {
	case 2:
		if y%4 == 0 && (y%100 != 0 || y%400 == 0) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}

// daysSinceEpoch returns the days from 1970-01-01 to y-mo-d (y 0 to 9999),
// counted in 400-year eras that begin on March 1st (the leap day last).
func daysSinceEpoch(y, mo, d int) int64 {
	if mo <= 2 {
		y--
	}
	era := (y+400)/400 - 1 // y may be -1: floor division
	yoe := y - era*400
	doy := (153*((mo+9)%12)+2)/5 + d - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return int64(era*146097+doe) - 719468
}

// setSecurityDescriptor reads an SDDL security descriptor out into
// <to>Owner, <to>Group, <to>Dacl<n> and <to>Sacl<n> (Winlogbeat's names:
// winlog.event_data.NewSdDacl0 ...). A text road also sets <to> itself
// (a structured road keeps the EventData value there as it came); a
// value that is no descriptor sets nothing more.
func (w *winEvent) setSecurityDescriptor(e *event.Event, to, v string) bool {
	if !w.structured && v != "" {
		e.SetStr(to, v)
	}
	sd, ok := wincatalog.ParseSDDL(v)
	if !ok {
		return !w.structured && v != ""
	}
	if sd.Owner != "" {
		e.SetStr(to+"Owner", sd.Owner)
	}
	if sd.Group != "" {
		e.SetStr(to+"Group", sd.Group)
	}
	for i, ace := range sd.DACL {
		e.SetStr(to+"Dacl"+strconv.Itoa(i), ace)
	}
	for i, ace := range sd.SACL {
		e.SetStr(to+"Sacl"+strconv.Itoa(i), ace)
	}
	return true
}

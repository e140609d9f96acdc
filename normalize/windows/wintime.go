package windows

import (
	"time"

	"github.com/nomenhq/nomen/normalize/ecs"
)

// winParseTime parses an RFC 3339 time as time.Parse(time.RFC3339Nano, v)
// does. The time the event XML, Winlogbeat and evtx_dump write,
// "2026-07-01T10:15:02.1234567Z" (UTC, up to 9 digits of fraction), is
// read without time.Parse, which cost ~700 instructions a record; anything
// else is left to it.
func winParseTime(v string) (time.Time, bool) {
	if t, ok := winTimeUTC(v); ok {
		return t, true
	}
	t, err := time.Parse(time.RFC3339Nano, v)
	return t, err == nil
}

// winTimeUTC reads "2026-07-01T10:15:02Z" with an optional fraction of 1
// to 9 digits; false for anything else.
func winTimeUTC(v string) (time.Time, bool) {
	n := len(v)
	if n < 20 || v[n-1] != 'Z' {
		return time.Time{}, false
	}
	nsec := 0
	if frac := v[19 : n-1]; frac != "" {
		if len(frac) < 2 || len(frac) > 10 || frac[0] != '.' {
			return time.Time{}, false
		}
		for i := 1; i < len(frac); i++ {
			c := frac[i]
			if c < '0' || c > '9' {
				return time.Time{}, false
			}
			nsec = nsec*10 + int(c-'0')
		}
		for i := len(frac); i < 10; i++ {
			nsec *= 10
		}
	}
	return winDateTime(v[:19], 'T', nsec)
}

// winDateTime reads "2026-07-01 10:15:02" (sep between date and time)
// as UTC, nsec its nanoseconds, without time.Parse (whose walk of the
// layout cost ~1,200 instructions per NXLog record). Anything else is left
// to time.Parse: false whenever the result might differ.
func winDateTime(v string, sep byte, nsec int) (time.Time, bool) {
	if len(v) != 19 || v[4] != '-' || v[7] != '-' || v[10] != sep || v[13] != ':' || v[16] != ':' {
		return time.Time{}, false
	}
	y, ok1 := ecs.ParseUint(v[:4])
	mo, ok2 := ecs.ParseUint(v[5:7])
	d, ok3 := ecs.ParseUint(v[8:10])
	hh, ok4 := ecs.ParseUint(v[11:13])
	mm, ok5 := ecs.ParseUint(v[14:16])
	ss, ok6 := ecs.ParseUint(v[17:19])
	if !ok1 || !ok2 || !ok3 || !ok4 || !ok5 || !ok6 || mo < 1 || mo > 12 || d < 1 || hh > 23 || mm > 59 || ss > 59 {
		return time.Time{}, false
	}
	t := time.Date(int(y), time.Month(mo), int(d), int(hh), int(mm), int(ss), nsec, time.UTC)
	if t.Day() != int(d) {
		return time.Time{}, false // past the month's end
	}
	return t, true
}

package vendor

import "time"

// ParseTime reads the timestamp forms the vendor packages emit as Time:
//
//	1712345678            epoch seconds (10 digits; 13 ms, 16 µs, 19 ns)
//	2024/04/05 19:34:38   PAN-OS (no zone: UTC as written; also with ".123")
//	2024-04-05 19:34:38   FortiGate date+time, LEEF (SonicWall: with " UTC")
//	2024-04-05T19:34:38Z  RFC 3339, with or without fraction and offset
//	                      (also an offset without its colon, "+0100": Sophos)
//	Apr 05 2024 19:34:38  CEF (with ".000" and/or " UTC"/" GMT"/" Z")
//
// Zone names other than UTC, GMT and Z are refused (their offsets are not
// knowable here). It does not allocate for a value it refuses.
func ParseTime(s string) (time.Time, bool) {
	n := len(s)
	switch {
	case n >= 10 && n <= 19 && IsDigits(s):
		return epoch(s)
	case n < 19 || n > 40:
		return time.Time{}, false
	case isLetter(s[0]):
		return cefTime(s)
	case !IsDigits(s[:4]):
		return time.Time{}, false
	case s[4] == '/' && n == 19:
		return parse("2006/01/02 15:04:05", s)
	case s[4] == '/' && n > 20 && n <= 29 && s[19] == '.' && IsDigits(s[20:]):
		// PAN-OS with millisecond timestamps ("2024/04/05 19:34:38.123").
		if _, ok := parse("2006/01/02 15:04:05", s[:19]); !ok {
			return time.Time{}, false
		}
		t, err := time.Parse("2006/01/02 15:04:05", s)
		return t, err == nil
	case s[4] == '-' && s[10] == ' ' && n == 19:
		return parse("2006-01-02 15:04:05", s)
	case s[4] == '-' && s[10] == ' ' && utcZone(s[19:]):
		return parse("2006-01-02 15:04:05", s[:19])
	case s[4] == '-' && s[10] == 'T':
		if t, ok := parse(time.RFC3339Nano, s); ok {
			return t, true
		}
		return offsetNoColon(s)
	}
	return time.Time{}, false
}

func epoch(s string) (time.Time, bool) {
	var n int64
	for i := 0; i < len(s); i++ {
		n = n*10 + int64(s[i]-'0')
	}
	switch len(s) {
	case 10:
		return time.Unix(n, 0).UTC(), true
	case 13:
		return time.UnixMilli(n).UTC(), true
	case 16:
		return time.UnixMicro(n).UTC(), true
	case 19:
		return time.Unix(0, n).UTC(), true
	}
	return time.Time{}, false
}

// cefTime reads "MMM dd yyyy HH:mm:ss[.SSS][ zone]".
func cefTime(s string) (time.Time, bool) {
	if len(s) < 20 || s[3] != ' ' || s[6] != ' ' || s[11] != ' ' || s[14] != ':' || s[17] != ':' {
		return time.Time{}, false
	}
	base, rest := s[:20], s[20:]
	layout := "Jan 02 2006 15:04:05"
	if len(rest) >= 4 && rest[0] == '.' && IsDigits(rest[1:4]) {
		base, rest = s[:24], rest[4:]
		layout = "Jan 02 2006 15:04:05.000"
	}
	if rest != "" && !utcZone(rest) {
		return time.Time{}, false
	}
	return parse(layout, base)
}

// utcZone reports whether zone is a name of UTC after a time (" UTC").
func utcZone(zone string) bool {
	return zone == " UTC" || zone == " GMT" || zone == " Z"
}

func parse(layout, s string) (time.Time, bool) {
	if !digitsWhereLayout(layout, s) {
		return time.Time{}, false
	}
	t, err := time.Parse(layout, s)
	return t, err == nil
}

// digitsWhereLayout checks that s has a digit wherever the layout's fixed
// numeric part has one, so that time.Parse (which allocates its error) is
// only called on values likely to parse.
func digitsWhereLayout(layout, s string) bool {
	if layout == time.RFC3339Nano {
		return len(s) >= 20 && IsDigits(s[:4]) && IsDigits(s[5:7]) && IsDigits(s[8:10]) &&
			IsDigits(s[11:13]) && s[13] == ':' && IsDigits(s[14:16]) && s[16] == ':' && IsDigits(s[17:19])
	}
	if len(s) != len(layout) {
		return false
	}
	for i := 0; i < len(layout); i++ {
		l, c := layout[i], s[i]
		if '0' <= l && l <= '9' && !('0' <= c && c <= '9') {
			return false
		}
	}
	return true
}

// offsetNoColon reads an RFC 3339 time whose offset has no colon
// ("2026-03-02T10:15:41+0100", ISO 8601's basic form, as Sophos writes).
func offsetNoColon(s string) (time.Time, bool) {
	n := len(s)
	if n < 24 || s[n-5] != '+' && s[n-5] != '-' || !IsDigits(s[n-4:]) ||
		!digitsWhereLayout(time.RFC3339Nano, s) {
		return time.Time{}, false
	}
	t, err := time.Parse("2006-01-02T15:04:05.999999999-0700", s)
	return t, err == nil
}

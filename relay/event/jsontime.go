package event

// The JSON encoder's times: RFC 3339 UTC with milliseconds (or the
// source's finer digits), written from a per-encoder cache of the current
// second and day, without time.Time's formatting.

import (
	"strconv"
	"time"
)

// AppendTime appends t as the JSON encoder writes times (see appendTime).
func AppendTime(dst []byte, t time.Time) []byte { return appendTime(dst, t.UnixNano()) }

// appendTime appends t (Unix nanoseconds) in RFC 3339 UTC with milliseconds,
// or more digits when the source had them: 2026-11-22T10:15:02.123Z.
func appendTime(dst []byte, unixNano int64) []byte {
	sec, nsec := splitNano(unixNano)
	return appendFrac(appendSecond(dst, sec), nsec)
}

func splitNano(unixNano int64) (sec, nsec int64) {
	sec = unixNano / 1e9
	nsec = unixNano % 1e9
	if nsec < 0 {
		sec--
		nsec += 1e9
	}
	return sec, nsec
}

// appendSecond appends Unix time sec as "2026-11-22T10:15:02.".
func appendSecond(dst []byte, sec int64) []byte {
	days := sec / 86400
	rem := sec % 86400
	if rem < 0 {
		rem += 86400
		days--
	}
	y, mo, d := civil(days)
	dst = append4(dst, y)
	dst = append(dst, '-')
	dst = append2(dst, mo)
	dst = append(dst, '-')
	dst = append2(dst, d)
	dst = append(dst, 'T')
	dst = append2(dst, int(rem/3600))
	dst = append(dst, ':')
	dst = append2(dst, int(rem/60%60))
	dst = append(dst, ':')
	dst = append2(dst, int(rem%60))
	return append(dst, '.')
}

// appendFrac appends the fraction nsec, in 3, 6 or 9 digits, and the 'Z'.
func appendFrac(dst []byte, nsec int64) []byte {
	ms := nsec / 1e6
	dst = append3(dst, ms)
	if rest := nsec - ms*1e6; rest != 0 {
		us := rest / 1e3
		dst = append3(dst, us)
		if ns := rest - us*1e3; ns != 0 {
			dst = append3(dst, ns)
		}
	}
	return append(dst, 'Z')
}

// append3 appends n (0..999) in 3 digits: from a table, as a division per
// digit cost ~15 instructions, twice a time field and twice a document.
func append3(dst []byte, n int64) []byte {
	t := digits3[n*3:][:3]
	return append(dst, t[0], t[1], t[2])
}

// digits3 holds "000" to "999", back to back.
var digits3 = func() string {
	b := make([]byte, 0, 3000)
	for n := range 1000 {
		b = append(b, byte('0'+n/100), byte('0'+n/10%10), byte('0'+n%10))
	}
	return string(b)
}()

// timeCache keeps the text of the last second one time field was in, and
// the start of that second's day: an encoder sees events in about time
// order, many in the same second and most in the same day (sources that
// log less than once a second change second on every event: then only the
// clock part of the text is redone, not the date).
type timeCache struct {
	sec  int64 // the second text holds
	day  int64 // the first second of its day
	text [len("2026-11-22T10:15:02.")]byte
	ok   bool
}

// appendTime is the package's appendTime, through the cache.
func (c *timeCache) appendTime(dst []byte, unixNano int64) []byte {
	sec, nsec := splitNano(unixNano)
	if !c.ok || sec != c.sec {
		if rem := sec - c.day; c.ok && rem >= 0 && rem < 86400 {
			t := &c.text
			h, m, s := rem/3600, rem/60%60, rem%60
			t[11], t[12] = byte('0'+h/10), byte('0'+h%10)
			t[14], t[15] = byte('0'+m/10), byte('0'+m%10)
			t[17], t[18] = byte('0'+s/10), byte('0'+s%10)
			c.sec = sec
			return appendFrac(append(dst, c.text[:]...), nsec)
		}
		var buf [32]byte
		b := appendSecond(buf[:0], sec)
		if len(b) != len(c.text) { // a year not of 4 digits
			return appendFrac(append(dst, b...), nsec)
		}
		rem := sec % 86400
		if rem < 0 {
			rem += 86400
		}
		c.sec, c.day, c.text, c.ok = sec, sec-rem, [len(c.text)]byte(b), true
	}
	return appendFrac(append(dst, c.text[:]...), nsec)
}

// TimeCache appends times as AppendTime does, through the cache an
// encoder keeps for @timestamp: for code that formats many times of about
// the same second, or day (the process tracker's lifetime records).
type TimeCache struct{ c timeCache }

// AppendTime appends t as AppendTime does.
func (c *TimeCache) AppendTime(dst []byte, t time.Time) []byte {
	return c.c.appendTime(dst, t.UnixNano())
}

// civil converts days since 1970-01-01 to a proleptic Gregorian date
// (Howard Hinnant's days_from_civil inverse).
func civil(z int64) (year, month, day int) {
	z += 719468
	era := z / 146097
	if z < 0 && z%146097 != 0 {
		era = (z - 146096) / 146097
	}
	doe := z - era*146097
	yoe := (doe - doe/1460 + doe/36524 - doe/146096) / 365
	y := yoe + era*400
	doy := doe - (365*yoe + yoe/4 - yoe/100)
	mp := (5*doy + 2) / 153
	d := doy - (153*mp+2)/5 + 1
	m := mp + 3
	if m > 12 {
		m -= 12
	}
	if m <= 2 {
		y++
	}
	return int(y), int(m), int(d)
}

func append2(dst []byte, n int) []byte { return append(dst, byte('0'+n/10), byte('0'+n%10)) }

func append4(dst []byte, n int) []byte {
	if n < 0 || n > 9999 {
		return strconv.AppendInt(dst, int64(n), 10)
	}
	return append(dst, byte('0'+n/1000), byte('0'+n/100%10), byte('0'+n/10%10), byte('0'+n%10))
}

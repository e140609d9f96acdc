package parse

import "time"

// stamp is a timestamp as read off the wire, before it becomes a time.Time.
type stamp struct {
	year, month, day     int
	hour, min, sec, nsec int
	hasYear              bool
	zone                 zoneKind
	off                  int    // seconds east of UTC, zone == zoneFixed
	abbr                 string // zone == zoneAbbr: the abbreviation as sent
}

type zoneKind uint8

const (
	zoneNone  zoneKind = iota // no zone: Options.Location
	zoneFixed                 // numeric offset or Z
	zoneAbbr                  // a known abbreviation (CET, EST, ...)
)

// resolve turns st into an instant. Without a year it picks the year that
// puts st closest to recv, at most 31 days in the future. ok is false for
// impossible dates (Feb 30, month 13).
func (st *stamp) resolve(loc *time.Location, recv time.Time) (time.Time, bool) {
	if st.month < 1 || st.month > 12 || st.day < 1 || st.day > 31 ||
		st.hour > 23 || st.min > 59 || st.sec > 60 {
		return time.Time{}, false
	}
	switch st.zone {
	case zoneFixed:
		loc = time.UTC
	case zoneAbbr:
		loc, st.off = abbrLocation(st, loc, recv)
	}
	if st.hasYear {
		t, ok := st.date(st.year, loc)
		return t, ok
	}
	if recv.IsZero() {
		recv = time.Now()
	}
	y := recv.In(loc).Year()
	const maxAhead = 31 * 24 * time.Hour
	var best time.Time
	var bestDist time.Duration
	for _, cand := range [...]int{y, y - 1, y + 1} {
		t, ok := st.date(cand, loc)
		if !ok {
			continue
		}
		d := t.Sub(recv)
		if d > maxAhead {
			continue
		}
		if d < 0 {
			d = -d
		}
		if best.IsZero() || d < bestDist {
			best, bestDist = t, d
		}
		if cand == y && d < maxAhead {
			break // the usual case: this year and close enough
		}
	}
	if best.IsZero() {
		// Feb 29 with no leap year around: take the latest past leap year.
		for cand := y - 2; cand > y-9; cand-- {
			if t, ok := st.date(cand, loc); ok {
				return t, true
			}
		}
		return time.Time{}, false
	}
	return best, true
}

// date builds the instant in year y; false if the day does not exist.
func (st *stamp) date(y int, loc *time.Location) (time.Time, bool) {
	sec := st.sec
	if sec == 60 {
		sec = 59 // a leap second: keep it inside its minute
	}
	if st.day > daysIn(time.Month(st.month), y) {
		return time.Time{}, false
	}
	if loc == time.UTC && y >= 1 && y <= 9999 {
		// Every RFC 5424 stamp with an offset, most in UTC: the Unix time
		// straight from the fields, without time.Date's normalisation of
		// any field and its zone look-up (a few hundred instructions per
		// message). The same Time: time.Date gives UTC as Unix().UTC()
		// does (fields are in range here: checked by resolve and above).
		u := daysFromCivil(y, st.month, st.day)*86400 + int64(st.hour*3600+st.min*60+sec)
		if st.zone != zoneNone {
			u -= int64(st.off)
		}
		return time.Unix(u, int64(st.nsec)).UTC(), true
	}
	t := time.Date(y, time.Month(st.month), st.day, st.hour, st.min, sec, st.nsec, loc)
	if st.zone != zoneNone {
		t = t.Add(-time.Duration(st.off) * time.Second)
	}
	return t, true
}

// daysFromCivil returns the days from 1970-01-01 to y-m-d of the proleptic
// Gregorian calendar, for y >= 1 (Howard Hinnant's days_from_civil).
func daysFromCivil(y, m, d int) int64 {
	if m <= 2 {
		y--
	}
	era := y / 400
	yoe := y - era*400
	mp := (m + 9) % 12 // March = 0
	doy := (153*mp+2)/5 + d - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return int64(era*146097 + doe - 719468)
}

// allUpper reports whether s holds no lower-case ASCII letter.
func allUpper(s string) bool {
	for i := 0; i < len(s); i++ {
		if 'a' <= s[i] && s[i] <= 'z' {
			return false
		}
	}
	return true
}

func daysIn(m time.Month, y int) int {
	switch m {
	case time.February:
		if y%4 == 0 && (y%100 != 0 || y%400 == 0) {
			return 29
		}
		return 28
	case time.April, time.June, time.September, time.November:
		return 30
	}
	return 31
}

// abbrLocation returns the location and offset for a zone abbreviation:
// Options.Location when it uses that abbreviation at that time of year
// (so "CST" is Chicago or Shanghai as the operator configured), else the
// abbreviation's standard offset from zoneOffset.
func abbrLocation(st *stamp, loc *time.Location, recv time.Time) (*time.Location, int) {
	y := st.year
	if !st.hasYear {
		y = recv.Year()
	}
	name, _ := time.Date(y, time.Month(st.month), st.day, st.hour, 0, 0, 0, loc).Zone()
	if equalFold(name, st.abbr) {
		st.zone = zoneNone
		return loc, 0
	}
	off, _ := zoneOffset(st.abbr)
	return time.UTC, off
}

// zoneOffset returns the UTC offset (seconds) of a time zone abbreviation
// seen in syslog headers. Ambiguous ones take their most common meaning on
// syslog senders (CST = US Central, IST = India, BST = British Summer);
// abbrLocation prefers Options.Location when it uses the abbreviation.
func zoneOffset(abbr string) (int, bool) {
	var up [5]byte
	if len(abbr) > len(up) {
		return 0, false
	}
	for i := 0; i < len(abbr); i++ {
		up[i] = abbr[i] &^ 0x20
	}
	const h = 3600
	switch string(up[:len(abbr)]) {
	case "UTC", "GMT", "WET":
		return 0, true
	case "BST", "CET", "MET", "WEST", "WAT":
		return 1 * h, true
	case "CEST", "MEST", "EET", "SAST", "CAT":
		return 2 * h, true
	case "EEST", "MSK", "EAT":
		return 3 * h, true
	case "IST":
		return 5*h + 30*60, true
	case "ICT", "WIB":
		return 7 * h, true
	case "HKT", "SGT", "AWST", "PHT":
		return 8 * h, true
	case "JST", "KST":
		return 9 * h, true
	case "ACST":
		return 9*h + 30*60, true
	case "AEST":
		return 10 * h, true
	case "ACDT":
		return 10*h + 30*60, true
	case "AEDT":
		return 11 * h, true
	case "NZST":
		return 12 * h, true
	case "NZDT":
		return 13 * h, true
	case "AST", "EDT":
		return -4 * h, true
	case "ADT", "BRT", "ART", "UYT": // Brasília, Argentina, Uruguay
		return -3 * h, true
	case "CLT": // Chile (standard)
		return -4 * h, true
	case "COT", "PET": // Colombia, Peru
		return -5 * h, true
	case "PKT": // Pakistan
		return 5 * h, true
	case "EST", "CDT":
		return -5 * h, true
	case "CST", "MDT":
		return -6 * h, true
	case "MST", "PDT":
		return -7 * h, true
	case "PST", "AKDT":
		return -8 * h, true
	case "AKST", "HDT":
		return -9 * h, true
	case "HST":
		return -10 * h, true
	}
	return 0, false
}

func equalFold(a, b string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := 0; i < len(a); i++ {
		if a[i]|0x20 != b[i]|0x20 {
			return false
		}
	}
	return true
}

// num reads exactly n digits at s[i:].
func num(s string, i, n int) (int, bool) {
	if i+n > len(s) {
		return 0, false
	}
	v := 0
	for k := i; k < i+n; k++ {
		if !isDigit(s[k]) {
			return 0, false
		}
		v = v*10 + int(s[k]-'0')
	}
	return v, true
}

// num12 reads one or two digits at s[i:] and returns the value and the end.
func num12(s string, i int) (int, int, bool) {
	if i >= len(s) || !isDigit(s[i]) {
		return 0, i, false
	}
	v := int(s[i] - '0')
	i++
	if i < len(s) && isDigit(s[i]) {
		v = v*10 + int(s[i]-'0')
		i++
	}
	return v, i, true
}

// clock reads "hh:mm:ss" (hour may be one digit) and an optional fraction
// ".f" or ",f" of 1-9 digits.
func clock(s string, i int, st *stamp) (int, bool) {
	var ok bool
	if st.hour, i, ok = num12(s, i); !ok || i >= len(s) || s[i] != ':' {
		return i, false
	}
	if st.min, ok = num(s, i+1, 2); !ok || i+3 >= len(s) || s[i+3] != ':' {
		return i, false
	}
	if st.sec, ok = num(s, i+4, 2); !ok {
		return i, false
	}
	return fraction(s, i+6, st), true
}

// fraction reads the optional fraction ".f" or ",f" of 1-9 digits after a
// clock's seconds at s[i:] and returns its end.
func fraction(s string, i int, st *stamp) int {
	if i >= len(s) || s[i] != '.' && s[i] != ',' {
		return i
	}
	if i+1 == len(s) || s[i+1] == ' ' {
		if s[i] == '.' {
			i++ // "02:00:00. host": a fraction point without digits
		}
		return i
	}
	if isDigit(s[i+1]) {
		i++
		// The first 9 digits are nanoseconds; later ones are dropped.
		frac, n := 0, 0
		for ; i < len(s) && isDigit(s[i]); i++ {
			if n < 9 {
				frac, n = frac*10+int(s[i]-'0'), n+1
			}
		}
		st.nsec += frac * pow10[9-n]
	}
	return i
}

// pow10[n] is 10 to the n.
var pow10 = [...]int{1, 10, 100, 1000, 10000, 100000, 1000000, 10000000, 100000000, 1000000000}

// rfc3339 reads "YYYY-MM-DD(T|t| )hh:mm:ss[.frac][Z|±hh:mm|±hhmm]" at s[i:]
// and returns its end. A missing offset means Options.Location.
func rfc3339(s string, i int, st *stamp) (int, bool) {
	j, ok := rfc3339Whole(s, i, st)
	if !ok {
		if j, ok = rfc3339Lenient(s, i, st); !ok {
			return j, false
		}
	}
	i = j
	if i < len(s) && (s[i] == 'Z' || s[i] == 'z') {
		st.zone = zoneFixed
		return i + 1, true
	}
	if j, ok := numOffset(s, i, st); ok {
		return j, true
	}
	return i, true
}

// rfc3339Whole reads "YYYY-MM-DDThh:mm:ss" and its fraction at s[i:], as
// nearly every sender writes the date and clock (RFC 5424 requires it):
// digits at fixed places, where num's loops and clock's calls cost ~100
// more instructions. Any other form is rfc3339Lenient's (which reads
// these the same way).
func rfc3339Whole(s string, i int, st *stamp) (int, bool) {
	if i+19 > len(s) {
		return i, false
	}
	w := s[i : i+19] // constant indexes from here: no bounds checks
	if w[4] != '-' || w[7] != '-' || w[13] != ':' || w[16] != ':' || w[10] != 'T' && w[10] != 't' && w[10] != ' ' {
		return i, false
	}
	y1, ok1 := digits2(w[0], w[1])
	y2, ok2 := digits2(w[2], w[3])
	mo, ok3 := digits2(w[5], w[6])
	d, ok4 := digits2(w[8], w[9])
	h, ok5 := digits2(w[11], w[12])
	mi, ok6 := digits2(w[14], w[15])
	sec, ok7 := digits2(w[17], w[18])
	if !(ok1 && ok2 && ok3 && ok4 && ok5 && ok6 && ok7) {
		return i, false
	}
	st.year, st.month, st.day, st.hasYear = y1*100+y2, mo, d, true
	st.hour, st.min, st.sec = h, mi, sec
	return fraction(s, i+19, st), true
}

// digits2 is the number digits a and b write; false if either is not one.
func digits2(a, b byte) (int, bool) {
	a, b = a-'0', b-'0'
	return int(a)*10 + int(b), a <= 9 && b <= 9
}

// rfc3339Lenient reads the date and clock at s[i:] not written whole (a
// one-digit hour) and returns their end (after the fraction).
func rfc3339Lenient(s string, i int, st *stamp) (int, bool) {
	var ok bool
	if st.year, ok = num(s, i, 4); !ok || i+10 >= len(s) || s[i+4] != '-' || s[i+7] != '-' {
		return i, false
	}
	if st.month, ok = num(s, i+5, 2); !ok {
		return i, false
	}
	if st.day, ok = num(s, i+8, 2); !ok {
		return i, false
	}
	if c := s[i+10]; c != 'T' && c != 't' && c != ' ' {
		return i, false
	}
	st.hasYear = true
	return clock(s, i+11, st)
}

// numOffset reads "±hh:mm", "±hhmm" or "±hh" at s[i:].
func numOffset(s string, i int, st *stamp) (int, bool) {
	if i+2 >= len(s) || (s[i] != '+' && s[i] != '-') {
		return i, false
	}
	h, j, ok := num12(s, i+1)
	if !ok || h > 23 {
		return i, false
	}
	m := 0
	if j+2 < len(s) && s[j] == ':' && isDigit(s[j+1]) {
		if m, ok = num(s, j+1, 2); !ok {
			return i, false
		}
		j += 3
	} else if j-i == 3 && j+1 < len(s) && isDigit(s[j]) {
		if m, ok = num(s, j, 2); !ok {
			return i, false
		}
		j += 2
	}
	if m > 59 {
		return i, false
	}
	st.off = h*3600 + m*60
	if s[i] == '-' {
		st.off = -st.off
	}
	st.zone = zoneFixed
	return j, true
}

var months = [12]string{"jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"}

// month reads a three-letter English month name, any case.
func month(s string, i int) (int, bool) {
	if i+3 > len(s) {
		return 0, false
	}
	// One switch on the three lower-cased letters instead of a loop over
	// the names: every RFC 3164 header comes through here.
	switch string([]byte{s[i] | 0x20, s[i+1] | 0x20, s[i+2] | 0x20}) {
	case "jan":
		return 1, true
	case "feb":
		return 2, true
	case "mar":
		return 3, true
	case "apr":
		return 4, true
	case "may":
		return 5, true
	case "jun":
		return 6, true
	case "jul":
		return 7, true
	case "aug":
		return 8, true
	case "sep":
		return 9, true
	case "oct":
		return 10, true
	case "nov":
		return 11, true
	case "dec":
		return 12, true
	}
	return 0, false
}

// bsdStamp reads the RFC 3164 timestamp and its real-world variants at
// s[i:]: "Mmm dd hh:mm:ss", with a one- or two-digit or space-padded day, an
// optional fraction, a year before the time ("Oct 10 2018 12:34:56", Cisco
// ASA) or after it ("AUG 10 22:18:24 2009"). It returns the end of the time
// (or of the year after it).
func bsdStamp(s string, i int, st *stamp) (int, bool) {
	var ok bool
	if st.month, ok = month(s, i); !ok || i+3 >= len(s) || s[i+3] != ' ' {
		return i, false
	}
	j := i + 4
	if j < len(s) && s[j] == ' ' {
		j++ // "Mar  6"
	}
	if st.day, j, ok = num12(s, j); !ok || j >= len(s) || s[j] != ' ' {
		return i, false
	}
	j++
	if y, ok := num(s, j, 4); ok && j+4 < len(s) && s[j+4] == ' ' {
		st.year, st.hasYear = y, true
		j += 5
	}
	if j, ok = clock(s, j, st); !ok {
		return i, false
	}
	return j, true
}

// yearFirstStamp reads "YYYY Mmm dd hh:mm:ss[.frac]" (Cisco NX-OS, RFC 3164
// example 4) at s[i:].
func yearFirstStamp(s string, i int, st *stamp) (int, bool) {
	y, ok := num(s, i, 4)
	if !ok || i+4 >= len(s) || s[i+4] != ' ' {
		return i, false
	}
	j, ok := bsdStamp(s, i+5, st)
	if !ok || st.hasYear {
		return i, false
	}
	st.year, st.hasYear = y, true
	return j, true
}

// slashStamp reads "MM/DD/YYYY:hh:mm:ss" (Citrix NetScaler) at s[i:].
func slashStamp(s string, i int, st *stamp) (int, bool) {
	var ok bool
	if i+11 >= len(s) || s[i+2] != '/' || s[i+5] != '/' || s[i+10] != ':' {
		return i, false
	}
	if st.month, ok = num(s, i, 2); !ok {
		return i, false
	}
	if st.day, ok = num(s, i+3, 2); !ok {
		return i, false
	}
	if st.year, ok = num(s, i+6, 4); !ok {
		return i, false
	}
	st.hasYear = true
	return clock(s, i+11, st)
}

// anyStamp reads any timestamp form nomen knows at s[i:] and returns its
// end (after the time; zones and a trailing year are stampSuffix's).
func anyStamp(s string, i int, st *stamp) (int, bool) {
	if i >= len(s) {
		return i, false
	}
	if isLetter(s[i]) {
		return bsdStamp(s, i, st)
	}
	if i+4 < len(s) && isDigit(s[i]) {
		switch {
		case s[i+4] == '-':
			return rfc3339(s, i, st)
		case s[i+4] == ' ':
			return yearFirstStamp(s, i, st)
		case s[i+2] == '/':
			return slashStamp(s, i, st)
		}
	}
	return i, false
}

// stampSuffix reads what may follow the time of a non-RFC 3339 timestamp:
// a ":" (Cisco), a zone ("CET:", "gmt:", "UTC", "+02:00", "TZ-6") and a
// year ("CST 1987"). It returns the index after them (not after the
// following space).
func stampSuffix(s string, i int, st *stamp) int {
	if i < len(s) && s[i] == ':' && stampEnds(s, i) {
		i++
	}
	if i+1 < len(s) && s[i] == ' ' {
		if j, ok := zoneToken(s, i+1, st); ok {
			i = j
			if i < len(s) && s[i] == ':' {
				i++
			}
		}
	}
	if !st.hasYear && i < len(s) && s[i] == ' ' && yearAt(s, i+1) {
		st.year, _ = num(s, i+1, 4)
		st.hasYear = true
		i += 5
		if i < len(s) && s[i] == ':' {
			i++
		}
	}
	return i
}

// yearAt reports whether s[i:] is a plausible year (1970-2099) ending the
// timestamp: followed by a space, ": " or the end ("2001:db8::7" is a host).
func yearAt(s string, i int) bool {
	y, ok := num(s, i, 4)
	return ok && y >= 1970 && y < 2100 && stampEnds(s, i+4)
}

// stampEnds reports whether a timestamp part may end at s[i]: the end, a
// space, or a ":" followed by a space or the end.
func stampEnds(s string, i int) bool {
	return i == len(s) || s[i] == ' ' || s[i] == ':' && (i+1 == len(s) || s[i+1] == ' ')
}

// zoneToken reads a zone token ending at a space, ":" or the end: a known
// abbreviation, a numeric offset, or one of those after "UTC", "GMT" or
// "TZ" ("UTC+2", "TZ-6").
func zoneToken(s string, i int, st *stamp) (int, bool) {
	j := i
	for j < len(s) && isLetter(s[j]) && j-i <= 5 {
		j++
	}
	if j > i && stampEnds(s, j) {
		// An abbreviation could also be a short host name ("cat"): take it
		// as a zone only when it is UTC/GMT or a ":" or a year follows, as
		// in every real header seen ("CET:", "gmt:", "GMT HOST", "CST 1987").
		abbr := s[i:j]
		if _, ok := zoneOffset(abbr); !ok {
			return i, false
		}
		if !(equalFold(abbr, "UTC") || equalFold(abbr, "GMT") || j == len(s) || s[j] == ':' || j+1 < len(s) && yearAt(s, j+1)) {
			return i, false
		}
		// Before a ":" a lower-case word is a program's tag ("art: ...",
		// "pet: ..." on a header without a host), not a zone: every such
		// zone seen is in capitals ("CET:", "BRT:"), but UTC and GMT.
		if (j == len(s) || s[j] == ':') && !equalFold(abbr, "UTC") && !equalFold(abbr, "GMT") && !allUpper(abbr) {
			return i, false
		}
		st.zone, st.abbr = zoneAbbr, abbr
		return j, true
	}
	if j < len(s) && (s[j] == '+' || s[j] == '-') {
		switch p := s[i:j]; {
		case p == "", equalFold(p, "UTC"), equalFold(p, "GMT"), equalFold(p, "TZ"), equalFold(p, "UT"):
		default:
			return i, false
		}
		var tmp stamp
		if k, ok := numOffset(s, j, &tmp); ok && stampEnds(s, k) {
			st.zone, st.off = zoneFixed, tmp.off
			return k, true
		}
	}
	return i, false
}

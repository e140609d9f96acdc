package parse

import (
	"math/rand/v2"
	"testing"
	"time"
)

// TestDateUTC checks date's arithmetic road for UTC against time.Date, the
// road every other location takes: the same instant and the same Time
// value (== compares the location too), leap days, leap seconds and
// offsets included, and impossible days refused.
func TestDateUTC(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for range 200000 {
		st := stamp{
			month: 1 + r.IntN(12), day: 1 + r.IntN(31),
			hour: r.IntN(24), min: r.IntN(60), sec: r.IntN(61), nsec: r.IntN(1e9),
			zone: zoneKind(r.IntN(2)), off: r.IntN(2*86400) - 86400,
		}
		y := []int{1, 4, 100, 400, 1600, 1900, 1969, 1970, 2000, 2024, 2100, 9999}[r.IntN(12)] + r.IntN(3) - 1
		if y < 1 || y > 9999 {
			continue
		}
		got, ok := st.date(y, time.UTC)
		sec := min(st.sec, 59)
		want := time.Date(y, time.Month(st.month), st.day, st.hour, st.min, sec, st.nsec, time.UTC)
		if st.zone != zoneNone {
			want = want.Add(-time.Duration(st.off) * time.Second)
		}
		wantOK := want.Add(time.Duration(st.off)*time.Second*time.Duration(st.zone)).Day() == st.day
		if ok != wantOK || ok && got != want {
			t.Fatalf("%+v in %d: got %v %v, want %v %v", st, y, got, ok, want, wantOK)
		}
	}
}

func TestClockFraction(t *testing.T) {
	for in, want := range map[string]int{
		"12:00:01Z": 0, "12:00:01.5Z": 500000000, "12:00:01.007919Z": 7919000,
		"12:00:01.123456789Z": 123456789, "12:00:01.1234567891Z": 123456789, "12:00:01,25Z": 250000000,
	} {
		var st stamp
		if _, ok := clock(in, 0, &st); !ok || st.nsec != want {
			t.Errorf("clock(%q): nsec %d, %v; want %d", in, st.nsec, ok, want)
		}
	}
}

// TestRFC3339Whole: wherever the whole-stamp road takes a stamp, the
// lenient road takes it too, with the same end and the same fields; and
// it takes the forms senders write. The inputs are a stamp with each of
// its bytes in turn, and random ones, replaced by a digit, a separator or
// a letter, then cut short or followed by a fraction and a zone.
func TestRFC3339Whole(t *testing.T) {
	const base = "2024-05-01T12:00:01"
	for _, in := range []string{base, base + ".007919Z", "2026-12-07 09:58:21+01:00", "1999-12-31t23:59:60,5 host"} {
		if _, ok := rfc3339Whole(in, 0, &stamp{}); !ok {
			t.Errorf("rfc3339Whole(%q) refused it", in)
		}
	}
	r := rand.New(rand.NewPCG(3, 4))
	bytes := "0123456789-:Tt .,Zx+"
	tails := []string{"", "Z", ".", ". x", ".5", ",25Z", ".1234567890123+02:00", " host", "x"}
	for range 200000 {
		b := []byte(base)
		for n := r.IntN(3); n >= 0; n-- {
			b[r.IntN(len(b))] = bytes[r.IntN(len(bytes))]
		}
		in := string(b) + tails[r.IntN(len(tails))]
		in = in[:len(in)-r.IntN(3)]
		pre := " " + in // not at 0: the offsets are from i
		var whole, lenient stamp
		end, ok := rfc3339Whole(pre, 1, &whole)
		if !ok {
			continue
		}
		lend, lok := rfc3339Lenient(pre, 1, &lenient)
		if !lok || lend != end || lenient != whole {
			t.Fatalf("%q: whole %d %+v, lenient %d %v %+v", in, end, whole, lend, lok, lenient)
		}
	}
}

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

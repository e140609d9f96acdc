package windows

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

// TestNXLogTimeUsual: NXLog's usual time is read as time.Parse reads it,
// and what time.Parse rejects is not read.
func TestNXLogTimeUsual(t *testing.T) {
	for _, v := range []string{"2026-07-01 10:15:02", "2024-02-29 23:59:59", "2025-02-29 10:00:00",
		"2026-13-01 10:00:00", "2026-00-10 10:00:00", "2026-04-31 10:00:00", "2026-07-01 24:00:00",
		"2026-07-01 10:60:00", "2026-07-01 10:15:60", "0000-01-01 00:00:00", "2026-07-01T10:15:02",
		"2026-07-01 10:15:02.5", "2026-7-01 10:15:02", "+026-07-01 10:15:02", "2026-07-00 10:15:02"} {
		want, err := time.Parse(time.DateTime, v)
		got, ok := nxlogTimeUsual(v)
		if ok && (err != nil || !got.Equal(want) || got.Location() != want.Location()) {
			t.Errorf("%q: %v, time.Parse %v %v", v, got, want, err)
		}
		if !ok && err == nil && len(v) == 19 {
			t.Errorf("%q: not read, time.Parse reads %v", v, want)
		}
		if got, _ := nxlogTime(v); err == nil && !got.Equal(want) {
			t.Errorf("nxlogTime(%q) = %v, want %v", v, got, want)
		}
	}
}

// TestWinTime: the RFC 3339 times read without time.Parse are read as it
// reads them, and what it rejects is not read.
func TestWinTime(t *testing.T) {
	for _, v := range []string{"2026-07-01T10:15:02Z", "2026-07-01T10:15:02.1234567Z", "2026-07-01T10:15:02.5Z",
		"2026-07-01T10:15:02.123456789Z", "2026-07-01T10:15:02.1234567891Z", "2026-07-01T10:15:02.Z",
		"2024-02-29T23:59:59.000Z", "2025-02-29T10:00:00Z", "2026-04-31T10:00:00Z", "2026-13-01T10:00:00Z",
		"2026-07-01T24:00:00Z", "2026-07-01T10:15:60Z", "2026-07-01T10:15:02+02:00", "2026-07-01T10:15:02.5+00:00", "0000-01-01T0:00:00+00:01",
		"2026-07-01 10:15:02Z", "2026-07-01T10:15:02,5Z", "2026-07-01T10:15:02.5x5Z", "2026-07-01T10:15:02z",
		"0000-01-01T00:00:00Z", "2026-07-01T10:15:02.-5Z", ""} {
		want, err := time.Parse(time.RFC3339Nano, v)
		if got, ok := rfc3339UTC(v); ok && (err != nil || got != want) {
			t.Errorf("rfc3339UTC(%q) = %v, time.Parse %v %v", v, got, want, err)
		}
		if got, ok := winTime(v); ok != (err == nil) || !got.Equal(want) {
			t.Errorf("winTime(%q) = %v %v, time.Parse %v %v", v, got, ok, want, err)
		}
	}
	if _, ok := rfc3339UTC("2026-07-01T10:15:02.1234567Z"); !ok {
		t.Error("the usual form is left to time.Parse")
	}
}

// TestDateTimeUTC: every day of years around the calendar's edges (year
// 0, the leap rules' centuries, the epoch, 9999), and days past the
// months' ends, read as time.Parse reads them, location included.
func TestDateTimeUTC(t *testing.T) {
	for _, y := range []int{0, 1, 3, 4, 100, 399, 400, 1600, 1700, 1899, 1900, 1969, 1970, 1971, 2000, 2024, 2026, 2100, 9999} {
		for mo := 1; mo <= 12; mo++ {
			for d := 0; d <= 32; d++ {
				for _, hms := range []string{"00:00:00", "10:15:02", "23:59:59", "24:00:00", "12:60:00", "12:00:60"} {
					v := fmt.Sprintf("%04d-%02d-%02dT%s", y, mo, d, hms)
					want, err := time.Parse("2006-01-02T15:04:05", v)
					got, ok := dateTimeUTC(v, 0)
					if ok != (err == nil) || got != want {
						t.Fatalf("dateTimeUTC(%q) = %v %v, time.Parse %v %v", v, got, ok, want, err)
					}
				}
			}
		}
	}
	for _, v := range []string{"2026-07-0110:15:02", "2026-0a-01T10:15:02", "20x6-07-01T10:15:02", "2026-07-01T1:15:02 ", "/026-07-01T10:15:02"} {
		if got, ok := dateTimeUTC(v, 0); ok {
			t.Errorf("dateTimeUTC(%q) = %v, want false", v, got)
		}
	}
	if got, ok := dateTimeUTC("2026-07-01T10:15:02", 123456789); !ok || got != time.Date(2026, 7, 1, 10, 15, 2, 123456789, time.UTC) {
		t.Errorf("nanoseconds: %v %v", got, ok)
	}
}

// TestNXLogOwnField: each of NXLog's own names is found as its number, and
// names that are not NXLog's (EventData names, a name's prefix or case
// variant) are not, whatever slot they hash to.
func TestNXLogOwnField(t *testing.T) {
	for f, name := range nxlogOwnNames {
		if name == "" {
			continue
		}
		if got := nxlogOwnField(name); got != nxlogField(f) {
			t.Errorf("nxlogOwnField(%q) = %d, want %d", name, got, f)
		}
		for _, other := range []string{name[:len(name)-1], strings.ToLower(name), name + "s"} {
			if got := nxlogOwnField(other); got != nxNone {
				t.Errorf("nxlogOwnField(%q) = %d, want 0", other, got)
			}
		}
	}
	for _, name := range []string{"", "x", "EventID", "SourceModuleType", "TargetUserName", "ServiceName", "ImagePath"} {
		if got := nxlogOwnField(name); got != nxNone {
			t.Errorf("nxlogOwnField(%q) = %d, want 0", name, got)
		}
	}
}

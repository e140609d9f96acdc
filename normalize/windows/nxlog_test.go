package windows

import (
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

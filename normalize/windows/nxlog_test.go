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

package ciscocatalog

import "testing"

// 772003/772004 print the name the client typed first and the ASA's own
// ", IP ADDR, cause: TEXT" after it: a name holding that tail's words is
// read to the last ", IP " the rest matches (Msg.LastSplit), so the
// address is the ASA's.
func TestASALastSplitTypedUser(t *testing.T) {
	runCases(t, false, []lineCase{
		{"772003", "PASSWORD: session login failed, user root, IP 6.6.6.6, cause: x, IP 198.51.100.21, cause: password expired", "logon-failed", map[string]string{
			"user.name": "root, IP 6.6.6.6, cause: x", "source.ip": "198.51.100.21", "event.reason": "password expired"}},
		{"772004", "PASSWORD: session login failed, user root, IP 6.6.6.6, cause: x, IP 198.51.100.22, cause: password expired", "logon-failed", map[string]string{
			"user.name": "root, IP 6.6.6.6, cause: x", "source.ip": "198.51.100.22", "event.reason": "password expired"}},
		{"772003", "PASSWORD: session login failed, user jroe, IP 198.51.100.23, cause: password expired", "logon-failed", map[string]string{
			"user.name": "jroe", "source.ip": "198.51.100.23", "event.reason": "password expired"}},
	})
}

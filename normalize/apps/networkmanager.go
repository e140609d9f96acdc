package apps

import (
	"strings"

	"github.com/nomenhq/nomen/normalize/ecs"
)

// nmLevels are NetworkManager's log levels (nm-logging.c), as its head
// writes them.
var nmLevels = [...]string{"trace", "debug", "info", "warn", "error"}

// cutNetworkManager cuts the "<info>  [1719830401.1234] " head that
// NetworkManager puts before every sentence (the level padded to one
// width, then the time in seconds since the epoch; 1.0 and older have no
// time). A line without it is tried whole (a journal that kept only the
// sentence); one whose "<...>" is no level is not NetworkManager's.
func cutNetworkManager(m string) (string, head, bool) {
	var h head
	if len(m) < 3 || m[0] != '<' {
		return m, h, true
	}
	level, r, ok := strings.Cut(m[1:], ">")
	if !ok || !isNMLevel(level) {
		return m, h, false
	}
	r = strings.TrimLeft(r, " ")
	if len(r) > 0 && r[0] == '[' {
		stamp, rest, ok := strings.Cut(r[1:], "] ")
		secs, frac, _ := strings.Cut(stamp, ".")
		if !ok || !ecs.IsDigits(secs) || frac != "" && !ecs.IsDigits(frac) {
			return m, h, false
		}
		r = rest
	}
	h.level = level
	return r, h, true
}

func isNMLevel(s string) bool {
	for _, l := range nmLevels {
		if s == l {
			return true
		}
	}
	return false
}

package apps

import (
	"strings"

	"github.com/nomenhq/nomen/relay/event"
)

// unitTypes are the suffixes of systemd's unit names (unit-name.c).
var unitTypes = [...]string{".service", ".socket", ".target", ".device", ".mount", ".automount",
	".swap", ".timer", ".path", ".slice", ".scope"}

// isUnitName reports whether s is a systemd unit name: the characters
// unit names may hold (letters, digits, ":-_.\@"), then a unit type.
// A description has a space or ends otherwise.
func isUnitName(s string) bool {
	if len(s) > 255 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' ||
			c == ':' || c == '-' || c == '_' || c == '.' || c == '\\' || c == '@') {
			return false
		}
	}
	for _, t := range unitTypes {
		if len(s) > len(t) && strings.HasSuffix(s, t) {
			return true
		}
	}
	return false
}

// cutSystemd cuts the "<unit>: " head of a unit's own sentences
// (log_unit_*'s LOG_UNIT_MESSAGE); a job sentence has none.
func cutSystemd(m string) (string, head, bool) {
	var h head
	if i := strings.Index(m, ": "); i > 0 && isUnitName(m[:i]) {
		h.service = m[:i]
		return m[i+2:], h, true
	}
	return m, h, true
}

// postSystemd takes the unit's name out of what a job sentence names:
// "ssh.service - OpenBSD Secure Shell server" (StatusUnitFormat=combined)
// is a name and a description, "ssh.service" a name (a unit without a
// Description=, or StatusUnitFormat=name), anything else a description.
func postSystemd(e *event.Event) {
	d := e.Str("systemd.description")
	if d == "" {
		return
	}
	if name, desc, ok := strings.Cut(d, " - "); ok && isUnitName(name) {
		e.SetStr("service.name", name)
		e.SetStr("systemd.description", desc)
		return
	}
	if isUnitName(d) {
		e.SetStr("service.name", d)
		e.Delete("systemd.description")
	}
}

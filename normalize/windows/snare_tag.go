package windows

import (
	"strings"

	"github.com/nomenhq/nomen/relay/event"
)

// A Snare record through a relay's RFC 5424 output: the relay read
// "MSWinEventLog<TAB>1<TAB>Security<TAB>801<TAB>Tue" (up to the first
// space) as the tag and sends it as APP-NAME, the rest of the record as
// MSG. rsyslog does so with its TABs escaped as "#011" (its default),
// syslog-ng with the TABs as they are, and both with a record of another
// delimiter ("MSWinEventLog|1|Security|801|Tue"). Nothing is lost: the
// record is the APP-NAME, one space (the one the tag ended at) and the MSG.

// snareTagRest returns what follows "MSWinEventLog" in an APP-NAME that
// holds a Snare header ("" and false for any other APP-NAME).
func snareTagRest(app string) (string, bool) {
	const name = "MSWinEventLog"
	if len(app) <= len(name) || !strings.EqualFold(app[:len(name)], name) {
		return "", false
	}
	rest := app[len(name):]
	if rest[0] != '\t' && !strings.HasPrefix(rest, "#011") && !snareDelimiters[rest[0]] {
		return "", false
	}
	return rest, true
}

// snareTagged reports whether e's APP-NAME holds a Snare header.
func snareTagged(e *event.Event) bool {
	_, ok := snareTagRest(e.AppName)
	return ok
}

// parseSnareTag reads a Snare record split into APP-NAME and MSG (m, the
// message without its leading blanks). The APP-NAME was no program: it is
// cleared, as on the direct road, where the record has no tag.
func (w *winEvent) parseSnareTag(e *event.Event, m string) bool {
	rest, ok := snareTagRest(e.AppName)
	if !ok || !w.parseSnareFields(rest+" "+m) {
		return false
	}
	e.AppName = ""
	return true
}

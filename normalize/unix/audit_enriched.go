package unix

import (
	"strings"

	"github.com/nomenhq/nomen/normalize/ecs"
	"github.com/nomenhq/nomen/relay/event"
)

// auditd's log_format=ENRICHED appends the interpreted names of a
// record's ids after a 0x1d separator (UID="alice" AUID="bob"
// SYSCALL=openat): upper-case keys, read apart from the record's own.

// scanEnriched reads the interpreted names of log_format=ENRICHED.
func (a *auditRecord) scanEnriched(e *event.Event, s string) {
	for item := range strings.FieldsSeq(s) {
		k, v, ok := strings.Cut(item, "=")
		if ok && isEnrichedKey(k) {
			a.enrichedItem(e, k, trimQuotes(v))
		}
	}
}

// isEnrichedKey reports whether k is an interpreted ENRICHED key: upper
// case (UID, AUID, SYSCALL), where the record's own keys are lower case.
func isEnrichedKey(k string) bool {
	for i := 0; i < len(k); i++ {
		if c := k[i]; !('A' <= c && c <= 'Z' || c == '_') {
			return false
		}
	}
	return len(k) > 1
}

// enrichedItem takes one interpreted name.
func (a *auditRecord) enrichedItem(e *event.Event, k, v string) {
	if v == "unset" || v == "?" || v == "" {
		return
	}
	switch k {
	case "UID":
		a.uidName = v // whose name it is depends on the type: finish
	case "ID":
		a.idName = v
	case "EUID":
		ecs.SetUser(e, "user.effective.name", v)
	case "AUID":
		e.SetStr("auditd.auid_name", v)
		e.AddToList("related.user", v)
	case "GID":
		e.SetStr("group.name", v)
	case "SYSCALL":
		a.syscall = v
	case "ARCH":
		a.arch = v
		e.SetStr("auditd.arch", v)
	}
}

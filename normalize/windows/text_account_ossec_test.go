package windows

import (
	"fmt"
	"strings"
	"testing"
)

// TestAccountTextOtherRoads: each account event by OSSEC's WinEvtLog
// record in an OSSEC alert, and by a Snare record of each delimiter other
// than TAB (direct, and relayed with the record's start as APP-NAME),
// gives the ECS fields of its XML, as the TAB roads of
// TestAccountTextRoads do.
func TestAccountTextOtherRoads(t *testing.T) {
	kinds := map[bool]string{false: "AUDIT_SUCCESS", true: "AUDIT_FAILURE"}
	for _, c := range acctCases() {
		want := decodeRoad(t, acctXML(c, acctValues), false)
		msg := acctMessage(c, acctValues)
		flat := strings.NewReplacer("\r", " ", "\n", " ", "\t", " ").Replace(msg)
		alert := fmt.Sprintf("<132>Jun 30 08:00:01 mgr ossec: Alert Level: 3; Rule: 60106 - Account event.; "+
			"Location: (DC1) 192.0.2.10->EventChannel; 2026 Jun 30 08:00:00 WinEvtLog: Security: %s(%d): "+
			"Microsoft-Windows-Security-Auditing: (no user): no domain: DC1.corp.example.org: %s", kinds[c.failure], c.id, flat)
		acctSame(t, fmt.Sprintf("%d ossec alert", c.id), want, decodeRoad(t, alert, false))
		for _, sep := range []string{"|", ";", "^", "~"} {
			line := acctSnare(c, msg, sep, false)
			acctSame(t, fmt.Sprintf("%d snare %s", c.id, sep), want, decodeRoad(t, line, false))
			rec := line[strings.Index(line, "MSWinEventLog"):]
			app, rest, _ := strings.Cut(rec, " ")
			relayed := "<14>1 2026-06-30T08:00:00+00:00 DC1 " + app + " - - - " + rest
			acctSame(t, fmt.Sprintf("%d snare %s relayed", c.id, sep), want, decodeRoad(t, relayed, false))
		}
	}
}

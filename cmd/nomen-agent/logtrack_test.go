package main

import (
	"testing"

	"github.com/nomenhq/nomen/relay/wire"
)

func TestRecordTracker(t *testing.T) {
	plain := "<Event><System><Provider Name='Microsoft-Windows-Security-Auditing'/><EventID>4624</EventID></System></Event>"
	cleared := "<Event><System><Provider Name='Microsoft-Windows-Eventlog' Guid='{fc65ddd8-d6ef-4962-83d5-6e5cfe9ce148}'/><EventID>1102</EventID></System></Event>"
	sysCleared := "<Event><System><Provider Name=\"Microsoft-Windows-Eventlog\"/><EventID>104</EventID></System></Event>"

	tr := recordTracker{}
	if g, r := tr.observe(500, plain); g != nil || r {
		t.Fatal("the first record read from the oldest is neither a gap nor a restart")
	}
	if g, r := tr.observe(501, plain); g != nil || r {
		t.Fatal("next id")
	}
	g, r := tr.observe(510, plain)
	if r || g == nil || g.Reason != wire.GapOverwritten || g.First != 502 || g.Last != 509 || g.ClearRecord != 0 {
		t.Fatalf("overwritten: %+v", g)
	}
	g, _ = tr.observe(600, cleared)
	if g == nil || g.Reason != wire.GapCleared || g.First != 511 || g.Last != 599 || g.ClearRecord != 600 {
		t.Fatalf("cleared: %+v", g)
	}
	if g, r := tr.observe(601, cleared); g != nil || r {
		t.Fatal("a clear event right after the last record loses nothing")
	}
	if g, r := tr.observe(1, plain); g != nil || !r {
		t.Fatal("numbering restarted: a new epoch, not a gap")
	}
	if !isClearEvent(sysCleared) || isClearEvent(plain) || isClearEvent("<EventID>1102</EventID>") {
		t.Fatal("isClearEvent")
	}
	if p := providerName(cleared); p != "Microsoft-Windows-Eventlog" {
		t.Fatalf("providerName %q", p)
	}

	// A relay resume point: the tracker starts at it, so a hole right
	// after it is seen.
	tr = recordTracker{last: 42}
	if g, _ := tr.observe(50, plain); g == nil || g.First != 43 || g.Last != 49 {
		t.Fatalf("after resume: %+v", g)
	}
}

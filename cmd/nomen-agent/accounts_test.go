package main

import (
	"fmt"
	"slices"
	"testing"
)

func TestAccountCache(t *testing.T) {
	var asked []string
	c := newAccountCacheWith(func(sid string) (sidAccount, bool) {
		asked = append(asked, sid)
		if sid == "S-1-5-21-1-2-3-1105" {
			return sidAccount{"alice", "CORP", "User"}, true
		}
		return sidAccount{}, false
	}, 3)
	in := `<Event><System><Security UserID='S-1-5-21-1-2-3-1105'/></System><EventData>` +
		`<Data Name='MemberSid'>S-1-5-21-1-2-3-1105</Data><Data Name='MemberName'>-</Data>` +
		`<Data Name='TargetSid'>S-1-5-21-1-2-3-9999</Data><Data Name='SubjectUserSid'>S-1-5-18</Data></EventData></Event>`
	want := `<Event><System><Security UserID='S-1-5-21-1-2-3-1105' AccountName='alice' AccountDomain='CORP' AccountType='User'/></System><EventData>` +
		`<Data Name='MemberSid' AccountName='alice' AccountDomain='CORP'>S-1-5-21-1-2-3-1105</Data><Data Name='MemberName'>-</Data>` +
		`<Data Name='TargetSid'>S-1-5-21-1-2-3-9999</Data><Data Name='SubjectUserSid'>S-1-5-18</Data></EventData></Event>`
	if got := c.annotate(in); got != want {
		t.Errorf("annotate:\n got %s\nwant %s", got, want)
	}
	c.annotate(in)
	// Each SID asked once (the unresolvable one too); well-known SIDs not at all.
	if w := []string{"S-1-5-21-1-2-3-1105", "S-1-5-21-1-2-3-9999"}; !slices.Equal(asked, w) {
		t.Errorf("asked %v, want %v", asked, w)
	}
	// Bounded: more SIDs than the limit never grow the cache past it.
	for i := 0; i < 10; i++ {
		c.account(fmt.Sprintf("S-1-5-21-1-2-3-%d", 2000+i))
		if len(c.m) > 3 {
			t.Fatalf("cache holds %d SIDs, limit 3", len(c.m))
		}
	}
	if got := c.annotate("<Event><System><Security/></System></Event>"); got != "<Event><System><Security/></System></Event>" {
		t.Errorf("annotate changed a record without SIDs: %s", got)
	}
}

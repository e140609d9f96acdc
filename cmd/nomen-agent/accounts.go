package main

import (
	"strings"
	"sync"
)

// Account names of SIDs. Windows writes accounts into events as SIDs only
// in many places: the <Security UserID='...'/> of every record, and
// EventData values such as 4732's MemberSid, 4704's TargetSid or 4670's
// subject when the name is "-". The agent resolves them where they are
// resolvable, on the machine that logged them (LookupAccountSid on
// Windows), and adds the names as attributes, the way NXLog and
// Winlogbeat do for UserID:
//
//	<Security UserID='S-1-5-21-..-1105' AccountName='alice' AccountDomain='CORP' AccountType='User'/>
//	<Data Name='MemberSid' AccountName='alice' AccountDomain='CORP'>S-1-5-21-..-1105</Data>
//
// The value itself is not changed; the relay's decoder reads the names as
// the account of a SID whose name field the event leaves empty.

// sidAccount is what a SID resolves to.
type sidAccount struct{ name, domain, typ string }

// accountCache resolves SIDs through lookup, cached and bounded: when
// full it starts over (lookups are cheap next to a full cache of stale
// accounts, and the accounts of a busy host come back at once).
type accountCache struct {
	lookup func(sid string) (sidAccount, bool)
	mu     sync.Mutex
	m      map[string]sidAccount // the zero sidAccount: does not resolve
	max    int
}

func newAccountCacheWith(lookup func(string) (sidAccount, bool), max int) *accountCache {
	return &accountCache{lookup: lookup, m: map[string]sidAccount{}, max: max}
}

// account returns the account of sid, asking lookup once per SID.
func (c *accountCache) account(sid string) (sidAccount, bool) {
	c.mu.Lock()
	a, ok := c.m[sid]
	c.mu.Unlock()
	if !ok {
		a, _ = c.lookup(sid)
		c.mu.Lock()
		if len(c.m) >= c.max {
			clear(c.m)
		}
		c.m[sid] = a
		c.mu.Unlock()
	}
	return a, a.name != ""
}

// annotate adds the account names of the record's Security UserID and of
// its EventData SIDs of accounts (S-1-5-21-..., domain and local
// accounts: the well-known SIDs the relay names itself).
func (c *accountCache) annotate(xml string) string {
	var b []byte
	last := 0 // xml[:last] is in b
	if i := strings.Index(xml, "<Security UserID="); i >= 0 {
		if at, sid, ok := quotedAttr(xml, i+len("<Security UserID=")); ok {
			if a, ok := c.account(sid); ok {
				b = append(b, xml[:at]...)
				b = appendAccountAttrs(b, a, true)
				last = at
			}
		}
	}
	for i := last; ; {
		j := strings.Index(xml[i:], "<Data Name=")
		if j < 0 {
			break
		}
		i += j + len("<Data Name=")
		at, _, ok := quotedAttr(xml, i)
		if !ok || at >= len(xml) || xml[at] != '>' {
			continue
		}
		end := strings.IndexByte(xml[at:], '<')
		if end < 0 {
			break
		}
		sid := xml[at+1 : at+end]
		if !strings.HasPrefix(sid, "S-1-5-21-") || len(sid) > 80 {
			continue
		}
		if a, ok := c.account(sid); ok {
			b = append(b, xml[last:at]...)
			b = appendAccountAttrs(b, a, false)
			last = at
		}
	}
	if b == nil {
		return xml
	}
	return string(append(b, xml[last:]...))
}

// quotedAttr reads the quoted value starting at xml[i] and returns the
// index just after its closing quote.
func quotedAttr(xml string, i int) (after int, val string, ok bool) {
	if i >= len(xml) || xml[i] != '\'' && xml[i] != '"' {
		return 0, "", false
	}
	q := xml[i]
	end := strings.IndexByte(xml[i+1:], q)
	if end < 0 {
		return 0, "", false
	}
	return i + 1 + end + 1, xml[i+1 : i+1+end], true
}

func appendAccountAttrs(b []byte, a sidAccount, withType bool) []byte {
	b = append(b, " AccountName='"...)
	b = appendEscaped(b, a.name, true)
	b = append(b, '\'')
	if a.domain != "" {
		b = append(b, " AccountDomain='"...)
		b = appendEscaped(b, a.domain, true)
		b = append(b, '\'')
	}
	if withType && a.typ != "" {
		b = append(b, " AccountType='"...)
		b = appendEscaped(b, a.typ, true)
		b = append(b, '\'')
	}
	return b
}

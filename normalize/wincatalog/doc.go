// Package wincatalog is the catalog of Windows event ids as data: what
// each Security audit event (and the common events of Sysmon, System,
// PowerShell, Defender, Task Scheduler, WMI, the firewall, Remote Desktop
// and BITS) means in ECS terms, how its EventData names map to ECS
// fields, and the side tables a decoder needs to turn codes into words
// (NTSTATUS and Kerberos result codes, logon types, account-control flags,
// access masks, well-known SIDs, legacy 2000/2003 ids).
//
// It is a leaf: it imports nothing from the rest of nomen, so the decoders
// (normalize) read it rather than the other way round. The rows live in
// text files beside this one (security.txt, channels.txt), embedded and
// parsed once, on the first lookup (a relay that sees no Windows event
// does not hold them), into arrays and maps; every lookup is O(1) and
// does not allocate, because the Windows decoder's budget is a few
// microseconds a record.
//
// Sources: Microsoft's public documentation — the advanced security audit
// policy pages (one per subcategory, one per event), "Appendix L: Events
// to Monitor" (legacy ids), the Event Log service's event list (1100-1108),
// the Sysinternals Sysmon page, and the event messages of the other
// providers. Names are Microsoft's titles; actions, ECS categories and
// field maps are nomen's reading of them. docs/windows-events.md is
// generated from these tables (go test ./normalize/wincatalog -run
// TestDocUpToDate -update).
package wincatalog

//go:generate go test -run TestDocUpToDate -update .

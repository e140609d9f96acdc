package correlate

import (
	"hash/fnv"
	"slices"
	"testing"
	"time"
)

// half owns the keys whose FNV-1a hash has parity side, under lease
// *lease: two of them split the keys as two tier instances would.
type half struct {
	side  uint64
	lease *uint64
}

func (h half) Lease(key string) (uint64, bool) {
	f := fnv.New64a()
	f.Write([]byte(key))
	if f.Sum64()%2 != h.side {
		return 0, false
	}
	return *h.lease, true
}

// TestOwnersSplitFindingsExactlyOnce: two engines reading every event,
// each keeping only its half of the keys, together make exactly the
// findings one engine makes alone — with the same ids — and none twice.
func TestOwnersSplitFindingsExactlyOnce(t *testing.T) {
	var lease uint64 = 1
	alone := idScenario(t, 0, true)
	a := idScenarioOwned(t, 0, true, half{0, &lease})
	b := idScenarioOwned(t, 1000, true, half{1, &lease})
	if len(a) == 0 || len(b) == 0 {
		t.Fatalf("the scenario's keys all fell on one side: %v | %v", a, b)
	}
	both := append(slices.Clone(a), b...)
	slices.Sort(both)
	want := slices.Clone(alone)
	slices.Sort(want)
	if !slices.Equal(both, want) {
		t.Errorf("split findings differ from one engine's:\n split: %v\n alone: %v", both, want)
	}
}

// TestOwnerStaleWindowIsDropped: a threshold window counted under an older
// lease (the key was lost and acquired again; another instance counted
// meanwhile) is not continued.
func TestOwnerStaleWindowIsDropped(t *testing.T) {
	var lease uint64 = 1
	p := &pipe{t: t, now: t0, owner: half{0, &lease}}
	p.open(decode(t, bruteforce+"[correlate.process]\nenabled = false\n"))
	ip := ""
	for _, c := range []string{"10.0.0.1", "10.0.0.2", "10.0.0.3", "10.0.0.4"} {
		if _, ok := p.owner.Lease("bf\x00" + c); ok {
			ip = c
			break
		}
	}
	if ip == "" {
		t.Fatal("no owned address among the candidates")
	}
	send := func() int {
		p.now = p.now.Add(time.Second)
		return len(p.send(failure(p.now, ip)))
	}
	send()
	send()
	lease = 2 // lost and taken back
	if n := send(); n != 0 {
		t.Fatal("a window counted under the older lease was continued")
	}
	send()
	if n := send(); n != 1 {
		t.Fatalf("want a finding on the 3rd event under the new lease, got %d", n)
	}
}

// TestOwnerLostPairRaisesNothing: a first event waiting when its key is
// lost is not reported missing here (the new owner decides).
func TestOwnerLostPairRaisesNothing(t *testing.T) {
	var lease uint64 = 1
	p := &pipe{t: t, now: t0, owner: half{0, &lease}}
	p.open(decode(t, pairRules))
	id := ""
	for _, c := range []string{"0x1", "0x2", "0x3", "0x4", "0x5", "0x6"} {
		if _, ok := p.owner.Lease("logon-logoff\x00wks1\x00" + c); ok {
			id = c
			break
		}
	}
	if id == "" {
		t.Fatal("no owned logon id among the candidates")
	}
	p.send(ev(p.now, "event.action", "logon", "host.name", "wks1", "winlog.logon.id", id, "user.name", "bob"))
	lease = 2 // lost and taken back meanwhile: the wait is stale
	if got := p.tick(11 * time.Minute); len(got) != 0 {
		t.Fatalf("a pair kept under an older lease was reported: %v", encAll(got))
	}
}

// hosts owns the keys in it, under lease 1.
type hosts map[string]bool

func (h hosts) Lease(key string) (uint64, bool) { return 1, h[key] }

// TestOwnerProcessTrackingByHost: a host's processes are tracked by the
// instance owning it only, and a process open when its host is lost is not
// reported missing here.
func TestOwnerProcessTrackingByHost(t *testing.T) {
	own := hosts{}
	p := &pipe{t: t, now: t0, owner: own}
	p.open(decode(t, ""))
	exe := `C:\Windows\notepad.exe`
	p.send(winProc(p.now, "4688", 500, exe))
	if got := p.send(winProc(p.now, "4689", 500, exe)); len(got) != 0 {
		t.Fatalf("a host another instance owns was tracked: %v", encAll(got))
	}
	own[ruleProcess+"\x00web1"] = true
	p.send(winProc(p.now, "4688", 501, exe))
	if got := p.send(winProc(p.now, "4689", 501, exe)); len(got) != 1 || got[0].Str("event.action") != "process-lifetime" {
		t.Fatalf("the owned host's process: %v", encAll(got))
	}
	p.send(winProc(p.now, "4688", 502, exe))
	delete(own, ruleProcess+"\x00web1")
	if got := p.tick(48 * time.Hour); len(got) != 0 {
		t.Fatalf("a process of a host no longer owned was reported: %v", encAll(got))
	}
}

// TestOwnerScriptBlocksByHost: a host's script blocks are reassembled by
// the instance owning it only; a block open when its host is lost is not
// reported incomplete here.
func TestOwnerScriptBlocksByHost(t *testing.T) {
	own := hosts{}
	p := &pipe{t: t, now: t0, owner: own}
	p.open(decode(t, ""))
	if got := p.send(sbPart(p.now, "WS2", "b1", 1, 2, "Get-"), sbPart(p.now, "WS2", "b1", 2, 2, "Date")); len(got) != 0 {
		t.Fatalf("a host another instance owns was reassembled: %v", encAll(got))
	}
	own[ruleScriptBlock+"\x00ws2"] = true
	if got := p.send(sbPart(p.now, "WS2", "b2", 1, 2, "Get-"), sbPart(p.now, "WS2", "b2", 2, 2, "Date")); len(got) != 1 {
		t.Fatalf("the owned host's block: %v", encAll(got))
	}
	p.send(sbPart(p.now, "WS2", "b3", 1, 2, "Get-"))
	delete(own, ruleScriptBlock+"\x00ws2")
	if got := p.tick(time.Hour); len(got) != 0 {
		t.Fatalf("a block of a host no longer owned was reported: %v", encAll(got))
	}
}

package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// Scenario test of the live API (/v1/events) while the findings come.

// scnSubscriber reads one live subscription's NDJSON stream.
type scnSubscriber struct {
	mu   sync.Mutex
	docs []map[string]any
	err  atomic.Value
}

func scnSubscribe(t *testing.T, n *nomen, where ...string) *scnSubscriber {
	t.Helper()
	q := url.Values{"where": where}
	ctx, cancel := context.WithCancel(context.Background())
	resp, err := http.DefaultClient.Do(n.apiRequest(ctx, "/v1/events?"+q.Encode()))
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "application/x-ndjson") {
		cancel()
		t.Fatalf("GET /v1/events: %s, Content-Type %q", resp.Status, resp.Header.Get("Content-Type"))
	}
	sub := &scnSubscriber{}
	done := make(chan struct{})
	go func() {
		defer close(done)
		sc := bufio.NewScanner(resp.Body)
		sc.Buffer(make([]byte, 64<<10), 4<<20)
		for sc.Scan() {
			var doc map[string]any
			if err := json.Unmarshal(sc.Bytes(), &doc); err != nil {
				sub.err.Store(fmt.Errorf("not NDJSON (%v): %q", err, sc.Text()))
				return
			}
			sub.mu.Lock()
			sub.docs = append(sub.docs, doc)
			sub.mu.Unlock()
		}
	}()
	t.Cleanup(func() {
		cancel()
		resp.Body.Close()
		<-done
	})
	return sub
}

// wait returns the documents once one satisfies pred.
func (sub *scnSubscriber) wait(t *testing.T, what string, pred func(map[string]any) bool) []map[string]any {
	t.Helper()
	deadline := time.Now().Add(scnWait)
	for {
		if err, _ := sub.err.Load().(error); err != nil {
			t.Fatal(err)
		}
		sub.mu.Lock()
		docs := slices.Clone(sub.docs)
		sub.mu.Unlock()
		if slices.ContainsFunc(docs, pred) {
			return docs
		}
		if time.Now().After(deadline) {
			t.Fatalf("live subscriber: no %s within %s; got:\n%s", what, scnWait, scnDump(docs))
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestScenarioLiveAPI: GET /v1/events?where=... streams the matching
// events, and findings, as NDJSON while logger sends; nothing else.
func TestScenarioLiveAPI(t *testing.T) {
	s := newScn(t, scnBase(scnExamples(t)))
	const ip = "203.0.113.7"
	events := scnSubscribe(t, s.n, "event.kind=event", "source.ip="+ip)
	alerts := scnSubscribe(t, s.n, "event.kind=alert")
	deadline := time.Now().Add(scnWait)
	for s.n.metric("nomen_live_subscribers", "") != 2 {
		if time.Now().After(deadline) {
			t.Fatal("the subscriptions are not registered")
		}
		time.Sleep(20 * time.Millisecond)
	}

	fail := func(ip string, i int) {
		s.syslog("auth.info", "sshd[7001]", fmt.Sprintf("Failed password for root from %s port %d ssh2", ip, 40000+i))
	}
	for i := 0; i < 5; i++ {
		fail(ip, i)
		if i < 3 {
			fail("198.51.100.9", i) // another address, below the threshold: for nobody
		}
	}
	s.syslog("authpriv.info", "CRON[3121]", "pam_unix(cron:session): session opened for user root by (uid=0)")
	s.syslog("auth.info", "sshd[7002]", "Accepted publickey for alice from 192.0.2.55 port 60100 ssh2: ED25519 SHA256:Qm9uam91cgo")
	s.waitFor("input events", s.sent, scnInput)
	// Last, one more event for each subscriber: when it arrives, whatever
	// was published before it has arrived too.
	fail(ip, 99)
	s.syslog("authpriv.notice", "sudo", "   carol : TTY=pts/0 ; PWD=/home/carol ; USER=root ; COMMAND=/bin/ls")

	got := events.wait(t, "last failure", func(d map[string]any) bool { return strings.Contains(getStr(d, "message"), "port 40099") })
	if len(got) != 6 {
		t.Errorf("first subscriber got %d documents, want the 6 failures from %s:\n%s", len(got), ip, scnDump(got))
	}
	for _, d := range got {
		if getStr(d, "source.ip") != ip || getStr(d, "event.kind") != "event" || getStr(d, "process.name") != "sshd" {
			t.Errorf("first subscriber got a document its filter does not match: %s", scnJSON(d))
		}
	}
	got = alerts.wait(t, "first sudo of carol", func(d map[string]any) bool {
		return getStr(d, "rule.name") == "first-sudo-user" && getStr(d, "user.name") == "carol"
	})
	names := map[string]int{}
	for _, d := range got {
		if getStr(d, "event.kind") != "alert" {
			t.Errorf("alert subscriber got a document that is no alert: %s", scnJSON(d))
		}
		names[getStr(d, "rule.name")]++
	}
	want := map[string]int{"auth-bruteforce": 1, "first-logon-user-host": 1, "first-logon-source": 1, "first-sudo-user": 1}
	if fmt.Sprint(names) != fmt.Sprint(want) {
		t.Errorf("alert subscriber got %v, want %v:\n%s", names, want, scnDump(got))
	}
	for _, d := range got {
		if getStr(d, "rule.name") == "auth-bruteforce" && getStr(d, "source.ip") != ip {
			t.Errorf("brute force finding for %q, want %s", getStr(d, "source.ip"), ip)
		}
	}
	// The same findings reached the file output.
	docs := s.settle()
	if n := len(scnFindings(docs, "auth-bruteforce")); n != 1 {
		t.Errorf("%d auth-bruteforce findings in the file, want 1", n)
	}
}

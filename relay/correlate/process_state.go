package correlate

import (
	"encoding/json"
	"maps"
	"slices"

	"github.com/nomenhq/nomen/relay/event"
	"github.com/nomenhq/nomen/relay/stage/keyset"
)

// The process tracker's state across restarts (snapshots) and what a
// journaled alert tells it.

// retire forgets a process a journaled max_lifetime alert reported.
func (r *processTracker) retire(f *event.Event) {
	if f.Str("nomen.process.closed_by") != "max_lifetime" {
		return
	}
	pid, ok := f.Get("process.pid")
	if !ok {
		return
	}
	r.open.Delete(string(procKey(nil, f.Str("host.name"), pid.Num)))
}

type procState struct {
	Open     []keyed[proc]    `json:"open"`
	Shutdown map[string]int64 `json:"shutdown,omitempty"`
	Audited  []string         `json:"audited,omitempty"`
}

func (r *processTracker) save() any {
	// Tokens and evidence lists are only appended to: sharing them is safe.
	return procState{Open: saveLRU(r.open, plain), Shutdown: maps.Clone(r.shutdown), Audited: auditedHosts(r.audited)}
}

func (r *processTracker) load(raw json.RawMessage) error {
	var st procState
	if err := json.Unmarshal(raw, &st); err != nil {
		return err
	}
	for _, kv := range st.Open {
		if kv.V.GUID == "" {
			kv.V.Sec = true // saved before Sec existed: only Security started pid-keyed records
		}
		// Keyed by host and pid (earlier versions keyed Sysmon's by ProcessGuid).
		r.open.PutBack(string(procKey(nil, kv.V.Host, kv.V.PID)), kv.V)
	}
	for _, h := range st.Audited {
		r.audited.Add([]byte(h))
	}
	for h, t := range st.Shutdown {
		r.shutdown[h] = t
	}
	return nil
}

// auditedHosts returns the audited hosts, sorted (as snapshots have
// written them since they were a map's keys).
func auditedHosts(m *keyset.Set) []string {
	if m.Len() == 0 {
		return nil
	}
	hosts := make([]string, 0, m.Len())
	m.All(func(h string) bool {
		hosts = append(hosts, h)
		return true
	})
	slices.Sort(hosts)
	return hosts
}

package correlate

import (
	"encoding/json"
	"math"
)

// evidenceJSON is how snapshots write an evidence: its four related.*
// lists by name, as they were before they shared one slice.
type evidenceJSON struct {
	IDs   []uint64 `json:"ids,omitempty"`
	IP    []string `json:"ip,omitempty"`
	User  []string `json:"user,omitempty"`
	Hosts []string `json:"hosts,omitempty"`
	Hash  []string `json:"hash,omitempty"`
	Count int      `json:"count"`
}

func (v evidence) MarshalJSON() ([]byte, error) { return json.Marshal(v.json()) }

func (v related) MarshalJSON() ([]byte, error) { return json.Marshal(evidence{related: v}.json()) }

func (v evidence) json() evidenceJSON {
	l := v.lists()
	return evidenceJSON{IDs: v.IDs, IP: l[relIP], User: l[relUser], Hosts: l[relHosts], Hash: l[relHash], Count: int(v.Count)}
}

// UnmarshalJSON reads what MarshalJSON writes (see evidenceJSON.evidence).
func (v *evidence) UnmarshalJSON(b []byte) error {
	var j evidenceJSON
	if err := json.Unmarshal(b, &j); err != nil {
		return err
	}
	*v = j.evidence()
	return nil
}

// evidence is json's reverse, each list cut to maxRelated (a snapshot is
// not trusted to respect the bound; nor to list a value once: addUnique
// keeps the first). The saved forms of windows and pairs (tstateJSON,
// pstateJSON: most of a snapshot's keys) hold an evidenceJSON rather than
// an evidence, so that encoding/json writes it without a Marshaler, whose
// output it would check and compact again (about half of a snapshot's
// encoding CPU).
func (j evidenceJSON) evidence() evidence {
	v := evidence{IDs: j.IDs, related: related{Count: int32(min(max(j.Count, 0), math.MaxInt32))}}
	for c, list := range [numRelated][]string{j.IP, j.User, j.Hosts, j.Hash} {
		v.addUnique(c, list...)
	}
	return v
}

// UnmarshalJSON reads an evidence without its IDs (a threshold window's
// never had any).
func (v *related) UnmarshalJSON(b []byte) error {
	var ev evidence
	if err := ev.UnmarshalJSON(b); err != nil {
		return err
	}
	*v = ev.related
	return nil
}

// pstateJSON is how snapshots write a waiting pair (pair.saved): its
// evidence with the first event's ID, and its identity
// (findingid.Anchor), as before pstate kept them in less room.
type pstateJSON struct {
	At       int64             `json:"at"`
	Deadline int64             `json:"deadline"`
	Ev       evidenceJSON      `json:"ev"`
	Fields   map[string]string `json:"fields,omitempty"`
	First    string            `json:"first,omitempty"`
	Lease    uint64            `json:"lease,omitempty"`
}

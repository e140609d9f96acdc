package correlate

import (
	"encoding/json"
	"maps"
	"math"
	"slices"
	"strconv"

	"github.com/nomenhq/nomen/relay/stage/snapshot"
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

// The saved forms of the keys of threshold, pair and first_seen rules
// (most of a snapshot) append their own JSON (snapshot.Appender): the
// bytes encoding/json writes of them, field for field, which
// TestSavedFormsAppendAsMarshal checks on random states.

// AppendJSON appends kv's JSON, if its value can (snapshot.Appender).
func (kv *keyed[V]) AppendJSON(b []byte) ([]byte, bool) {
	start := len(b)
	b = snapshot.AppendString(append(b, `{"k":`...), kv.K)
	b = append(b, `,"v":`...)
	ok := true
	switch v := any(&kv.V).(type) {
	case snapshot.Appender:
		b, ok = v.AppendJSON(b)
	case *struct{}: // a first_seen rule without expire
		b = append(b, "{}"...)
	default:
		ok = false
	}
	if !ok {
		return b[:start], false
	}
	return append(b, '}'), true
}

func (j *evidenceJSON) AppendJSON(b []byte) ([]byte, bool) {
	b = append(b, '{')
	if len(j.IDs) > 0 {
		b = append(b, `"ids":[`...)
		for i, id := range j.IDs {
			if i > 0 {
				b = append(b, ',')
			}
			b = strconv.AppendUint(b, id, 10)
		}
		b = append(b, "],"...)
	}
	b = appendStrings(b, `"ip":`, j.IP)
	b = appendStrings(b, `"user":`, j.User)
	b = appendStrings(b, `"hosts":`, j.Hosts)
	b = appendStrings(b, `"hash":`, j.Hash)
	b = strconv.AppendInt(append(b, `"count":`...), int64(j.Count), 10)
	return append(b, '}'), true
}

// appendStrings appends name and list, and a comma, unless list is empty
// (omitempty).
func appendStrings(b []byte, name string, list []string) []byte {
	if len(list) == 0 {
		return b
	}
	b = append(append(b, name...), '[')
	for i, s := range list {
		if i > 0 {
			b = append(b, ',')
		}
		b = snapshot.AppendString(b, s)
	}
	return append(b, "],"...)
}

// appendInt appends name and n unless n is 0 (omitempty); appendUint
// likewise.
func appendInt(b []byte, name string, n int64) []byte {
	if n == 0 {
		return b
	}
	return strconv.AppendInt(append(b, name...), n, 10)
}

func appendUint(b []byte, name string, n uint64) []byte {
	if n == 0 {
		return b
	}
	return strconv.AppendUint(append(b, name...), n, 10)
}

func (j *tstateJSON) AppendJSON(b []byte) ([]byte, bool) {
	b = append(b, '{')
	if len(j.Slots) > 0 {
		b = append(b, `"slots":[`...)
		for i, s := range j.Slots {
			if i > 0 {
				b = append(b, ',')
			}
			b = strconv.AppendInt(append(b, `{"t":`...), s.T, 10)
			b = append(appendUint(b, `,"id":`, s.ID), '}')
		}
		b = append(b, "],"...)
	}
	b, _ = j.Ev.AppendJSON(append(b, `"ev":`...))
	b = appendInt(b, `,"suppress":`, j.Suppress)
	b = strconv.AppendInt(append(b, `,"last":`...), j.Last, 10)
	b = appendUint(b, `,"lease":`, j.Lease)
	return append(b, '}'), true
}

func (j *pstateJSON) AppendJSON(b []byte) ([]byte, bool) {
	b = strconv.AppendInt(append(b, `{"at":`...), j.At, 10)
	b = strconv.AppendInt(append(b, `,"deadline":`...), j.Deadline, 10)
	b, _ = j.Ev.AppendJSON(append(b, `,"ev":`...))
	if len(j.Fields) > 0 {
		b = append(b, `,"fields":{`...)
		for i, k := range slices.Sorted(maps.Keys(j.Fields)) {
			if i > 0 {
				b = append(b, ',')
			}
			b = snapshot.AppendString(b, k)
			b = snapshot.AppendString(append(b, ':'), j.Fields[k])
		}
		b = append(b, '}')
	}
	if j.First != "" {
		b = snapshot.AppendString(append(b, `,"first":`...), j.First)
	}
	b = appendUint(b, `,"lease":`, j.Lease)
	return append(b, '}'), true
}

func (s *fsState) AppendJSON(b []byte) ([]byte, bool) {
	b = strconv.AppendInt(append(b, `{"last":`...), s.Last, 10)
	b = strconv.AppendInt(append(b, `,"recv":`...), s.Recv, 10)
	return append(b, '}'), true
}

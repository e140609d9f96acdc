package correlate

import "encoding/json"

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

func (v evidence) MarshalJSON() ([]byte, error) {
	return json.Marshal(evidenceJSON{IDs: v.IDs, IP: v.list(relIP), User: v.list(relUser), Hosts: v.list(relHosts), Hash: v.list(relHash), Count: v.Count})
}

// UnmarshalJSON reads what MarshalJSON writes, each list cut to
// maxRelated (a snapshot is not trusted to respect the bound).
func (v *evidence) UnmarshalJSON(b []byte) error {
	var j evidenceJSON
	if err := json.Unmarshal(b, &j); err != nil {
		return err
	}
	*v = evidence{IDs: j.IDs, Count: j.Count}
	for c, list := range [numRelated][]string{j.IP, j.User, j.Hosts, j.Hash} {
		list = list[:min(len(list), maxRelated)]
		v.rel = append(v.rel, list...)
		v.n[c] = uint8(len(list))
	}
	return nil
}

package sequence

import (
	"encoding/json"
	"time"
)

// streamJSON is how snapshots and partition states write a stream: the
// fields the stream had before its names shared one string, so that
// snapshots written before still load, and after can be read by a relay
// of the version before.
type streamJSON struct {
	Key     string
	Kind    kind
	Origin  string
	Host    string
	Channel string
	Agent   string
	Epoch   int64
	Last    int64
	Holes   []hole
	First   int64       `json:",omitempty"`
	Began   time.Time   `json:",omitzero"`
	Past    []pastEpoch `json:",omitempty"`
	Lease   uint64      `json:",omitempty"`
}

// savedStream is a stream with its key and names (which the stream itself
// does not keep), as snapshots and partition states hold it.
type savedStream struct {
	key string
	stream
	names  streamNames
	origin uint8 // the origin's way (origin*) when names has none yet (Tracker.saved)
}

func (s savedStream) MarshalJSON() ([]byte, error) {
	h, names := s.h, s.names
	resolve(&names, int(s.origin))
	j := streamJSON{Key: s.key, Kind: h.kind, Origin: names[nameOrigin], Host: names[nameHost], Channel: names[nameChannel], Agent: names[nameAgent],
		Epoch: h.epoch, Last: s.Last, Holes: s.holes(), First: s.First, Past: s.past(), Lease: h.lease}
	if s.began != 0 {
		j.Began = time.Unix(0, s.began).UTC()
	}
	return json.Marshal(j)
}

func (s *savedStream) UnmarshalJSON(b []byte) error {
	var j streamJSON
	if err := json.Unmarshal(b, &j); err != nil {
		return err
	}
	*s = savedStream{key: j.Key, stream: stream{h: head{kind: j.Kind, lease: j.Lease, epoch: j.Epoch}, Last: j.Last, First: j.First},
		names: streamNames{nameOrigin: j.Origin, nameHost: j.Host, nameChannel: j.Channel, nameAgent: j.Agent}}
	s.setHoles(j.Holes)
	s.setPast(j.Past)
	if !j.Began.IsZero() {
		s.began = j.Began.UnixNano()
	}
	return nil
}

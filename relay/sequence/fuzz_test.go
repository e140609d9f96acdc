package sequence

import (
	"encoding/binary"
	"testing"
	"time"
)

// FuzzObserve feeds a stream arbitrary numbers and checks its invariants:
// holes are disjoint, ascending, below Last, never more than maxHoles, and
// every number that opened or filled a hole is accounted for.
func FuzzObserve(f *testing.F) {
	f.Add([]byte{1, 2, 3, 7, 5})
	f.Add([]byte{100, 1, 2, 50, 3})
	f.Fuzz(func(t *testing.T, data []byte) {
		s := &stream{}
		at := time.Unix(0, 0)
		var confirm []hole
		for len(data) >= 2 {
			n := int64(binary.LittleEndian.Uint16(data))
			data = data[2:]
			at = at.Add(time.Millisecond)
			_, confirm = s.observe(observation{n: n, at: at, due: at.Add(time.Second)}, time.Second, confirm[:0])
			if len(s.holes()) > maxHoles {
				t.Fatalf("%d holes", len(s.holes()))
			}
			prev := int64(0)
			for _, h := range s.holes() {
				if h.First > h.Last || h.First <= prev || h.Last >= s.Last {
					t.Fatalf("bad holes %+v with last %d", s.holes(), s.Last)
				}
				prev = h.Last
			}
			for _, h := range confirm {
				if h.First > h.Last {
					t.Fatalf("confirmed empty hole %+v", h)
				}
			}
		}
	})
}

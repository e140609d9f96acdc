package sequence

import (
	"math/rand/v2"
	"strconv"
	"testing"
	"time"

	"github.com/nomenhq/nomen/relay/event"
	"github.com/nomenhq/nomen/relay/stage"
)

// TestRowFieldsAgreesWithScan: what the tracker reads of an event from the
// field pass it shares with correlation is what its own scan reads, for
// events with its keys missing, repeated, as text or numbers, among others.
func TestRowFieldsAgreesWithScan(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	keys := append(passKeys[:], "source.ip", "user.name", "message", "event.category")
	p := stage.NewFieldPass(passKeys[:]...)
	p.SetFollow(append(passKeys[:], "user.name", "event.category"))
	var batch []*event.Event
	for range 2000 {
		e := event.New(time.Unix(0, 0))
		e.Hostname = "from-header"
		for range rng.IntN(12) {
			k := keys[rng.IntN(len(keys))]
			if rng.IntN(2) == 0 {
				e.SetInt(k, rng.Int64N(5000))
			} else {
				e.SetStr(k, strconv.Itoa(rng.IntN(5000)))
			}
		}
		batch = append(batch, e)
	}
	if !p.Scan(batch) {
		t.Fatal("the pass is not shared")
	}
	for i, e := range batch {
		got, want := rowFields(e, p.Row(i)), scanFields(e)
		if got.codeText() != want.codeText() || (got.code == nil) != (want.code == nil) {
			t.Fatalf("event %d %v: code %q, want %q", i, e.Fields, got.codeText(), want.codeText())
		}
		got.code, want.code = nil, nil
		if got != want {
			t.Fatalf("event %d %v:\nrow  %+v\nscan %+v", i, e.Fields, got, want)
		}
	}
}

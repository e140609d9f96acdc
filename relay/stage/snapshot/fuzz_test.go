package snapshot

import (
	"errors"
	"fmt"
	"os"
	"testing"
	"time"
)

// checked is a state that knows when it is whole (a Validator).
type checked struct {
	N    int      `json:"n"`
	Keys []string `json:"keys"`
}

func (c *checked) Validate() error {
	if c.N != len(c.Keys) {
		return fmt.Errorf("n %d for %d keys", c.N, len(c.Keys))
	}
	return nil
}

// FuzzLoad feeds a stage's snapshot file damaged contents. Load must never
// panic; it restores a state only from a file of this version and stage
// whose state validates, and moves any other aside (ErrCorrupt) so that
// the stage starts empty and says so.
func FuzzLoad(f *testing.F) {
	f.Add([]byte(`{"version":1,"stage":"stage","saved":"2026-12-06T08:00:00Z","applied":42,"state":{"n":2,"keys":["a","b"]}}`))
	f.Add([]byte(`{"version":1,"stage":"stage","saved":"2026-12-06T08:00:00Z","applied":42,"state":{"n":3,"keys":["a","b"]}}`))
	f.Add([]byte(`{"version":1,"stage":"stage","state":{"n":`))
	f.Add([]byte(`{"version":2,"stage":"stage","state":{}}`))
	f.Add([]byte(`{"version":1,"stage":"other","state":{}}`))
	f.Add([]byte(`{"version":1,"stage":"stage","applied":-1,"state":null}`))
	f.Add([]byte(`null`))
	f.Add([]byte{})
	dir := f.TempDir()
	file, err := Open("stage", dir)
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		os.Remove(file.Path() + ".corrupt")
		if err := os.WriteFile(file.Path(), data, 0o600); err != nil {
			t.Fatal(err)
		}
		var got checked
		_, ok, err := file.Load(&got)
		_, statErr := os.Stat(file.Path())
		switch {
		case err != nil && !errors.Is(err, ErrCorrupt):
			t.Fatalf("load: %v", err)
		case err != nil && !os.IsNotExist(statErr):
			t.Fatalf("%v, and the file was not moved aside", err)
		case err == nil && !ok:
			t.Fatal("an existing file was neither loaded nor refused")
		case ok && got.Validate() != nil:
			t.Fatalf("restored %+v", got)
		}
		if ok {
			// What was restored is saved and loaded again unchanged.
			if err := file.Save(1, time.Unix(0, 0), &got); err != nil {
				t.Fatal(err)
			}
			var again checked
			if _, ok, err := file.Load(&again); !ok || err != nil || again.N != got.N || len(again.Keys) != len(got.Keys) {
				t.Fatalf("saved %+v, loaded %+v %v %v", got, again, ok, err)
			}
		}
	})
}

// A state that decodes but does not validate is moved aside like one that
// does not decode, and nothing of it is restored.
func TestInvalidStateMovedAside(t *testing.T) {
	file, _ := Open("stage", t.TempDir())
	os.WriteFile(file.Path(), []byte(`{"version":1,"stage":"stage","applied":42,"state":{"n":3,"keys":["a","b"]}}`), 0o600)
	var got checked
	applied, ok, err := file.Load(&got)
	if ok || applied != 0 || !errors.Is(err, ErrCorrupt) {
		t.Fatalf("loaded %d %v %v", applied, ok, err)
	}
	if _, err := os.Stat(file.Path() + ".corrupt"); err != nil {
		t.Errorf("not moved aside: %v", err)
	}
}

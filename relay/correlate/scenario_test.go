package correlate

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/BurntSushi/toml"
	"github.com/nomenhq/nomen/internal/config"
	"github.com/nomenhq/nomen/relay/sequence"
	"github.com/nomenhq/nomen/relay/stage/stagetest"
	"github.com/prometheus/client_golang/prometheus"
)

// examples is the rule file shipped for users; cases without their own
// rules.toml run it.
const examples = "../../configs/correlate/examples.toml"

// sections is the part of nomen.toml the stages are configured from.
type sections struct {
	Correlate Config          `toml:"correlate"`
	Sequence  sequence.Config `toml:"sequence"`
}

// loadSections decodes a rule file strictly, as the relay decodes nomen.toml.
func loadSections(t testing.TB, path string) (sections, bool) {
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var s sections
	withSequence := false
	err = config.Decode(path, data, &s, func(md *toml.MetaData) error {
		withSequence = md.IsDefined("sequence")
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return s, withSequence
}

// TestScenarios runs the cases in testdata/correlate: wire traffic through
// the real parser and normalizer, then (if the case's rules.toml has a
// [sequence] section) sequence tracking, then correlation.
func TestScenarios(t *testing.T) {
	stagetest.Cases(t, "../../testdata/correlate", func(t testing.TB, caseDir, state string, now func() time.Time) []stagetest.Stage {
		path := filepath.Join(caseDir, "rules.toml")
		if _, err := os.Stat(path); err != nil {
			path = examples
		}
		cfg, withSequence := loadSections(t, path)
		reg := prometheus.NewRegistry()
		var stages []stagetest.Stage
		if withSequence {
			tr, err := sequence.New(cfg.Sequence, sequence.Options{StateDir: state, Registerer: reg, Now: now, SnapshotEvery: -1})
			if err != nil {
				t.Fatal(err)
			}
			stages = append(stages, tr)
		}
		en, err := New(cfg.Correlate, Options{StateDir: state, Registerer: reg, Now: now, SnapshotEvery: -1})
		if err != nil {
			t.Fatal(err)
		}
		return append(stages, en)
	})
}

func TestExamplesAreValid(t *testing.T) {
	cfg, _ := loadSections(t, examples)
	if err := cfg.Correlate.Validate(); err != nil {
		t.Fatal(err)
	}
	n := len(cfg.Correlate.Match) + len(cfg.Correlate.Threshold) + len(cfg.Correlate.Pair) + len(cfg.Correlate.FirstSeen)
	if n < 6 {
		t.Errorf("examples hold %d rules", n)
	}
}

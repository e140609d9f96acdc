package relay

import (
	"os"
	"strings"
	"testing"

	"github.com/nomenhq/nomen/relay/correlate"
	"github.com/nomenhq/nomen/relay/sequence"
	"github.com/prometheus/client_golang/prometheus"
)

// fuzzSecret is a password with everything that could break the TOML it
// is substituted into.
const fuzzSecret = "p\"a\\s's\n${NOMEN_FUZZ_PORT}\x01"

// FuzzParseConfig feeds the configuration loader (${VAR} substitution,
// strict decoding, listener/output/correlation sections, defaults,
// validation) arbitrary files. It must never panic, and a configuration
// it accepts must pass its own validation again and build its stages
// (correlation rules compile, sequence settings apply); `nomen check`'s
// own reading of a file (decodeOnly, addresses) must not panic either.
// (That a secret arrives unchanged is internal/config's FuzzExpandEnv.)
func FuzzParseConfig(f *testing.F) {
	os.Setenv("NOMEN_FUZZ_SECRET", fuzzSecret)
	os.Setenv("NOMEN_FUZZ_PORT", "6514")
	base := `state_dir = "./state"
[[listener]]
name = "tcp"
protocol = "tcp"
address = "127.0.0.1:${NOMEN_FUZZ_PORT}"
[[output]]
name = "siem"
type = "http"
kind = "elasticsearch"
url = "https://es.example.org:9200"
username = "nomen"
password = "${NOMEN_FUZZ_SECRET}"
`
	f.Add([]byte(base))
	f.Add([]byte(base + `
[[listener]]
name = "central"
protocol = "nats"
stream = "NOMEN"
password = '''${NOMEN_FUZZ_UNSET:-x}'''
user = "edge"
[[output]]
name = "file"
type = "file"
path = "./out/${NOMEN_FUZZ_MISSING}.jsonl"
where = { "event.category" = "authentication" }
`))
	for _, name := range []string{"../configs/nomen.toml", "../configs/dev.toml", "../configs/correlate/examples.toml"} {
		data, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		if strings.Contains(name, "correlate") {
			data = append([]byte(base), data...)
		}
		f.Add(data)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if cfg := decodeOnly("fuzz.toml", data); cfg != nil {
			cfg.checkAddresses(data, &problems{file: "fuzz.toml"})
		}
		cfg, err := ParseConfigData("fuzz.toml", data)
		if err != nil {
			return
		}
		if err := cfg.validate(); err != nil {
			t.Fatalf("accepted, then fails its own validation: %v", err)
		}
		if _, err := correlate.New(cfg.Correlate, correlate.Options{Registerer: prometheus.NewRegistry()}); err != nil {
			t.Fatalf("accepted, but its correlation rules do not compile: %v", err)
		}
		if _, err := sequence.New(cfg.Sequence, sequence.Options{Registerer: prometheus.NewRegistry()}); err != nil {
			t.Fatalf("accepted, but its [sequence] does not apply: %v", err)
		}
	})
}

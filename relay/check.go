package relay

import (
	"fmt"
	"os"
	"time"

	"github.com/nomenhq/nomen/normalize"
	"github.com/nomenhq/nomen/relay/decode"
	"github.com/nomenhq/nomen/relay/event"
)

// Check loads and validates the configuration at path as `nomen run`
// would, compiles the normalization rules and runs their embedded tests.
// It returns a one-paragraph summary, or every problem found.
func Check(path string) (string, error) {
	cfg, err := LoadConfig(path)
	if err != nil {
		return "", err
	}
	norm, err := normalize.New(cfg.Normalize)
	if err != nil {
		return "", fmt.Errorf("normalize: %w", err)
	}
	tests, err := checkRules(cfg, norm)
	if err != nil {
		return "", err
	}
	if tests, err = checkEmbedded(cfg, norm, tests); err != nil {
		return "", err
	}
	return fmt.Sprintf("%s: OK (%d listeners, %d agent listeners, %d outputs, %d rules in %d files, %d rule tests passed)",
		path, len(cfg.Listeners), len(cfg.Agents), len(cfg.Outputs), norm.Rules().Len(), len(norm.Rules().Files()), tests), nil
}

// LineParser turns raw lines into normalized ECS JSON (`nomen parse`)
// through the decode step the listeners use.
type LineParser struct {
	dec *decode.Decoder
	enc event.Encoder
}

// NewLineParser uses the [parse] and [normalize] sections of the config
// at path, or built-in defaults (UTC) when path is "".
func NewLineParser(path string) (*LineParser, error) {
	loc := time.UTC
	var ncfg normalize.Config
	host, _ := os.Hostname()
	if path != "" {
		cfg, err := LoadConfig(path)
		if err != nil {
			return nil, err
		}
		if loc, err = cfg.location(); err != nil {
			return nil, err
		}
		ncfg, host = cfg.Normalize, cfg.Hostname
	}
	norm, err := normalize.New(ncfg)
	if err != nil {
		return nil, fmt.Errorf("normalize: %w", err)
	}
	in := decode.NewInput(decode.Options{Input: "stdin", Location: loc, Rules: decode.Fixed(norm)})
	return &LineParser{dec: in.Decoder(), enc: event.Encoder{Observer: host}}, nil
}

// Event parses and normalizes one line.
func (p *LineParser) Event(line []byte, received time.Time) *event.Event {
	e := event.New(received)
	e.Input = "stdin"
	if name := p.dec.Decode(line, e); name != "" {
		e.SetStr("nomen.decoder", name)
	}
	return e
}

// AppendJSON appends the normalized ECS JSON of line.
func (p *LineParser) AppendJSON(dst, line []byte, received time.Time) []byte {
	return p.enc.AppendJSON(dst, p.Event(line, received))
}

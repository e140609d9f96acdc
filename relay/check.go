package relay

import (
	"cmp"
	"fmt"
	"os"
	"time"

	"github.com/nomenhq/nomen/internal/config"
	"github.com/nomenhq/nomen/normalize"
	"github.com/nomenhq/nomen/relay/decode"
	"github.com/nomenhq/nomen/relay/event"
)

// CheckOptions tune Check.
type CheckOptions struct {
	// User is the account the service runs as: files are checked for it
	// ("" = the user running check).
	User string
	// Online also checks that every output's destination can be reached,
	// within Timeout (default 5s) each.
	Online  bool
	Timeout time.Duration
}

// CheckReport is what Check found: every error and warning, each with the
// file and line it concerns ("nomen.toml:12: ..."), and on success a
// one-paragraph summary.
type CheckReport struct {
	Summary          string
	Errors, Warnings []string
}

// OK reports whether no error was found (warnings may be).
func (r *CheckReport) OK() bool { return len(r.Errors) == 0 }

// Check loads and validates the configuration at path as `nomen run`
// would, compiles the normalization rules and runs their embedded tests,
// then looks for what run would hit: files the service's user cannot read
// or write, listener addresses it cannot bind (in use: a warning), rule globs matching nothing, filters and group_by on fields
// nomen never sets, and with o.Online unreachable outputs. It reports
// everything it finds at once. It never takes the state lock and writes
// nothing: state_dir is not even created.
func Check(path string, o CheckOptions) *CheckReport {
	p := &problems{file: path}
	report := func() *CheckReport { return &CheckReport{Errors: p.errors, Warnings: p.warning} }
	data, err := os.ReadFile(path)
	if err != nil {
		p.errorf(0, "%v", err)
		return report()
	}
	cfg, err := ParseConfigData(path, data)
	if err != nil {
		locate(data, err, p)
		// Go on with what decoded, for the checks below: all at once.
		if cfg = decodeOnly(path, data); cfg == nil {
			return report()
		}
	}
	cfg.checkAddresses(data, p)
	acct, err := lookupAccount(o.User)
	if err != nil {
		p.errorf(0, "-user: %v", err)
	} else {
		cfg.checkPaths(data, acct, p)
		cfg.checkBinds(data, acct, p)
	}
	if !p.ok() {
		return report() // rules and online checks need a valid configuration
	}
	tests := 0 // embedded tests run: rules', correlation rules', outputs' filters'
	norm, err := normalize.New(cfg.Normalize)
	if err != nil {
		p.normalizeError(data, err)
	} else {
		cfg.checkFields(data, norm.Rules().Fields(), p)
		p.warning = append(p.warning, norm.Rules().ClassWarnings()...)
		if tests, err = checkRules(cfg, norm); err != nil {
			p.errorf(0, "%v", err)
		}
		if tests, err = checkEmbedded(cfg, norm, tests); err != nil {
			p.errorf(0, "%v", err)
		}
	}
	if o.Online {
		cfg.checkOnline(data, cmp.Or(o.Timeout, 5*time.Second), p)
	}
	r := report()
	if r.OK() {
		r.Summary = fmt.Sprintf("%s: OK (%d listeners, %d agent listeners, %d outputs, %d rules in %d files, %d embedded tests passed)",
			path, len(cfg.Listeners)+len(cfg.NATSInputs), len(cfg.Agents), len(cfg.Outputs), norm.Rules().Len(), len(norm.Rules().Files()), tests)
	}
	return r
}

// decodeOnly decodes and defaults the configuration without validating
// it: what decoded (nil if the document itself does not, decodeConfig).
func decodeOnly(name string, data []byte) *Config {
	data, err := config.ExpandEnv(name, data)
	if err != nil {
		return nil
	}
	cfg, _ := decodeConfig(name, data)
	if cfg != nil {
		cfg.setDefaults()
	}
	return cfg
}

// LineParser turns raw lines into normalized ECS JSON (`nomen parse`)
// through the decode step the listeners use.
type LineParser struct {
	in  *decode.Input
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
		return nil, normalizeError(err)
	}
	in := decode.NewInput(decode.Options{Input: "stdin", Location: loc, Rules: decode.Fixed(norm)})
	return &LineParser{in: in, dec: in.Decoder(), enc: event.Encoder{Observer: host}}, nil
}

// NewDecoder returns another decoder of the same decode step, for another
// goroutine (`nomen coverage` decodes on every core).
func (p *LineParser) NewDecoder() *decode.Decoder { return p.in.Decoder() }

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

package relay

import (
	"fmt"
	"strings"

	"github.com/BurntSushi/toml"
	"github.com/nomenhq/nomen/forward"
	"github.com/nomenhq/nomen/forward/file"
	"github.com/nomenhq/nomen/forward/http"
	"github.com/nomenhq/nomen/forward/kafka"
	"github.com/nomenhq/nomen/forward/nats"
	"github.com/nomenhq/nomen/forward/postgres"
	"github.com/nomenhq/nomen/forward/syslog"
	"github.com/nomenhq/nomen/relay/output"
)

// outputType is one row of the table of output types.
type outputType struct {
	// name is the value of the output's type key.
	name string
	// config returns a pointer to an empty config of the type: its own
	// keys are decoded into it, it validates them and builds the sink.
	config func() forward.Config
	// batchSize is the type's default batch_size (0: output.DefaultBatchSize).
	batchSize int
}

// outputTypes is every output type. Adding one is a package under forward/
// whose Config implements forward.Config, and a row here.
var outputTypes = []outputType{
	{name: "file", config: func() forward.Config { return new(file.Config) }},
	{name: "syslog", config: func() forward.Config { return new(syslog.Config) }},
	{name: "http", config: func() forward.Config { return new(http.Config) }},
	{name: "postgres", config: func() forward.Config { return new(postgres.Config) }, batchSize: postgres.DefaultBatchSize},
	{name: "nats", config: func() forward.Config { return new(nats.Config) }},
	{name: "kafka", config: func() forward.Config { return new(kafka.Config) }},
}

// OutputConfig is one [[output]]: the keys every output has, and those of
// its type.
type OutputConfig struct {
	Common output.Common
	// Sink is the type's own keys: a *file.Config, *syslog.Config, ...
	Sink forward.Config
}

func findOutputType(name string) (outputType, bool) {
	for _, t := range outputTypes {
		if t.name == name {
			return t, true
		}
	}
	return outputType{}, false
}

// outputTypeNames lists the valid values of an output's type, for
// messages: "file, syslog, http, postgres or nats".
func outputTypeNames() string {
	names := make([]string, len(outputTypes))
	for i, t := range outputTypes {
		names[i] = t.name
	}
	return strings.Join(names[:len(names)-1], ", ") + " or " + names[len(names)-1]
}

// decodeOutputs decodes each [[output]] table twice, into output.Common
// and into its type's config: a key that neither takes stays undecoded
// and config.Decode reports it with its line. It returns the errors of
// the outputs that do not decode (left out, marked failed).
func (c *Config) decodeOutputs(md *toml.MetaData) []error {
	var errs []error
	for i, p := range c.RawOutputs {
		if err := c.decodeOutput(md, i, p); err != nil {
			errs = append(errs, err)
			c.setFailed("output", i)
		}
	}
	return errs
}

func (c *Config) decodeOutput(md *toml.MetaData, i int, p toml.Primitive) error {
	var o OutputConfig
	if err := md.PrimitiveDecode(p, &o.Common); err != nil {
		return fmt.Errorf("output #%d: %w", i+1, err)
	}
	if o.Common.Type == "" {
		return fmt.Errorf("output %q: type is required (%s)", o.Common.Name, outputTypeNames())
	}
	c.setKind("output", i, o.Common.Type)
	typ, ok := findOutputType(o.Common.Type)
	if !ok {
		return fmt.Errorf("output %q: unknown type %q (want %s)", o.Common.Name, o.Common.Type, outputTypeNames())
	}
	o.Sink = typ.config()
	if err := md.PrimitiveDecode(p, o.Sink); err != nil {
		return fmt.Errorf("output %q: %w", o.Common.Name, err)
	}
	c.Outputs = append(c.Outputs, o)
	return nil
}

func (o *OutputConfig) setDefaults(stateDir string) {
	if typ, _ := findOutputType(o.Common.Type); typ.batchSize > 0 && o.Common.BatchSize == 0 {
		o.Common.BatchSize = typ.batchSize
	}
	o.Common = o.Common.WithDefaults(stateDir)
}

func (o *OutputConfig) validate() error {
	if err := o.Common.Validate(); err != nil {
		return err
	}
	if err := o.Sink.Validate(); err != nil {
		return fmt.Errorf("output %q: %w", o.Common.Name, err)
	}
	return nil
}

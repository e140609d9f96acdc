package relay

import (
	"fmt"

	"github.com/BurntSushi/toml"
	"github.com/nomenhq/nomen/forward"
	"github.com/nomenhq/nomen/relay/output"
)

// OutputConfig is one [[output]]: the keys every output has, and those of
// its type (exactly one of the pointers is set).
type OutputConfig struct {
	Common   output.Common
	File     *forward.FileConfig
	Syslog   *forward.SyslogConfig
	HTTP     *forward.HTTPConfig
	Postgres *forward.PostgresConfig
	NATS     *forward.NATSConfig
}

// outputTypes lists the valid values of an output's type, for messages.
const outputTypes = "file, syslog, http, postgres or nats"

func (c *Config) decodeOutputs(md *toml.MetaData) error {
	for i, p := range c.RawOutputs {
		var head output.Common
		if err := md.PrimitiveDecode(p, &head); err != nil {
			return fmt.Errorf("output #%d: %w", i+1, err)
		}
		o := OutputConfig{}
		var err error
		switch head.Type {
		case "file":
			var v struct {
				output.Common
				forward.FileConfig
			}
			err = md.PrimitiveDecode(p, &v)
			o.Common, o.File = v.Common, &v.FileConfig
		case "syslog":
			var v struct {
				output.Common
				forward.SyslogConfig
			}
			err = md.PrimitiveDecode(p, &v)
			o.Common, o.Syslog = v.Common, &v.SyslogConfig
		case "http":
			var v struct {
				output.Common
				forward.HTTPConfig
			}
			err = md.PrimitiveDecode(p, &v)
			o.Common, o.HTTP = v.Common, &v.HTTPConfig
		case "postgres":
			var v struct {
				output.Common
				forward.PostgresConfig
			}
			err = md.PrimitiveDecode(p, &v)
			o.Common, o.Postgres = v.Common, &v.PostgresConfig
		case "nats":
			var v struct {
				output.Common
				forward.NATSConfig
			}
			err = md.PrimitiveDecode(p, &v)
			o.Common, o.NATS = v.Common, &v.NATSConfig
		case "":
			return fmt.Errorf("output %q: type is required (%s)", head.Name, outputTypes)
		default:
			return fmt.Errorf("output %q: unknown type %q (want %s)", head.Name, head.Type, outputTypes)
		}
		if err != nil {
			return fmt.Errorf("output %q: %w", head.Name, err)
		}
		c.Outputs = append(c.Outputs, o)
	}
	return nil
}

func (o *OutputConfig) setDefaults(stateDir, hostname string) {
	if o.Postgres != nil && o.Common.BatchSize == 0 {
		o.Common.BatchSize = forward.DefaultPostgresBatchSize
	}
	o.Common = o.Common.WithDefaults(stateDir)
	switch {
	case o.File != nil:
		o.File.Observer = hostname
	case o.Syslog != nil:
		o.Syslog.Observer = hostname
	case o.HTTP != nil:
		o.HTTP.Observer = hostname
	case o.Postgres != nil:
		o.Postgres.Observer = hostname
	case o.NATS != nil:
		o.NATS.Observer = hostname
	}
}

func (o *OutputConfig) validate() error {
	if err := o.Common.Validate(); err != nil {
		return err
	}
	var err error
	switch {
	case o.File != nil:
		err = o.File.Validate()
	case o.Syslog != nil:
		err = o.Syslog.Validate()
	case o.HTTP != nil:
		err = o.HTTP.Validate()
	case o.Postgres != nil:
		err = o.Postgres.Validate()
	case o.NATS != nil:
		err = o.NATS.Validate()
	}
	if err != nil {
		return fmt.Errorf("output %q: %w", o.Common.Name, err)
	}
	return nil
}

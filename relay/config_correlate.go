package relay

import (
	"errors"
	"fmt"

	"github.com/BurntSushi/toml"
	"github.com/nomenhq/nomen/relay/correlate"
)

// CorrelateConfig is the [correlate] section: rule lists by kind
// ([[correlate.match]], [[correlate.threshold]], [[correlate.pair]],
// [[correlate.first_seen]]) and [correlate.process].
type CorrelateConfig = correlate.Config

func decodeCorrelate(md *toml.MetaData, p toml.Primitive, c *CorrelateConfig) error {
	if err := md.PrimitiveDecode(p, c); err != nil {
		var pe toml.ParseError
		if errors.As(err, &pe) {
			return err // config.Decode says file:line: correlate.KIND.KEY: message
		}
		return fmt.Errorf("correlate: %w", err)
	}
	return nil
}

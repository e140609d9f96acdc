package relay

import (
	"github.com/BurntSushi/toml"
	"github.com/nomenhq/nomen/relay/correlate"
)

// CorrelateConfig is the [correlate] section: rule lists by kind
// ([[correlate.match]], [[correlate.threshold]], [[correlate.pair]],
// [[correlate.first_seen]]) and [correlate.process].
type CorrelateConfig = correlate.Config

func decodeCorrelate(md *toml.MetaData, p toml.Primitive, c *CorrelateConfig) error {
	// Unwrapped: toml's error names the key (correlate.threshold.window)
	// and its line, which config.Decode turns into file:LINE: key: message.
	return md.PrimitiveDecode(p, c)
}

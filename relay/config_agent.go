package relay

import (
	"github.com/BurntSushi/toml"
	"github.com/nomenhq/nomen/relay/agent"
)

// AgentListener is a [[listener]] with protocol = "agent" (keys: agent.Config).
type AgentListener struct {
	agent.Config
}

func decodeAgentListener(md *toml.MetaData, p toml.Primitive) (AgentListener, error) {
	var a AgentListener
	err := md.PrimitiveDecode(p, &a.Config)
	return a, err
}

func (a *AgentListener) setDefaults(stateDir string) {
	a.Config.StateDir = stateDir
	a.Config = a.Config.WithDefaults()
}

func (a *AgentListener) validate() error { return a.Config.Validate() }

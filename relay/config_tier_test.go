package relay

import (
	"strings"
	"testing"

	"github.com/nomenhq/nomen/internal/config"
	"github.com/nomenhq/nomen/relay/partition"
)

const tierConfig = "hostname = \"tier 1.example\"\n" + minimalConfig + `
[[listener]]
name = "bus"
protocol = "nats"
stream = "NOMEN"
`

func TestTierConfig(t *testing.T) {
	cfg, err := ParseConfigData("t.toml", []byte(tierConfig+"[tier]\nlistener = \"bus\"\n"))
	if err != nil {
		t.Fatal(err)
	}
	want := TierConfig{Listener: "bus", Instance: "tier_1_example", Bucket: DefaultTierBucket, Partitions: partition.DefaultCount,
		LeaseTTL: config.Duration(partition.DefaultTTL), Replicas: 1}
	if cfg.Tier != want {
		t.Errorf("defaults: %+v, want %+v", cfg.Tier, want)
	}
	if cfg, err := ParseConfigData("t.toml", []byte(tierConfig)); err != nil || cfg.Tier.enabled() {
		t.Errorf("without [tier]: %+v, %v", cfg.Tier, err)
	}
	for section, want := range map[string]string{
		`listener = "udp"`:                       `no nats listener of that name`,
		`instance = "a"`:                         `listener = "<a nats listener>" is required`,
		"listener = \"bus\"\ninstance = \"a.b\"": `tier.instance "a.b"`,
		"listener = \"bus\"\npartitions = -1":    `tier.partitions -1`,
		"listener = \"bus\"\nlease_ttl = \"1s\"": `tier.lease_ttl 1s`,
	} {
		_, err := ParseConfigData("t.toml", []byte(tierConfig+"[tier]\n"+section+"\n"))
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("[tier] %s: error %v, want %q", section, err, want)
		}
	}
}

package ecs

import (
	"testing"
	"time"

	"github.com/nomenhq/nomen/relay/event"
)

func TestParseHMS(t *testing.T) {
	for in, want := range map[string]int64{"0:00:00": 0, "0:01:07": 67e9, "27:03:09": 97389e9} {
		if got, ok := ParseHMS(in); !ok || got != want {
			t.Errorf("ParseHMS(%q) = %d, %v", in, got, ok)
		}
	}
	for _, in := range []string{"", "1:2", "0:60:00", "a:b:c", "1d2h"} {
		if _, ok := ParseHMS(in); ok {
			t.Errorf("ParseHMS(%q) accepted", in)
		}
	}
}

func TestSetTransport(t *testing.T) {
	for in, want := range map[string][2]string{
		"TCP": {"tcp", "6"}, "udp": {"udp", "17"}, "ICMPv6": {"ipv6-icmp", "58"}, "17": {"udp", "17"},
		"47": {"gre", "47"}, "253": {"", "253"}, "SCTP": {"sctp", "132"}, "xyz": {"xyz", ""},
		"carp": {"carp", "112"}, "": {"", ""}, "300": {"", ""},
	} {
		e := event.New(time.Time{})
		SetTransport(e, in)
		if got := [2]string{e.Str("network.transport"), e.Str("network.iana_number")}; got != want {
			t.Errorf("SetTransport(%q) = %v, want %v", in, got, want)
		}
	}
}

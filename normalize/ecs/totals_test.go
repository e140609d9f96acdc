package ecs

import (
	"testing"

	"github.com/nomenhq/nomen/relay/event"
)

func TestSetNetworkTotals(t *testing.T) {
	e := &event.Event{}
	e.SetInt("source.bytes", 1188)
	e.SetInt("destination.bytes", 1224)
	e.SetInt("source.packets", 17)
	SetNetworkTotals(e)
	if v, _ := e.Field("network.bytes"); v.Num != 2412 {
		t.Errorf("network.bytes = %v, want 2412", v)
	}
	if e.Has("network.packets") {
		t.Error("network.packets set from one side only")
	}
	e = &event.Event{}
	e.SetInt("source.bytes", 5)
	e.SetInt("destination.bytes", 7)
	e.SetInt("network.bytes", 100) // the device's own total stays
	SetNetworkTotals(e)
	if v, _ := e.Field("network.bytes"); v.Num != 100 {
		t.Errorf("network.bytes = %v, want the device's 100", v)
	}
}

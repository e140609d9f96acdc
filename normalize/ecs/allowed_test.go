package ecs

import (
	"testing"

	"github.com/nomenhq/nomen/normalize/vendor"
)

func TestCheckClass(t *testing.T) {
	good := []vendor.Class{{}, {Outcome: "failure"}, {Category: []string{"network"}, Type: []string{"connection", "denied"}, Action: "connection-denied", Outcome: "failure"}}
	for _, c := range good {
		if err := CheckClass(c); err != nil {
			t.Errorf("%+v: %v", c, err)
		}
	}
	bad := []vendor.Class{{Outcome: "ok"}, {Category: []string{"firewall"}, Type: []string{"info"}, Action: "x"},
		{Category: []string{"network"}, Type: []string{"blocked"}, Action: "x"}, {Category: []string{"network"}, Action: "x"},
		{Category: []string{"network"}, Type: []string{"info"}, Action: "Connection_Denied"},
		{Category: []string{"network"}, Type: []string{"info"}, Action: "a--b"}}
	for _, c := range bad {
		if err := CheckClass(c); err == nil {
			t.Errorf("%+v: no error", c)
		}
	}
}

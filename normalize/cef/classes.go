package cef

import (
	"strings"

	"github.com/nomenhq/nomen/normalize/vendor"
)

// The classes a CEF or LEEF message can get from its own words; the
// actions are those of ciscocatalog where the meaning is the same.
var (
	classAllowed = vendor.Class{Category: []string{"network"}, Type: []string{"connection", "allowed"},
		Action: "connection-allowed", Outcome: "success"}
	classDenied = vendor.Class{Category: []string{"network"}, Type: []string{"connection", "denied"},
		Action: "connection-denied", Outcome: "failure"}
)

// cefFacts collects what the classification needs while the pairs go by.
type cefFacts struct {
	act     string // act / deviceAction
	outcome string // "success", "failure" or ""
	network bool   // an address or a port was given
}

func (f *cefFacts) note(key, v string) {
	switch key {
	case "act", "deviceAction":
		f.act = v
	case "outcome", "eventOutcome":
		f.outcome = outcomeOf(v)
	case "src", "dst", "sourceAddress", "destinationAddress", "spt", "dpt", "sourcePort", "destinationPort":
		f.network = true
	}
}

// class: an allow/deny verb in act on a message with network endpoints is
// a connection verdict (firewalls, proxies, IPS); otherwise only outcome.
func (f *cefFacts) class() vendor.Class {
	if f.network {
		switch verdict(f.act) {
		case 'a':
			return classAllowed
		case 'd':
			return classDenied
		}
	}
	if f.outcome != "" {
		return vendor.Class{Outcome: f.outcome}
	}
	return vendor.Class{}
}

// verdict: 'a' for an allowing verb, 'd' for a denying one, 0 otherwise.
func verdict(act string) byte {
	for _, w := range [...]string{"accept", "accepted", "allow", "allowed", "permit", "permitted", "pass", "passed"} {
		if vendor.EqualFold(act, w) {
			return 'a'
		}
	}
	for _, w := range [...]string{"deny", "denied", "drop", "dropped", "block", "blocked", "reject", "rejected",
		"refuse", "refused", "discard", "discarded"} { // Forcepoint NGFW: Refuse, Discard
		if vendor.EqualFold(act, w) {
			return 'd'
		}
	}
	return 0
}

// outcomeOf reads "success"/"failure" in the spellings producers use
// ("Success", "/Success", "/Failure").
func outcomeOf(v string) string {
	v = strings.TrimPrefix(v, "/")
	switch {
	case vendor.EqualFold(v, "success"):
		return "success"
	case vendor.EqualFold(v, "failure"), vendor.EqualFold(v, "failed"):
		return "failure"
	}
	return ""
}

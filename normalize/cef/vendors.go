package cef

import (
	"strings"

	"github.com/nomenhq/nomen/normalize/checkpoint"
	"github.com/nomenhq/nomen/normalize/fortinet"
	"github.com/nomenhq/nomen/normalize/vendor"
)

// vendorKeys returns the key map of a producer whose extension carries its
// own keys beside the CEF dictionary ones, or nil. A producer's map is
// asked first; keys it does not know fall back to the dictionary.
func vendorKeys(deviceVendor, product string) func(string) (Field, bool) {
	switch {
	case vendor.EqualFold(deviceVendor, "Check Point"):
		return checkPointKey
	case vendor.EqualFold(deviceVendor, "Fortinet"):
		return fortinetKey
	}
	return nil
}

// checkPointKey: the Check Point Log Exporter's CEF mapping maps the
// fields it can to CEF keys and leaves others under their Check Point
// names; those get the checkpoint package's map.
func checkPointKey(key string) (Field, bool) {
	f, ok := checkpoint.Lookup(key)
	return Field(f), ok
}

// fortinetKey: FortiOS's CEF output prefixes its own log fields with
// "FTNTFGT" ("FTNTFGTpolicyid"); the rest of the key is a FortiOS log key.
func fortinetKey(key string) (Field, bool) {
	k, ok := strings.CutPrefix(key, "FTNTFGT")
	if !ok {
		return Field{}, false
	}
	f, ok := fortinet.Lookup(k)
	if f.Key == "event.code" {
		return Field{}, false // the header's Signature ID is event.code
	}
	return Field(f), ok
}

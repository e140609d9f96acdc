package cef

import "github.com/nomenhq/nomen/normalize/vendor"

// vendorKeys returns the key map of a producer whose extension keys are not
// all CEF dictionary keys, or nil. A producer's map is asked first; keys it
// does not know fall back to the dictionary.
func vendorKeys(deviceVendor, product string) func(string) (Field, bool) {
	switch {
	case vendor.EqualFold(deviceVendor, "Check Point"):
		return checkPointKey
	}
	return nil
}

// checkPointKey: the Check Point Log Exporter's CEF mapping (sk122323)
// carries the Check Point fields it does not map to a CEF key under their
// own names.
func checkPointKey(key string) (Field, bool) {
	switch key {
	case "ifname":
		return Field{"observer.ingress.interface.name", vendor.Interface}, true
	case "inzone":
		return Field{"observer.ingress.zone", vendor.Word}, true
	case "outzone":
		return Field{"observer.egress.zone", vendor.Word}, true
	case "rule_name":
		return Field{"rule.name", vendor.Text}, true
	case "rule_uid":
		return Field{"rule.uuid", vendor.Word}, true
	case "layer_name":
		return Field{"rule.ruleset", vendor.Text}, true
	}
	return Field{}, false
}

package gateway

import "github.com/nomenhq/nomen/normalize/ecs"

// newKeyCache builds the field names of a namespace's Extra keys
// ("fortinet.fortigate." + "vd") once rather than on every line: a device
// repeats the same few dozen keys, and the concatenation was most of a
// line's allocations (ecs.StringCache bounds it: the keys come from the
// message, CEF, LEEF and FortiGate producers write their own).
func newKeyCache(namespace string) *ecs.StringCache {
	return ecs.NewStringCache(func(key string) string { return namespace + key })
}

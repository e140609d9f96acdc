package ecs

import (
	"slices"
	"strings"
)

// AllowedValues are ECS's allowed values for the categorization fields
// (ECS 8.17, https://www.elastic.co/guide/en/ecs/current/ecs-allowed-values-event-category.html).
// The one copy: user rules are checked against it at load, the golden
// tests and docs/actions.md check every decoder's output against it.
var AllowedValues = map[string][]string{
	"event.kind": {"alert", "asset", "enrichment", "event", "metric", "state", "pipeline_error", "signal"},
	"event.category": {"api", "authentication", "configuration", "database", "driver", "email", "file",
		"host", "iam", "intrusion_detection", "library", "malware", "network", "package", "process",
		"registry", "session", "threat", "vulnerability", "web"},
	"event.type": {"access", "admin", "allowed", "change", "connection", "creation", "deletion", "denied",
		"end", "error", "group", "indicator", "info", "installation", "protocol", "start", "user"},
	"event.outcome": {"failure", "success", "unknown"},
}

// Allowed reports whether v is an allowed value of the categorization
// field key; fields without a list allow anything.
func Allowed(key, v string) bool {
	allowed, ok := AllowedValues[key]
	return !ok || slices.Contains(allowed, v)
}

// IsAction reports whether a is an event.action in nomen's convention
// (ECS style): lower-case words of letters and digits joined by single
// hyphens ("ssh-login", "user-create").
func IsAction(a string) bool {
	if a == "" || a[0] == '-' || a[len(a)-1] == '-' || strings.Contains(a, "--") {
		return false
	}
	for i := 0; i < len(a); i++ {
		c := a[i]
		if !('a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-') {
			return false
		}
	}
	return true
}

package ecs

import (
	"errors"
	"slices"
	"strings"

	"github.com/nomenhq/nomen/normalize/vendor"
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

// ExpectedTypes are, per event.category, the event.type values ECS 8.17
// expects with it ("Expected event types for this category" of
// https://www.elastic.co/guide/en/ecs/current/ecs-allowed-values-event-category.html).
var ExpectedTypes = map[string][]string{
	"api":                 {"access", "admin", "allowed", "change", "creation", "deletion", "denied", "end", "info", "start", "user"},
	"authentication":      {"start", "end", "info"},
	"configuration":       {"access", "change", "creation", "deletion", "info"},
	"database":            {"access", "change", "info", "error"},
	"driver":              {"change", "end", "info", "start"},
	"email":               {"info"},
	"file":                {"access", "change", "creation", "deletion", "info"},
	"host":                {"access", "change", "end", "info", "start"},
	"iam":                 {"admin", "change", "creation", "deletion", "group", "info", "user"},
	"intrusion_detection": {"allowed", "denied", "info"},
	"library":             {"start"},
	"malware":             {"info"},
	"network":             {"access", "allowed", "connection", "denied", "end", "info", "protocol", "start"},
	"package":             {"access", "change", "deletion", "info", "installation", "start"},
	"process":             {"access", "change", "end", "info", "start"},
	"registry":            {"access", "change", "creation", "deletion"},
	"session":             {"start", "end", "info"},
	"threat":              {"indicator"},
	"vulnerability":       {"info"},
	"web":                 {"access", "error", "info"},
}

// TypeExpected reports whether ECS expects event.type typ with at least
// one of the event.category values cats.
func TypeExpected(cats []string, typ string) bool {
	for _, c := range cats {
		if slices.Contains(ExpectedTypes[c], typ) {
			return true
		}
	}
	return false
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

// CheckClass reports what is wrong with a vendor package's class: a
// category, type or outcome outside ECS's allowed values, an action that
// is not lower-case words joined by single hyphens, a category without a
// type. The vendor packages' tests run it over every class they can
// return; an empty class, or one with only an outcome, is right.
func CheckClass(c vendor.Class) error {
	if c.Outcome != "" && !Allowed("event.outcome", c.Outcome) {
		return errors.New("event.outcome " + c.Outcome + " is not an ECS allowed value")
	}
	if c.Action == "" && len(c.Category) == 0 && len(c.Type) == 0 {
		return nil // outcome only, or nothing
	}
	if len(c.Category) == 0 || len(c.Type) == 0 {
		return errors.New("class without category or type")
	}
	for _, v := range c.Category {
		if !Allowed("event.category", v) {
			return errors.New("event.category " + v + " is not an ECS allowed value")
		}
	}
	for _, v := range c.Type {
		if !Allowed("event.type", v) {
			return errors.New("event.type " + v + " is not an ECS allowed value")
		}
	}
	if !IsAction(c.Action) {
		return errors.New("event.action " + c.Action + " is not lower-case and hyphenated")
	}
	return nil
}

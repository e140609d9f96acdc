package vendor

import (
	"errors"
	"slices"
)

// ECS allowed values (ECS 8.17) for the fields a Class sets.
var (
	ECSCategories = []string{"api", "authentication", "configuration", "database", "driver", "email", "file",
		"host", "iam", "intrusion_detection", "library", "malware", "network", "package", "process",
		"registry", "session", "threat", "vulnerability", "web"}
	ECSTypes = []string{"access", "admin", "allowed", "change", "connection", "creation", "deletion", "denied",
		"end", "error", "group", "indicator", "info", "installation", "protocol", "start", "user"}
	ECSOutcomes = []string{"", "failure", "success", "unknown"}
)

// Check reports what is wrong with a non-empty class: a category, type or
// outcome outside ECS's allowed values, an action that is not lower-case
// words joined by single hyphens, a category without a type. The vendor
// packages' tests run it over every class they can return.
func (c *Class) Check() error {
	if !slices.Contains(ECSOutcomes, c.Outcome) {
		return errors.New("event.outcome " + c.Outcome + " is not an ECS allowed value")
	}
	if c.Action == "" && len(c.Category) == 0 && len(c.Type) == 0 {
		return nil // outcome only, or nothing
	}
	if len(c.Category) == 0 || len(c.Type) == 0 {
		return errors.New("class without category or type")
	}
	for _, v := range c.Category {
		if !slices.Contains(ECSCategories, v) {
			return errors.New("event.category " + v + " is not an ECS allowed value")
		}
	}
	for _, v := range c.Type {
		if !slices.Contains(ECSTypes, v) {
			return errors.New("event.type " + v + " is not an ECS allowed value")
		}
	}
	if !IsAction(c.Action) {
		return errors.New("event.action " + c.Action + " is not lower-case and hyphenated")
	}
	return nil
}

// IsAction: lower-case words (letters, digits) joined by single hyphens.
func IsAction(a string) bool {
	if a == "" || a[0] == '-' || a[len(a)-1] == '-' {
		return false
	}
	for i := 0; i < len(a); i++ {
		c := a[i]
		if c == '-' && a[i-1] == '-' {
			return false
		}
		if !('a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-') {
			return false
		}
	}
	return true
}

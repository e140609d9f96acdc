package config

import (
	"fmt"
	"os"
	"regexp"
	"strings"
)

var envRef = regexp.MustCompile(`\$\{([A-Za-z_][A-Za-z0-9_]*)(:-([^}]*))?\}`)

// ExpandEnv replaces ${NAME} and ${NAME:-default} in a config file with
// environment variables (secrets such as tokens and passwords stay out of
// the file; the benchmark harness passes ports this way). A variable that
// is unset and has no default is an error naming it and its line; comment
// lines are left alone.
func ExpandEnv(name string, data []byte) ([]byte, error) {
	if !strings.Contains(string(data), "${") {
		return data, nil
	}
	lines := strings.SplitAfter(string(data), "\n")
	var missing []string
	for i, line := range lines {
		if strings.HasPrefix(strings.TrimSpace(line), "#") || !strings.Contains(line, "${") {
			continue
		}
		lines[i] = envRef.ReplaceAllStringFunc(line, func(ref string) string {
			m := envRef.FindStringSubmatch(ref)
			if v, ok := os.LookupEnv(m[1]); ok {
				return v
			}
			if m[2] != "" {
				return m[3]
			}
			missing = append(missing, fmt.Sprintf("line %d: environment variable %s is not set (use ${%s:-default} for a default)", i+1, m[1], m[1]))
			return ref
		})
	}
	if len(missing) > 0 {
		return nil, fmt.Errorf("%s: %s", name, strings.Join(missing, "; "))
	}
	return []byte(strings.Join(lines, "")), nil
}

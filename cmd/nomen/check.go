package main

import (
	"fmt"
	"io"

	"github.com/nomenhq/nomen/relay"
)

// checkCmd validates a configuration the way `run` would load it: strict
// decoding, every value, TLS files, filters, rules (compiled and their
// embedded tests run). Exit status 1 with the problems on stderr.
func checkCmd(path string, stdout, stderr io.Writer) int {
	if missingDefaultConfig(path, stderr) {
		return 1
	}
	report, err := relay.Check(path)
	if err != nil {
		fmt.Fprintln(stderr, "nomen:", err)
		return 1
	}
	fmt.Fprintln(stdout, report)
	return 0
}

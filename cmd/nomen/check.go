package main

import (
	"fmt"
	"io"

	"github.com/nomenhq/nomen/relay"
)

// checkCmd validates a configuration the way `run` would load it and
// looks for what run would hit (relay.Check): every problem at once, each
// with file and line. Exit status 1 with the errors on stderr; warnings
// alone leave it 0.
func checkCmd(path string, opts relay.CheckOptions, stdout, stderr io.Writer) int {
	if missingDefaultConfig(path, stderr) {
		return 1
	}
	r := relay.Check(path, opts)
	for _, w := range r.Warnings {
		fmt.Fprintln(stderr, w)
	}
	if !r.OK() {
		for _, e := range r.Errors {
			fmt.Fprintln(stderr, e)
		}
		noun := "errors"
		if len(r.Errors) == 1 {
			noun = "error"
		}
		fmt.Fprintf(stderr, "nomen: %s: %d %s\n", path, len(r.Errors), noun)
		return 1
	}
	fmt.Fprintln(stdout, r.Summary)
	return 0
}

package main

import (
	"flag"
	"fmt"
	"io"
	"time"

	"github.com/nomenhq/nomen/relay"
)

// checkCmd validates a configuration the way `run` would load it and
// looks for what run would hit (relay.Check): every problem at once, each
// with file and line. Exit status 1 with the errors on stderr; warnings
// alone leave it 0.
func checkCmd(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("nomen check", flag.ContinueOnError)
	fs.SetOutput(stderr)
	path := fs.String("config", defaultConfig, "configuration file")
	user := fs.String("user", "", "check file access for this user, the one the service runs as (default: the current user)")
	online := fs.Bool("online", false, "also check that every output's destination can be reached")
	timeout := fs.Duration("timeout", 5*time.Second, "with -online: how long to try each destination")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	r := relay.Check(*path, relay.CheckOptions{User: *user, Online: *online, Timeout: *timeout})
	for _, w := range r.Warnings {
		fmt.Fprintln(stderr, w)
	}
	if !r.OK() {
		for _, e := range r.Errors {
			fmt.Fprintln(stderr, e)
		}
		fmt.Fprintf(stderr, "nomen: %s: %d errors\n", *path, len(r.Errors))
		return 1
	}
	fmt.Fprintln(stdout, r.Summary)
	return 0
}

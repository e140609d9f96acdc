// Command nomen is the syslog relay daemon and its tools.
//
//	nomen run     -config FILE   run the relay (the default command)
//	nomen check   -config FILE   validate the configuration and run rule tests
//	nomen parse  [-config FILE]  normalize raw lines from stdin to JSON on stdout
//	nomen coverage [-config FILE] [-json] [-top N] [FILE...]
//	                             normalized lines per source, shapes of the rest
//	nomen version                print the version
package main

import (
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"strings"
)

// version is set at build time (-ldflags "-X main.version=...").
var version = ""

const defaultConfig = "/etc/nomen/nomen.toml"

func main() {
	os.Exit(dispatch(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

func dispatch(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	cmd := "run"
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		cmd, args = args[0], args[1:]
	}
	switch cmd {
	case "run":
		return runCmd(args, stderr)
	case "check":
		return checkCmd(args, stdout, stderr)
	case "parse":
		return parseCmd(args, stdin, stdout, stderr)
	case "coverage":
		return coverageCmd(args, stdin, stdout, stderr)
	case "version":
		fmt.Fprintln(stdout, "nomen", Version())
		return 0
	case "help", "-h", "--help":
		usage(stdout)
		return 0
	}
	fmt.Fprintf(stderr, "nomen: unknown command %q\n", cmd)
	usage(stderr)
	return 2
}

func usage(w io.Writer) {
	fmt.Fprint(w, `usage:
  nomen run     -config FILE   run the relay (default command; SIGHUP reloads, SIGTERM drains)
  nomen check   -config FILE   validate the configuration and run the rules' embedded tests
  nomen parse  [-config FILE]  read raw lines on stdin, print one normalized JSON event per line
  nomen coverage [-config FILE] [-json] [-top N] [FILE...]
                               how many lines of log files (or stdin) nomen normalizes, per source,
                               and the most frequent shapes of the rest
  nomen version                print the version
`)
}

// Version is the build's version: the -ldflags value, else the module's.
func Version() string {
	if version != "" {
		return version
	}
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, s := range bi.Settings {
			if s.Key == "vcs.revision" && len(s.Value) >= 12 {
				return "dev-" + s.Value[:12]
			}
		}
		if bi.Main.Version != "" && bi.Main.Version != "(devel)" {
			return bi.Main.Version
		}
	}
	return "dev"
}

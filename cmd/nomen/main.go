// Command nomen is the syslog relay daemon and its tools. Its commands,
// their flags and what the man page says of them are the table in
// commands.go; `nomen help` lists them.
package main

import (
	"os"
	"runtime/debug"

	"github.com/nomenhq/nomen/internal/cli"
)

// version is set at build time (-ldflags "-X main.version=...").
var version = ""

const defaultConfig = "/etc/nomen/nomen.toml"

func main() {
	env := &cli.Env{Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr}
	os.Exit(program().Main(os.Args[1:], env))
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

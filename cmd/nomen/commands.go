package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"time"

	"github.com/nomenhq/nomen/internal/cli"
	"github.com/nomenhq/nomen/relay"
)

// program is nomen's command line: the one table its dispatch, `nomen
// help`, the man page docs/man/nomen.8 and the shell completions under
// packaging/completions are made from (docs_test.go keeps the committed
// files in step with it).
func program() *cli.Program {
	return &cli.Program{
		Name:    "nomen",
		Section: "8",
		Summary: "syslog relay that normalizes, correlates and forwards events",
		Doc: `nomen receives syslog (RFC 5424, RFC 3164 and vendor dialects over UDP, TCP, TLS and a local socket) and Windows events from nomen-agent(8), turns them into Elastic Common Schema (ECS) fields, tracks sequence gaps, correlates events into findings, and forwards them through a durable journal to files, syslog, HTTP (Splunk, Elasticsearch), PostgreSQL, NATS and Kafka.

Its configuration is nomen.toml(5). Flags take one dash (-config FILE); two work as well.`,
		Default:  "run",
		Version:  Version,
		Commands: commands(),
		Sections: []cli.Section{
			{Title: "files", Body: `/etc/nomen/nomen.toml
    the configuration (-config); /etc/nomen/rules/*.toml, rule files it names
/var/lib/nomen
    state_dir: the journal, output and agent cursors, sequence and correlation state
/var/lib/nomen/api.token
    the API's bearer token (metrics.token_file), written at the first start`},
			{Title: "signals", Body: `SIGHUP
    reload the configuration (an invalid one is refused and the running one kept) and reopen output files
SIGTERM, SIGINT
    drain the listeners, pipeline and outputs (at most shutdown_timeout) and exit`},
			{Title: "exit status", Body: `0
    success; help and version
1
    the command failed: a configuration error, a failed rule test, a lost connection that cannot be retried
2
    a usage error: an unknown command or flag, a missing or bad flag value`},
		},
		SeeAlso: []string{"nomen.toml(5)", "nomen-agent(8)", "systemctl(1)", "journalctl(1)"},
	}
}

// commands is the table of nomen's commands (internal/cli): long because
// it is a table, a row each.
func commands() []*cli.Command {
	return []*cli.Command{
		{
			Name:    "run",
			Summary: "run the relay (the default command)",
			Doc:     `Runs until SIGTERM or SIGINT, then drains. SIGHUP reloads the configuration and reopens output files (logrotate). Under systemd it reports readiness and reloads (Type=notify) and feeds the watchdog.`,
			Values:  map[string]string{"config": "FILE"},
			Flags: func(fs *flag.FlagSet, env *cli.Env) func() int {
				path := fs.String("config", defaultConfig, "configuration `FILE`")
				return func() int { return runCmd(*path, env.Stderr) }
			},
		},
		{
			Name:    "check",
			Summary: "validate the configuration and run the rules' embedded tests",
			Doc:     `Loads the configuration the way run would: strict decoding (an unknown key is an error naming it and its line), every value, TLS files, filters, rules compiled and their tests run. It then binds each listener's address (and the metrics port) and closes it at once; for a unix socket, the service must be able to create it. An address this host does not have is an error. A port or socket already in use is a warning, not an error: check cannot tell another program from the nomen already running, which holds its ports across a reload; before a first start, treat it as the error run will hit. A port below 1024 that the user running check may not bind is a warning too. So is a user rule whose event.type ECS does not expect with its event.category, or whose event.action is not lower-case words joined by hyphens (the style of the built-in actions): the rule loads as written, and run logs the same warning at start and reload. Each problem is one line, FILE:LINE: message, the form run and a failed reload log; all are reported at once (an output or listener that does not decode, an unknown type or a value of the wrong kind, is left out and the rest still checked; only a syntax error, or a wrong value outside the listeners and outputs, stops decoding there). Prints a summary and exits 0 (warnings alone do not fail), or the problems and exits 1.`,
			Values:  map[string]string{"config": "FILE"},
			Flags: func(fs *flag.FlagSet, env *cli.Env) func() int {
				path := fs.String("config", defaultConfig, "configuration `FILE`")
				user := fs.String("user", "", "check file access for the `USER` the service runs as (default: the current user)")
				online := fs.Bool("online", false, "also check that every output's destination can be reached")
				timeout := fs.Duration("timeout", 5*time.Second, "with -online: how long to try each destination")
				return func() int {
					return checkCmd(*path, relay.CheckOptions{User: *user, Online: *online, Timeout: *timeout}, env.Stdout, env.Stderr)
				}
			},
		},
		{
			Name:    "parse",
			Summary: "normalize raw lines from stdin to one ECS JSON event per line",
			Doc: `Reads syslog lines (wire format or a bare message) on standard input and prints each as the JSON document the outputs would get: the way to develop and debug a rule.

    echo '<38>Nov 22 10:15:02 web1 sshd[392]: Accepted publickey for alice from 10.0.0.5 port 4711 ssh2' | nomen parse

-trace shows, for each frame, every phase of the decode step: the framing; the parser (rfc5424, rfc3164) and each dialect quirk it met (a Cisco sequence number, a missing hostname, a Solaris [ID] block, spaces removed, a prog(module) tag split); normalization (every user rule of the program tried alone, matched or where its pattern stopped matching; the built-in decoders tried by program, prefix or sniffing and their verdict, or why none); the fields each phase set, changed or removed; and the final event. -json prints the same as one JSON object per frame.

-correlate runs sequence tracking and the [correlate] rules of -config over the input in event time (the events' @timestamp is the clock; their receive time is set to it) and prints the findings and gap alerts after the events, or with -trace after the frame that raised them. At the end of the input the clock moves on one hour, so that pending gaps and pair windows close.

    nomen parse -correlate -config /etc/nomen/nomen.toml < /var/log/auth.log

-framing cuts standard input as a TCP listener with that framing would (auto: octet counting or LF per frame) instead of one frame per line.`,
			Values: map[string]string{"config": "FILE", "framing": "auto lf octet"},
			Flags: func(fs *flag.FlagSet, env *cli.Env) func() int {
				var o parseOptions
				fs.StringVar(&o.config, "config", "", "configuration `FILE` (for [normalize] rules and [parse] timezone; with -correlate, [sequence] and [correlate]); default: built-in decoders only")
				fs.BoolVar(&o.trace, "trace", false, "show each phase of each frame: framing, parse, normalize, the fields each set, the event")
				fs.BoolVar(&o.json, "json", false, "with -trace: one JSON object per frame instead of text")
				fs.BoolVar(&o.correlate, "correlate", false, "run sequence tracking and the correlation rules of -config in event time and print their findings and gaps")
				fs.StringVar(&o.framing, "framing", "", "cut stdin as a TCP listener with this framing `MODE` would (auto, lf, octet); default: one frame per line")
				return func() int { return parseCmd(o, env.Stdin, env.Stdout, env.Stderr) }
			},
		},
		{
			Name:    "coverage",
			Args:    "[FILE...]",
			Summary: "how many lines of log files nomen normalizes, per source, and the shapes of the rest",
			Doc: `Reads syslog lines from the FILEs (standard input when none or "-"; gzip, lz4, zstd and bzip2 are decompressed, detected by content) through the decode step nomen run uses, and reports per source how many lines a decoder or rule normalized, and the most frequent shapes of the lines none did: numbers, addresses, ids, users and paths masked (<num>, <ip>, <user>, ...), each with its count and one example line. The schema of -json is in docs/coverage.md.

    nomen coverage /var/log/auth.log*`,
			Values: map[string]string{"config": "FILE"},
			Flags: func(fs *flag.FlagSet, env *cli.Env) func() int {
				path := fs.String("config", "", "configuration `FILE` (for [normalize] rules and [parse] timezone); default: built-in decoders only")
				asJSON := fs.Bool("json", false, "print one JSON document (schema: docs/coverage.md) instead of text")
				top := fs.Int("top", 10, "`N` unrecognized shapes shown per source (0: all)")
				return func() int { return coverageCmd(*path, *asJSON, *top, env.Args, env.Stdin, env.Stdout, env.Stderr) }
			},
		},
		{
			Name:    "tap",
			Summary: "print the live event stream of a running nomen",
			Doc: `Subscribes to the API's /v1/events and prints the events as they are journaled, until interrupted. When the connection is lost (a reload of the API, a restart, nomen down) it says so on stderr and reconnects with backoff; events journaled meanwhile are not shown (they are in the outputs).

The API address and the bearer token file come from the configuration ([metrics] listen and token_file, by default <state_dir>/api.token, readable by root or the service user), or from -api and -token-file. -where takes the API's filter terms: field=value[,value...], * globs, ! alone for an absent field; all terms must hold.

    nomen tap -where event.category=authentication -where event.outcome=failure`,
			Values: map[string]string{"config": "FILE", "token-file": "FILE", "format": "json text"},
			Flags: func(fs *flag.FlagSet, env *cli.Env) func() int {
				var o tapOptions
				o.api.register(fs)
				fs.Var(&o.where, "where", "only events where `FIELD=VALUE` holds (the API's filter form)")
				fs.StringVar(&o.format, "format", "text", "output `FORMAT`: text (one line per event) or json (the ECS document)")
				return func() int { return tapCmd(o, env.Stdout, env.Stderr) }
			},
		},
		{
			Name:    "top",
			Summary: "show rates, lag, drops, findings and gaps of a running nomen",
			Doc: `Reads /metrics every -interval and shows, per listener, events and bytes per second; per output, events per second, lag (journaled events not yet delivered), failures and its state (ok, failing, cannot_open, config_error, deadletter_full: nomen_output_state); events dropped by stage and reason; findings by rule; sequence gaps and missing events. Rates are the difference of two readings divided by the time between them, so the first screen has none. Totals are since nomen started.

The address (and, with metrics_auth, the token) come from the configuration or -api and -token-file, as for tap.`,
			Values: map[string]string{"config": "FILE", "token-file": "FILE"},
			Flags: func(fs *flag.FlagSet, env *cli.Env) func() int {
				var o topOptions
				o.api.register(fs)
				fs.DurationVar(&o.interval, "interval", time.Second, "time between readings")
				fs.IntVar(&o.count, "count", 0, "exit after `N` screens (status 1 if the last could not read /metrics); 0: until interrupted")
				fs.BoolVar(&o.plain, "plain", false, "print each screen after the last instead of redrawing the terminal")
				return func() int { return topCmd(o, env.Stdout, env.Stderr) }
			},
		},
	}
}

// missingDefaultConfig explains what to do when no -config was given and
// the default file does not exist, the usual first run of a fresh build.
func missingDefaultConfig(path string, stderr io.Writer) bool {
	if path != defaultConfig {
		return false
	}
	if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
		fmt.Fprintf(stderr, "nomen: no configuration at %s: pass -config FILE (configs/nomen.toml is the reference), or see `nomen help`\n", path)
		return true
	}
	return false
}

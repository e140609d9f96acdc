package main

// docs/man/nomen-agent.8 is generated from the agent's flags: connFlags
// (every sending command's) registered by the real code, plus the few
// flags of one command, written here and checked against what the command
// itself prints for -h (replay; run's -channels and -log exist on Windows
// only and are checked there by the same test). Regenerate with
//
//	go test ./cmd/nomen-agent -run TestGenerated -update

import (
	"bytes"
	"flag"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"testing"

	"github.com/nomenhq/nomen/internal/cli"
	"github.com/nomenhq/nomen/internal/golden"
)

// agentProgram describes nomen-agent for its man page.
func agentProgram() *cli.Program {
	sending := func(extra func(fs *flag.FlagSet)) func(fs *flag.FlagSet, env *cli.Env) func() int {
		return func(fs *flag.FlagSet, env *cli.Env) func() int {
			var cf connFlags
			cf.register(fs, "")
			if extra != nil {
				extra(fs)
			}
			return nil
		}
	}
	runFlags := func(fs *flag.FlagSet) {
		fs.String("channels", "Security", "comma-separated event log `channels` to send (never filtered)")
		fs.String("log", "", "log `FILE` (default: stderr; as a service: %ProgramData%\\nomen-agent\\agent.log)")
	}
	return &cli.Program{
		Name:    "nomen-agent",
		Section: "8",
		Summary: "send Windows event logs to a nomen relay",
		Doc: `nomen-agent reads Windows event log channels and sends their events to the agent listener of a nomen(8) relay over its native protocol: mutual TLS 1.3, lz4-compressed batches, acknowledged and resumable, so that nothing is lost or sent twice across restarts of either side. The agent id is the subject Common Name of its client certificate.

On other systems it replays files of events (Windows event XML, NXLog im_msvistalog JSON, evtx_dump JSON) as an agent would, for tests and migrations.

Flags take one dash (-relay HOST:PORT). -state defaults to %ProgramData%\nomen-agent\state.json for run and install, and to none (positions kept in memory) for replay.

The agent is made to stay small: it sends from fixed buffers (about three times -batch-bytes), allocates next to nothing per event, and runs the Go runtime on one processor with a small heap (GOMAXPROCS=1, GOGC=25, a soft memory limit of -memory-limit MiB); GOMAXPROCS, GOGC and GOMEMLIMIT in the environment override these. A source that has caught up lets new events gather for half of -batch-delay (at most 100 ms) before reading them, to wake less often.`,
		Version: func() string { return "" },
		Commands: []*cli.Command{
			{Name: "run", Summary: "read event log channels and send them (Windows; as a service or in a console)", Flags: sending(runFlags)},
			{Name: "install", Summary: "install and start the Windows service nomen-agent with the flags of run", Flags: sending(runFlags)},
			{Name: "uninstall", Summary: "stop and remove the Windows service"},
			{
				Name: "replay", Args: "FILE...", Summary: "send the events of Windows event XML, NXLog JSON or evtx_dump JSON files (any system)",
				Doc: "Exits once the relay has acknowledged every event. Replaying the same file again is recognised by the relay and not stored twice.",
				Flags: sending(func(fs *flag.FlagSet) {
					fs.Uint64("epoch", 0, "epoch of every channel (default: the time of the channel's first record, as a FILETIME, so replaying the same file again is recognised by the relay and not stored twice)")
					fs.String("host", "", "host name announced in HELLO (default: the <Computer> of the first record)")
					fs.String("channel", "Unknown", "channel of records that name none")
					fs.Int("rate", 0, "send at most `N` records a second per channel, steadily (default: as fast as the relay takes them)")
					fs.Duration("duration", 0, "load test: send the files' records round and round for this long, the k-th under record id k, in a new epoch (the current time); with -rate, a steady load")
				}),
			},
		},
		Sections: []cli.Section{
			{Title: "exit status", Body: `0
    success
1
    a failure: files unreadable, the relay gone for good
2
    a usage error, or a command this system lacks (run, install and uninstall off Windows)`},
		},
		SeeAlso: []string{"nomen(8)", "nomen.toml(5)"},
	}
}

func TestGeneratedManPage(t *testing.T) {
	golden.Compare(t, filepath.Join("..", "..", "docs", "man", "nomen-agent.8"), []byte(agentProgram().Man()))
}

var reDefaultsFlag = regexp.MustCompile(`(?m)^  -([a-z-]+)`)

// TestManPageFlagsMatchCommands: the flags the man page shows for replay
// (and for run on Windows) are those the command accepts.
func TestManPageFlagsMatchCommands(t *testing.T) {
	check := func(name string, real func([]string, *bytes.Buffer) int) {
		var out bytes.Buffer
		real([]string{"-h"}, &out)
		var got []string
		for _, m := range reDefaultsFlag.FindAllStringSubmatch(out.String(), -1) {
			got = append(got, m[1])
		}
		var want []string
		env := &cli.Env{}
		for _, c := range agentProgram().Commands {
			if c.Name == name {
				fs := flag.NewFlagSet(name, flag.ContinueOnError)
				c.Flags(fs, env)
				fs.VisitAll(func(f *flag.Flag) { want = append(want, f.Name) })
			}
		}
		slices.Sort(got)
		if len(got) == 0 || !slices.Equal(got, want) {
			t.Errorf("%s -h shows flags %v; the man page's table has %v", name, got, want)
		}
	}
	check("replay", func(args []string, out *bytes.Buffer) int { return replayCmd(args, out) })
	if runtime.GOOS == "windows" {
		check("run", func(args []string, out *bytes.Buffer) int { return runCmd(args, out) })
	}
}

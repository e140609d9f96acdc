package main

import (
	"os/exec"
	"strings"
	"testing"
)

// TestCLIHelp: help, -h, --help and --version answer at every level with
// exit 0; mistakes exit 2 and name the valid choices.
func TestCLIHelp(t *testing.T) {
	for _, tc := range []struct {
		args   []string
		code   int
		stdout string // in stdout (exit 0) or stderr (otherwise)
	}{
		{[]string{"-h"}, 0, "commands:"},
		{[]string{"--help"}, 0, "  tap "},
		{[]string{"help"}, 0, "  top "},
		{[]string{"help", "run"}, 0, "usage: nomen run [-config FILE]"},
		{[]string{"help", "tap"}, 0, "-where FIELD=VALUE"},
		{[]string{"run", "-h"}, 0, "usage: nomen run"},
		{[]string{"check", "--help"}, 0, "usage: nomen check"},
		{[]string{"parse", "-help"}, 0, "usage: nomen parse"},
		{[]string{"tap", "-h"}, 0, "-token-file FILE"},
		{[]string{"top", "-h"}, 0, "-interval DURATION"},
		{[]string{"version", "-h"}, 0, "usage: nomen version"},
		{[]string{"--version"}, 0, "nomen "},
		{[]string{"-version"}, 0, "nomen "},
		{[]string{"version"}, 0, "nomen "},
		{[]string{"run", "--version"}, 0, "nomen "},
		{[]string{"rnu"}, 2, `unknown command "rnu"; did you mean "run"?`},
		{[]string{"help", "tpa"}, 2, `did you mean "tap"?`},
		{[]string{"run", "-confg", "x"}, 2, `unknown flag -confg; did you mean "-config"?`},
		{[]string{"tap", "-formt", "json"}, 2, "valid flags: -api, -config, -format, -token-file, -where"},
		{[]string{"check", "-config"}, 2, "flag needs an argument: -config"},
		{[]string{"run", "extra"}, 2, `unexpected argument "extra"`},
		{[]string{"tap", "-format", "xml", "-api", "http://127.0.0.1:1"}, 2, `-format "xml": want text or json`},
		{[]string{"-config", "/nonexistent/nomen.toml"}, 1, "no such file"},
		{[]string{"tap", "-config", "/nonexistent/nomen.toml"}, 1, "no such file"},
	} {
		cmd := exec.Command(nomenBin, tc.args...)
		var stdout, stderr strings.Builder
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		err := cmd.Run()
		out := stdout.String()
		if tc.code != 0 {
			out = stderr.String()
		}
		if code := exitCode(err); code != tc.code || !strings.Contains(out, tc.stdout) {
			t.Errorf("nomen %s: exit %d, stdout %q, stderr %q; want exit %d and %q",
				strings.Join(tc.args, " "), code, stdout.String(), stderr.String(), tc.code, tc.stdout)
		}
	}
}

// TestCLIMissingDefaultConfig: plain `nomen` on a machine without
// /etc/nomen/nomen.toml says what to do instead of only "no such file".
func TestCLIMissingDefaultConfig(t *testing.T) {
	if _, err := exec.Command("test", "-e", defaultConfig).CombinedOutput(); err == nil {
		t.Skipf("%s exists here", defaultConfig)
	}
	for _, args := range [][]string{nil, {"run"}, {"check"}} {
		out, err := exec.Command(nomenBin, args...).CombinedOutput()
		want := "no configuration at /etc/nomen/nomen.toml: pass -config FILE"
		if code := exitCode(err); code != 1 || !strings.Contains(string(out), want) || !strings.Contains(string(out), "nomen help") {
			t.Errorf("nomen %v: exit %d, %q; want exit 1 and %q", args, code, out, want)
		}
	}
}

//go:build !windows

package main

import (
	"fmt"
	"io"
)

// Reading event logs needs Windows; elsewhere the agent only replays files.

func runCmd(_ []string, stderr io.Writer) int {
	fmt.Fprintln(stderr, "nomen-agent run: reading Windows event logs needs Windows; use \"nomen-agent replay FILE...\" on this system")
	return 2
}

func installCmd(_ []string, stderr io.Writer) int {
	fmt.Fprintln(stderr, "nomen-agent install: the service exists on Windows only")
	return 2
}

func uninstallCmd(_ []string, stderr io.Writer) int {
	fmt.Fprintln(stderr, "nomen-agent uninstall: the service exists on Windows only")
	return 2
}

//go:build windows

package main

import "github.com/nomenhq/nomen/normalize/wincatalog"

// defaultChannels are the channels the agent reads when -channels is not
// given: Security and every channel whose events nomen maps to ECS
// (System, Sysmon, PowerShell, Defender, Task Scheduler, WMI, the
// firewall, Remote Desktop, BITS) but the DNS client's, whose volume makes
// it opt-in (named in -channels). Those absent on a host (Sysmon not
// installed) are skipped; Security must exist.
func defaultChannels() []string { return wincatalog.DefaultChannels() }

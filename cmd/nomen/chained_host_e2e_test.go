package main

import (
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/nomenhq/nomen/internal/testpeer"
)

// chainConfig: the direct road and both syslog-ng roads, each a listener.
const chainConfig = headConfig + `[sequence]
enabled = false
[[listener]]
name = "direct"
protocol = "tcp"
address = "127.0.0.1:0"
[[listener]]
name = "syslogng-network"
protocol = "tcp"
address = "127.0.0.1:0"
[[listener]]
name = "syslogng-syslog"
protocol = "tcp"
address = "127.0.0.1:0"
` + archiveOutput

// A syslog-ng relay with its documented chain: keep-hostname(no) and
// chain-hostnames(yes) make HOST "<the message's host>/<the sender>".
const chainSyslogNGConf = `
options { keep-hostname(no); chain-hostnames(yes); use-dns(no); keep-timestamp(yes); };
source s_in { network(ip("127.0.0.1") port({{.Vars.in}}) transport("tcp")); };
destination d_network { network("127.0.0.1" port({{.Vars.network}}) transport("tcp")); };
destination d_syslog { syslog("127.0.0.1" port({{.Vars.syslog}}) transport("tcp")); };
log { source(s_in); destination(d_network); destination(d_syslog); };
`

// TestSyslogNGChainedHostname: a message relayed by a syslog-ng that
// chains host names has the host it was logged on as host.name, as when
// it is sent directly, on both of syslog-ng's forwarding roads; the chain
// as sent stays in log.syslog.hostname.
func TestSyslogNGChainedHostname(t *testing.T) {
	if testing.Short() {
		t.Skip("slow end-to-end test")
	}
	if _, err := testpeer.FindSyslogNG(); err != nil {
		t.Skip(err)
	}
	n := startNomen(t, chainConfig)
	in := testpeer.FreePort(t)
	testpeer.StartSyslogNG(t, chainSyslogNGConf, map[string]any{
		"in": in, "network": n.port("syslogng-network"), "syslog": n.port("syslogng-syslog"),
	}, fmt.Sprintf("127.0.0.1:%d", in))

	line := "<38>Jun 30 10:00:02 web-7 sshd[4242]: Failed password for bob from 10.0.0.5 port 2222 ssh2"
	sendLines(t, n.addr("direct"), []string{line})
	sendLines(t, fmt.Sprintf("127.0.0.1:%d", in), []string{line})

	docs := waitJSONLines(t, filepath.Join(n.dir, "events.jsonl"), 3, 30*time.Second)
	for _, d := range docs {
		road := getStr(d, "nomen.input")
		if got := getStr(d, "host.name"); got != "web-7" {
			t.Errorf("%s: host.name %q, want web-7", road, got)
		}
		wantHeader := "web-7"
		if road != "direct" {
			wantHeader = "web-7/127.0.0.1"
		}
		if got := getStr(d, "log.syslog.hostname"); got != wantHeader {
			t.Errorf("%s: log.syslog.hostname %q, want %q", road, got, wantHeader)
		}
		if got := getStr(d, "source.ip"); got != "10.0.0.5" {
			t.Errorf("%s: source.ip %q, want 10.0.0.5 (the sshd decoder's)", road, got)
		}
	}
}

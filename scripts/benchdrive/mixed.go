package main

import (
	"bytes"
	"fmt"
	"os"
	"strings"
)

// The tcp-mixed scenarios measure what sequence tracking and 20
// correlation rules (plus the built-in Windows process tracking) cost end
// to end: the same mixed corpus through nomen without the stages
// (tcp-mixed) and with them (tcp-mixed-rules).

// noStages turns off what is on by default.
const noStages = `
[sequence]
enabled = false
[correlate.process]
enabled = false
`

// procOn turns on the built-in process tracking in the shipped examples;
// procOff is it turned off (tcp-mixed-rules-noproc).
const (
	procOn  = "[correlate.process]\nenabled = true"
	procOff = "[correlate.process]\nenabled = false"
)

// benchRules are the shipped examples plus the 14 rules BenchmarkPipeline
// adds (relay/correlate): 20 rules.
func benchRules() (string, error) {
	var b strings.Builder
	for _, f := range []string{"configs/correlate/examples.toml", "testdata/correlate/bench-rules.toml"} {
		src, err := os.ReadFile(f)
		if err != nil {
			return "", fmt.Errorf("rules for tcp-mixed-rules (run from the repository root): %w", err)
		}
		b.WriteString("\n")
		b.Write(src)
	}
	return b.String(), nil
}

// inputMark is in every JSON line of a received message and in no
// finding (findings are made by nomen: no nomen.input).
var inputMark = []byte(`"input":"bench"`)

// mixedCorpus builds n LF-framed messages of what a relay sees, in turn:
// sshd failures and logons, sudo, cron, numbered RFC 5424, Windows process
// start and end via Snare, Cisco IOS, iptables drops, nginx. Hosts, users,
// addresses and process ids vary so rules see many keys; every numbered
// stream counts up without gaps.
func mixedCorpus(n int) [][]byte {
	msgs := make([][]byte, n)
	var rfcSeq [5]int
	var snareSeq [20]int
	cisco := 0
	for i := range msgs {
		k := i / 10 // the round
		host := fmt.Sprintf("web%d", k%50)
		ip := fmt.Sprintf("10.%d.%d.%d", k%7, k%250, k%199+1)
		var m string
		switch i % 10 {
		case 0:
			m = fmt.Sprintf("<38>Nov 22 10:15:02 %s sshd[%d]: Failed password for invalid user u%d from %s port %d ssh2", host, 300+k%5000, k%300, ip, 40000+k%20000)
		case 1:
			// Users log on from their own few addresses.
			m = fmt.Sprintf("<38>Nov 22 10:15:02 %s sshd[%d]: Accepted publickey for user%d from 10.1.%d.%d port %d ssh2: RSA SHA256:abc", host, 300+k%5000, k%100, k%100, k%3+1, 40000+k%20000)
		case 2:
			m = fmt.Sprintf("<85>Nov 22 10:15:02 %s sudo:    user%d : TTY=pts/0 ; PWD=/home/user%d ; USER=root ; COMMAND=/usr/bin/id", host, k%100, k%100)
		case 3:
			m = fmt.Sprintf("<86>Nov 22 10:15:02 %s CRON[%d]: pam_unix(cron:session): session opened for user root by (uid=0)", host, 3000+k%9000)
		case 4:
			s := k % len(rfcSeq)
			rfcSeq[s]++
			m = fmt.Sprintf("<14>1 2026-11-22T10:15:02.000Z app%d billing 4242 - [meta sequenceId=\"%d\"] invoice %d sent", s, rfcSeq[s], k)
		case 5, 6:
			// Start, then end, of one process on one of 20 Windows hosts
			// (each host's Snare counter and record numbers count up).
			h := k % len(snareSeq)
			snareSeq[h]++
			code, what := 592, "A new process has been created:     New Process ID: %d     Image File Name: C:\\WINNT\\system32\\%s     Creator Process ID: 1208"
			if i%10 == 6 {
				code, what = 593, "A process has exited:     Process ID: %d     Image File Name: C:\\WINNT\\system32\\%s"
			}
			exe := []string{"cmd.exe", "notepad.exe", "svchost.exe", "net.exe"}[k%4]
			m = fmt.Sprintf("<13>Nov 22 10:15:02 WIN%d MSWinEventLog\t1\tSecurity\t%d\tSun Nov 22 10:15:02 2026\t%d\tSecurity\tuser%d\tUser\tSuccess Audit\tWIN%d\tDetailed Tracking\t"+what+"     User Name: user%d     Domain: CORP     Logon ID: (0x0,0x%X)\t%d",
				h, snareSeq[h], code, k%100, h, 1000+k%30000, exe, k%100, 0x1A000+k%4096, snareSeq[h])
		case 7:
			cisco++
			m = fmt.Sprintf("<190>%d: *Mar  1 00:00:42.123: %%SYS-5-CONFIG_I: Configured from console by vty%d", cisco, k%5)
		case 8:
			m = fmt.Sprintf("<4>Nov 22 10:15:02 fw1 kernel: [12345.678] IN=eth0 OUT= MAC=00:11:22:33:44:55:66:77:88:99:aa:bb:08:00 SRC=198.51.%d.%d DST=192.0.2.10 LEN=60 TOS=0x00 PREC=0x00 TTL=52 ID=5555 DF PROTO=TCP SPT=%d DPT=%d WINDOW=29200 RES=0x00 SYN URGP=0", k%250, k%200+1, 1024+k%60000, []int{22, 23, 80, 443, 3389}[k%5])
		case 9:
			m = fmt.Sprintf("<190>Nov 22 10:15:02 www nginx: 192.0.%d.%d - - [22/Nov/2026:10:15:02 +0000] \"GET /page/%d HTTP/1.1\" 200 %d \"-\" \"Mozilla/5.0\"", k%250, k%200+1, k%1000, 512+k%9000)
		}
		msgs[i] = []byte(m + "\n")
	}
	return msgs
}

// mixedResult reports a tcp-mixed run: every message must be in the
// output once (counted by its JSON lines); findings are extra lines.
func mixedResult(r result, out string) result {
	n := int(r.msgs)
	data, err := os.ReadFile(out)
	if err != nil {
		r.check = "FAIL: " + err.Error()
		return r
	}
	got := bytes.Count(data, inputMark)
	findings := bytes.Count(data, []byte("\n")) - got
	r.lossPct = 100 * float64(n-got) / float64(n)
	if got != n {
		r.check = fmt.Sprintf("FAIL: %d of %d messages", got, n)
		return r
	}
	r.check = fmt.Sprintf("ok (%d finding/lifetime lines)", findings)
	return r
}

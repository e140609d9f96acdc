package event_test

import (
	"testing"
	"time"

	"github.com/nomenhq/nomen/normalize"
	"github.com/nomenhq/nomen/parse"
	"github.com/nomenhq/nomen/relay/event"
)

// BenchmarkAppendJSONCorpusLine encodes the kind of event the throughput
// benchmark sends: RFC 5424 with two SD elements and no decoder fields.
func BenchmarkAppendJSONCorpusLine(b *testing.B) {
	line := []byte(`<134>1 2024-05-01T12:00:01.007919Z host001.example.net app1 1001 ID1 [meta@32473 seq="1" zone="eu-1"][origin ip="192.0.2.2"] seq=0000000001 orem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor incididunt ut labore et dolore magna aliqua Ut enim ad minim veniam`)
	e := event.New(time.Now())
	e.Input, e.Peer = "bench", "127.0.0.1:40000"
	parse.New(parse.Options{Location: time.UTC}).Parse(line, e)
	enc := event.Encoder{Observer: "relay1"}
	var buf []byte
	b.ReportAllocs()
	for b.Loop() {
		buf = enc.AppendJSON(buf[:0], e)
	}
	b.SetBytes(int64(len(buf)))
}

// BenchmarkAppendJSONNormalized encodes the mix of the relay's pipeline
// benchmark (relay/correlate) after normalization: events with the
// decoders' fields, one op per event.
func BenchmarkAppendJSONNormalized(b *testing.B) {
	lines := []string{
		"<38>Nov 22 10:15:02 web1 sshd[392]: Failed password for invalid user ftp from 10.0.0.5 port 49786 ssh2",
		"<38>Nov 22 10:15:02 web1 sshd[392]: Accepted publickey for alice from 10.0.0.7 port 49786 ssh2: RSA SHA256:abc",
		"<85>Nov 22 10:15:02 web1 sudo:    alice : TTY=pts/0 ; PWD=/home/alice ; USER=root ; COMMAND=/usr/bin/id",
		"<86>Nov 22 10:15:02 web1 CRON[3121]: pam_unix(cron:session): session opened for user root by (uid=0)",
		"<14>1 2026-11-22T10:15:02.000Z app1 billing 4242 - [meta sequenceId=\"17\"] invoice 77 sent",
		"<13>Nov 22 10:15:02 web1 MSWinEventLog\t1\tSecurity\t17\tSun Nov 22 10:15:02 2026\t592\tSecurity\tIUSR_WEB1\tUser\tSuccess Audit\tWEB1\tDetailed Tracking\tA new process has been created:     New Process ID: 2044     Image File Name: C:\\Perl\\bin\\perl.exe     Creator Process ID: 1208     User Name: IUSR_WEB1     Domain: WEB1     Logon ID: (0x0,0x1A2B3)\t17",
		"<190>17: *Mar  1 00:00:42.123: %SYS-5-CONFIG_I: Configured from console by vty0",
		"<4>Nov 22 10:15:02 fw1 kernel: [12345.678] IN=eth0 OUT= MAC=00:11:22:33:44:55:66:77:88:99:aa:bb:08:00 SRC=198.51.100.23 DST=192.0.2.10 LEN=60 TOS=0x00 PREC=0x00 TTL=52 ID=5555 DF PROTO=TCP SPT=51515 DPT=23 WINDOW=29200 RES=0x00 SYN URGP=0",
		"<190>Nov 22 10:15:02 www nginx: 192.0.2.77 - - [22/Nov/2026:10:15:02 +0000] \"GET /index.html HTTP/1.1\" 200 5120 \"-\" \"Mozilla/5.0\"",
	}
	norm, err := normalize.New(normalize.Config{})
	if err != nil {
		b.Fatal(err)
	}
	p := parse.New(parse.Options{Location: time.UTC})
	var evs []*event.Event
	for _, l := range lines {
		e := event.New(time.Date(2026, 11, 22, 10, 15, 3, 0, time.UTC))
		e.Input = "bench"
		p.Parse([]byte(l), e)
		norm.Normalize(e)
		evs = append(evs, e)
	}
	enc := event.Encoder{Observer: "relay1"}
	var buf []byte
	n := 0
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		buf = enc.AppendJSON(buf[:0], evs[i%len(evs)])
		n += len(buf)
	}
	b.SetBytes(int64(n / b.N))
}

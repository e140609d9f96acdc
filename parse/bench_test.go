package parse

import (
	"testing"
	"time"

	"github.com/influxdata/go-syslog/v3/rfc3164"
	"github.com/influxdata/go-syslog/v3/rfc5424"
	"github.com/nomenhq/nomen/relay/event"
)

var (
	bench5424   = []byte(`<165>1 2026-07-01T12:00:00.003Z mymachine.example.com evntslog 1234 ID47 - An application event log entry with a bit of text to look real`)
	bench5424SD = []byte(`<165>1 2026-07-01T12:00:00.003Z mymachine.example.com evntslog 1234 ID47 [exampleSDID@32473 iut="3" eventSource="Application" eventID="1011"][meta sequenceId="42"] An application event log entry`)
	bench3164   = []byte(`<38>Jul  1 11:59:58 web1 sshd[392]: Failed password for invalid user ftp from 10.0.0.5 port 49786 ssh2`)
	// rsyslog's RFC 5424 template for an old-PAM RFC 3164 line: the extra
	// space before MSG and a "prog(module)" APP-NAME.
	benchRelayed = []byte(`<86>1 2026-07-01T11:59:58+00:00 oldbox sshd(pam_unix) 1212 - -  authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost=10.0.0.5`)
	benchCisco   = []byte(`<190>530470: *Jul  1 11:59:58.098: %SEC-6-IPACCESSLOGP: list MGMT_IN denied udp 10.1.1.1(49964) -> 10.2.2.2(161), 11 packets`)
)

func benchParse(b *testing.B, msgs ...[]byte) {
	p := New(Options{Location: time.UTC})
	recv := time.Date(2026, 7, 1, 12, 0, 0, 0, time.UTC)
	var e event.Event
	e.Fields = make([]event.Field, 0, 4) // a pipeline reuses events
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		e.Fields = e.Fields[:0]
		e.Received = recv
		p.Parse(msgs[i%len(msgs)], &e)
		i++
	}
}

func BenchmarkParse5424(b *testing.B)    { benchParse(b, bench5424) }
func BenchmarkParse5424SD(b *testing.B)  { benchParse(b, bench5424SD) }
func BenchmarkParse3164(b *testing.B)    { benchParse(b, bench3164) }
func BenchmarkParseCisco(b *testing.B)   { benchParse(b, benchCisco) }
func BenchmarkParseRelayed(b *testing.B) { benchParse(b, benchRelayed) }
func BenchmarkParseMixed(b *testing.B) {
	benchParse(b, bench5424, bench3164, bench5424SD, benchCisco)
}

// The go-syslog machines on the same messages, for the record of why they
// are not on the hot path (see the package comment).
func BenchmarkGoSyslog5424(b *testing.B) {
	m := rfc5424.NewMachine(rfc5424.WithBestEffort())
	b.ReportAllocs()
	for b.Loop() {
		if _, err := m.Parse(bench5424); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkGoSyslog5424SD(b *testing.B) {
	m := rfc5424.NewMachine(rfc5424.WithBestEffort())
	b.ReportAllocs()
	for b.Loop() {
		if _, err := m.Parse(bench5424SD); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkGoSyslog3164(b *testing.B) {
	m := rfc3164.NewMachine(rfc3164.WithBestEffort(), rfc3164.WithYear(rfc3164.Year{YYYY: 2026}))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := m.Parse(bench3164); err != nil {
			b.Fatal(err)
		}
	}
}

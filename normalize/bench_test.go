//go:build unix

package normalize

// Benchmarks report wall time (ns/op, events/s) and process CPU time per
// event (cpu-ns/event): on a shared, busy machine the wall time says more
// about the neighbours than about the code, the CPU time does not.

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/nomenhq/nomen/normalize/internal/normtest"
	"github.com/nomenhq/nomen/normalize/rules"
	"github.com/nomenhq/nomen/parse"
	"github.com/nomenhq/nomen/relay/event"
)

// BenchmarkParseNormalize parses and normalizes the mixed corpus the way a
// pipeline does (one parser, a reused event, the shared normalizer) and
// reports events/s and allocations per event.
func BenchmarkParseNormalize(b *testing.B) { benchParseNormalize(b, normtest.Corpus(b, "*")) }

// BenchmarkParseNormalizeVendor is the same per vendor folder, to see where
// the time goes (Windows records are 5-15 times longer than syslog lines).
func BenchmarkParseNormalizeVendor(b *testing.B) {
	dirs, _ := filepath.Glob(filepath.Join(normtest.Root(b), "*"))
	for _, d := range dirs {
		vendor := filepath.Base(d)
		if matches, _ := filepath.Glob(filepath.Join(d, "*", "input.txt")); len(matches) == 0 {
			continue
		}
		b.Run(vendor, func(b *testing.B) { benchParseNormalize(b, normtest.Corpus(b, vendor)) })
	}
	b.Run("windows_agent", benchNormalizeAgent)
}

// benchLines are single lines, one per road through parse and dispatch,
// each with the decoder that must recognise it ("" for none): the
// ordinary lines no decoder knows go through every sniffer; the RFC 5424
// one has the shape (250 bytes) of what the throughput benchmark sends.
var benchLines = []struct{ name, line, decoder string }{
	{"rfc5424_unknown", `<134>1 2024-05-01T12:00:07.055433Z host007.example.net app7 1007 ID7 [meta@32473 seq="7" zone="eu-3"][origin ip="192.0.2.8"] seq=0000000007 Nightly batch Seven of the Billing service closed its ledger and Archived the old Invoices while the Queue dra`, ""},
	{"rfc3164_unknown", `<13>Jul  1 11:59:58 app7 frobnicator[812]: rotated 3 widgets in 0.2s, flushed the Cache of db-2 and Told the Scheduler that queue seven is empty`, ""},
	{"sshd", `<38>Jul  1 12:00:01 bastion sshd[4242]: Failed password for invalid user admin from 198.51.100.23 port 52214 ssh2`, "sshd"},
	{"cisco_asa", `<166>Jul 01 2026 12:00:02 fw-edge-1 : %ASA-6-302013: Built outbound TCP connection 1234567 for outside:203.0.113.80/443 (203.0.113.80/443) to inside:10.20.30.55/49830 (198.51.100.7/49830)`, "cisco_asa"},
	{"fortinet", `<189>date=2026-07-01 time=12:00:03 devname="FGT-A" devid="FG100F0000000001" logid="0000000013" type="traffic" subtype="forward" level="notice" vd="root" srcip=10.1.2.3 srcport=51000 dstip=198.51.100.20 dstport=443 proto=6 action="accept"`, "fortinet"},
	{"cef", `<134>Jul  1 12:00:04 fw-edge-02 CEF:0|Example Networks|EdgeWall|9.1|100|traffic denied|5|src=10.0.0.5 dst=198.51.100.9 spt=51515 dpt=443 proto=TCP act=deny`, "cef"},
	{"iptables", `<4>Jul  1 12:00:05 gw kernel: [12345.678901] DROP IN=eth0 OUT= MAC= SRC=198.51.100.4 DST=192.0.2.1 LEN=60 TTL=51 PROTO=TCP SPT=51000 DPT=22 SYN`, "iptables"},
	{"sonicwall", `<134>id=firewall sn=0017C5A1B2C3 time="2026-07-01 12:00:07 UTC" fw=203.0.113.5 pri=6 c=1024 m=537 msg="Connection Closed" n=4242 src=192.0.2.10:51234:X0 dst=198.51.100.7:443:X1 proto=tcp/https sent=1935 rcvd=1577`, "sonicwall"},
	{"sophos", `<30>device_name="SFW" timestamp="2026-07-01T12:00:08+0000" device_model="XGS2100" device_serial_id="X21000000000001" log_id="010101600001" log_type="Firewall" log_component="Firewall Rule" log_subtype="Allowed" src_ip="192.0.2.10" dst_ip="198.51.100.7" protocol="TCP" src_port=51234 dst_port=443`, "sophos"},
	{"paloalto", `<14>Jul  1 12:00:06 PA-1 1,2026/07/01 12:00:06,0123456789,TRAFFIC,end,2561,2026/07/01 12:00:05,10.1.2.3,198.51.100.20,203.0.113.9,198.51.100.20,allow-web`, "paloalto"},
}

// BenchmarkParseNormalizeLine is BenchmarkParseNormalize on one line at a
// time (benchLines): instructions per message of each road under
// callgrind (run at two -test.benchtime Nx and subtract).
func BenchmarkParseNormalizeLine(b *testing.B) {
	n, err := New(Config{})
	if err != nil {
		b.Fatal(err)
	}
	p := parse.New(parse.Options{Location: time.UTC})
	for _, l := range benchLines {
		var e event.Event
		e.Fields = make([]event.Field, 0, 32)
		e.Received, e.Input = time.Date(2026, 7, 1, 12, 0, 0, 0, time.UTC), "bench"
		p.Parse([]byte(l.line), &e)
		if got := n.Normalize(&e); got != l.decoder {
			b.Fatalf("%s: decoded by %q, want %q", l.name, got, l.decoder)
		}
		b.Run(l.name, func(b *testing.B) { benchParseNormalize(b, [][]byte{[]byte(l.line)}) })
	}
}

// benchNormalizeAgent is the agent's road: no syslog parse, the record's
// event XML as Original (relay/agent builds these events). The XML is that
// of the windows_xml corpus, cut from its syslog header.
func benchNormalizeAgent(b *testing.B) {
	var docs []string
	for _, l := range normtest.Corpus(b, "windows_xml") {
		if i := strings.Index(string(l), "<Event"); i >= 0 {
			docs = append(docs, string(l[i:]))
		}
	}
	n, err := New(Config{})
	if err != nil {
		b.Fatal(err)
	}
	recv := time.Date(2026, 7, 1, 12, 0, 0, 0, time.UTC)
	var e event.Event
	e.Fields = make([]event.Field, 0, 32)
	decoded := 0
	b.ReportAllocs()
	i := 0
	cpu0 := normtest.CPUTime()
	for b.Loop() {
		e.Fields = e.Fields[:0]
		e.Received, e.Time, e.Input, e.Format = recv, recv, "bench", "agent"
		e.Original, e.Message = docs[i%len(docs)], ""
		if n.Normalize(&e) != "" {
			decoded++
		}
		i++
	}
	reportCPU(b, cpu0, i)
	b.ReportMetric(float64(i)/b.Elapsed().Seconds(), "events/s")
	b.ReportMetric(float64(decoded)/float64(i), "decoded/event")
}

// BenchmarkParseOnly is the parse share of BenchmarkParseNormalize.
func BenchmarkParseOnly(b *testing.B) {
	lines := normtest.Corpus(b, "*")
	p := parse.New(parse.Options{Location: time.UTC})
	recv := time.Date(2026, 7, 1, 12, 0, 0, 0, time.UTC)
	var e event.Event
	e.Fields = make([]event.Field, 0, 32)
	b.ReportAllocs()
	i := 0
	cpu0 := normtest.CPUTime()
	for b.Loop() {
		e.Fields = e.Fields[:0]
		e.Received = recv
		p.Parse(lines[i%len(lines)], &e)
		i++
	}
	reportCPU(b, cpu0, i)
	b.ReportMetric(float64(i)/b.Elapsed().Seconds(), "events/s")
}

func benchParseNormalize(b *testing.B, lines [][]byte) {
	n, err := New(Config{})
	if err != nil {
		b.Fatal(err)
	}
	p := parse.New(parse.Options{Location: time.UTC})
	recv := time.Date(2026, 7, 1, 12, 0, 0, 0, time.UTC)
	var e event.Event
	e.Fields = make([]event.Field, 0, 32)
	decoded := 0
	b.ReportAllocs()
	i := 0
	cpu0 := normtest.CPUTime()
	for b.Loop() {
		e.Fields = e.Fields[:0]
		e.Received, e.Input = recv, "bench"
		p.Parse(lines[i%len(lines)], &e)
		if n.Normalize(&e) != "" {
			decoded++
		}
		i++
	}
	reportCPU(b, cpu0, i)
	b.ReportMetric(float64(i)/b.Elapsed().Seconds(), "events/s")
	b.ReportMetric(float64(decoded)/float64(i), "decoded/event")
}

// reportCPU reports CPU ns per event and events per CPU second since cpu0.
func reportCPU(b *testing.B, cpu0 time.Duration, events int) {
	if events == 0 {
		return
	}
	used := normtest.CPUTime() - cpu0
	b.ReportMetric(float64(used.Nanoseconds())/float64(events), "cpu-ns/event")
	if used > 0 {
		b.ReportMetric(float64(events)/used.Seconds(), "events/cpu-s")
	}
}

// BenchmarkNormalizeOnly is BenchmarkParseNormalize without the parse cost
// (events parsed once beforehand; the fields are reset every time).
func BenchmarkNormalizeOnly(b *testing.B) {
	lines := normtest.Corpus(b, "*")
	n, err := New(Config{})
	if err != nil {
		b.Fatal(err)
	}
	p := parse.New(parse.Options{Location: time.UTC})
	recv := time.Date(2026, 7, 1, 12, 0, 0, 0, time.UTC)
	events := make([]event.Event, len(lines))
	for i := range events {
		events[i].Received = recv
		p.Parse(lines[i], &events[i])
		events[i].Fields = make([]event.Field, 0, 32)
	}
	b.ReportAllocs()
	i := 0
	cpu0 := normtest.CPUTime()
	for b.Loop() {
		e := &events[i%len(events)]
		e.Fields = e.Fields[:0]
		e.Time = recv
		n.Normalize(e)
		i++
	}
	reportCPU(b, cpu0, i)
	b.ReportMetric(float64(i)/b.Elapsed().Seconds(), "events/s")
}

// BenchmarkRules shows that matching cost does not grow with the number of
// rules for one program: 1, 100 and 1000 rules whose patterns share a
// beginning and differ in a word, matched against lines that hit the last
// rule and lines that match none.
func BenchmarkRules(b *testing.B) {
	for _, count := range []int{1, 100, 1000} {
		var src strings.Builder
		for i := range count {
			fmt.Fprintf(&src, "[[rule]]\nname = \"app.r%d\"\nprogram = \"app\"\n", i)
			fmt.Fprintf(&src, "pattern = \"session {sid:uint}: user {user:word} action%d from {src:ip}[ port {port:uint}]\"\n", i)
			src.WriteString("map = { user = \"user.name\", src = \"source.ip\", port = \"source.port\" }\n\n")
		}
		rs, err := rules.Parse("bench.toml", []byte(src.String()))
		if err != nil {
			b.Fatal(err)
		}
		hit := fmt.Sprintf("session 42: user alice action%d from 192.0.2.7 port 2222", count-1)
		miss := "session 42: user alice logged out from 192.0.2.7"
		for _, tc := range []struct{ name, msg, want string }{
			{"hit", hit, fmt.Sprintf("app.r%d", count-1)},
			{"miss", miss, ""},
		} {
			b.Run(fmt.Sprintf("rules=%d/%s", count, tc.name), func(b *testing.B) {
				e := event.New(time.Now())
				e.AppName = "app"
				e.Message = tc.msg
				e.Fields = make([]event.Field, 0, 16)
				b.ReportAllocs()
				for b.Loop() {
					e.Fields = e.Fields[:0]
					if got := rs.Apply("app", e); got != tc.want {
						b.Fatalf("matched %q, want %q", got, tc.want)
					}
				}
			})
		}
	}
}

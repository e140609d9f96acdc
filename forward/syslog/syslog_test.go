package syslog

import (
	"bufio"
	"context"
	"crypto/tls"
	"encoding/json"
	"fmt"
	"net"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/nomenhq/nomen/forward"
	"github.com/nomenhq/nomen/forward/sinktest"
	"github.com/nomenhq/nomen/internal/golden"
	"github.com/nomenhq/nomen/internal/testpeer"
	"github.com/nomenhq/nomen/relay/event"
)

// TestSyslogGolden renders every case under testdata/forward/syslog in each
// payload format and compares with expected.<format>.
func TestSyslogGolden(t *testing.T) {
	cases, _ := filepath.Glob("../../testdata/forward/syslog/*/input.jsonl")
	if len(cases) == 0 {
		t.Fatal("no golden cases")
	}
	for _, in := range cases {
		dir := filepath.Dir(in)
		t.Run(filepath.Base(dir), func(t *testing.T) {
			evs := sinktest.LoadEvents(t, in)
			for _, format := range []string{"raw", "rfc5424", "json", "cef"} {
				f := syslogFormatter{format: format, enc: event.Encoder{Observer: "relay1"}}
				var out []byte
				for _, e := range evs {
					out = f.appendMessage(out, e)
					out = append(out, '\n')
				}
				golden.Compare(t, filepath.Join(dir, "expected."+format), out)
			}
		})
	}
}

func TestSyslogEscaping(t *testing.T) {
	if got := string(appendSDParam(nil, "k", event.String(`a"b\c]d`))); got != ` k="a\"b\\c\]d"` {
		t.Errorf("SD param: %s", got)
	}
	if got := string(escapeCEFExt([]byte("x=a=b\\c\r\nd|e"), 2)); got != `x=a\=b\\c\r\nd|e` {
		t.Errorf("CEF extension: %s", got)
	}
	if got := string(appendCEFHeader(nil, "a|b\\c\nd")); got != `a\|b\\c d` {
		t.Errorf("CEF header: %s", got)
	}
	if got := string(escapeLF([]byte("ab\ncd\n"), 0)); got != `ab\ncd\n` {
		t.Errorf("LF: %s", got)
	}
	if validParamName("winlog.event_data.SubjectUserName") || !validParamName("event.category") || validParamName("a b") {
		t.Error("validParamName")
	}
}

func TestSyslogConfigValidate(t *testing.T) {
	for _, tc := range []struct {
		cfg  Config
		want string
	}{
		{Config{}, "address is required"},
		{Config{Address: "host"}, "want host:port"},
		{Config{Address: "h:1", Transport: "sctp"}, `transport "sctp"`},
		{Config{Address: "h:1", Framing: "nul"}, `framing "nul"`},
		{Config{Address: "h:1", Format: "gelf"}, `format "gelf"`},
		{Config{Address: "h:1", TLS: forward.TLSConfig{CA: "x"}}, "transport is \"tcp\""},
		{Config{Address: "h:1", Transport: "tls", TLS: forward.TLSConfig{Cert: "x"}}, "cert and key"},
		{Config{Address: "h:1", Transport: "tls", TLS: forward.TLSConfig{CA: "/nonexistent/ca.pem"}}, "no such file"},
		{Config{Address: "h:1", MaxDatagram: 100}, "max_datagram"},
	} {
		err := tc.cfg.Validate()
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%+v: got %v, want an error containing %q", tc.cfg, err, tc.want)
		}
	}
}

// rsyslogConf receives on one port per (transport, format) and writes what
// it parsed with a template per format.
const rsyslogConf = `
global(defaultNetstreamDriverCAFile="{{.Vars.ca}}" defaultNetstreamDriverCertFile="{{.Vars.cert}}" defaultNetstreamDriverKeyFile="{{.Vars.key}}" maxMessageSize="64k")
module(load="imptcp")
module(load="imudp")
module(load="imtcp" streamDriver.name="ossl" streamDriver.mode="1" streamDriver.authMode="anon")
module(load="mmpstrucdata")
template(name="raw" type="string" string="%rawmsg%\n")
template(name="json" type="string" string="%msg%\n")
template(name="cef" type="string" string="%msg%\n")
template(name="rfc5424" type="string" string="%pri%#|#%timereported:::date-rfc3339%#|#%hostname%#|#%app-name%#|#%procid%#|#%msgid%#|#%$!rfc5424-sd%#|#%msg%\n")
{{range $name, $port := .Vars.ports}}
ruleset(name="{{$name}}") {
	action(type="mmpstrucdata" sd_name.lowercase="off")
	action(type="omfile" file="{{$.Dir}}/{{$name}}.out" template="{{index $.Vars.templates $name}}")
}
{{if eq (index $.Vars.transports $name) "tls"}}input(type="imtcp" address="127.0.0.1" port="{{$port}}" ruleset="{{$name}}")
{{else if eq (index $.Vars.transports $name) "udp"}}input(type="imudp" address="127.0.0.1" port="{{$port}}" ruleset="{{$name}}")
{{else}}input(type="imptcp" address="127.0.0.1" port="{{$port}}" ruleset="{{$name}}")
{{end}}{{end}}
`

type rsyslogRoute struct {
	name, transport, framing, format string
}

// TestSyslogToRsyslog sends events in every format over TCP (octet
// counting and LF), TLS and UDP to a real rsyslog and checks what rsyslog
// parsed out of them.
func TestSyslogToRsyslog(t *testing.T) {
	if _, err := testpeer.FindRsyslog(); err != nil {
		t.Skip(err)
	}
	pki := testpeer.NewPKI(t)
	var routes []rsyslogRoute
	for _, tr := range []string{"tcp", "tls"} {
		for _, f := range []string{"raw", "rfc5424", "json", "cef"} {
			routes = append(routes, rsyslogRoute{tr + "_" + f, tr, "octet", f})
		}
	}
	routes = append(routes,
		rsyslogRoute{"tcplf_rfc5424", "tcp", "lf", "rfc5424"},
		rsyslogRoute{"udp_cef", "udp", "", "cef"})
	ports, templates, transports := map[string]int{}, map[string]string{}, map[string]string{}
	var wait []string
	for _, r := range routes {
		ports[r.name] = testpeer.FreePort(t)
		templates[r.name] = r.format
		transports[r.name] = r.transport
		if r.transport != "udp" {
			wait = append(wait, fmt.Sprintf("127.0.0.1:%d", ports[r.name]))
		}
	}
	if bin, _ := testpeer.FindRsyslog(); !bin.HasModule("lmnsd_ossl") {
		t.Skip("rsyslog has no OpenSSL driver (lmnsd_ossl): unpack rsyslog-openssl too (shared/bench/setup-peers.sh)")
	}
	rs := testpeer.StartRsyslog(t, rsyslogConf, map[string]any{
		"ca": pki.CA, "cert": pki.ServerCert, "key": pki.ServerKey,
		"ports": ports, "templates": templates, "transports": transports,
	}, wait...)

	evs := append(sinktest.SampleEvents(t, 1, 3), sinktest.TrickyEvent(t, 4))
	for _, r := range routes {
		t.Run(r.name, func(t *testing.T) {
			t.Cleanup(func() {
				if t.Failed() { // what rsyslog said: it failed once under load with nothing written
					t.Logf("rsyslog's output:\n%s", rs.Output())
				}
			})
			cfg := Config{
				Address:   fmt.Sprintf("127.0.0.1:%d", ports[r.name]),
				Transport: r.transport, Framing: r.framing, Format: r.format,
				MaxDatagram: 8192,
			}
			if r.transport == "tls" {
				cfg.TLS = forward.TLSConfig{CA: pki.CA}
			}
			s, err := New(cfg, forward.Runtime{Hostname: "relay1"})
			if err != nil {
				t.Fatal(err)
			}
			if err := s.Open(context.Background()); err != nil {
				t.Fatal(err)
			}
			if err := s.Write(context.Background(), evs[:1]); err != nil {
				t.Fatal(err)
			}
			if err := s.Write(context.Background(), evs[1:]); err != nil {
				t.Fatal(err)
			}
			s.Close()
			lines := testpeer.WaitLines(t, filepath.Join(rs.Dir, r.name+".out"), len(evs), 15*time.Second)
			if len(lines) != len(evs) {
				t.Fatalf("rsyslog wrote %d lines, want %d:\n%s", len(lines), len(evs), strings.Join(lines, "\n"))
			}
			for i, line := range lines {
				checkReceived(t, r.format, evs[i], line)
			}
		})
	}
}

// checkReceived checks what rsyslog made of one event.
func checkReceived(t *testing.T, format string, e *event.Event, line string) {
	t.Helper()
	switch format {
	case "raw":
		if line != e.Original {
			t.Errorf("raw: rsyslog received\n%q\nwant\n%q", line, e.Original)
		}
	case "json":
		var got map[string]any
		if err := json.Unmarshal([]byte(line), &got); err != nil {
			t.Fatalf("json: MSG is not JSON: %v\n%s", err, line)
		}
		enc := event.Encoder{Observer: "relay1"}
		var want map[string]any
		json.Unmarshal(enc.AppendJSON(nil, e), &want)
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("json: got\n%v\nwant\n%v", got, want)
		}
	case "rfc5424":
		parts := strings.SplitN(line, "#|#", 8)
		if len(parts) != 8 {
			t.Fatalf("rfc5424: unexpected line %q", line)
		}
		if parts[0] != strconv.Itoa(int(e.Pri)) || parts[2] != orDash(e.Hostname) || parts[3] != orDash(e.AppName) ||
			parts[4] != orDash(e.ProcID) || parts[5] != orDash(e.MsgID) {
			t.Errorf("rfc5424 header: got %q for pri %d host %q app %q procid %q msgid %q",
				parts[:6], e.Pri, e.Hostname, e.AppName, e.ProcID, e.MsgID)
		}
		ts, err := time.Parse(time.RFC3339Nano, parts[1])
		if err != nil || !ts.Equal(e.Time.Truncate(time.Millisecond)) && !ts.Equal(e.Time) {
			t.Errorf("rfc5424 timestamp %q, want %v", parts[1], e.Time)
		}
		var sd map[string]map[string]string
		if err := json.Unmarshal([]byte(parts[6]), &sd); err != nil {
			t.Fatalf("rfc5424: rsyslog's SD %q: %v", parts[6], err)
		}
		for el := range e.SD.Elements() {
			for p := range el.Params() {
				if sd[el.ID][p.Name] != p.Value {
					t.Errorf("rfc5424: original SD %s %s = %q, rsyslog parsed %q", el.ID, p.Name, p.Value, sd[el.ID][p.Name])
				}
			}
		}
		for _, f := range e.Fields {
			if validParamName(f.Key) && sd[nomenSDID][f.Key] != f.Val.String() {
				t.Errorf("rfc5424: [%s %s] = %q, want %q", nomenSDID, f.Key, sd[nomenSDID][f.Key], f.Val.String())
			}
		}
		if parts[7] != e.Message {
			t.Errorf("rfc5424 MSG %q, want %q", parts[7], e.Message)
		}
	case "cef":
		hdr, ext, err := parseCEF(line)
		if err != nil {
			t.Fatalf("cef: %v: %s", err, line)
		}
		if hdr[0] != "CEF:0" || hdr[1] != "nomen" || hdr[2] != "nomen" {
			t.Errorf("cef header %q", hdr)
		}
		if sev, err := strconv.Atoi(hdr[6]); err != nil || sev < 0 || sev > 10 {
			t.Errorf("cef severity %q", hdr[6])
		}
		want := map[string]string{"msg": e.Message, "rt": strconv.FormatInt(e.Time.UnixMilli(), 10)}
		for _, k := range []struct{ cef, ecs string }{{"src", "source.ip"}, {"spt", "source.port"}, {"suser", "user.name"},
			{"act", "event.action"}, {"outcome", "event.outcome"}, {"cat", "event.category"}, {"dvchost", "host.name"},
			{"dst", "destination.ip"}, {"dpt", "destination.port"}, {"proto", "network.transport"}, {"cs1", "rule.name"}} {
			if v, ok := e.Get(k.ecs); ok {
				want[k.cef] = v.String()
			}
		}
		for k, v := range want {
			if ext[k] != v {
				t.Errorf("cef %s = %q, want %q", k, ext[k], v)
			}
		}
		if a := firstStr(e, "rule.name", "event.action"); a != "" && hdr[5] != a {
			t.Errorf("cef name %q, want %q", hdr[5], a)
		}
	}
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// parseCEF splits a CEF record into its 7 header fields (plus the
// extension text) and the extension's key=value pairs, undoing escapes.
func parseCEF(s string) ([]string, map[string]string, error) {
	var hdr []string
	var cur strings.Builder
	i := 0
	for ; i < len(s) && len(hdr) < 7; i++ {
		switch c := s[i]; {
		case c == '\\' && i+1 < len(s):
			i++
			cur.WriteByte(s[i])
		case c == '|':
			hdr = append(hdr, cur.String())
			cur.Reset()
		default:
			cur.WriteByte(c)
		}
	}
	if len(hdr) != 7 {
		return nil, nil, fmt.Errorf("%d header fields, want 7", len(hdr))
	}
	ext := map[string]string{}
	rest := s[i:]
	// Keys are [A-Za-z0-9_]+ followed by '='; a value runs to the next
	// " key=" (unescaped '=').
	for len(rest) > 0 {
		eq := strings.IndexByte(rest, '=')
		if eq <= 0 {
			return nil, nil, fmt.Errorf("extension %q: no key", rest)
		}
		key := rest[:eq]
		rest = rest[eq+1:]
		var val strings.Builder
		j := 0
		for ; j < len(rest); j++ {
			c := rest[j]
			if c == '\\' && j+1 < len(rest) {
				j++
				switch rest[j] {
				case 'n':
					val.WriteByte('\n')
				case 'r':
					val.WriteByte('\r')
				default:
					val.WriteByte(rest[j])
				}
				continue
			}
			if c == '=' {
				return nil, nil, fmt.Errorf("unescaped '=' in the value of %s", key)
			}
			if c == ' ' && nextIsKey(rest[j+1:]) {
				break
			}
			val.WriteByte(c)
		}
		ext[key] = val.String()
		if j >= len(rest) {
			break
		}
		rest = rest[j+1:]
	}
	return hdr, ext, nil
}

func nextIsKey(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '=':
			return i > 0
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9', c == '_':
		default:
			return false
		}
	}
	return false
}

// TestSyslogReconnects: a receiver that goes away is noticed, and the
// batch after it comes back arrives on a new connection.
func TestSyslogReconnects(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	got := make(chan string, 100)
	serve := func(l net.Listener, once bool) {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			go func() {
				r := bufio.NewReader(c)
				for {
					line, err := r.ReadString('\n')
					if err != nil {
						return
					}
					got <- strings.TrimSuffix(line, "\n")
					if once {
						c.Close() // receiver goes away after one message
						return
					}
				}
			}()
		}
	}
	go serve(l, true)
	s, err := New(Config{Address: addr, Framing: "lf", Format: "raw"}, forward.Runtime{Hostname: "relay1"})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := s.Open(context.Background()); err != nil {
		t.Fatal(err)
	}
	evs := sinktest.SeqEvents(1, 3)
	sinktest.MustWrite(t, s, evs[:1])
	<-got
	time.Sleep(50 * time.Millisecond) // the FIN arrives
	l.Close()
	// Receiver down: the write fails (retryable) instead of vanishing.
	if err := s.Write(context.Background(), evs[1:2]); err == nil || forward.IsPermanent(err) {
		t.Fatalf("write to a dead receiver: %v, want a retryable error", err)
	}
	l2, err := net.Listen("tcp", addr)
	if err != nil {
		t.Skipf("cannot listen on %s again: %v", addr, err)
	}
	defer l2.Close()
	go serve(l2, false)
	sinktest.MustWrite(t, s, evs[1:])
	for _, want := range []string{evs[1].Original, evs[2].Original} {
		select {
		case line := <-got:
			if line != want {
				t.Errorf("got %q, want %q", line, want)
			}
		case <-time.After(5 * time.Second):
			t.Fatal("timeout")
		}
	}
	if n := sinktest.CounterValue(s.m.connects); n != 2 {
		t.Errorf("%v connects, want 2", n)
	}
}

// TestSyslogUDPTruncates: datagrams are cut to max_datagram.
func TestSyslogUDPTruncates(t *testing.T) {
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer pc.Close()
	s, err := New(Config{Address: pc.LocalAddr().String(), Transport: "udp", Format: "raw", MaxDatagram: 480}, forward.Runtime{Hostname: "relay1"})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	e := event.New(sinktest.Received)
	e.Original = "<13>" + strings.Repeat("é", 400) // 2-byte characters: the cut must not split one
	sinktest.MustWrite(t, s, []*event.Event{e})
	buf := make([]byte, 65536)
	pc.SetReadDeadline(time.Now().Add(5 * time.Second))
	n, _, err := pc.ReadFrom(buf)
	if err != nil {
		t.Fatal(err)
	}
	if n > 480 || n < 478 || !strings.HasPrefix(e.Original, string(buf[:n])) {
		t.Errorf("datagram of %d bytes", n)
	}
	if sinktest.CounterValue(s.m.truncated) != 1 {
		t.Error("truncation not counted")
	}
}

// TestSyslogTLSRejectsUnknownCA: a server whose certificate does not chain
// to the configured CA is refused (and the error is retryable: the
// certificate may be fixed while events wait in the journal).
func TestSyslogTLSRejectsUnknownCA(t *testing.T) {
	good, other := testpeer.NewPKI(t), testpeer.NewPKI(t)
	l, err := tls.Listen("tcp", "127.0.0.1:0", good.ServerConfig(t))
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			c.(*tls.Conn).Handshake()
			c.Close()
		}
	}()
	s, err := New(Config{Address: l.Addr().String(), Transport: "tls", TLS: forward.TLSConfig{CA: other.CA}}, forward.Runtime{Hostname: "relay1"})
	if err != nil {
		t.Fatal(err)
	}
	err = s.Open(context.Background())
	if err == nil || !strings.Contains(err.Error(), "certificate") || forward.IsPermanent(err) {
		t.Fatalf("Open: %v, want a retryable certificate error", err)
	}
}

func BenchmarkSyslogFormat(b *testing.B) {
	evs := sinktest.SampleEvents(b, 1, 3)
	for _, format := range []string{"rfc5424", "json", "cef"} {
		b.Run(format, func(b *testing.B) {
			f := syslogFormatter{format: format, enc: event.Encoder{Observer: "relay1"}}
			var buf []byte
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				buf = f.appendMessage(buf[:0], evs[i%len(evs)])
			}
		})
	}
}

// TestSyslogFieldSetTwice: a field a decoder set twice appears once, with
// its last value (event.Set appends).
func TestSyslogFieldSetTwice(t *testing.T) {
	e := sinktest.BuildEvent(t, 1, sinktest.Spec{Raw: "<13>1 2026-11-22T10:17:01Z h app - - - x"})
	e.SetStr("event.action", "first")
	e.SetStr("event.action", "second")
	f := syslogFormatter{format: "rfc5424"}
	got := string(f.appendMessage(nil, e))
	if !strings.Contains(got, `[nomen@32473 event.action="second"]`) || strings.Contains(got, "first") {
		t.Errorf("got %s", got)
	}
}

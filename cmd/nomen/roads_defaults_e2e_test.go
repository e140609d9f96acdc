package main

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"testing"
)

// The relays as most sites run them: rsyslog and syslog-ng with their
// default global settings. TestRoadsGiveTheSameEvent turns off their
// rewrites; this test keeps them and says what each one costs:
//
//   - rsyslog escapes control characters on receive: a TAB is "#011" in
//     what it forwards. Decoders of TAB-separated formats (Snare, LEEF)
//     read "#011" as the TAB; message keeps the relay's text.
//   - rsyslog cuts the program name at "/" (permitSlashInProgramName off):
//     its RFC 5424 templates send APP-NAME "postfix" for "postfix/smtp",
//     and "-" for "/usr/sbin/cron"; its RFC 3164 ones send the whole tag.
//     What the subprogram told (Postfix's network.protocol, the cron and
//     sshd rules keyed on the program) is lost on those roads.
//   - syslog-ng without keep-hostname(yes) replaces HOSTNAME with the name
//     of the host it got the line from: host.name is the sender's, the
//     line's own host name is lost.
var (
	// UDP paced at 1 ms (roadsRsyslogConf: 300 µs): this test runs first,
	// against a nomen still warming up, and under -race on a loaded
	// 2-core machine lost 4-15 % of the datagrams at 300 µs (3 runs of 5).
	roadsDefaultRsyslogConf = strings.Replace(strings.Replace(roadsRsyslogConf,
		`global(parser.escapeControlCharactersOnReceive="off" parser.permitSlashInProgramName="on")`, "", 1),
		`UDP.SendDelay="300"`, `UDP.SendDelay="1000"`, 1)
	roadsDefaultSyslogNGConf = strings.Replace(roadsSyslogNGConf,
		`options { keep-hostname(yes); keep-timestamp(yes); };`, "", 1)
)

// TestRoadsDefaultSettings is TestRoadsGiveTheSameEvent through relays
// with their default settings.
func TestRoadsDefaultSettings(t *testing.T) {
	if strings.Contains(roadsDefaultRsyslogConf, "parser.") || strings.Contains(roadsDefaultSyslogNGConf, "keep-hostname") ||
		!strings.Contains(roadsDefaultRsyslogConf, `UDP.SendDelay="1000"`) {
		t.Fatal("the default-settings configs still carry the non-default settings")
	}
	runRoads(t, roadsDefaultRsyslogConf, roadsDefaultSyslogNGConf, roadRules{
		cannot: defaultRoadCannotCarry, loses: defaultRoadLoses, rewrites: defaultRoadRewrites,
	})
}

// defaultRoadCannotCarry: with its TABs escaped, rsyslog's RFC 5424
// templates send a Snare header whole as APP-NAME ("MSWinEventLog#0111#011
// Security#011801#011Tue", up to the first space), as syslog-ng's does
// with the TABs (roadCannotCarry): those roads carry the record, which
// nomen puts together again. rsyslog's RFC 3164 templates cut it at 32
// characters, and without the escape its RFC 5424 ones at the first TAB
// (both lost).
//
// A W3C header line (#Version:, #Date:) is read by its source's earlier
// #Software: line, and its source is its host: syslog-ng with its default
// settings sends every line under the sender's name, so all its lines are
// one source there and a header takes the software another host declared.
func defaultRoadCannotCarry(road, line string, direct map[string]any) string {
	if snareLine.MatchString(line) && strings.HasPrefix(road, "rsyslog-5424-") {
		return ""
	}
	if strings.HasPrefix(road, "syslogng-") && w3cHeaderLine.MatchString(line) {
		return "W3C header line whose source (its host) syslog-ng replaced"
	}
	return roadCannotCarry(road, line, direct)
}

// w3cHeaderLine is a syslog line whose message is a W3C #Version: or
// #Date: header.
var w3cHeaderLine = regexp.MustCompile(`^<\d{1,3}>.*?: #(Version|Date): `)

// snareLine is an RFC 3164 line whose tag position holds a Snare header
// (TABs, TABs escaped by an earlier relay, or "MSWinEventLog:" as a tag).
var snareLine = regexp.MustCompile(`^<\d{1,3}>[A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d [\w.-]+ MSWinEventLog(\t|#011|: \t)`)

// defaultRoadLoses: syslog-ng names the sender in HOSTNAME (here the
// test's own host, whatever 127.0.0.1 resolves to), so the line's host
// name and what was taken from it are lost.
func defaultRoadLoses(road, line string) []string {
	lost := roadLoses(road, line)
	if strings.HasPrefix(road, "syslogng-") {
		lost = append(lost, "host.name", "log.syslog.hostname", "winlog.computer_name")
	}
	return lost
}

// defaultRoadRewrites: rsyslog's escapes and its program name cut at "/".
func defaultRoadRewrites(road, line string, direct map[string]string) (map[string]string, bool) {
	if !strings.HasPrefix(road, "rsyslog-") {
		return nil, false
	}
	over := map[string]string{}
	if m := direct["message"]; m != "" && strings.ContainsFunc(line, func(r rune) bool { return r < 0x20 || r == 0x7f }) {
		// The escape is of the line's bytes: a message a decoder built
		// (an XML record's "&#9;") is not the relay's to escape.
		if esc := jsonEscapeControl(m); esc != m {
			over["message"] = esc
		}
	}
	bsd := road == "rsyslog-forward" || road == "rsyslog-udp"
	var app string
	json.Unmarshal([]byte(direct["log.syslog.appname"]), &app)
	i := strings.IndexByte(app, '/')
	if bsd || i < 0 || rfc5424Line.MatchString(line) {
		// rsyslog cuts at "/" the program it reads from an RFC 3164 tag;
		// an RFC 5424 APP-NAME ("cyrus/imap") it carries whole.
		return over, false
	}
	cut := ""
	if i > 0 {
		cut = jsonText(app[:i])
	}
	for _, k := range []string{"log.syslog.appname", "process.name", "event.provider"} {
		if direct[k] == direct["log.syslog.appname"] {
			over[k] = cut
		}
	}
	return over, true
}

// jsonEscapeControl writes a message's control characters as rsyslog
// does ("#011" for a TAB), in the message's JSON text.
func jsonEscapeControl(js string) string {
	var s string
	if json.Unmarshal([]byte(js), &s) != nil {
		return js
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 && c != '\n' || c == 0x7f {
			fmt.Fprintf(&b, "#%03o", c)
		} else {
			b.WriteByte(c)
		}
	}
	if b.String() == s {
		return js
	}
	return jsonText(b.String())
}

// jsonText is s as flatten writes it.
func jsonText(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

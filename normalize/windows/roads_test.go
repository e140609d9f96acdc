package windows

import (
	"fmt"
	"reflect"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/nomenhq/nomen/normalize/internal/normtest"
	"github.com/nomenhq/nomen/normalize/wincatalog"
	"github.com/nomenhq/nomen/parse"
	"github.com/nomenhq/nomen/relay/event"
)

// Every road gives the same event. For every row of the catalog a sample
// record is made from the row's EventData names (values chosen here by
// how the row decodes each name) and written in each road's shape; the
// decoded events must agree, have the row's category, type, action and
// outcome, and carry every field the row maps.

// decodeRoad runs a record through the parser and the decoder.
func decodeRoad(t *testing.T, line string, agent bool) map[string]any {
	t.Helper()
	e := event.New(normtest.Received)
	if agent {
		e.Format, e.Original, e.Message = "agent", line, line
	} else {
		parse.New(parse.Options{Location: time.UTC}).Parse([]byte(line), e)
	}
	if !decodeWindows(e) {
		t.Fatalf("not decoded: %.200s", line)
	}
	var enc event.Encoder
	return normtest.Flatten(enc.AppendJSON(nil, e))
}

// roadSpecific are the keys that say which road a record came by.
func roadSpecific(k string) bool {
	switch k {
	case "nomen.rule", "nomen.format", "event.original", "message", "log.level", "event.sequence", "winlog.keywords", "winlog.task", "winlog.opcode":
		return true
	}
	return strings.HasPrefix(k, "log.syslog") || strings.HasPrefix(k, "nomen.syslog")
}

// expectedKeys are the fields a row's maps must have set from the sample.
func expectedKeys(ent *wincatalog.Entry) []string {
	var keys []string
	for _, f := range ent.Fields {
		switch {
		case strings.HasPrefix(f.To, "winlog.event_data.") && f.Decode == wincatalog.DecodeNone:
		case f.Decode == wincatalog.DecodeHashes:
			keys = append(keys, f.To+".sha256", f.To+".md5")
		case f.Decode == wincatalog.DecodeObjectPath:
			keys = append(keys, "file.path", "file.name")
		case f.Decode == wincatalog.DecodeHost && strings.HasSuffix(f.To, ".address"):
			keys = append(keys, strings.TrimSuffix(f.To, ".address")+".domain")
		case f.Decode == wincatalog.DecodeRegistryPath:
			keys = append(keys, f.To, "registry.hive", "registry.key", "registry.value")
		case f.Decode == wincatalog.DecodeRegistryData:
			keys = append(keys, f.To+".strings", f.To+".type")
		case f.Decode == wincatalog.DecodeDefenderPath:
			keys = append(keys, f.To, "file.name")
		case f.Decode == wincatalog.DecodeDNSQuery:
			keys = append(keys, f.To, "network.protocol", "dns.question.registered_domain", "dns.question.top_level_domain",
				"dns.question.subdomain")
		case f.Decode == wincatalog.DecodeArgv:
			keys = append(keys, f.To, f.To+"_count")
		case f.Decode == wincatalog.DecodeFQBN:
			keys = append(keys, f.To+".x509.subject.organization", f.To+".x509.subject.country", f.To+".pe.product",
				f.To+".pe.original_file_name", f.To+".pe.file_version")
		case f.Decode == wincatalog.DecodeTaskXML:
			keys = append(keys, f.To+".uri", f.To+".actions", f.To+".triggers")
		case f.Decode == wincatalog.DecodeSDDL:
			keys = append(keys, f.To, f.To+"Owner", f.To+"Group", f.To+"Dacl0", f.To+"Dacl1", f.To+"Sacl0")
		case f.Decode == wincatalog.DecodeIANANumber:
			keys = append(keys, f.To, "network.transport")
		case f.Decode == wincatalog.DecodeURL:
			keys = append(keys, f.To+".original", f.To+".full", f.To+".scheme", f.To+".domain", f.To+".port", f.To+".path",
				f.To+".query", "destination.address", "destination.domain")
		case f.Decode == wincatalog.DecodeContextInfo:
			keys = append(keys, "process.title", "process.command_line", "process.args", "user.name", "user.domain")
		default:
			keys = append(keys, f.To)
		}
	}
	return keys
}

// TestRoadsAgreePerID: for every catalog row, every road.
func TestRoadsAgreePerID(t *testing.T) {
	rows, mapped := 0, 0
	for _, ch := range wincatalog.Channels() {
		for _, ent := range wincatalog.Entries(ch) {
			rows++
			if len(ent.Fields) > 0 {
				mapped++
			}
			s := makeSample(ent)
			ref := decodeRoad(t, s.xml(false), true)
			roads := map[string]map[string]any{
				"xml+rendering": decodeRoad(t, s.xml(true), false),
				"winlogbeat":    decodeRoad(t, s.winlogbeat(), false),
				"nxlog":         decodeRoad(t, s.nxlog(nxlogNested), false),
				"nxlog dup":     withoutNXLogOwn(decodeRoad(t, s.nxlog(nxlogDup), false)),
				"evtx":          decodeRoad(t, s.evtx(), false),
			}
			name := fmt.Sprintf("%s %d", ch, ent.ID)
			checkMeaning(t, name, ent, ref)
			for _, k := range expectedKeys(ent) {
				if ref[k] == nil {
					t.Errorf("%s: %s not set (sample %v)", name, k, s.data)
				}
			}
			for road, got := range roads {
				compareEvents(t, name+" "+road, ref, got, false)
			}
			flatRef, flat := ref, decodeRoad(t, s.nxlog(nxlogFlat), false)
			if lost := s.without(nxlogKeepsOwn); len(lost.data) < len(s.data) { // NXLog's kept, the event's lost
				flatRef = decodeRoad(t, lost.xml(false), true)
				flat = withoutNXLogOwn(flat)
			}
			compareEvents(t, name+" nxlog flat", flatRef, flat, false)
			so := s.inSysmonOrder() // Sysmon's labels are read in its order
			soRef := decodeRoad(t, so.xml(false), true)
			for sepName, sep := range map[string]string{"snare": "\t", "snare#011": "#011"} {
				got := decodeRoad(t, so.snare(sep), false)
				checkMeaning(t, name+" "+sepName, ent, got)
				if ch == wincatalog.ChannelSysmon {
					compareEvents(t, name+" "+sepName, soRef, got, true)
				}
			}
		}
	}
	t.Logf("%d rows, %d with field maps", rows, mapped)
}

// checkMeaning: category, type, action and outcome are the row's.
func checkMeaning(t *testing.T, name string, ent *wincatalog.Entry, got map[string]any) {
	t.Helper()
	want := map[string]any{"event.action": ent.Action, "event.category": anyList(ent.ECSCategory),
		"event.type": anyList(ent.ECSType)}
	switch ent.Outcome {
	case wincatalog.OutcomeKeyword:
		want["event.outcome"] = "success" // the samples' keyword
	case wincatalog.OutcomeCode, wincatalog.OutcomeExitCode: // the sample's code, if it maps it (TestResultCodeOutcome)
	default:
		want["event.outcome"] = ent.Outcome.String()
	}
	for k, v := range want {
		if !reflect.DeepEqual(got[k], v) {
			t.Errorf("%s: %s = %v, want %v", name, k, normtest.JSONText(got[k]), normtest.JSONText(v))
		}
	}
}

func anyList(l []string) any {
	if l == nil {
		return nil
	}
	out := make([]any, len(l))
	for i, s := range l {
		out[i] = s
	}
	return out
}

// compareEvents: the same fields with the same values, but for the road's
// own (and, from text, the winlog envelope and event_data, which text
// roads do not carry, and the agent's time).
func compareEvents(t *testing.T, name string, want, got map[string]any, text bool) {
	t.Helper()
	skip := func(k string) bool {
		if roadSpecific(k) {
			return true
		}
		return text && (strings.HasPrefix(k, "winlog.") && !strings.HasPrefix(k, "winlog.logon.") || k == "@timestamp")
	}
	keys := map[string]bool{}
	for k := range want {
		keys[k] = true
	}
	for k := range got {
		keys[k] = true
	}
	var diffs []string
	for k := range keys {
		if skip(k) || reflect.DeepEqual(want[k], got[k]) {
			continue
		}
		diffs = append(diffs, fmt.Sprintf("%s = %s, agent has %s", k, normtest.JSONText(got[k]), normtest.JSONText(want[k])))
	}
	sort.Strings(diffs)
	for _, d := range diffs {
		t.Errorf("%s: %s", name, d)
	}
}

// TestLegacyTextRoad: a legacy id by the eventlog-to-syslog text road
// means what its modern id means.
func TestLegacyTextRoad(t *testing.T) {
	n := 0
	for _, id := range wincatalog.LegacyIDs() {
		modern, _ := wincatalog.Modern(id)
		ent, ok := wincatalog.Security(modern)
		if !ok {
			t.Errorf("legacy %d: modern %d not in the catalog", id, modern)
			continue
		}
		kw := "AUDIT_SUCCESS"
		if ent.Outcome == wincatalog.OutcomeFailure {
			kw = "AUDIT_FAILURE"
		}
		got := decodeRoad(t, fmt.Sprintf("<13>Jun 30 09:48:41 web1 Security: %d: %s %s", id, kw, ent.Name), false)
		if got["event.code"] != fmt.Sprint(id) {
			t.Errorf("legacy %d: event.code %v", id, got["event.code"])
		}
		checkMeaning(t, fmt.Sprintf("legacy %d (%d)", id, modern), ent, got)
		n++
	}
	if n < 150 {
		t.Errorf("only %d legacy ids", n)
	}
}

// TestSIDOnlyAccounts: a SID the event does not name gets its name from the
// well-known list or from the agent's lookup (AccountName attributes);
// the NULL SID is no account.
func TestSIDOnlyAccounts(t *testing.T) {
	rec := func(member, attrs string) string {
		return `<Event><System><Provider Name="Microsoft-Windows-Security-Auditing"/><EventID>4732</EventID>` +
			`<Channel>Security</Channel><Computer>DC1</Computer><Security UserID="S-1-5-18" AccountName="SYSTEM" AccountDomain="NT AUTHORITY" AccountType="WellKnownGroup"/></System><EventData>` +
			`<Data Name="MemberName">-</Data><Data Name="MemberSid"` + attrs + `>` + member + `</Data>` +
			`<Data Name="TargetUserName">Administrators</Data><Data Name="TargetDomainName">Builtin</Data>` +
			`<Data Name="TargetSid">S-1-5-32-544</Data><Data Name="SubjectUserName">admin</Data></EventData></Event>`
	}
	for _, c := range []struct{ member, attrs, name, domain, id string }{
		{"S-1-5-21-1-2-3-1105", ` AccountName="alice" AccountDomain="CORP"`, "alice", "CORP", "S-1-5-21-1-2-3-1105"},
		{"S-1-5-21-1-2-3-1105", "", "", "", "S-1-5-21-1-2-3-1105"},
		{"S-1-5-20", "", "NETWORK SERVICE", "", "S-1-5-20"},
		{"S-1-0-0", "", "", "", ""},
	} {
		got := decodeRoad(t, rec(c.member, c.attrs), true)
		for k, want := range map[string]string{"user.target.name": c.name, "user.target.domain": c.domain, "user.target.id": c.id,
			"group.name": "Administrators", "group.id": "S-1-5-32-544", "winlog.user.name": "SYSTEM"} {
			if g, _ := got[k].(string); g != want {
				t.Errorf("%s%s: %s = %q, want %q", c.member, c.attrs, k, g, want)
			}
		}
	}
}

// TestRecordUserByRoad: the record's own account (System's Security
// UserID) is user.id by every road that carries it when that account
// acted (Sysmon 16: the account that changed Sysmon's configuration),
// and by none when Sysmon's service wrote the event for another actor
// (13 of an older schema, without User).
func TestRecordUserByRoad(t *testing.T) {
	const sid = "S-1-5-21-1111111111-2222222222-3333333333-1107"
	for _, c := range []struct {
		id   int
		want any
	}{{16, sid}, {4, sid}, {13, nil}} {
		ent, ok := wincatalog.Lookup(wincatalog.ChannelSysmon, c.id)
		if !ok {
			t.Fatalf("no Sysmon %d row", c.id)
		}
		s := makeSample(ent)
		s.data = slicesWithout(s.data, "User")
		roads := map[string]string{
			"agent XML": strings.Replace(s.xml(false), "</Computer></System>",
				`</Computer><Security UserID="`+sid+`"/></System>`, 1),
			"Winlogbeat": strings.Replace(s.winlogbeat(), `"record_id":1042,`, `"record_id":1042,"user":{"identifier":"`+sid+`"},`, 1),
			"evtx_dump": strings.Replace(s.evtx(), `"Computer":"WKS-7.corp.example.org"}`,
				`"Computer":"WKS-7.corp.example.org","Security":{"#attributes":{"UserID":"`+sid+`"}}}`, 1),
			"NXLog": strings.Replace(s.nxlog(nxlogNested), `"RecordNumber":1042`, `"RecordNumber":1042,"UserID":"`+sid+`"`, 1),
		}
		for road, line := range roads {
			if !strings.Contains(line, sid) {
				t.Fatalf("%s: the SID is not in the record: %s", road, line)
			}
			got := decodeRoad(t, line, road == "agent XML")
			if u, has := got["user.id"]; c.want == nil && has || c.want != nil && u != c.want {
				t.Errorf("Sysmon %d by %s: user.id = %v, want %v", c.id, road, u, c.want)
			}
		}
	}
}

// TestRecordAccountIsUser: a Sysmon event whose User names the record's
// own account (NT AUTHORITY\SYSTEM, Sysmon's service) has that account's
// SID as user.id, by every road that names the record's account; a User
// of another account has none.
func TestRecordAccountIsUser(t *testing.T) {
	ent, _ := wincatalog.Lookup(wincatalog.ChannelSysmon, 1)
	for _, c := range []struct {
		user string
		want any
	}{{`NT AUTHORITY\SYSTEM`, "S-1-5-18"}, {`CORP\alice`, nil}} {
		s := makeSample(ent)
		for i := range s.data {
			if s.data[i][0] == "User" {
				s.data[i][1] = c.user
			}
		}
		roads := map[string]string{
			"agent XML": strings.Replace(s.xml(false), "</Computer></System>",
				`</Computer><Security UserID="S-1-5-18" AccountName="SYSTEM" AccountDomain="NT AUTHORITY" AccountType="Well Known Group"/></System>`, 1),
			"Winlogbeat": strings.Replace(s.winlogbeat(), `"record_id":1042,`,
				`"record_id":1042,"user":{"identifier":"S-1-5-18","name":"SYSTEM","domain":"NT AUTHORITY","type":"Well Known Group"},`, 1),
			"NXLog": strings.Replace(s.nxlog(nxlogNested), `"RecordNumber":1042`,
				`"RecordNumber":1042,"UserID":"S-1-5-18","AccountName":"SYSTEM","Domain":"NT AUTHORITY"`, 1),
		}
		for road, line := range roads {
			got := decodeRoad(t, line, road == "agent XML")
			if got["user.name"] == nil {
				t.Fatalf("%s: no user.name from User %s", road, c.user)
			}
			if u, has := got["user.id"]; c.want == nil && has || c.want != nil && u != c.want {
				t.Errorf("Sysmon 1 by %s, User %s: user.id = %v, want %v", road, c.user, u, c.want)
			}
		}
	}
}

// slicesWithout is data without the EventData name.
func slicesWithout(data [][2]string, name string) [][2]string {
	var out [][2]string
	for _, d := range data {
		if d[0] != name {
			out = append(out, d)
		}
	}
	return out
}

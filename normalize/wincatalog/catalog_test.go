package wincatalog

import (
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/nomenhq/nomen/internal/golden"
)

// ecsTypesByCategory: ECS's allowed event.category values and, for each,
// the event.type values ECS expects with it (ECS "expected event types").
var ecsTypesByCategory = map[string][]string{
	"api":                 {"access", "admin", "allowed", "change", "creation", "deletion", "denied", "end", "info", "start", "user"},
	"authentication":      {"start", "end", "info"},
	"configuration":       {"access", "change", "creation", "deletion", "info"},
	"database":            {"access", "change", "info", "error"},
	"driver":              {"change", "end", "info", "start"},
	"file":                {"access", "change", "creation", "deletion", "info"},
	"host":                {"access", "change", "end", "info", "start"},
	"iam":                 {"admin", "change", "creation", "deletion", "group", "info", "user"},
	"library":             {"start"},
	"intrusion_detection": {"allowed", "denied", "info"},
	"malware":             {"info"},
	"network":             {"access", "allowed", "connection", "denied", "end", "info", "protocol", "start"},
	"package":             {"access", "change", "deletion", "info", "installation", "start"},
	"process":             {"access", "change", "end", "info", "start"},
	"registry":            {"access", "change", "creation", "deletion"},
	"session":             {"start", "end", "info"},
	"threat":              {"indicator"},
	"web":                 {"access", "error", "info"},
}

var ecsTypes = []string{"access", "admin", "allowed", "change", "connection", "creation", "deletion", "denied",
	"end", "error", "group", "indicator", "info", "installation", "protocol", "start", "user"}

// allEntries is every row of every channel.
func allEntries() []*Entry {
	var all []*Entry
	for _, ch := range Channels() {
		all = append(all, Entries(ch)...)
	}
	return all
}

func TestECSValues(t *testing.T) {
	for _, e := range allEntries() {
		if len(e.ECSCategory) == 0 || len(e.ECSType) == 0 {
			t.Errorf("%s %d: no event.category or event.type", e.Channel, e.ID)
		}
		for _, c := range e.ECSCategory {
			if _, ok := ecsTypesByCategory[c]; !ok {
				t.Errorf("%s %d: event.category %q is not an ECS allowed value", e.Channel, e.ID, c)
			}
		}
		for _, typ := range e.ECSType {
			if !slices.Contains(ecsTypes, typ) {
				t.Errorf("%s %d: event.type %q is not an ECS allowed value", e.Channel, e.ID, typ)
				continue
			}
			expected := false
			for _, c := range e.ECSCategory {
				expected = expected || slices.Contains(ecsTypesByCategory[c], typ)
			}
			if !expected {
				t.Errorf("%s %d: event.type %q is not expected with event.category %v", e.Channel, e.ID, typ, e.ECSCategory)
			}
		}
	}
}

var actionForm = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)

// TestActions: actions are lower-case and hyphenated, and one action is
// one meaning: rows of a channel that share an action share its ECS
// classification and its audit category.
func TestActions(t *testing.T) {
	type meaning struct{ category, ecs string }
	seen := map[string]meaning{}
	for _, e := range allEntries() {
		if !actionForm.MatchString(e.Action) {
			t.Errorf("%s %d: action %q is not lower-case-hyphenated", e.Channel, e.ID, e.Action)
		}
		m := meaning{e.Category, strings.Join(e.ECSCategory, ",") + "/" + strings.Join(e.ECSType, ",")}
		key := e.Channel + " " + e.Action
		if prev, ok := seen[key]; ok && prev != m {
			t.Errorf("%s %d: action %q also names %v, here %v", e.Channel, e.ID, e.Action, prev, m)
		}
		seen[key] = m
	}
}

// TestWinlogbeatMeanings: where Winlogbeat's security module classifies
// a Security id, the row gives the same event.category, event.type and
// event.action (its documented table, spelling included), so searches,
// dashboards and detection rules written against Winlogbeat's events
// match nomen's; the outcome stays the row's.
func TestWinlogbeatMeanings(t *testing.T) {
	for _, c := range []struct {
		id                 int
		action             string
		outcome            Outcome
		category, evtTypes string
	}{
		{1100, "logging-service-shutdown", OutcomeSuccess, "process", "end"},
		{1102, "audit-log-cleared", OutcomeSuccess, "iam", "admin,change"},
		{1105, "auditlog-archieved", OutcomeSuccess, "iam", "admin"},
		{4616, "system-time-changed", OutcomeSuccess, "configuration", "change"},
		{4624, "logged-in", OutcomeSuccess, "authentication", "start"},
		{4625, "logon-failed", OutcomeFailure, "authentication", "start"},
		{4634, "logged-out", OutcomeSuccess, "authentication", "end"},
		{4647, "logged-out", OutcomeSuccess, "authentication", "end"},
		{4648, "logged-in-explicit", OutcomeKeyword, "authentication", "start"},
		{4657, "registry-value-modified", OutcomeSuccess, "registry,configuration", "change"},
		{4670, "permissions-changed", OutcomeSuccess, "iam,configuration", "admin,change"},
		{4672, "logged-in-special", OutcomeSuccess, "iam", "admin"},
		{4673, "privileged-service-called", OutcomeKeyword, "iam", "admin"},
		{4688, "created-process", OutcomeSuccess, "process", "start"},
		{4689, "exited-process", OutcomeSuccess, "process", "end"},
		{4696, "assigned-primary-token", OutcomeSuccess, "process", "change"}, // not in Winlogbeat's table
		{4697, "service-installed", OutcomeSuccess, "iam,configuration", "admin,change"},
		{4698, "scheduled-task-created", OutcomeSuccess, "iam,configuration", "creation,admin"},
		{4719, "changed-audit-config", OutcomeSuccess, "iam,configuration", "admin,change"},
		{4720, "added-user-account", OutcomeKeyword, "iam", "user,creation"},
		{4722, "enabled-user-account", OutcomeKeyword, "iam", "user,change"},
		{4723, "changed-password", OutcomeKeyword, "iam", "user,change"},
		{4724, "reset-password", OutcomeKeyword, "iam", "user,change"},
		{4725, "disabled-user-account", OutcomeKeyword, "iam", "user,deletion"},
		{4726, "deleted-user-account", OutcomeKeyword, "iam", "user,deletion"},
		{4728, "added-member-to-group", OutcomeKeyword, "iam", "group,change"},
		{4732, "added-member-to-group", OutcomeKeyword, "iam", "group,change"},
		{4738, "modified-user-account", OutcomeKeyword, "iam", "user,change"},
		{4740, "locked-out-user-account", OutcomeKeyword, "iam", "user,change"},
		{4741, "added-computer-account", OutcomeSuccess, "iam", "creation,admin"},
		{4746, "added-member-to-distribution-group", OutcomeSuccess, "iam", "group,change"},
		{4764, "type-changed-group-account", OutcomeSuccess, "iam", "group,change"},
		{4768, "kerberos-authentication-ticket-requested", OutcomeKeyword, "authentication", "start"},
		{4776, "credential-validated", OutcomeCode, "authentication", "start"},
		{4778, "session-reconnected", OutcomeSuccess, "authentication,session", "start"},
		{4779, "session-disconnected", OutcomeSuccess, "authentication,session", "end"},
		{4798, "group-membership-enumerated", OutcomeSuccess, "iam", "user,info"},
		{4799, "user-member-enumerated", OutcomeSuccess, "iam", "group,info"},
		{4907, "audit-setting-changed", OutcomeSuccess, "iam,configuration", "admin,change"},
		{4797, "query-existence-of-blank-password", OutcomeSuccess, "iam", "user,info"},
		{4627, "group-membership-info", OutcomeSuccess, "iam", "info"}, // Elastic's system integration, as 4658-4793
		{4660, "object-deleted", OutcomeSuccess, "file", "deletion"},
		{4690, "duplicate-handle-attempt", OutcomeSuccess, "process", "access"},
		{4704, "user-right-assigned", OutcomeSuccess, "iam", "change,user"},
		{4793, "password-policy-checking-api-called", OutcomeSuccess, "api", "info"},
		{5379, "credential-manager-credentials-were-read", OutcomeSuccess, "iam", "user,info"},
		{5380, "vault-credential-find", OutcomeSuccess, "iam", "user,info"},
		{5382, "vault-credentials-were-read", OutcomeSuccess, "iam", "user,info"},
		{5024, "windows-firewall-service-started", OutcomeSuccess, "process", "start"},
		{5140, "network-share-object-accessed", OutcomeKeyword, "network,file", "info,access"}, // Elastic's system integration
		{5145, "network-share-object-access-checked", OutcomeKeyword, "network,file", "info,access"},
	} {
		e, ok := Security(c.id)
		if !ok {
			t.Errorf("%d: missing", c.id)
			continue
		}
		got := [4]string{e.Action, e.Outcome.String(), strings.Join(e.ECSCategory, ","), strings.Join(e.ECSType, ",")}
		want := [4]string{c.action, c.outcome.String(), c.category, c.evtTypes}
		if got != want {
			t.Errorf("%d: got %v, want %v", c.id, got, want)
		}
	}
}

// TestSecurityRanges: every Security row is in the ranges Microsoft's
// audit documentation covers.
func TestSecurityRanges(t *testing.T) {
	ranges := [][2]int{{1100, 1108}, {4608, 4985}, {5024, 5890}, {6144, 6424}}
	for _, e := range Entries(ChannelSecurity) {
		in := false
		for _, r := range ranges {
			in = in || (r[0] <= e.ID && e.ID <= r[1])
		}
		if !in {
			t.Errorf("%d: outside the documented ranges", e.ID)
		}
	}
}

func TestLegacy(t *testing.T) {
	ids := LegacyIDs()
	if len(ids) < 150 {
		t.Fatalf("only %d legacy ids", len(ids))
	}
	for _, id := range ids {
		m, ok := Modern(id)
		if !ok {
			t.Fatalf("%d listed but Modern says no", id)
		}
		if _, ok := Security(m); !ok {
			t.Errorf("legacy %d -> %d, which has no row", id, m)
		}
	}
	// the decoder's own pairs today, and Appendix L's
	for legacy, modern := range map[int]int{
		512: 4608, 517: 1102, 528: 4624, 529: 4625, 535: 4625, 537: 4625, 538: 4634, 539: 4625, 540: 4624,
		551: 4647, 552: 4648, 560: 4656, 567: 4663, 576: 4672, 592: 4688, 593: 4689, 600: 4696, 601: 4697,
		602: 4698, 612: 4719, 624: 4720, 626: 4722, 630: 4726, 631: 4727, 632: 4728, 636: 4732, 642: 4738,
		644: 4740, 668: 4764, 672: 4768, 675: 4771, 680: 4776, 681: 4776, 682: 4778, 685: 4781, 689: 4785,
		694: 4790, 772: 4868, 801: 4897, 802: 4898, 807: 4912,
	} {
		if got, ok := Modern(legacy); !ok || got != modern {
			t.Errorf("Modern(%d) = %d, %v; want %d", legacy, got, ok, modern)
		}
	}
	for _, id := range []int{0, 511, 550, 619, 640, 808, 4624} {
		if m, ok := Modern(id); ok {
			t.Errorf("Modern(%d) = %d, want none", id, m)
		}
	}
}

func TestLookup(t *testing.T) {
	for _, c := range []struct {
		channel string
		id      int
		action  string
	}{
		{"Security", 4624, "logged-in"},
		{"security", 4625, "logon-failed"},
		{"Microsoft-Windows-Security-Auditing", 4688, "created-process"},
		{ChannelSysmon, 1, "created-process"},
		{"microsoft-windows-sysmon/operational", 3, "network-connection-detected"},
		{"Microsoft-Windows-Sysmon", 22, "queried-dns"},
		{"System", 7045, "installed-service"},
		{"Service Control Manager", 7036, "changed-service-state"},
		{ChannelPowerShell, 4104, "created-powershell-script-block"},
		{ChannelDefender, 1116, "malware-detected"},
		{ChannelTaskSched, 106, "registered-scheduled-task"},
		{ChannelWMI, 5861, "bound-wmi-permanent-consumer"},
		{ChannelFirewall, 2004, "added-firewall-rule"},
		{ChannelRDPConnMgr, 1149, "rdp-authentication-succeeded"},
		{ChannelRDPLocalSess, 21, "rdp-session-logon-succeeded"},
		{ChannelBITS, 59, "started-bits-transfer"},
	} {
		e, ok := Lookup(c.channel, c.id)
		if !ok || e.Action != c.action {
			t.Errorf("Lookup(%q, %d) = %v, %v; want action %q", c.channel, c.id, e, ok, c.action)
		}
	}
	for _, c := range []struct {
		channel string
		id      int
	}{{"Application", 1}, {"", 4624}, {ChannelSysmon, 4624}, {"System", 4624}, {ChannelSysmon, 0},
		{ChannelSysmon, 70000}, {"Security", 99999}, {"Security", -1}, {"Security", 4613}} {
		if e, ok := Lookup(c.channel, c.id); ok {
			t.Errorf("Lookup(%q, %d) = %s, want none", c.channel, c.id, e.Action)
		}
	}
	for id := 1; id <= 29; id++ {
		if _, ok := Lookup(ChannelSysmon, id); !ok {
			t.Errorf("Sysmon %d missing", id)
		}
	}
}

// TestChannelNamesDistinct: no two channel or provider names are the same
// name in another case, so that channelNumber's compare as written finds
// the channel its case-blind compare would.
func TestChannelNamesDistinct(t *testing.T) {
	var names []string
	for _, c := range channels {
		names = append(names, c.name)
	}
	for _, c := range channels {
		names = append(names, c.providers...)
	}
	for i, a := range names {
		for _, b := range names[i+1:] {
			if strings.EqualFold(a, b) {
				t.Errorf("%q and %q are one name in another case", a, b)
			}
		}
		if got, want := channelNumber(a), channelNumber(strings.ToUpper(a)); got != want || got < 0 {
			t.Errorf("channelNumber(%q) = %d, of its upper case %d", a, got, want)
		}
	}
}

func winlogbeatCamel(to string) bool {
	switch to {
	case "winlog.trustType", "winlog.trustDirection", "winlog.trustAttribute", "winlog.scheduled_task.name", "winlog.scheduled_task":
		return true
	}
	return strings.HasPrefix(to, "winlog.computerObject.")
}

// TestFields: every map names an EventData name and a field path.
func TestFields(t *testing.T) {
	path := regexp.MustCompile(`^[a-z_]+(\.[a-z0-9_]+)*(\.[A-Za-z][A-Za-z0-9 _]*)?$`)
	for _, e := range allEntries() {
		for _, f := range e.Fields {
			// winlog.computerObject (4741-4743), winlog.trustType... (4706,
			// 4716) and winlog.scheduled_task.name, .uri, .actions (4698-4702) are Winlogbeat's
			// and Elastic's system integration's names
			if f.From == "" || !path.MatchString(f.To) && !winlogbeatCamel(f.To) {
				t.Errorf("%s %d: field %q -> %q", e.Channel, e.ID, f.From, f.To)
			}
			if strings.HasPrefix(f.To, "winlog.") && !strings.HasPrefix(f.To, "winlog.event_data.") &&
				!strings.HasPrefix(f.To, "winlog.logon.") && !winlogbeatCamel(f.To) {
				t.Errorf("%s %d: %s is not a winlog field nomen sets", e.Channel, e.ID, f.To)
			}
		}
	}
	e, _ := Security(4625)
	var reasons []string
	for _, f := range e.Fields {
		if f.To == "event.reason" {
			reasons = append(reasons, f.From+":"+f.Decode.String())
		}
	}
	if want := []string{"FailureReason:message", "SubStatus:status", "Status:status"}; !slices.Equal(reasons, want) {
		t.Errorf("4625 event.reason sources %v, want %v", reasons, want)
	}
}

func TestParseErrors(t *testing.T) {
	for _, line := range []string{
		"4624 | S | authentication | start | x | Logon | name",                      // 7 columns
		"x | S | authentication | start | x | Logon | name | -",                     // id
		"4624 | Y | authentication | start | x | Logon | name | -",                  // outcome
		"4624 | S | authentication | start | x | No Such Subcategory | name | -",    // subcategory
		"4624 | S | authentication | start | x | Logon | name | nosuchgroup",        // group
		"4624 | S | authentication | start | x | Logon | name | A>b.c:nosuchdecode", // decode
		"4624 | S | authentication | start | x | Logon | name | >b.c",               // empty name
	} {
		if _, err := parseTable(line, false); err == nil {
			t.Errorf("%q parsed", line)
		}
	}
	rows, err := parseTable("# comment\n\n4624 | K | iam | info | x-y | Logon | n | subject, A>b.c:hex\n", false)
	if err != nil || len(rows) != 1 || rows[0].Outcome != OutcomeKeyword || len(rows[0].Fields) != 5 ||
		rows[0].Fields[4] != (Field{From: "A", To: "b.c", Decode: DecodeHex}) {
		t.Errorf("good row: %+v, %v", rows, err)
	}
}

// TestEarlier: a map's Earlier bits are the earlier maps of its row with
// the same target, and only those (a decoder skips a target set by them).
func TestEarlier(t *testing.T) {
	rows, err := parseTable("4625 | F | authentication | start | x | Logon | n | "+
		"FailureReason>event.reason:message, SubStatus>event.reason:status, Status>event.reason:status, TargetUserName>user.name\n", false)
	if err != nil || len(rows) != 1 {
		t.Fatalf("%+v, %v", rows, err)
	}
	if got := []uint64{rows[0].Fields[0].Earlier, rows[0].Fields[1].Earlier, rows[0].Fields[2].Earlier, rows[0].Fields[3].Earlier}; got[0] != 0 || got[1] != 1 || got[2] != 3 || got[3] != 0 {
		t.Errorf("Earlier = %b", got)
	}
	for _, ch := range Channels() {
		for _, ent := range Entries(ch) {
			for i, f := range ent.Fields {
				var want uint64
				for j := 0; j < i && j < 64; j++ {
					if ent.Fields[j].To == f.To {
						want |= 1 << j
					}
				}
				if f.Earlier != want {
					t.Errorf("%s %d: %s>%s Earlier %b, want %b", ch, ent.ID, f.From, f.To, f.Earlier, want)
				}
			}
		}
	}
}

// TestNoAllocation: the lookups a decoder makes per record allocate nothing.
func TestNoAllocation(t *testing.T) {
	var sink int
	allocs := testing.AllocsPerRun(100, func() {
		e, _ := Security(4624)
		s, _ := Lookup("Microsoft-Windows-Sysmon/Operational", 3)
		m, _ := Modern(528)
		sink += e.ID + s.ID + m + len(Status("0xC000006A")) + len(Status("0x18")) + len(LogonType(3)) +
			len(WellKnownSID("S-1-5-21-1-2-3-512")) + len(Message("%%2313"))
	})
	if allocs != 0 {
		t.Errorf("%v allocations per lookup round", allocs)
	}
	_ = sink
}

func TestDocUpToDate(t *testing.T) {
	golden.Compare(t, "../../docs/windows-events.md", Markdown())
}

func BenchmarkSecurity(b *testing.B) {
	for b.Loop() {
		Security(4624)
	}
}

func BenchmarkLookupSysmon(b *testing.B) {
	for b.Loop() {
		Lookup(ChannelSysmon, 3)
	}
}

func BenchmarkStatus(b *testing.B) {
	for b.Loop() {
		Status("0xC000006A")
	}
}

// TestDefaultChannels: an agent reads every channel the catalog maps by
// default but the DNS client's, which it reads only when named.
func TestDefaultChannels(t *testing.T) {
	def := DefaultChannels()
	if len(def) != len(Channels())-1 || def[0] != ChannelSecurity {
		t.Fatalf("DefaultChannels = %q, want Channels() less one, Security first", def)
	}
	for _, ch := range def {
		if ch == ChannelDNSClient {
			t.Errorf("DefaultChannels holds %s (opt-in)", ch)
		}
	}
	if e, ok := Lookup(ChannelDNSClient, 3006); !ok || e.Action != "called-dns-query" {
		t.Errorf("DNS client 3006: %v, %v", e, ok)
	}
}

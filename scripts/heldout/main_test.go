package main

import "testing"

func TestNorm(t *testing.T) {
	for _, c := range []struct {
		field string
		a, b  any
		same  bool
	}{
		{"@timestamp", "2023-05-04T17:01:45.8409961Z", "2023-05-04T17:01:45.840Z", true},
		{"@timestamp", "2023-05-04T17:01:45.8409961Z", "2023-05-04T17:01:45.841Z", false},
		{"event.type", []any{"change", "admin"}, []any{"admin", "change"}, true},
		{"event.type", []any{"change"}, []any{"admin", "change"}, false},
		{"process.pid", float64(996), "996", true},
		{"source.ip", "fe80:0:0:0:e488:b85c:5262:ff86", "fe80::e488:b85c:5262:ff86", true},
		{"source.ip", "fe80::1", "fe80::2", false},
		{"a", map[string]any{"x": "1", "y": true}, map[string]any{"y": true, "x": "1"}, true},
	} {
		if got := norm(c.field, c.a) == norm(c.field, c.b); got != c.same {
			t.Errorf("norm(%q): %v and %v equal = %v, want %v", c.field, c.a, c.b, got, c.same)
		}
	}
}

func TestNotInRecord(t *testing.T) {
	c := testCase{Src: "s", Name: "n"}
	line := `<Event><EventData><Data Name="User">CORP\erin</Data><Data Name="Path">a &amp; b</Data></EventData></Event>`
	got := notInRecord(c, line, map[string]any{"user.name": "erin", "file.path": "a & b", "user.domain": "CONTOSO",
		"process.pid": float64(1234), "event.action": "made-up"})
	if len(got) != 2 || got[0] != `s n process.pid=1234` || got[1] != `s n user.domain="CONTOSO"` {
		t.Errorf("notInRecord = %q, want process.pid and user.domain", got)
	}
	if got := notInRecord(c, `<Data Name="SourceIp">fe80:0:0:0:e488:b85c:5262:ff86</Data>`,
		map[string]any{"source.ip": "fe80::e488:b85c:5262:ff86", "destination.ip": "fe80::e488:b85c:5262:ff87"}); len(got) != 1 {
		t.Errorf("notInRecord = %q, want destination.ip alone (source.ip is the record's, written short)", got)
	}
	if got := notInRecord(c, `<Data Name="TargetSid">S-1-5-9</Data>`,
		map[string]any{"user.target.name": "ENTERPRISE DOMAIN CONTROLLERS", "user.name": "SYSTEM"}); len(got) != 1 {
		t.Errorf("notInRecord = %q, want user.name alone (S-1-5-9's name is the record's)", got)
	}
	if got := notInRecord(c, `<Data Name="ShareLocalPath">\??\D:\Shares\Finance</Data><Data Name="RelativeTargetName">Q4\budget.xlsx</Data>`,
		map[string]any{"file.path": `D:\Shares\Finance\Q4\budget.xlsx`, "process.executable": `D:\Shares\Finance\Q4\run.exe`}); len(got) != 1 {
		t.Errorf("notInRecord = %q, want process.executable alone (file.path joins the record's parts)", got)
	}
	if !isDocumented("4662", "event.category") || isDocumented("4624", "event.category") {
		t.Error("isDocumented: 4662's category is documented, 4624's is not")
	}
}

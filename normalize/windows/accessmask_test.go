package windows

import (
	"fmt"
	"testing"
)

// An access mask as each renderer writes it: hex (Windows' own
// rendering), decimal (older renderers), or the rights' message codes
// (4674 on Windows Server 2012 and later); a directory object's (4662)
// by the directory rights. The samples are written here, with the
// EventData names of Microsoft's 4662, 4663 and 4674 pages.
func TestAccessMaskRenderings(t *testing.T) {
	const subject = `"SubjectUserSid":"S-1-5-19","SubjectUserName":"LOCAL SERVICE","SubjectDomainName":"NT AUTHORITY","SubjectLogonId":"0x3e5",`
	for _, c := range []struct {
		name, line, want string
	}{
		{"hex", secRecord("4663", subject+`"ObjectServer":"Security","ObjectType":"File","ObjectName":"C:\\Data\\q3.txt","AccessMask":"0x6"`),
			"[WriteData/AddFile AppendData/AddSubdirectory]"},
		{"decimal", secRecord("4674", subject+`"ObjectServer":"LSA","ObjectType":"-","ObjectName":"-","AccessMask":"16777216","PrivilegeList":"SeSecurityPrivilege"`),
			"[ACCESS_SYS_SEC]"},
		{"message codes", secRecord("4674", subject+`"ObjectServer":"Security","ObjectType":"File","ObjectName":"C:\\Data","AccessMask":"%%1538\r\n\t\t\t\t%%1542\r\n\t\t\t\t","PrivilegeList":"SeSecurityPrivilege"`),
			"[READ_CONTROL ACCESS_SYS_SEC]"},
		{"no number", secRecord("4674", subject+`"ObjectServer":"LSA","AccessMask":"-","PrivilegeList":"SeSecurityPrivilege"`),
			"<nil>"},
		{"directory object", secRecord("4662", subject+`"ObjectServer":"DS","ObjectType":"%{19195a5b-6da0-11d0-afd3-00c04fd930c9}",`+
			`"ObjectName":"%{2f5c1a7e-0000-4c1e-9d2b-3a4b5c6d7e8f}","OperationType":"Object Access","AccessList":"%%7688
				",`+
			`"AccessMask":"0x100","Properties":"%%7688
		{1131f6aa-9c07-11d1-f79f-00c04fc2dcd2}"`),
			"[Control Access]"},
		{"directory object deleted", secRecord("4662", subject+`"ObjectServer":"DS","AccessMask":"0x10000"`), "[DELETE]"},
	} {
		got := decodeRoad(t, c.line, false)
		if s := fmt.Sprint(got["winlog.event_data.AccessMaskDescription"]); s != c.want {
			t.Errorf("%s: AccessMaskDescription = %s, want %s", c.name, s, c.want)
		}
		if c.name == "directory object" {
			if s := fmt.Sprint(got["winlog.event_data.AccessListDescription"], " ", got["event.action"]); s != "[Control Access] object-operation-performed" {
				t.Errorf("4662 AccessListDescription, event.action = %s", s)
			}
		}
	}
}

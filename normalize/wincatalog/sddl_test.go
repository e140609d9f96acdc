package wincatalog

import (
	"reflect"
	"strings"
	"testing"
)

// Security descriptors written here in the SDDL of Microsoft's
// "Security Descriptor String Format" page.
func TestParseSDDL(t *testing.T) {
	for _, c := range []struct {
		in   string
		want SecurityDescriptor
		ok   bool
	}{
		{"D:(A;;GA;;;SY)(A;;RC;;;OW)(A;;GA;;;S-1-5-80-1-2-3-4-5)", SecurityDescriptor{DACL: []string{
			"Local system :Access Allowed (Generic All)", "Owner rights :Access Allowed (Read Permissions)",
			"S-1-5-80-1-2-3-4-5 :Access Allowed (Generic All)"}}, true},
		{"O:BAG:SYD:PAI(A;OICI;FA;;;SY)(D;;WDWO;;;WD)(A;;0x1200a9;;;BU)", SecurityDescriptor{
			Owner: "Built-in administrators", Group: "Local system", DACL: []string{
				"Local system :Access Allowed (File All Access)", "Everyone :Access Denied (Modify Permissions, Modify Owner)",
				"Built-in users :Access Allowed (Read Permissions, Synchronize, 0x1, 0x8, 0x20, 0x80)"}}, true},
		{"S:(AU;SA;CCDCLCSWRPWPDTLOCRSDRCWDWO;;;S-1-5-21-1111111111-2222222222-3333333333-500)" +
			"(AU;FA;GR;;;S-1-5-21-1111111111-2222222222-3333333333-1107)", SecurityDescriptor{SACL: []string{
			"Administrator :System Audit (Create All Child Objects, Delete All Child Objects, List Contents, " +
				"All Validated Writes, Read All Properties, Write All Properties, Delete Subtree, List Object, " +
				"All Extended Rights, Delete, Read Permissions, Modify Permissions, Modify Owner)",
			"S-1-5-21-1111111111-2222222222-3333333333-1107 :System Audit (Generic Read)"}}, true},
		{"O:S-1-5-21-1111111111-2222222222-3333333333-512G:DUD:(A;;GA;;;DA)S:AI",
			SecurityDescriptor{Owner: "Domain Admins", Group: "Domain users", DACL: []string{
				"Domain administrators :Access Allowed (Generic All)"}}, true},
		{"-", SecurityDescriptor{}, false},
		{"", SecurityDescriptor{}, false},
		{"D:(A;;GA;;;SY", SecurityDescriptor{}, false},
		{"D:(A;;DCSWRPDTRC;;;BA(A;;DCSWRPDTRC;;;SY)S:NO_ACCESS_CONTROL", SecurityDescriptor{}, false},
		{"D:(A;;DCSWRPDTRC;;;BA)(A;;DCSWRPDTRC;;;PS)S:NO_ACCESS_CONTROL", SecurityDescriptor{DACL: []string{
			"Built-in administrators :Access Allowed (Delete All Child Objects, All Validated Writes, Read All Properties, Delete Subtree, Read Permissions)",
			"Personal self :Access Allowed (Delete All Child Objects, All Validated Writes, Read All Properties, Delete Subtree, Read Permissions)"}}, true},
		{"X:(A;;GA;;;SY)", SecurityDescriptor{}, false},
		// A callback ACE's condition and a resource attribute ACE's
		// value are parenthesized inside the ACE, ")" in a string too.
		{`D:(XA;;FX;;;WD;(@User.Dept == "R)D"))(A;;GA;;;SY)S:(RA;CI;;;;S-1-1-0;("Project",TS,0,"Alpha"))`,
			SecurityDescriptor{DACL: []string{"Everyone :Callback Access Allowed (File Generic Execute)",
				"Local system :Access Allowed (Generic All)"}, SACL: []string{"Everyone :Resource Attribute ()"}}, true},
		{`D:(XA;;FX;;;WD;(@User.Dept == "R&D")`, SecurityDescriptor{}, false},
		{"D:(A;;GA;;;SY)trailing", SecurityDescriptor{DACL: []string{"Local system :Access Allowed (Generic All)"}}, false},
	} {
		got, ok := ParseSDDL(c.in)
		if ok != c.ok || ok && !reflect.DeepEqual(got, c.want) {
			t.Errorf("ParseSDDL(%q) = %q, %v; want %q, %v", c.in, got, ok, c.want, c.ok)
		}
	}
}

func TestParseSDDLBoundsACEs(t *testing.T) {
	sd, ok := ParseSDDL("D:" + strings.Repeat("(A;;GA;;;SY)", 10*SDDLMaxACEs))
	if !ok || len(sd.DACL) != SDDLMaxACEs {
		t.Fatalf("ok %v, %d ACEs read out, want %d", ok, len(sd.DACL), SDDLMaxACEs)
	}
}

// An ACE's rights are named only when there are no more of them than
// names: a rights string of repeats is kept as written, not named into
// ten times its size (a hostile 4670's NewSd of 60 KB would be 600 KB).
func TestParseSDDLBoundsRightNames(t *testing.T) {
	rights := strings.Repeat("CR", 30000)
	sd, ok := ParseSDDL("D:(A;;" + rights + ";;;SY)")
	if !ok || len(sd.DACL) != 1 || sd.DACL[0] != "Local system :Access Allowed ("+rights+")" {
		t.Fatalf("ok %v, %d ACEs, the first %d bytes for %d of rights", ok, len(sd.DACL), len(strings.Join(sd.DACL, "")), len(rights))
	}
	all := "CCDCLCSWRPWPDTLOCRSDRCWDWOGAGRGWGXFAFRFWFXKAKRKWKXNRNWNX"
	if sd, _ := ParseSDDL("D:(A;;" + all + ";;;SY)"); strings.Contains(sd.DACL[0], all) {
		t.Errorf("every right once is named: %s", sd.DACL[0])
	}
}

// FuzzParseSDDL: any string reads without a panic, into at most
// SDDLMaxACEs ACEs a list, each no longer than a few times the input
// (the names of at most 28 rights, a trustee, a type).
// go test ./normalize/wincatalog -run '^$' -fuzz FuzzParseSDDL -fuzztime 30s
func FuzzParseSDDL(f *testing.F) {
	f.Add("O:BAG:SYD:PAI(A;OICI;FA;;;SY)(D;;WDWO;;;WD)(A;;0x1200a9;;;BU)S:AI(AU;SA;GR;;;S-1-5-21-1-2-3-500)")
	f.Add("D:(A;;GA;;;SY")
	f.Add("D:(XA;;FX;;;S-1-1-0;(@User.Title==\"PM\"))")
	f.Add("O:S-G:D:S:")
	f.Fuzz(func(t *testing.T, s string) {
		sd, _ := ParseSDDL(s)
		for _, list := range [][]string{sd.DACL, sd.SACL} {
			if len(list) > SDDLMaxACEs {
				t.Fatalf("%d ACEs from %q", len(list), s)
			}
			for _, ace := range list {
				if len(ace) > 1024+2*len(s) {
					t.Fatalf("ACE of %d bytes from %d: %q", len(ace), len(s), s)
				}
			}
		}
	})
}

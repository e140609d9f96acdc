package windows

import (
	"fmt"
	"strings"
	"testing"
)

// A value at the end of a template that a user or a program chose (an
// event source's name, a user's claims, and the same way a privilege list
// or an account's new name) followed by copies of EARLIER labels: the
// copies lie in that value, they must not move the fields before it
// (review37 found the reader reading them as labels, an earlier free
// value swallowing the message's labels up to them).

// acctForgedMessage returns case id's message as Snare flattens it, with
// %s for the value of name (the others' "%" escaped for fmt).
func acctForgedMessage(t *testing.T, id int, name string) string {
	t.Helper()
	for _, c := range acctCases() {
		if c.id != id {
			continue
		}
		vals := map[string]string{}
		for k, v := range acctValues {
			vals[k] = strings.ReplaceAll(v, "%", "%%")
		}
		vals[name] = "%s"
		return strings.NewReplacer("\r", " ", "\n", " ", "\t", " ").Replace(acctMessage(c, vals))
	}
	t.Fatalf("%d: no case", id)
	return ""
}

func TestAccountTextEndCopies(t *testing.T) {
	subject := map[string]any{"user.name": "dadmin", "user.domain": "CORP", "winlog.logon.id": "0x30dc2",
		"user.id": acctValues["SubjectUserSid"]}
	with := func(m map[string]any, kv ...any) map[string]any {
		r := map[string]any{}
		for k, v := range m {
			r[k] = v
		}
		for i := 0; i+1 < len(kv); i += 2 {
			r[kv[i].(string)] = kv[i+1]
		}
		return r
	}
	var cases []forgedCase
	add := func(name string, id int, field, forged string, own []string, want map[string]any) {
		cases = append(cases, forgedCase{name: name, id: id, subcategory: "Other Policy Change Events",
			msg: acctForgedMessage(t, id, field), plain: acctValues[field], forged: forged, own: own, want: want})
	}
	for _, id := range []int{4904, 4905} {
		own := []string{"winlog.event_data.AuditSourceName"}
		add(fmt.Sprint(id, " source name, account copies"), id, "AuditSourceName",
			"Contoso Audit  Account Name:  admin  Account Domain:  EVIL", own, subject)
		add(fmt.Sprint(id, " source name, logon id copy"), id, "AuditSourceName",
			"Contoso Audit  Logon ID:  0x3e7", own, subject)
		add(fmt.Sprint(id, " source name, subject copy"), id, "AuditSourceName",
			"Contoso Audit  Subject:  Security ID:  S-1-5-18  Account Name:  admin  Account Domain:  EVIL  Logon ID:  0x3e7", own, subject)
	}
	// 4626's logon is the new one's: user.* and the logon id its XML's Target*.
	target := map[string]any{"user.name": "kwest", "user.domain": "CORPNET", "winlog.logon.id": "0x8a1f3"}
	claims := []string{"winlog.event_data.UserClaims"}
	add("4626 user claims, logon id copy", 4626, "UserClaims", acctValues["UserClaims"]+"  Logon ID:  0x3e7", claims, target)
	add("4626 user claims, account copies", 4626, "UserClaims",
		acctValues["UserClaims"]+"  Account Name:  admin  Account Domain:  EVIL", claims, target)
	privs := []string{"winlog.event_data.PrivilegeList"}
	add("4672 privileges, account copies", 4672, "PrivilegeList",
		"SeSecurityPrivilege  Account Name:  admin  Account Domain:  EVIL  Logon ID:  0x3e7", privs, subject)
	renamed := []string{"winlog.event_data.NewTargetUserName", "user.changes.name", "related.user"}
	add("4781 new name, account copies", 4781, "NewTargetUserName",
		"kwest.old  Account Name:  admin  Account Domain:  EVIL", renamed,
		with(subject, "user.target.name", "kwest", "user.target.domain", "CORPNET"))
	add("4781 new name, logon id copy", 4781, "NewTargetUserName", "kwest.old  Logon ID:  0x3e7", renamed, subject)
	checkForged(t, cases)
}

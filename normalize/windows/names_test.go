package windows

import "testing"

// TestNameIndex: after index, names are found as by a search of every
// value: the first of a repeated name, names that share a slot, values
// added later (a legacy failure reason), and none for an absent name.
func TestNameIndex(t *testing.T) {
	var w winEvent
	w.add("Status", "first")
	w.add("LogonType", "3")
	w.add("Status", "second")
	w.add("SubStatus", "0xc000006a")
	w.add("Workstation", "WS7")
	if nameSlot("Workstation") != nameSlot("Status") {
		t.Fatal("the test wants two names that share a slot")
	}
	w.index()
	w.add("FailureReason", "%%2313")
	w.add("Status", "third")
	for name, want := range map[string]string{
		"Status": "first", "LogonType": "3", "SubStatus": "0xc000006a", "Workstation": "WS7",
		"FailureReason": "%%2313", "Absent": "",
	} {
		if got := w.raw(name); got != want {
			t.Errorf("raw(%q) = %q, want %q", name, got, want)
		}
	}
	if w.find("Absent") != -1 || w.find("FailureReason") != 5 {
		t.Errorf("find: %d %d", w.find("Absent"), w.find("FailureReason"))
	}
}

// TestDataKeys: every known EventData name gets its key from the table,
// which holds it once; other names are built.
func TestDataKeys(t *testing.T) {
	keys := winDataKeys()
	if keys.n < len(winKnownDataNames) {
		t.Fatalf("%d names in the table, %d known at least", keys.n, len(winKnownDataNames))
	}
	longest, held := 0, 0
	for h, s := range keys.slots {
		if s.name == "" {
			continue
		}
		held++
		if s.val != "winlog.event_data."+s.name {
			t.Errorf("%q: key %q", s.name, s.val)
		}
		if k, ok := keys.get(s.name); !ok || k != s.val {
			t.Errorf("%q not found", s.name)
		}
		if probes := (h - int(nameHash(s.name)) + nameTableSlots) % nameTableSlots; probes > longest {
			longest = probes
		}
	}
	if held != keys.n {
		t.Errorf("%d names held, %d counted", held, keys.n)
	}
	t.Logf("%d names, longest probe %d", held, longest)
	for _, name := range []string{"SubjectUserSid", "TaskName", "ProcessGuid"} {
		if k := winDataKey(keys, name, false); k != "winlog.event_data."+name {
			t.Errorf("%q: %q", name, k)
		}
	}
	if _, ok := keys.get("NoSuchEventDataName"); ok {
		t.Error("an unknown name found")
	}
	if k := winDataKey(keys, "NoSuchEventDataName", false); k != "winlog.event_data.NoSuchEventDataName" {
		t.Errorf("unknown name: %q", k)
	}
	if k := winDataKey(keys, "Name", true); k != "winlog.user_data.Name" {
		t.Errorf("user data: %q", k)
	}
}

// TestTextLabels: the label table holds every label and section header
// the message reader knows, and nothing else.
func TestTextLabels(t *testing.T) {
	want := map[string]bool{}
	for _, m := range []map[string]bool{winTextSections} {
		for l := range m {
			want[l] = true
		}
	}
	for l := range winTextFixed {
		want[l] = true
	}
	for l := range winTextByRole {
		want[l] = true
	}
	for l := range winTextSpecial {
		want[l] = true
	}
	for l := range want {
		kind, ok := winTextLabels.get(l)
		if !ok {
			t.Errorf("label %q missing", l)
			continue
		}
		_, fixed := winTextFixed[l]
		_, byRole := winTextByRole[l]
		_, special := winTextSpecial[l]
		rest := winTextFixed[l] // a fixed label's name, or an account label's row number
		if byRole && !fixed {
			rest = ""
			if len(kind) == 4 && int(kind[3]) < len(winTextByRoleRows) && winTextByRoleRows[kind[3]] == winTextByRole[l] {
				rest = kind[3:]
			}
		}
		if kind[0]&labelSection != 0 != winTextSections[l] || kind[0]&labelFixed != 0 != fixed ||
			kind[0]&labelByRole != 0 != byRole || kind[0]&labelSpecial != 0 != special || kind[3:] != rest ||
			kind[0]&labelGeneric != 0 != winTextGeneric[l] || winTextLabelNames[labelNumber(kind)] != l {
			t.Errorf("label %q: entry %q", l, kind)
		}
	}
	if winTextLabels.n != len(want) {
		t.Errorf("%d labels held, want %d", winTextLabels.n, len(want))
	}
	for _, no := range []string{"Account", "S-1-5-18 Account Name", "account name"} {
		if winTextLabels.has(no) {
			t.Errorf("%q is no label", no)
		}
	}
}

// TestVal: values are trimmed of ASCII and Unicode white space at either
// end, and Windows' empty markers are empty.
func TestVal(t *testing.T) {
	var w winEvent
	for name, c := range map[string]struct{ raw, want string }{
		"A": {"User32 ", "User32"}, "B": {"\tjdoe", "jdoe"}, "C": {"\u00a0CORP\u00a0", "CORP"},
		"D": {"S-1-5-18", "S-1-5-18"}, "E": {" - ", ""}, "F": {"%%1793", ""}, "G": {"", ""}, "H": {"a b", "a b"},
	} {
		w.add(name, c.raw)
		if got := w.val(name); got != c.want {
			t.Errorf("val(%q) = %q, want %q", c.raw, got, c.want)
		}
	}
}

// TestLegacyParamsInRange: winLegacyParams answers from a table of the ids
// in [winLegacyFirst, winLegacyEnd); a list for an id outside it would
// never be used.
func TestLegacyParamsInRange(t *testing.T) {
	for id := range 65536 {
		if (id < winLegacyFirst || id >= winLegacyEnd) && legacyParams(id) != nil {
			t.Errorf("legacyParams(%d) has names, outside [%d, %d)", id, winLegacyFirst, winLegacyEnd)
		}
		if got, want := winLegacyParams(id), legacyParams(id); len(got) != len(want) {
			t.Errorf("winLegacyParams(%d) = %v, want %v", id, got, want)
		}
	}
}

package windows

import (
	"fmt"
	"strings"
)

// The NXLog road's samples for TestRoadsAgreePerID: the record in each of
// the shapes NXLog writes it.

// nxlogOwn are the names NXLog's im_msvistalog uses itself at the top
// level, with a value NXLog would give them.
var nxlogOwn = map[string]string{"Channel": "", "AccountName": "SYSTEM", "Domain": "NT AUTHORITY", "Version": "0",
	"Category": "", "Severity": "INFO", "Keywords": "", "Message": "", "Hostname": "", "Task": "0", "Level": "4",
	"Opcode": "Info", "EventType": "", "FileName": "", "UserID": "S-1-5-18", "AccountType": "User", "ProcessID": "4",
	"ThreadID": "1012"}

// nxlogTextEsc escapes a value as an XML text node's (& < >): NXLog's
// EventData values come so, their entities not decoded.
var nxlogTextEsc = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;")

// without is the sample without the EventData names in drop (lower case).
func (s sample) without(drop map[string]bool) sample {
	var kept [][2]string
	for _, d := range s.data {
		if !drop[strings.ToLower(d[0])] {
			kept = append(kept, d)
		}
	}
	s.data = kept
	return s
}

// nxlogKeepsOwn are the names of which a real NXLog record keeps its own
// value when EventData has the name too (ProcessID: the logging process's).
// Keyed in lower case: NXLog's names are case-blind (a ProcessId is lost too).
var nxlogKeepsOwn = map[string]bool{"processid": true}

// NXLog record shapes: how an EventData name that NXLog uses itself is written.
const (
	nxlogNested = iota // under "EventData" (the other names at the top)
	nxlogFlat          // at the top, in place of NXLog's value
	nxlogDup           // at the top after NXLog's value: the key twice
)

func (s sample) nxlog(shape int) string {
	var b strings.Builder
	typ := "AUDIT_SUCCESS"
	if !s.audit {
		typ = "AUDIT_FAILURE"
	}
	has := map[string]bool{}
	for _, d := range s.data {
		has[d[0]] = true
	}
	header := [][2]string{{"EventTime", sampleTime}, {"Hostname", "WKS-7.corp.example.org"}, {"EventType", typ},
		{"EventID", fmt.Sprint(s.ent.ID)}, {"SourceName", s.provider}, {"Channel", s.ent.Channel}, {"RecordNumber", "1042"},
		{"Message", s.ent.Name}}
	for _, d := range s.data { // NXLog's own value first (flat: the one NXLog keeps)
		if v := nxlogOwn[d[0]]; v != "" && (shape == nxlogDup || shape == nxlogFlat && nxlogKeepsOwn[strings.ToLower(d[0])]) {
			header = append(header, [2]string{d[0], v})
		}
	}
	b.WriteString("{")
	for i, h := range header {
		if shape == nxlogFlat && has[h[0]] && !nxlogKeepsOwn[strings.ToLower(h[0])] {
			continue // the EventData's value took its place
		}
		if i > 0 {
			b.WriteByte(',')
		}
		if h[0] == "EventID" || h[0] == "RecordNumber" {
			fmt.Fprintf(&b, "%q:%s", h[0], h[1])
		} else {
			fmt.Fprintf(&b, "%q:%s", h[0], jsonStr(h[1]))
		}
	}
	var nested []string
	for _, d := range s.data {
		d[1] = nxlogTextEsc.Replace(d[1]) // NXLog writes a value as the record's XML has it
		if shape == nxlogFlat && nxlogKeepsOwn[strings.ToLower(d[0])] {
			continue // lost: NXLog's took its place
		}
		if _, own := nxlogOwn[d[0]]; own && shape == nxlogNested {
			nested = append(nested, jsonStr(d[0])+":"+jsonStr(d[1]))
			continue
		}
		fmt.Fprintf(&b, ",%s:%s", jsonStr(d[0]), jsonStr(d[1]))
	}
	if len(nested) > 0 {
		b.WriteString(`,"EventData":{` + strings.Join(nested, ",") + "}")
	}
	b.WriteString("}")
	return b.String()
}

// withoutNXLogOwn drops what NXLog's own values of the names EventData
// shares with it set (the agent's record has no such values).
func withoutNXLogOwn(m map[string]any) map[string]any {
	for _, k := range []string{"winlog.user.name", "winlog.user.domain", "winlog.user.type", "winlog.user.identifier",
		"winlog.process.pid", "winlog.process.thread.id"} {
		delete(m, k)
	}
	return m
}

package wincatalog

import (
	"bytes"
	"fmt"
	"slices"
	"sort"
	"strings"
)

// Markdown renders the catalog as docs/windows-events.md: a table per
// channel, the field groups the rows name, and the legacy ids. The test
// TestDocUpToDate fails when the committed file differs (-update rewrites it).
func Markdown() []byte {
	var b bytes.Buffer
	b.WriteString("# Windows events\n\n")
	b.WriteString("<!-- Generated from normalize/wincatalog (security.txt, channels.txt, fields.go, legacy.go): " +
		"do not edit; run `go test ./normalize/wincatalog -run TestDocUpToDate -update`. -->\n\n")
	b.WriteString("What nomen knows each Windows event id to mean: Microsoft's name for it, its audit policy " +
		"subcategory, the ECS `event.category`, `event.type` and `event.action` it gets, where `event.outcome` " +
		"comes from (`success` or `failure` fixed, `keyword`: the record's audit keyword, `0 in Name`: success when the result code EventData Name holds is 0, failure when it is another number, else the keyword's rule, or `0 in Name, else unknown`: a program's exit code, success when 0, unknown when another number, whose meaning is the program's), and which EventData " +
		"names become which ECS fields. EventData names not mapped stay under `winlog.event_data`.\n\n")
	b.WriteString("| Channel | Events |\n| --- | --- |\n")
	for _, ch := range Channels() {
		fmt.Fprintf(&b, "| %s | %d |\n", ch, len(Entries(ch)))
	}
	fmt.Fprintf(&b, "| legacy Security ids (2000/XP/2003) | %d |\n\n", len(LegacyIDs()))
	b.WriteString(unknownIDs)

	for _, ch := range Channels() {
		fmt.Fprintf(&b, "## %s\n\n", ch)
		if !slices.Contains(DefaultChannels(), ch) {
			b.WriteString("Opt-in: nomen-agent reads this channel only when its `-channels` names it " +
				"(a record for every name any program looks up; Windows keeps the log off until it is enabled).\n\n")
		}
		if ch == ChannelSecurity {
			b.WriteString("| ID | Name | Category / subcategory | event.category | event.type | event.action | outcome | fields |\n")
		} else {
			b.WriteString("| ID | Name | Provider or rule | event.category | event.type | event.action | outcome | fields |\n")
		}
		b.WriteString("| --- | --- | --- | --- | --- | --- | --- | --- |\n")
		for _, e := range Entries(ch) {
			outcome := e.Outcome.String()
			switch e.Outcome {
			case OutcomeCode:
				outcome = "0 in " + e.OutcomeFrom // success when the code is 0, else failure
			case OutcomeExitCode:
				outcome = "0 in " + e.OutcomeFrom + ", else unknown"
			}
			where := e.Subcategory
			if ch == ChannelSecurity {
				where = e.Category + " / " + e.Subcategory
			}
			fmt.Fprintf(&b, "| %d | %s | %s | %s | %s | %s | %s | %s |\n", e.ID, cell(e.Name), cell(where),
				strings.Join(e.ECSCategory, ", "), strings.Join(e.ECSType, ", "), e.Action, outcome,
				cell(fieldSpecText(e.FieldSpec)))
		}
		b.WriteString("\n")
	}

	b.WriteString("## Field groups\n\nRows name these groups; each maps EventData names to fields. " +
		"`:decode` says how the value is read (hex numbers, SIDs, status codes, logon types...). " +
		"Several names mapping to one field: the first present wins.\n\n")
	b.WriteString("| Group | What | Maps |\n| --- | --- | --- |\n")
	groups := make([]string, 0, len(fieldGroups))
	for g := range fieldGroups {
		groups = append(groups, g)
	}
	sort.Strings(groups)
	for _, g := range groups {
		fmt.Fprintf(&b, "| %s | %s | %s |\n", g, cell(fieldGroups[g].doc), cell(fieldSpecText(fieldGroups[g].fields)))
	}

	b.WriteString("\n## Legacy Security ids\n\nWindows 2000, XP and 2003 numbered the Security events differently; " +
		"nomen reads a legacy id as the modern id with its meaning (the event keeps the id it carried as `event.code`).\n\n")
	b.WriteString("| Legacy | Modern | Modern name |\n| --- | --- | --- |\n")
	for _, id := range LegacyIDs() {
		m, _ := Modern(id)
		name := ""
		if e, ok := Security(m); ok {
			name = e.Name
		}
		fmt.Fprintf(&b, "| %d | %d | %s |\n", id, m, cell(name))
	}
	return b.Bytes()
}

// unknownIDs says what an event gets whose id its channel's table lacks,
// and why no channel gives such events a category of its own.
const unknownIDs = "An event whose id is not in its channel's table (a channel not listed here, " +
	"or an id Microsoft added later) is kept whole: `event.code`, the `winlog.*` envelope, `host.name`, " +
	"its EventData under `winlog.event_data`, and in the Security log `event.outcome` from its audit keyword. " +
	"It gets no `event.category`, `event.type` or `event.action`, not even one by channel: no channel here " +
	"holds events of one category only. Windows Defender's log also records scans and signature updates " +
	"(not `malware`), the firewall's also network profile changes and blocked notifications (not " +
	"`configuration`), TaskScheduler's task runs and its own state, TerminalServices' listener connections " +
	"beside sessions, BITS' job creations and cancellations beside transfers, and System a bit of everything. " +
	"A wrong category is worse than none: a search or rule on `event.category: malware` would count a " +
	"signature update. An id met in practice gets a row of its own (`channels.txt`).\n\n"

// fieldSpecText shows field tokens in a table cell: groups as is, maps
// as "Name → field".
func fieldSpecText(spec []string) string {
	if len(spec) == 0 {
		return "-"
	}
	parts := make([]string, len(spec))
	for i, tok := range spec {
		parts[i] = strings.Replace(tok, ">", " → ", 1)
	}
	return strings.Join(parts, ", ")
}

// cell escapes a table cell's pipes.
func cell(s string) string { return strings.ReplaceAll(s, "|", `\|`) }

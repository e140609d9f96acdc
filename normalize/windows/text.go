package windows

import (
	"strings"

	"github.com/nomenhq/nomen/normalize/ecs"
	"github.com/nomenhq/nomen/normalize/wincatalog"
)

// Reading a rendered Security message ("Subject: Security ID: S-1-5-18
// Account Name: SYSTEM ... New Logon: ...") into EventData names, for the
// roads that carry only the message: Snare, NXLog on Windows 2003, evtsys.
//
// The message is "Label: value" pairs under section headers. Agents flatten
// its CR/LF and tabs to spaces (Snare) or keep them (NXLog), so a value
// ends where the next known label starts, not at a line end. A label is
// found at each ':' followed by white space by looking back, word by word
// over single spaces, for the longest known label ending there
// ("Source Network Address" rather than "Network Address"); the word
// before it belongs to the previous value. Which EventData name a label
// means depends on the section and on the event ("Account Name" is
// SubjectUserName under "Subject:", TargetUserName under "New Logon:", and
// TargetUserName under the "Subject:" of a 4634, whose schema calls the
// logged-off account Target). Legacy (2003) messages have no sections;
// their "User Name" is the logged-on account for logon events and the
// acting account otherwise.
//
// The English texts are those of msaudite.dll (2000/2003) and of the
// Security auditing provider (Vista and later). Other languages yield the
// envelope only.

// parseText adds the EventData values found in msg to w.
func (w *winEvent) parseText(msg string) { w.parseTextOnly(msg, "") }

// parseTextOnly adds the EventData values found in msg to w, only the
// value of the name only when it is not "" (a value the record lost).
func (w *winEvent) parseTextOnly(msg, only string) {
	if strings.EqualFold(w.channel, wincatalog.ChannelSysmon) {
		w.parseSysmonText(msg)
		return
	}
	if w.parseSentence(msg, only) { // one sentence, not labels (text_sentences.go)
		return
	}
	if places := w.winTemplatePlaces(); places != nil {
		// Labels in the template's order (text_templates.go): nearly every
		// message has each label-like word at a place after the previous
		// one's, and is read in one pass as any message is; only the
		// others (a value with copies of labels, another version's labels)
		// are read again, their choices weighed. Once the values are
		// indexed, what one pass added cannot be taken back: weighed first.
		if w.indexed || !w.readLabels(msg, only, places) {
			w.parseTemplateText(msg, only, places)
		}
		return
	}
	w.readLabels(msg, only, nil)
}

// readLabels adds the values of msg's labels (only only's when only is
// not ""), each label ending the value before it. Given a template's
// places, it reads only a message whose every label-like word is at a
// place after the previous one's: it reports whether msg was one, and if
// not takes back what it added.
func (w *winEvent) readLabels(msg, only string, places []textPlaces) bool {
	modern, _ := modernID(w.id)
	section := ""
	prevLabel, prevKind, prevEnd, prevOrder, n0 := "", "", -1, -1, w.n
	shapes := labelShapes(places)
	for i := 0; i < len(msg); {
		p := nextLabelColon(msg, i)
		if p < 0 {
			break
		}
		i = p + 1
		label, kind, start := winLabelBefore(msg, p, shapes)
		if label == "" {
			continue
		}
		if places == nil {
			if kind[0]&labelGeneric != 0 {
				continue // a generic label ("Name") is one only where a template has it
			}
		} else {
			pl := &places[labelNumber(kind)]
			if pl.n == 0 && kind[0]&labelGeneric != 0 {
				continue // a generic label the template has not: a word of a value
			}
			at := pl.list()
			k := 0
			for k < len(at) && int(at[k]) <= prevOrder {
				k++
			}
			if k == len(at) {
				w.n = n0
				return false
			}
			prevOrder = int(at[k])
		}
		if prevEnd >= 0 {
			w.textPair(modern, &section, prevLabel, prevKind, msg[prevEnd:start], only)
		}
		prevLabel, prevKind, prevEnd = label, kind, p+1
	}
	if prevEnd >= 0 {
		w.textPair(modern, &section, prevLabel, prevKind, winCutDescription(msg[prevEnd:]), only)
	}
	return true
}

// textPair records one label's value (only only's when only is not ""), or
// switches section; kind is the label's entry in winTextLabels.
func (w *winEvent) textPair(modern int, section *string, label, kind, value, only string) {
	if name := winTextName(modern, *section, label, kind); name != "" {
		if only != "" && name != only {
			return
		}
		if name == "Direction" {
			value = winRenderedDirection(value)
		}
		w.add(name, winCutHeading(ecs.TrimSpace(value)))
		return
	}
	if kind[0]&labelSection != 0 {
		*section = label
	}
}

// winColonlessHeadings are section headings written without a colon
// (4768's "Ticket information" since the Server 2025 update): found by no
// label, they would join the value before them.
var winColonlessHeadings = [...]string{"Ticket information"}

// winCutHeading removes a colonless heading from the end of a value.
func winCutHeading(value string) string {
	for _, h := range winColonlessHeadings {
		if v, ok := strings.CutSuffix(value, h); ok && (v == "" || winSpace(v[len(v)-1])) {
			return ecs.TrimSpace(v)
		}
	}
	return value
}

// winSpace reports whether c is white space (space, tab, CR, LF). A
// table: it is asked for nearly every byte the JSON and text roads read.
func winSpace(c byte) bool { return winSpaceTab[c] }

var winSpaceTab = [256]bool{' ': true, '\t': true, '\r': true, '\n': true}

// maybeSpace reports whether c may begin or end white space that
// strings.TrimSpace removes (ASCII space or control, or any non-ASCII):
// a string that neither begins nor ends with one needs no trimming.
func maybeSpace(c byte) bool { return c <= ' ' || c >= 0x80 }

// winWordStop marks where a word of a label ends, looking back: white
// space, or a colon (then the word is the end of the previous label's value).
var winWordStop = [256]bool{' ': true, '\t': true, '\r': true, '\n': true, ':': true}

// winCutDescription returns the last value of a message without the
// explanatory paragraphs Vista+ messages end with ("This event is
// generated when ..."), whose words would otherwise join that value. The
// paragraphs follow the last label, so only the last value is cut: an
// earlier value that quotes such a sentence (a command line, a share
// path) keeps it, and so do the labels after it. Within the last value the
// last opening wins: a value may quote an opening, but the paragraphs
// follow it, and none of them repeats an opening (their texts in the
// Security auditing provider's messages; see winTrailerOpenings).
// Messages rendered on 2000/2003 end with a "For more information, see
// Help and Support Center at ..." line, cut first.
func winCutDescription(value string) string {
	if i := lastOpening(value, winHelpTrailer, 0); i > 0 {
		value = value[:i]
	}
	cut := 0
	for _, d := range winTrailerOpenings {
		// Only a later opening than the one found so far matters.
		if i := lastOpening(value, d, cut); i > cut {
			cut = i
		}
	}
	if cut > 0 {
		value = value[:cut]
	}
	return value
}

// lastOpening returns where the last d in s at or after from that follows
// white space starts, or -1. It searches forward: strings.Index is
// vectorised where LastIndex is not, and an opening rarely occurs twice.
func lastOpening(s, d string, from int) int {
	last := -1
	for off := from; off < len(s); {
		i := strings.Index(s[off:], d)
		if i < 0 {
			break
		}
		if i += off; i > 0 && winSpace(s[i-1]) {
			last = i
		}
		off = i + len(d)
	}
	return last
}

// winTrailerOpenings are the first words of the explanatory paragraphs:
// each message that has them starts them with one of these.
var winTrailerOpenings = [...]string{
	"This event is generated",                         // 4616, 4624, 4625, 4627, 4634, 4647, 4648, 4769
	"This event occurs when",                          // 5379 (Credential Manager read)
	"Token Elevation Type indicates",                  // 4688
	"Certificate information is only provided",        // 4768, 4771
	"Ticket options and encryption types are defined", // 4770
	"Ticket options and failure codes are defined",    // 4772, 4773
}

// winHelpTrailer opens the line Event Viewer of 2000/2003 ends a message with.
const winHelpTrailer = "For more information, see Help and Support Center"

// nextLabelColon returns the first colon at or after i that can end a
// label (followed by white space or the end of msg, unlike "C:\Windows",
// "16:42:01" or "fe80::1"), -1 if none.
func nextLabelColon(msg string, i int) int {
	for i < len(msg) {
		j := strings.IndexByte(msg[i:], ':')
		if j < 0 {
			return -1
		}
		p := i + j
		if p+1 == len(msg) || winSpace(msg[p+1]) {
			return p
		}
		i = p + 1
	}
	return -1
}

// winLabelBefore returns the longest known label that ends at msg[colon],
// its entry in winTextLabels and where it starts; shapes are the labels'
// (winLabelShapes, or winGenericShapes for a template with generic ones).
func winLabelBefore(msg string, colon int, shapes *[256]uint64) (label, kind string, start int) {
	k := colon
	for words := 0; words < 6 && k > 0 && colon-k < 48; words++ {
		word := msg[:k] // searched back from its end: no bounds check per byte
		ws := len(word)
		// A letter is above ':', the highest stop byte: told by one
		// compare, the table asked only below it.
		for ws > 0 && (word[ws-1] > ':' || !winWordStop[word[ws-1]]) {
			ws--
		}
		if ws == k || ws > 0 && msg[ws-1] == ':' {
			break // no word, or the previous label's colon
		}
		if n := colon - ws; n < 64 && shapes[msg[ws]]&(1<<n) != 0 {
			if k, ok := winTextLabels.get(msg[ws:colon]); ok {
				label, kind, start = msg[ws:colon], k, ws
			}
		}
		// Labels are words joined by single spaces: a wider gap ends the label.
		if ws < 2 || msg[ws-1] != ' ' || winSpace(msg[ws-2]) {
			break
		}
		k = ws - 1
	}
	return label, kind, start
}

// winTextSections are the section headers of Vista+ (and a few 2003) messages.
var winTextSections = map[string]bool{
	"Subject": true, "Creator Subject": true, "Target Subject": true, "New Logon": true,
	"Logon Information": true, "Account For Which Logon Failed": true, "Failure Information": true,
	"Process Information": true, "Network Information": true, "Detailed Authentication Information": true,
	"Account Whose Credentials Were Used": true, "Target Server": true, "New Account": true,
	"Target Account": true, "Attributes": true, "Changed Attributes": true, "Additional Information": true,
	"Member": true, "Group": true, "Account That Was Locked Out": true, "Target Process": true,
	"New Token Information": true, "Logged on user": true, "User whose credentials were used": true,
	"Assigning Process Information": true, "New Process Information": true,
	"Application Information": true, "Filter Information": true,
	"Account Information": true, "Service Information": true, "Certificate Information": true,
	"Domain Controller Information": true,
	"Object":                        true, "Access Request Information": true, "Change Information": true, "Process": true,
	"Permissions Change": true, "Requested Operation": true, "Audit Policy Change": true,
	"Share Information": true, "Session": true, "User": true,
	"New Computer Account": true, "Computer Account That Was Changed": true, "Target Computer": true,
	// Account management, logon/logoff, policy change (text_templates_account.go).
	"New Group": true, "Deleted Group": true, "Source Account": true, "Credentials Which Were Replayed": true,
	"Account Modified": true, "Access Granted": true, "Access Removed": true, "Access Right": true, "New Right": true,
	"Removed Right": true, "Trust Information": true, "Trusted Domain": true, "Policy For Account": true,
	"Policy Change Details": true, "Service Request Information": true, "Auditing Settings": true, "Operation": true,
	"Directory Service": true, "Group Membership": true, "Event in sequence": true, "Local Endpoint": true,
	"Remote Endpoint": true, "User Claims": true, "Device Claims": true, "Event Source": true,
	"Resource Attributes": true, // 4663, 4911 (Server 2012 on): not "Attributes", whose word before would end a value
	// Handles duplicated (4690), hard links (4664), transactions (4985),
	// DPAPI (4692-4695), firewall rules (4945-4958), NPS (6272-6280).
	"Source Handle Information": true, "New Handle Information": true, "Link Information": true,
	"Transaction Information": true, "Key Information": true, "Added Rule": true, "Modified Rule": true,
	"Deleted Rule": true, "Rule Information": true, "Error Information": true, "Client Machine": true, "NAS": true,
	"Authentication Details": true,
}

// winTextLabels are every label and section header winTextName knows
// (text_names.go): what ends the value before them. Looked up for every
// word before a colon (a table, not a map: see nameTable). A label's
// entry says which tables have it, so that reading its value looks up
// no other: a byte of label* bits, the label's number in two bytes (its
// index in winTextLabelNames: where templates keep its places; see
// labelNumber), then for a fixed label its name.
var winTextLabels = func() *nameTable {
	kinds := map[string]byte{}
	for s := range winTextSections {
		kinds[s] |= labelSection
	}
	for l := range winTextFixed {
		kinds[l] |= labelFixed
	}
	for l := range winTextByRole {
		kinds[l] |= labelByRole
	}
	for l := range winTextSpecial {
		kinds[l] |= labelSpecial
	}
	for l := range winTextGeneric {
		kinds[l] |= labelGeneric
	}
	t := new(nameTable)
	for l, k := range kinds {
		if len(winTextLabelNames) > 0xffff {
			panic("windows: more than 65536 labels (their number is two bytes)")
		}
		n := len(winTextLabelNames)
		entry := string([]byte{k, byte(n), byte(n >> 8)}) + winTextFixed[l]
		winTextLabelNames = append(winTextLabelNames, l)
		if k&(labelFixed|labelByRole) == labelByRole { // its names' row, by number: no map lookup per value
			entry += string([]byte{byte(len(winTextByRoleRows))})
			winTextByRoleRows = append(winTextByRoleRows, winTextByRole[l])
		}
		t.put(l, entry)
		if len(l) >= 64 {
			panic("windows: label " + l + " is 64 bytes or more (winLabelShapes)")
		}
		winGenericShapes[l[0]] |= 1 << len(l)
		if k&labelGeneric == 0 {
			winLabelShapes[l[0]] |= 1 << len(l)
		} else {
			winGenericNumbers = append(winGenericNumbers, n)
		}
	}
	return t
}()

// winGenericShapes are winLabelShapes with the generic labels' shapes,
// and winGenericNumbers those labels' numbers: a generic label is looked
// up only in a message whose template has one (a one-word label such as
// "Name" or "ID" ends most labels: ~900 instructions more per Snare
// record if looked up everywhere, callgrind).
var (
	winGenericShapes  [256]uint64
	winGenericNumbers []int
)

// winTextLabelNames are the labels of winTextLabels by number.
var winTextLabelNames []string

// winTextByRoleRows are winTextByRole's rows, numbered by the fourth byte
// of their label's winTextLabels entry.
var winTextByRoleRows [][6]string

// winLabelShapes has bit n of entry c set when a label n bytes long
// starts with c: a run of words before a colon that is no label is
// mostly told by its first byte and length, without hashing and comparing
// it (winTextLabels.get costs ~70 instructions; ~420 fewer per
// windows_legacy record, callgrind).
var winLabelShapes [256]uint64

// Which tables have a label (the first byte of its winTextLabels entry).
const (
	labelSection = 1 << iota
	labelFixed
	labelByRole
	labelSpecial
	labelGeneric // a label only where the event's template has it (winTextGeneric)
)

// labelNumber returns the number of the label whose winTextLabels entry
// is kind.
func labelNumber(kind string) int { return int(kind[1]) | int(kind[2])<<8 }

// Roles of the account labels in a section.
const (
	winRoleSubject  = iota + 1 // SubjectUserName ...
	winRoleTarget              // TargetUserName, TargetUserSid, TargetLogonId
	winRoleAccount             // TargetUserName, TargetSid (account management)
	winRoleMember              // MemberName, MemberSid
	winRoleSession             // AccountName, AccountDomain, LogonID (4778, 4779)
	winRoleNamedSID            // TargetSid shown as "Account Name:" (4704, 4705, 4717, 4718)
)

// winTextRole returns whose account the labels of section describe.
func winTextRole(modern int, section string) int {
	switch section {
	case "Subject", "Creator Subject", "Logged on user", "Assigning Process Information":
		switch modern {
		case 4634, 4647, 4800, 4801, 4802, 4803: // the session that ended or was locked: Target* in their XML
			return winRoleTarget
		case 4778, 4779: // their XML names the session's account so
			return winRoleSession
		}
		return winRoleSubject
	case "Target Subject", "New Logon", "Account For Which Logon Failed", "Account Whose Credentials Were Used",
		"New Token Information", "User whose credentials were used", "New Process Information",
		"Credentials Which Were Replayed", "Policy For Account":
		return winRoleTarget
	case "Account Modified":
		return winRoleNamedSID
	case "Target Account":
		if modern == 4704 || modern == 4705 {
			return winRoleNamedSID
		}
		return winRoleAccount
	case "New Account", "Account That Was Locked Out", "Group", "New Group", "Deleted Group",
		"New Computer Account", "Computer Account That Was Changed", "Target Computer":
		return winRoleAccount
	case "Account Information":
		// The Kerberos events' account: TargetUserName, TargetSid (4771).
		if winKerberos(modern) {
			return winRoleAccount
		}
	case "Member":
		return winRoleMember
	case "User":
		// 4798's enumerated account (its XML's Target*); the Network
		// Policy Server's (6272-6280) subject, whose "Client Machine:"
		// that follows is none of the roles.
		switch {
		case modern == 4798:
			return winRoleAccount
		case winNPS(modern):
			return winRoleSubject
		}
	case "":
		// Legacy messages have no sections.
		switch modern {
		case 4624, 4625, 4634, 4647, 4776:
			return winRoleTarget
		}
		if winKerberos(modern) { // 672-677: "User Name" is the ticket's account
			return winRoleTarget
		}
		return winRoleSubject
	}
	return 0
}

// buildSysmonNames returns the EventData names of Sysmon's events: those the
// catalog maps and the others its schema has (10 spells its target's
// TargetProcessGUID, 8 TargetProcessGuid).
func buildSysmonNames() map[string]bool {
	m := map[string]bool{}
	for _, n := range []string{"UtcTime", "LogonGuid", "TerminalSessionId", "IntegrityLevel", "ParentUser",
		"CreationUtcTime", "PreviousCreationUtcTime", "SourceIsIpv6", "SourcePortName", "DestinationIsIpv6",
		"DestinationPortName", "State", "Version", "SchemaVersion", "Configuration", "ConfigurationFileHash",
		"Signed", "SignatureStatus", "TargetProcessGuid", "TargetProcessGUID", "TargetProcessId", "TargetImage", "NewThreadId",
		"StartAddress", "StartModule", "StartFunction", "TargetUser", "SourceThreadId", "GrantedAccess",
		"CallTrace", "EventType", "NewName", "Contents", "Operation", "EventNamespace", "Name", "Query", "Type", "Destination",
		"Consumer", "Filter", "QueryStatus", "IsExecutable", "Archived", "Session", "ClientInfo", "ID"} {
		m[n] = true
	}
	for _, e := range wincatalog.Entries(wincatalog.ChannelSysmon) {
		for _, f := range e.Fields {
			m[f.From] = true
		}
	}
	return m
}

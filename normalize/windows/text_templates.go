package windows

import (
	"strconv"
	"strings"

	"github.com/nomenhq/nomen/normalize/wincatalog"
)

// The labels of rendered Security messages whose values a user can choose
// (a command line, a task's XML, a share's file, a workstation name a
// client sent), in the order of their templates (the Security auditing
// provider's English messages, Vista to Server 2025): the text reader
// takes their labels in that order (textLabels), so that such a value
// cannot set the fields of the labels it imitates. A template is the
// union of its versions' labels in their common order (2008's 4624 has no
// "Logon Information:" section, later ones add "Restricted Admin Mode"
// ...): a message may leave any out. Only the labels the reader knows
// (winTextLabels) are listed; others ("Task Information:", "Resource
// Attributes:") join the value before them, as everywhere. An event
// without a template is read label by label.

// winSubjectTemplate is the subject section most templates begin with.
var winSubjectTemplate = []string{"Subject", "Security ID", "Account Name", "Account Domain", "Logon ID"}

// winLogonTail is the end of 4624's and 4625's templates: the client and
// how it authenticated.
var winLogonTail = []string{"Network Information", "Workstation Name", "Source Network Address", "Source Port",
	"Detailed Authentication Information", "Logon Process", "Authentication Package", "Transited Services",
	"Package Name (NTLM only)", "Key Length"}

// winTaskTemplate is 4698-4701's (a scheduled task created, deleted,
// enabled, disabled); 4702 (updated) ends with "Task New Content".
var winTaskTemplate = concat(winSubjectTemplate, []string{"Task Name", "Task Content"})

// winShareTemplate is 5140's and 5145's (a share accessed, a share's file
// checked); 5140 has no "Relative Target Name" nor "Access Check Results".
var winShareTemplate = concat(winSubjectTemplate, []string{"Network Information", "Object Type", "Source Address",
	"Source Port", "Share Information", "Share Name", "Share Path", "Relative Target Name",
	"Access Request Information", "Access Mask", "Accesses", "Access Check Results"})

// winTextTemplates are the Security events' templates (and 7045's, the
// System log's), by event id (2003's by theirs).
var winTextTemplates = map[int][]string{
	4624: concat(winSubjectTemplate, []string{"Logon Information", "Logon Type", "Restricted Admin Mode",
		"Virtual Account", "Elevated Token", "Impersonation Level", "New Logon", "Security ID", "Account Name",
		"Account Domain", "Logon ID", "Linked Logon ID", "Network Account Name", "Network Account Domain", "Logon GUID",
		"Process Information", "Process ID", "Process Name"}, winLogonTail),
	4625: concat(winSubjectTemplate, []string{"Logon Information", "Logon Type", "Restricted Admin Mode",
		"Virtual Account", "Elevated Token", "Account For Which Logon Failed", "Security ID", "Account Name",
		"Account Domain", "Failure Information", "Failure Reason", "Status", "Sub Status", "Process Information",
		"Caller Process ID", "Caller Process Name"}, winLogonTail),
	// 4688: 2008 and 2012 name the creator "Subject:" and have no target.
	4688: {"Subject", "Creator Subject", "Security ID", "Account Name", "Account Domain", "Logon ID",
		"Target Subject", "Security ID", "Account Name", "Account Domain", "Logon ID", "Process Information",
		"New Process ID", "New Process Name", "Token Elevation Type", "Mandatory Label", "Creator Process ID",
		"Creator Process Name", "Process Command Line"},
	// 4663: "Resource Attributes:" from Server 2012 on.
	4663: concat(winSubjectTemplate, []string{"Object", "Object Server", "Object Type", "Object Name", "Handle ID",
		"Resource Attributes", "Process Information", "Process ID", "Process Name", "Access Request Information", "Accesses", "Access Mask"}),
	4698: winTaskTemplate, 4699: winTaskTemplate, 4700: winTaskTemplate, 4701: winTaskTemplate,
	4702: concat(winSubjectTemplate, []string{"Task Name", "Task New Content"}),
	5140: winShareTemplate, 5145: winShareTemplate,
	4648: concat(winSubjectTemplate, []string{"Logon GUID", "Account Whose Credentials Were Used", "Account Name",
		"Account Domain", "Logon GUID", "Target Server", "Target Server Name", "Additional Information",
		"Process Information", "Process ID", "Process Name", "Network Information", "Network Address", "Port"}),
	4657: concat(winSubjectTemplate, []string{"Object", "Object Name", "Object Value Name", "Handle ID", "Operation Type",
		"Process Information", "Process ID", "Process Name", "Change Information", "Old Value Type", "Old Value",
		"New Value Type", "New Value"}),
	4697: concat(winSubjectTemplate, []string{"Service Information", "Service Name", "Service File Name", "Service Type",
		"Service Start Type", "Service Account"}),
	// The Kerberos events: the Server 2025 update adds the encryption
	// types of the account, the service and the domain controller.
	4768: {"Account Information", "Account Name", "Supplied Realm Name", "User ID", "MSDS-SupportedEncryptionTypes",
		"Available Keys", "Service Information", "Service Name", "Service ID", "MSDS-SupportedEncryptionTypes",
		"Available Keys", "Domain Controller Information", "MSDS-SupportedEncryptionTypes", "Available Keys",
		"Network Information", "Client Address", "Client Port", "Advertized Etypes", "Additional Information",
		"Ticket Options", "Result Code", "Ticket Encryption Type", "Session Encryption Type", "Pre-Authentication Type",
		"Pre-Authentication EncryptionType", "Certificate Information", "Certificate Issuer Name",
		"Certificate Serial Number", "Certificate Thumbprint", "Response ticket hash"},
	4771: {"Account Information", "Security ID", "Account Name", "Service Information", "Service Name",
		"Network Information", "Client Address", "Client Port", "Additional Information", "Ticket Options",
		"Failure Code", "Pre-Authentication Type", "Certificate Information", "Certificate Issuer Name",
		"Certificate Serial Number", "Certificate Thumbprint"},
	4776: {"Authentication Package", "Logon Account", "Source Workstation", "Error Code"},
	4778: winSessionTemplate, 4779: winSessionTemplate,
	// The Service Control Manager's (System), not the Security log's.
	7045: {"Service Name", "Service File Name", "Service Type", "Service Start Type", "Service Account"},
	// Windows 2000/2003 (msaudite.dll): logons, logon failures (their
	// status codes from 2003 SP1), credential validation.
	528: winLegacyLogonTemplate, 540: winLegacyLogonTemplate,
	529: winLegacyFailureTemplate, 530: winLegacyFailureTemplate, 531: winLegacyFailureTemplate,
	532: winLegacyFailureTemplate, 533: winLegacyFailureTemplate, 534: winLegacyFailureTemplate,
	535: winLegacyFailureTemplate, 536: winLegacyFailureTemplate, 537: winLegacyFailureTemplate,
	539: winLegacyFailureTemplate,
	680: {"Logon attempt by", "Logon account", "Source Workstation", "Error Code"},
}

// winLegacyCaller is the end of the 2003 logon templates: the caller and
// the client.
var winLegacyCaller = []string{"Caller User Name", "Caller Domain", "Caller Logon ID", "Caller Process ID",
	"Transited Services", "Source Network Address", "Source Port"}

// winLegacyLogonTemplate is 528's and 540's (a logon, a network logon).
var winLegacyLogonTemplate = concat([]string{"User Name", "Domain", "Logon ID", "Logon Type", "Logon Process",
	"Authentication Package", "Workstation Name", "Logon GUID"}, winLegacyCaller)

// winLegacyFailureTemplate is 529-537's and 539's (a logon failure).
var winLegacyFailureTemplate = concat([]string{"Reason", "User Name", "Domain", "Logon Type", "Logon Process",
	"Authentication Package", "Workstation Name", "Status code", "Substatus code"}, winLegacyCaller)

// winSessionTemplate is 4778's and 4779's (a session reconnected to a
// window station, disconnected from it).
var winSessionTemplate = []string{"Subject", "Account Name", "Account Domain", "Logon ID", "Session", "Session Name",
	"Additional Information", "Client Name", "Client Address"}

// winTextFree are the Security labels whose values can hold ": " after
// white space: text a user, a client or a program chose.
var winTextFree = map[string]bool{
	"Account Name": true, "Workstation Name": true, "Process Command Line": true, "Task Content": true,
	"Task New Content": true, "Object Name": true, "Relative Target Name": true, "Access Check Results": true,
	"Logon Account": true, "Source Workstation": true, "Client Name": true, "Object Value Name": true,
	"Old Value": true, "New Value": true, "Service Name": true, "Service File Name": true,
	"Target Server Name": true, "Additional Information": true, "User Name": true, "Logon account": true,
	// Account management (text_templates_account.go): names and paths
	// a user chose (not account or group names: SAM names cannot hold
	// ':'), names a caller supplied, and the sections whose whole rest
	// is left unmapped.
	"Display Name": true, "User Principal Name": true, "Home Directory": true, "Script Path": true,
	"Profile Path": true, "User Workstations": true, "User Parameters": true, "Target Account Name": true,
	"Member Name": true, "Caller Workstation": true, "Caller Computer Name": true,
	"Provided Account Name (unauthenticated)": true, "Directory Service": true, "Trust Information": true,
	// Object access, tracking, firewall rules, NPS (text_templates_object.go).
	"Application Name": true, "Rule Name": true, "Fully Qualified Account Name": true, "Calling Station Identifier": true,
	"Network Policy Name": true, "File Name": true, "Link Name": true, "Name": true, "Key Name": true,
	"Virtual Key Name": true, "Virtual File Name": true,
}

// winTextPlaces are the templates as, for each label by its number
// (labelNumber), its places and whether its value is free text: no lookup
// per label-like word. They are built from every file's templates (this
// one's, text_templates_account.go's and text_templates_object.go's, the
// last two made by functions: once built, their strings are garbage, not
// memory each collection scans); an id in two is a mistake (it panics).
var winTextPlaces = buildTextPlaces(winTextTemplates, winAccountTextTemplates(), winObjectTextTemplates())

func buildTextPlaces(sets ...map[int][]string) map[int][]textPlaces {
	m := map[int][]textPlaces{}
	for _, set := range sets {
		for id, t := range set {
			if m[id] != nil {
				panic("windows: two text templates for event " + strconv.Itoa(id))
			}
			m[id] = templatePlaces(t)
		}
	}
	return m
}

// templatePlaces returns the places of template t's labels.
func templatePlaces(t []string) []textPlaces {
	places := make([]textPlaces, len(winTextLabelNames))
	for i, l := range t {
		kind, ok := winTextLabels.get(l)
		if !ok {
			panic("windows: template label " + l + " is no label the reader knows")
		}
		p := &places[labelNumber(kind)]
		if int(p.n) == len(p.at) {
			panic("windows: template label " + l + " has more places than textPlaces holds")
		}
		p.at[p.n], p.n, p.free = int16(i), p.n+1, winTextFree[l]
	}
	return places
}

// textPlaces are a label's places in a template (the first n of at) and
// whether its value is free text. Without pointers: the ~190 templates'
// places (one per label the reader knows) are memory the garbage
// collector need not scan (as slices they cost the Snare road ~11 % more
// instructions in BenchmarkParseNormalizeVendor, callgrind: its marking).
type textPlaces struct {
	at   [4]int16
	n    uint8
	free bool
}

// list returns p's places.
func (p *textPlaces) list() []int16 { return p.at[:p.n] }

func concat(parts ...[]string) []string {
	var s []string
	for _, p := range parts {
		s = append(s, p...)
	}
	return s
}

// winTemplatePlaces returns the template of w's message, by label, or nil.
func (w *winEvent) winTemplatePlaces() []textPlaces {
	if w.id < winTemplateIDs[0] || w.id > winTemplateIDs[1] { // most records: no map lookup
		return nil
	}
	places := winTextPlaces[w.id]
	channel := wincatalog.ChannelSecurity
	if w.id == 7045 {
		channel = wincatalog.ChannelSystem
	}
	if places == nil || !strings.EqualFold(w.channel, channel) {
		return nil
	}
	return places
}

// winTemplateIDs are the least and the greatest id a template is of.
var winTemplateIDs = func() (r [2]int) {
	r[0] = 1 << 30
	for id := range winTextPlaces {
		r[0], r[1] = min(r[0], id), max(r[1], id)
	}
	return r
}()

// parseTemplateText adds the EventData values of msg, a message of a
// template whose places are places (only only's when only is not ""):
// the labels are those textLabels picks. Nearly every message has every
// label-like word in the template's order: one pass finds that (each word
// at the first place after the previous one's), and only a message with
// copies or another version's labels is read again to weigh the choices.
func (w *winEvent) parseTemplateText(msg, only string, places []textPlaces) {
	var wordBuf [64]textWord
	var pickedBuf [64]int
	shapes := labelShapes(places)
	words, _, every := templateWords(msg, places, shapes, wordBuf[:0], true)
	picked, ambiguous := pickedBuf[:0], false
	if every {
		for k := range words {
			picked = append(picked, k)
		}
	} else {
		var nwords int16
		words, nwords, _ = templateWords(msg, places, shapes, words[:0], false)
		if nwords > 0 {
			picked, ambiguous = textLabels(msg, words, nwords-1, picked)
		}
		if len(picked) == 0 { // a value full of labels, or no choice valid: every word ends a value
			picked, ambiguous = textEveryWord(words, picked[:0]), true
		}
	}
	var repeats map[string]bool // when ambiguous: the labels of more words than places
	unsure := false             // a section repeated: whose account a label is, not known
	if ambiguous {
		repeats = textRepeats(msg, words, func(l string) int {
			k, _ := winTextLabels.get(l)
			return max(1, int(places[labelNumber(k)].n))
		})
		for l := range repeats {
			k, _ := winTextLabels.get(l)
			unsure = unsure || k[0]&labelSection != 0
		}
	}
	modern, _ := modernID(w.id)
	section := ""
	for n, k := range picked {
		word := &words[k]
		label := word.label(msg)
		if ambiguous && (repeats[label] || unsure && word.kind[0]&(labelByRole|labelSpecial) != 0 ||
			textEndUnsure(msg, words, picked, n, repeats)) {
			continue // a forged copy, or the message's: not known which
		}
		var value string
		if n+1 < len(picked) {
			value = msg[word.value:words[picked[n+1]].start]
		} else {
			value = winCutDescription(msg[word.value:])
		}
		w.textPair(modern, &section, label, word.kind, value, only)
	}
}

// labelShapes returns the shapes of the labels (see winLabelBefore) of a
// template whose places are places: with the generic labels' only when
// it has one (nil: no template).
func labelShapes(places []textPlaces) *[256]uint64 {
	if places != nil {
		for _, n := range winGenericNumbers {
			if places[n].n > 0 {
				return &winGenericShapes
			}
		}
	}
	return &winLabelShapes
}

// templateWords appends the label-like words of msg to words, one entry
// per place (places: the template's; shapes: its labels', see
// winLabelBefore) and the count of words. When first
// is set it appends each word at the first place after the previous
// one's only, and reports whether every word has one (it stops at the
// first that has not).
func templateWords(msg string, places []textPlaces, shapes *[256]uint64, words []textWord, first bool) ([]textWord, int16, bool) {
	nwords, prevOrder := int16(0), -1
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
		pl := &places[labelNumber(kind)]
		if pl.n == 0 && kind[0]&labelGeneric != 0 {
			continue // a generic label ("Name") the template has not: a word of a value
		}
		at := pl.list()
		wd := textWord{kind: kind, start: int32(start), value: int32(p + 1), word: nwords, order: -1, free: pl.free}
		nwords++
		if first {
			k := 0
			for k < len(at) && int(at[k]) <= prevOrder {
				k++
			}
			if k == len(at) {
				return words, nwords, false
			}
			prevOrder, wd.order = int(at[k]), at[k]
			words = append(words, wd)
			continue
		}
		if len(at) == 0 {
			words = append(words, wd) // another version's label, or one in a value
		}
		for _, o := range at {
			wd.order = o
			words = append(words, wd)
		}
	}
	return words, nwords, true
}

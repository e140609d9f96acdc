// Package windows decodes Windows events (Security, Sysmon and the other
// channels normalize/wincatalog knows) by every road: event XML, NXLog,
// Winlogbeat and evtx_dump JSON, Snare, OSSEC's WinEvtLog lines, legacy
// (2000/2003) text and the agent.
package windows

import (
	"strconv"
	"strings"
	"time"

	"github.com/nomenhq/nomen/normalize/ecs"
	"github.com/nomenhq/nomen/normalize/vendor"
	"github.com/nomenhq/nomen/relay/event"
)

// Windows Security events, by every road they travel:
//
//   - the native agent (nomen.format "agent"): Original is the rendered
//     event XML, <Event xmlns=...><System>...<EventData><Data Name=...>,
//     optionally with <RenderingInfo><Message>;
//   - the same XML inside any syslog message;
//   - NXLog im_msvistalog / im_mseventlog JSON (flat: EventID, Hostname,
//     Channel, RecordNumber, ... and the EventData names at top level);
//   - Winlogbeat JSON (winlog.event_id, winlog.event_data.*, ...);
//   - Snare "MSWinEventLog" records, tab-separated, or with tabs escaped
//     as "#011" by a relaying syslogd, with or without a syslog header
//     (RFC 3164 or RFC 5424);
//   - "SOURCE: ID: text" lines of eventlog-to-syslog style agents;
//   - OSSEC's and Wazuh's "WinEvtLog: CHANNEL: TYPE(ID): ..." lines, alone
//     or at the end of an OSSEC alert (ossec.go).
//
// Every road fills one winEvent (windows_*.go, winevent_*.go); apply then
// sets the same fields whatever the road. Where EventData is missing
// (Snare, NXLog on Windows 2003, evtsys) the rendered message is parsed
// into the EventData names (windows_text.go), so that, e.g., a 4624 from
// Snare and from the agent both have user.name = the new logon's account.
//
// Field contract (relay/correlate and the sequence tracker depend on it):
// event.code and winlog.event_id are the event id as given ("4688",
// "592"); winlog.channel, winlog.record_id (int), winlog.computer_name,
// winlog.provider_name, host.name (the computer as given), event.provider;
// winlog.event_data.<Name> holds the raw EventData strings when the road
// carries them (a text road: the names read from the message that the
// catalog keeps there, such as 4698's TaskName); event.sequence is
// Snare's counter, or PowerShell 4103's Sequence Number. Legacy ids (2000/2003)
// mean what their modern id (legacy + 4096) means; see meaning.go.

// Decoders returns the Windows decoder.
func Decoders() []*ecs.Decoder {
	return []*ecs.Decoder{{
		Name: "windows",
		// A record of an id or channel the catalog does not know: read
		// (winlog.*), kept, no category; counted apart.
		Unclassified: "windows_unclassified",
		Programs: []string{"mswineventlog", "microsoft-windows-security-auditing", "security-auditing",
			"security", "microsoft-windows-eventlog", "eventlog", "ossec", "winevtlog"},
		Prefixes: []string{"MSWinEventLog", "<Event", "<?xml", "{"},
		Sniff:    sniffWindows,
		Gate:     gateWindows,
		Decode:   decodeWindows,
	}}
}

// gateWindows: sniffWindows takes an agent record, "MSWinEventLog" or
// OSSEC's "WinEvtLog: " in the first 256 bytes (so a 'W' there), or
// "<Event" after leading white space.
var gateWindows = ecs.SniffGate{First: " \t\r\n<", Marker: 'W', Window: 256,
	Also: func(e *event.Event) bool { return e.Format == "agent" || snareTagged(e) }}

// sniffWindows catches what the cheap dispatch misses: agent records and
// Snare lines with their own "HOST<tab>" in front or leading spaces, and
// Snare headers a relay sent as APP-NAME (snare_tag.go).
func sniffWindows(e *event.Event) bool {
	if e.Format == "agent" || snareTagged(e) {
		return true
	}
	m := e.Message
	if len(m) > 256 {
		m = m[:256]
	}
	if winMarked(m) {
		return true
	}
	// strings.TrimLeft(m, " \t\r\n") builds its byte set on every call,
	// for every message that reaches the sniffers.
	i := 0
	for i < len(m) && (m[i] == ' ' || m[i] == '\t' || m[i] == '\r' || m[i] == '\n') {
		i++
	}
	return strings.HasPrefix(m[i:], "<Event")
}

// winMarked reports whether m holds Snare's "MSWinEventLog" or OSSEC's
// "WinEvtLog: " (at the start or after a space): one search for what
// they share.
func winMarked(m string) bool {
	for off := 0; ; {
		i := strings.Index(m[off:], "WinEv")
		if i < 0 {
			return false
		}
		i += off
		if i >= 2 && m[i-2:i] == "MS" && strings.HasPrefix(m[i:], "WinEventLog") ||
			strings.HasPrefix(m[i:], winEvtLogMarker) && (i == 0 || m[i-1] == ' ') {
			return true
		}
		off = i + len("WinEv")
	}
}

// Roads, recorded in nomen.rule as "windows.<road>".
const (
	winRoadXML        = "windows.xml"
	winRoadAgent      = "windows.agent"
	winRoadSnare      = "windows.snare"
	winRoadNXLog      = "windows.nxlog"
	winRoadWinlogbeat = "windows.winlogbeat"
	winRoadEvtx       = "windows.evtx"
	winRoadTagged     = "windows.tagged"
	winRoadOSSEC      = "windows.ossec"
)

// winMaxData bounds the EventData kept per event (a 4738 has about 30).
const winMaxData = 64

// winData is one EventData (or UserData) value, raw.
type winData struct {
	name, value string
}

// winAccount is the account the agent resolved a SID value to
// (AccountDomain\AccountName attributes of data[data]). Held apart from
// winData: a record has a few, and every byte of winEvent is cleared for
// every record.
type winAccount struct {
	data    int
	account string
}

// winMaxAccounts bounds the resolved accounts kept per record (a 4624 has two SIDs).
const winMaxAccounts = 8

// winEvent is what every road extracts from a record.
type winEvent struct {
	road     string
	id       int    // event id; 0 if not numeric
	code     string // event id as given
	channel  string
	provider string
	computer string
	recordID int64
	hasRecID bool
	sequence int64 // Snare counter
	hasSeq   bool
	time     time.Time
	exact    bool   // time is the record's own, zoned (XML, Winlogbeat): it wins over the syslog header
	audit    string // OutcomeSuccess/OutcomeFailure from the audit keyword, "" unknown
	keyword  string // "Audit Success", "Audit Failure", "Information", ...
	level    string // log.level
	task     string
	opcode   string
	message  string // the rendered message text
	execPID  string // System/Execution ProcessID (the logging process)
	execTID  string
	userSID  string // System/Security UserID, Snare's user field
	userName string
	userDom  string
	userType string

	fieldsFrom int // len(e.Fields) before apply: the fields after it are the decoder's

	structured   bool // data holds real EventData (XML, NXLog, Winlogbeat)
	nxlogClassic bool // NXLog im_mseventlog: no EventData, only the message
	nxlogAmp     bool // the NXLog record has an '&': its EventData values may hold XML entities
	userData     bool // it came from <UserData> (winlog.user_data.*)
	n            int  // data[:n] are the record's values
	indexed      bool // nameHead and nameNext index data[:n] (index)

	data [winMaxData]winData

	accounts  [winMaxAccounts]winAccount
	nAccounts int

	// An index of data by name, built once the record is read (index):
	// nameHead[nameSlot(name)] is 1 + the first value with that slot,
	// nameNext[i] 1 + the next one after data[i]; 0 ends a chain.
	nameHead [64]uint8
	nameNext [winMaxData]uint8
}

// add records one EventData value; names beyond winMaxData are dropped.
func (w *winEvent) add(name, value string) {
	if name == "" || w.n == len(w.data) {
		return
	}
	w.data[w.n] = winData{name: name, value: value}
	if w.indexed { // a value added while mapping: last of its chain
		w.nameNext[w.n] = 0
		p := &w.nameHead[nameSlot(name)]
		for *p != 0 {
			p = &w.nameNext[*p-1]
		}
		*p = uint8(w.n + 1)
	}
	w.n++
}

// index builds the index of the values by name: the mapping looks names
// up a few dozen times per record; a search of every value each time cost
// more than reading the record. Names must not change afterwards.
func (w *winEvent) index() {
	w.nameHead = [64]uint8{}
	for i := w.n - 1; i >= 0; i-- {
		slot := nameSlot(w.data[i].name)
		w.nameNext[i] = w.nameHead[slot]
		w.nameHead[slot] = uint8(i + 1)
	}
	w.indexed = true
}

// find returns the index of the first value named name, -1 if none.
func (w *winEvent) find(name string) int {
	if !w.indexed {
		for i := 0; i < w.n; i++ {
			if w.data[i].name == name {
				return i
			}
		}
		return -1
	}
	for k := w.nameHead[nameSlot(name)]; k != 0; k = w.nameNext[k-1] {
		if sameName(w.data[k-1].name, name) {
			return int(k - 1)
		}
	}
	return -1
}

// account returns the account the agent resolved the SID in EventData
// name to ("DOMAIN\name", "" if none).
func (w *winEvent) account(name string) string {
	if w.nAccounts == 0 { // only the agent resolves SIDs
		return ""
	}
	if i := w.find(name); i >= 0 {
		for _, a := range w.accounts[:w.nAccounts] {
			if a.data == i {
				return a.account
			}
		}
	}
	return ""
}

// setAccount records the agent's account of the last value read.
func (w *winEvent) setAccount(account string) {
	if w.n > 0 && w.nAccounts < len(w.accounts) {
		w.accounts[w.nAccounts] = winAccount{w.n - 1, account}
		w.nAccounts++
	}
}

// raw returns the EventData value name as given ("" if absent).
func (w *winEvent) raw(name string) string {
	if i := w.find(name); i >= 0 {
		return w.data[i].value
	}
	return ""
}

// val returns the EventData value with Windows' empty markers ("-",
// "%%1793" <value not set>) and surrounding spaces removed.
func (w *winEvent) val(name string) string {
	v := w.raw(name)
	if v != "" && (maybeSpace(v[0]) || maybeSpace(v[len(v)-1])) { // most values need no trimming
		v = strings.TrimSpace(v)
	}
	switch v {
	case "-", "%%1793", "N/A", "<value not set>":
		return ""
	}
	return v
}

// tok returns the first word of val(name): for values that never hold a
// space (ids, SIDs, addresses, ports, codes), so that text the message
// parser could not separate from them ("(0x0,0x3E7)  Privileges -") is dropped.
func (w *winEvent) tok(name string) string {
	v := w.val(name)
	if i := winSpaceIndex(v); i >= 0 {
		v = v[:i]
	}
	if v == "-" {
		return ""
	}
	return v
}

// winSpaceIndex returns the index of the first winSpace byte of s, -1 if
// none. Eight bytes at a time: tok scans every SID, logon id and address
// of a record (a SID is ~45 bytes), and a byte loop was about half of
// tok's cost. A word with no byte below 0x21 holds no white space; a word
// that has one is looked at byte by byte.
func winSpaceIndex(s string) int {
	i := 0
	for ; i+8 <= len(s); i += 8 {
		b := s[i : i+8] // one bounds check; the compiler makes the eight loads one
		x := uint64(b[0]) | uint64(b[1])<<8 | uint64(b[2])<<16 | uint64(b[3])<<24 |
			uint64(b[4])<<32 | uint64(b[5])<<40 | uint64(b[6])<<48 | uint64(b[7])<<56
		const ones, highs = 0x0101010101010101, 0x8080808080808080
		if (x-ones*0x21)&^x&highs != 0 { // some byte < 0x21 (exact: Bit Twiddling Hacks' hasless)
			break
		}
	}
	for ; i < len(s); i++ { // not strings.IndexAny: it builds a set per call
		if winSpace(s[i]) {
			return i
		}
	}
	return -1
}

// setCode sets the event id from its text form.
func (w *winEvent) setCode(s string) bool {
	s = ecs.TrimSpace(s)
	n, ok := ecs.ParseUint(s)
	if !ok {
		// "0x1f4": some agents print ids in hex; event.code is decimal.
		if h, isHex := vendor.ParseHex(s); isHex && len(s) > 2 && (s[1] == 'x' || s[1] == 'X') && h <= 65535 {
			w.code, w.id = strconv.Itoa(int(h)), int(h)
			return true
		}
		return false
	}
	if n > 65535 {
		return false
	}
	w.code, w.id = s, int(n)
	return true
}

// setAuditKeyword records "Audit Success"/"Audit Failure" (and the other
// spellings roads use) as the keyword and the audit outcome.
func (w *winEvent) setAuditKeyword(k string) {
	switch k {
	case "Audit Success", "Success Audit", "AUDIT_SUCCESS", "AuditSuccess", "success":
		w.keyword, w.audit = "Audit Success", ecs.OutcomeSuccess
	case "Audit Failure", "Failure Audit", "AUDIT_FAILURE", "AuditFailure", "failure":
		w.keyword, w.audit = "Audit Failure", ecs.OutcomeFailure
	case "":
	default:
		if w.keyword == "" {
			w.keyword = k
		}
	}
}

// setKeywordMask reads the audit bits of an event's Keywords mask
// (0x8020000000000000: bit 53 Audit Success, bit 52 Audit Failure).
func (w *winEvent) setKeywordMask(mask uint64) {
	switch {
	case mask&(1<<53) != 0:
		w.setAuditKeyword("Audit Success")
	case mask&(1<<52) != 0:
		w.setAuditKeyword("Audit Failure")
	}
}

// setLevelNumber maps a System/Level number to log.level.
func (w *winEvent) setLevelNumber(s string) {
	if w.level != "" {
		return
	}
	switch ecs.TrimSpace(s) {
	case "0", "4":
		w.level = "information"
	case "1":
		w.level = "critical"
	case "2":
		w.level = "error"
	case "3":
		w.level = "warning"
	case "5":
		w.level = "verbose"
	}
}

// decodeWindows reads the record into a winEvent on the stack: pooled on
// the heap, it cost fewer instructions (no 5 KB cleared per record) but
// more CPU time, its every string written paying the garbage collector's
// write barrier while it marks.
func decodeWindows(e *event.Event) bool {
	var w winEvent
	if !w.read(e) {
		return false
	}
	w.apply(e)
	return true
}

// read fills w from whichever road e came by.
func (w *winEvent) read(e *event.Event) bool {
	m := e.Message
	if e.Format == "agent" {
		// The agent's record is the rendered XML (or, replayed from a
		// file, NXLog or evtx_dump JSON); Message may be the rendered text.
		m = e.Original
		defer func() {
			if w.code != "" {
				w.road = winRoadAgent
			}
		}()
	}
	if m != "" && maybeSpace(m[0]) { // TrimLeft of a cutset with a non-ASCII rune costs ~150 instructions
		m = strings.TrimLeft(m, " \t\r\n\ufeff")
	}
	if m == "" {
		return false
	}
	switch m[0] {
	case '<':
		return w.parseXML(m)
	case '{':
		return w.parseJSON(m)
	}
	// A record whose start is the tag is read from there, and only from
	// there: its message (an application's text) may hold a record of its
	// own near the MSG's start, which parseSnare would take.
	if strings.EqualFold(e.AppName, "MSWinEventLog") {
		if strings.HasPrefix(m, "MSWinEventLog") { // the whole record under that APP-NAME
			return w.parseSnare(m)
		}
		// "MSWinEventLog" taken as the syslog tag ("MSWinEventLog: <TAB>1<TAB>
		// Security<TAB>..."), as senders that rewrite the header write it.
		return w.parseSnareFields(e.Message)
	}
	if snareTagged(e) { // a relay's RFC 5424 output: see snare_tag.go
		return w.parseSnareTag(e, m)
	}
	if strings.EqualFold(e.AppName, "WinEvtLog") {
		// OSSEC's record alone, "WinEvtLog" read as its tag (or an
		// APP-NAME before the whole record).
		return w.parseWinEvtLogFields(m) || w.parseWinEvtLog(m)
	}
	// Under another program's tag the message is that program's text: a
	// record in it must start it (no "HOST" of its own in front).
	if (e.AppName == "" || strings.HasPrefix(m, "MSWinEventLog")) && w.parseSnare(m) {
		return true
	}
	if w.parseTagged(e, m) {
		return true
	}
	return w.parseWinEvtLog(m)
}

// parseTagged reads "ID: [AUDIT_SUCCESS|AUDIT_FAILURE] text" sent under a
// Windows source tag (eventlog-to-syslog and similar agents).
func (w *winEvent) parseTagged(e *event.Event, m string) bool {
	switch ecs.ProgramKey(e.AppName) {
	case "security", "security-auditing", "microsoft-windows-security-auditing",
		"microsoft-windows-eventlog", "eventlog":
	default:
		return false
	}
	idS, text, ok := ecs.CutByte(m, ':')
	if !ok || !w.setCode(idS) {
		return false
	}
	text = strings.TrimLeft(text, " \t")
	if word, rest := ecs.CutWord(text); word == "AUDIT_SUCCESS" || word == "AUDIT_FAILURE" {
		w.setAuditKeyword(word)
		text = rest
	}
	w.road = winRoadTagged
	w.provider = e.AppName
	w.computer = e.Hostname
	if strings.Contains(ecs.ProgramKey(e.AppName), "security") {
		w.channel = "Security" // the Eventlog source also logs to System
	}
	w.message = text
	w.parseText(text)
	return true
}

// apply sets the event's fields from w: the envelope every road shares,
// the raw EventData, then the meaning of the event id.
func (w *winEvent) apply(e *event.Event) {
	e.Flags |= event.TagNotProcess // the tag is a log or agent name, not the process
	w.fieldsFrom = len(e.Fields)
	ecs.Reserve(e, 40+w.n)
	ecs.SetRule(e, w.road)
	ecs.SetProvider(e, w.provider)
	e.SetStr("event.code", w.code)
	e.SetStr("winlog.event_id", w.code)
	e.SetStr("winlog.channel", w.channel)
	e.SetStr("winlog.provider_name", w.provider)
	e.SetStr("winlog.computer_name", w.computer)
	if w.computer != "" {
		e.SetStr("host.name", w.computer)
	}
	if w.hasRecID {
		e.SetInt("winlog.record_id", w.recordID)
	}
	if w.hasSeq {
		e.SetInt("event.sequence", w.sequence)
	}
	e.SetStr("winlog.task", w.task)
	e.SetStr("winlog.opcode", w.opcode)
	if w.keyword != "" {
		e.Set("winlog.keywords", winKeywordList(w.keyword))
	}
	e.SetStr("log.level", w.level)
	ecs.SetUint(e, "winlog.process.pid", w.execPID)
	ecs.SetUint(e, "winlog.process.thread.id", w.execTID)
	if strings.HasPrefix(w.userSID, "S-1-") {
		e.SetStr("winlog.user.identifier", w.userSID)
	}
	e.SetStr("winlog.user.name", w.userName)
	e.SetStr("winlog.user.domain", w.userDom)
	e.SetStr("winlog.user.type", w.userType)
	if !w.time.IsZero() {
		if w.exact {
			e.Time = w.time
		} else {
			ecs.SetTimeIfNone(e, w.time)
		}
	}
	if w.message != "" {
		e.Message = w.message
	}
	w.index()
	if w.structured {
		w.setEventData(e)
		if w.nameLegacyParams() {
			w.index() // names changed
		}
	}
	w.applyMeaning(e)
}

// Shared keyword lists, so that setting winlog.keywords allocates nothing.
var (
	winKeywordsSuccess = []string{"Audit Success"}
	winKeywordsFailure = []string{"Audit Failure"}
)

func winKeywordList(k string) event.Value {
	switch k {
	case "Audit Success":
		return event.Value{Type: event.TypeStrings, List: winKeywordsSuccess[:1:1]}
	case "Audit Failure":
		return event.Value{Type: event.TypeStrings, List: winKeywordsFailure[:1:1]}
	}
	return event.Strings(k)
}

// setEventData writes winlog.event_data.<Name> (winlog.user_data.<Name>
// for UserData) for every value, as given. Names are unique in Windows'
// schema; a repeated name keeps its first value. w is indexed.
func (w *winEvent) setEventData(e *event.Event) {
	keys := winDataKeys()
	for i := 0; i < w.n; i++ {
		d := &w.data[i]
		// A slot's chain lists its values in order: a value at the head
		// of its slot's chain has no earlier one of its name, and most do.
		if int(w.nameHead[nameSlot(d.name)]) != i+1 && w.find(d.name) != i {
			continue // a repeated name keeps its first value
		}
		e.Set(winDataKey(keys, d.name, w.userData), event.String(d.value))
	}
}

// nameSlot is one of 64 numbers for a name, by its length and last byte.
func nameSlot(name string) uint {
	if name == "" {
		return 0
	}
	return (uint(len(name)) + uint(name[len(name)-1])) % 64
}

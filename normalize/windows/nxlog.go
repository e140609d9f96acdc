package windows

import (
	"slices"
	"strings"
	"time"
	"unsafe"

	"github.com/nomenhq/nomen/normalize/ecs"
	"github.com/nomenhq/nomen/normalize/vendor"
	"github.com/nomenhq/nomen/normalize/wincatalog"
	"github.com/nomenhq/nomen/relay/wire"
)

// NXLog im_msvistalog writes one flat record: its own fields (Channel,
// AccountName, EventType, Version, ProcessID, ...) and the EventData
// names side by side. An EventData name that is also one of NXLog's
// (System 7045's AccountName, the service's account; System 104's
// Channel, the log cleared; Security 4664's FileName; the WFP events'
// ProcessID) then arrives under NXLog's name: once (one value
// overwrote the other) or twice (a duplicate key, NXLog's first).
//
// So NXLog's own names are held until the record is read, and then
// resolved against the event's catalog row: when the row maps the name,
// a single value is the EventData's (the row expects it; the agent's
// account or thread id is worth less than the service's account), and of
// two values the first is NXLog's and the last the EventData's. ProcessID
// is the exception: a single one is NXLog's. Real records keep NXLog's
// (the logging process's) and lose the EventData's ProcessID or ProcessId
// (a WFP 5156 whose message names process 832 has only ProcessID 4, the
// System process; a 4657 and a Sysmon 7 lose their ProcessId the same
// way), so reading it as the event's process would name the wrong one. A value
// nested under "EventData" (as NXLog writes with some configurations)
// is the EventData's in any case, and the top-level one then NXLog's.
//
// NXLog writes an EventData value as the record's XML holds it, its
// entities not decoded (a device id "Disk&amp;Ven_VMware", Defender's
// link "...&amp;threatid=..."; its rendered Message has "&"): nxlogData
// decodes them, as the XML road does.

// nxlogData adds an EventData value, its XML entities decoded.
func (w *winEvent) nxlogData(name, v string) {
	if w.nxlogAmp {
		v = wire.UnescapeXML(v)
	}
	w.add(name, v)
}

// nxlogHeld is one held value; earlier and later say whether the record
// has the name before or after it too. Its name is nxlogOwnNames[field]:
// not held, one string store fewer for each of a record's ~20 own fields.
type nxlogHeld struct {
	value          string
	field          nxlogField // the name's number
	earlier, later bool
}

// nxlogHold holds NXLog's own top-level fields until the whole record is
// read: an EventData name may be one of them. Declared by parseJSON for
// NXLog's records only, not part of winEvent or of the scanner: the other
// roads need not clear it for every record.
type nxlogHold struct {
	held [nxlogMaxHeld]nxlogHeld
	n    int    // held[:n] are the record's
	seen uint64 // a bit per nxlogField held: a name seen before is known without comparing names
}

// nxlogMaxHeld bounds the held values; beyond it a value is read as
// NXLog's at once (NXLog's records have about 25 of their own).
const nxlogMaxHeld = 40

// nxlogField numbers NXLog's own top-level fields (0: not one). The
// mapping switches on the number (a jump), not on the name again.
type nxlogField uint8

const (
	nxNone nxlogField = iota
	nxHostname
	nxChannel
	nxFileName
	nxSourceName
	nxProviderName
	nxRecordNumber
	nxEventType
	nxSeverity
	nxKeywords
	nxCategory
	nxOpcode
	nxMessage
	nxEventTime
	nxProcessID
	nxThreadID
	nxUserID
	nxAccountName
	nxDomain
	nxAccountType
	nxOther // the first of the fields that say nothing the event needs (nxlogOwnField numbers them on)
)

// nxlogOwnNames are NXLog's own top-level field names by number; from
// nxOther on, the ones that say nothing the event needs.
var nxlogOwnNames = [...]string{
	nxHostname: "Hostname", nxChannel: "Channel", nxFileName: "FileName",
	nxSourceName: "SourceName", nxProviderName: "ProviderName", nxRecordNumber: "RecordNumber",
	nxEventType: "EventType", nxSeverity: "Severity", nxKeywords: "Keywords",
	nxCategory: "Category", nxOpcode: "Opcode", nxMessage: "Message", nxEventTime: "EventTime",
	nxProcessID: "ProcessID", nxThreadID: "ThreadID", nxUserID: "UserID",
	nxAccountName: "AccountName", nxDomain: "Domain", nxAccountType: "AccountType",
	nxOther: "EventReceivedTime", "SourceModuleName", "SeverityValue", "Version", "Task",
	"OpcodeValue", "ProviderGuid", "ActivityID", "RelatedActivityID", "EventTimeWritten",
	"MessageSourceAddress", "SyslogFacilityValue", "SyslogFacility", "SyslogSeverityValue",
	"SyslogSeverity", "Qualifiers", "Level", "LevelValue", "ERRORLOG_EVENTID",
	"ExecutionProcessID", "ExecutionThreadID", "EventData", "CategoryNumber",
}

// nxlogOwnSlots is nxlogOwnNames hashed by nxlogOwnHash, collision-free (checked
// when built): a name is found with one comparison. A switch on the name
// (a jump table on its length, then compares) mispredicted its jump for
// most of a record's ~35 members.
var nxlogOwnSlots = func() (t [nxlogOwnSlotCount + 1]nxlogOwnSlotEntry) {
	for f, name := range nxlogOwnNames {
		if name == "" {
			continue
		}
		s := &t[nxlogOwnHash(name)]
		if s.name != "" {
			panic("windows: nxlogOwnHash puts " + name + " with " + s.name)
		}
		s.name, s.field = name, nxlogField(f)
	}
	return t
}()

const nxlogOwnSlotCount = 128 // a power of two; the table has one more slot, always empty

type nxlogOwnSlotEntry struct {
	name  string
	field nxlogField
}

// nxlogOwnHash hashes a name of two bytes or more by its length and three
// of its bytes; the constants were searched for no collision among
// nxlogOwnNames (the second-last byte tells EventType from EventTime).
func nxlogOwnHash(name string) uint32 {
	n := uint32(len(name))
	return (n*5 + uint32(name[0]) + uint32(name[n-2])*16 + uint32(name[n/2])*31) & (nxlogOwnSlotCount - 1)
}

// nxlogOwnField returns the number of NXLog's own top-level field name, 0
// for any other name.
func nxlogOwnField(name string) nxlogField {
	if s := nxlogOwnSlot(name); sameName(s.name, name) {
		return s.field
	}
	return nxNone
}

// nxlogOwnSlot returns the slot name would be in (the empty last one for
// a name shorter than 2 bytes). Apart from nxlogOwnField so that the
// member loop's call (nxlogField) has both inlined: with sameName,
// nxlogOwnField is over the inliner's budget.
func nxlogOwnSlot(name string) *nxlogOwnSlotEntry {
	if len(name) < 2 {
		return &nxlogOwnSlots[nxlogOwnSlotCount]
	}
	return &nxlogOwnSlots[nxlogOwnHash(name)]
}

// nxlogField maps an NXLog field; unknown top-level names are EventData.
func (w *winEvent) nxlogField(nx *nxlogHold, parents []string, name, v string) {
	if len(parents) == 1 && parents[0] == "EventData" {
		w.nxlogData(name, v)
		return
	}
	if len(parents) != 0 {
		return
	}
	switch name {
	case "EventID":
		w.setCode(v)
		return
	case "SourceModuleType":
		w.nxlogClassic = v == "im_mseventlog"
		return
	}
	f := nxNone
	if s := nxlogOwnSlot(name); sameName(s.name, name) { // nxlogOwnField, inlined
		f = s.field
	}
	switch {
	case f == nxNone:
		w.nxlogData(name, v)
	case nx.n < len(nx.held):
		h := nxlogHeld{value: v, field: f}
		if bit := uint64(1) << f; nx.seen&bit == 0 {
			nx.seen |= bit // a new name: no search
		} else {
			for i := range nx.held[:nx.n] {
				if p := &nx.held[i]; p.field == f {
					p.later, h.earlier = true, true
				}
			}
		}
		nx.held[nx.n] = h
		nx.n++
	default:
		w.nxlogOwn(f, v)
	}
}

// resolveNXLog gives each held value to NXLog's reading or to EventData.
func (w *winEvent) resolveNXLog(nx *nxlogHold) {
	held := nx.held[:nx.n]
	if w.nxlogClassic { // im_mseventlog: no EventData, every name is NXLog's
		for _, d := range held {
			w.nxlogOwn(d.field, d.value)
		}
		return
	}
	// The row is found by NXLog's channel and provider: the first values.
	channel, single := firstHeld(held, nxChannel)
	w.channel = channel
	w.provider, _ = firstHeld(held, nxSourceName)
	if w.provider == "" {
		w.provider, _ = firstHeld(held, nxProviderName)
	}
	ent, _ := w.entry()
	if ent == nil && single {
		// The only Channel may be the EventData's, which overwrote NXLog's:
		// a row of this id and provider that expects it says where it came from.
		if alt := nxlogChannelRow(w.id, w.provider); alt != nil {
			w.channel, ent = alt.Channel, alt
		}
	}
	w.channel, w.provider = "", ""
	expects := nxlogExpected()[ent]
	nested := w.n // EventData so far: nested under "EventData", or names that are not NXLog's
	for _, d := range held {
		first, last := !d.earlier, d.earlier && !d.later
		name := nxlogOwnNames[d.field]
		switch {
		case first && !d.later && d.field != nxProcessID && slices.Contains(expects, name) && !w.hasIn(name, nested):
			w.nxlogData(name, d.value) // the only value, and the row expects it: the EventData's
			if d.field == nxChannel {
				w.channel = ent.Channel
			}
		case first:
			w.nxlogOwn(d.field, d.value)
		case last && !w.hasIn(name, nested):
			w.nxlogData(name, d.value)
		}
	}
	// NXLog's names are case-blind: its ProcessID takes the event's ProcessId
	// (or ProcessID), which the rendered message still has.
	switch {
	case ent == nil || w.message == "":
	case ent.Channel == wincatalog.ChannelSysmon:
		if !w.hasIn("ProcessId", w.n) {
			if v := sysmonMessagePID(w.message); v != "" {
				w.add("ProcessId", v) // on a line of its own
			}
		}
	case ent.Channel == wincatalog.ChannelSecurity:
		for _, name := range [...]string{"ProcessId", "ProcessID"} {
			if entryMaps(ent, name) {
				if !w.hasIn(name, w.n) {
					w.parseTextOnly(w.message, name) // "Process ID:", 4688's "Creator Process ID:"...
				}
				break
			}
		}
	}
}

// sysmonMessagePID is the process id a Sysmon message gives ("...\r\n
// ProcessId: 4200\r\nImage: ..."): the number after "ProcessId: " at the
// start of a line (or after white space, from agents that flatten lines);
// "" when the message has none.
func sysmonMessagePID(msg string) string {
	const label = "ProcessId: "
	for i := 0; ; {
		j := strings.Index(msg[i:], label)
		if j < 0 {
			return ""
		}
		at := i + j
		i = at + len(label)
		if at > 0 && !winSpace(msg[at-1]) {
			continue // ParentProcessId, SourceProcessId...
		}
		n := i
		for n < len(msg) && msg[n] >= '0' && msg[n] <= '9' {
			n++
		}
		return msg[i:n]
	}
}

// hasIn reports whether the first n EventData values have name.
func (w *winEvent) hasIn(name string, n int) bool {
	for i := 0; i < n; i++ {
		if w.data[i].name == name {
			return true
		}
	}
	return false
}

// firstHeld returns the first value of field f, and whether it is the only one.
func firstHeld(held []nxlogHeld, f nxlogField) (string, bool) {
	for i := range held {
		if held[i].field == f {
			return held[i].value, !held[i].later
		}
	}
	return "", false
}

// entryMaps reports whether the row maps the EventData name.
func entryMaps(ent *wincatalog.Entry, name string) bool {
	for i := range ent.Fields {
		if ent.Fields[i].From == name {
			return true
		}
	}
	return false
}

// buildNXLogExpected lists, for the catalog rows whose decode reads EventData
// names that NXLog uses itself, those names: the names the row maps, and
// EventType for a Sysmon registry event (it says whether the path ends in
// a value).
func buildNXLogExpected() map[*wincatalog.Entry][]string {
	out := map[*wincatalog.Entry][]string{}
	for _, ch := range wincatalog.Channels() {
		for _, ent := range wincatalog.Entries(ch) {
			for _, f := range ent.Fields {
				name := f.From
				if f.Decode == wincatalog.DecodeRegistryPath {
					name = "EventType"
				}
				if nxlogOwnField(name) != nxNone && !slices.Contains(out[ent], name) {
					out[ent] = append(out[ent], name)
				}
			}
		}
	}
	return out
}

// buildNXLogChannelRows returns the catalog rows that map an EventData "Channel".
func buildNXLogChannelRows() []*wincatalog.Entry {
	var out []*wincatalog.Entry
	for _, ch := range wincatalog.Channels() {
		for _, ent := range wincatalog.Entries(ch) {
			if entryMaps(ent, "Channel") {
				out = append(out, ent)
			}
		}
	}
	return out
}

// nxlogChannelRow returns the row of id that maps an EventData Channel
// and names provider as its provider (channels.txt's provider column).
func nxlogChannelRow(id int, provider string) *wincatalog.Entry {
	for _, ent := range nxlogChannelRows() {
		if ent.ID == id && provider != "" && strings.EqualFold(ent.Subcategory, provider) {
			return ent
		}
	}
	return nil
}

// nxlogStored is, for the own fields kept as they come, where winEvent
// keeps them (0: read by nxlogOwn's switch; no field is at offset 0 but
// road). A store to the offset is one path for all of them: a switch
// over them all, a jump table, mispredicted its jump for most values.
var nxlogStored = [nxOther]uintptr{
	nxHostname:    unsafe.Offsetof(winEvent{}.computer),
	nxChannel:     unsafe.Offsetof(winEvent{}.channel),
	nxCategory:    unsafe.Offsetof(winEvent{}.task),
	nxOpcode:      unsafe.Offsetof(winEvent{}.opcode),
	nxMessage:     unsafe.Offsetof(winEvent{}.message),
	nxProcessID:   unsafe.Offsetof(winEvent{}.execPID),
	nxThreadID:    unsafe.Offsetof(winEvent{}.execTID),
	nxUserID:      unsafe.Offsetof(winEvent{}.userSID),
	nxAccountName: unsafe.Offsetof(winEvent{}.userName),
	nxDomain:      unsafe.Offsetof(winEvent{}.userDom),
	nxAccountType: unsafe.Offsetof(winEvent{}.userType),
}

// nxlogOwn reads one of NXLog's own fields.
func (w *winEvent) nxlogOwn(f nxlogField, v string) {
	if f >= nxOther {
		return // EventReceivedTime, SourceModuleName, Version, Task, ...: nothing the event needs
	}
	if off := nxlogStored[f]; off != 0 {
		*(*string)(unsafe.Add(unsafe.Pointer(w), off)) = v // a typed store: the write barrier is kept
		return
	}
	switch f {
	case nxFileName: // im_mseventlog: the log's name
		if w.channel == "" {
			w.channel = v
		}
	case nxSourceName, nxProviderName:
		if w.provider == "" {
			w.provider = v
		}
	case nxRecordNumber:
		if n, ok := ecs.ParseUint(v); ok {
			w.recordID, w.hasRecID = n, true
		}
	case nxEventType:
		w.setAuditKeyword(v)
		if w.level == "" {
			w.level = nxlogLevel(v)
		}
	case nxSeverity:
		if l := nxlogLevel(v); l != "" {
			w.level = l
		}
	case nxKeywords:
		w.nxlogKeywords(v)
	case nxEventTime:
		w.time, w.exact = nxlogTime(v)
	}
}

// nxlogKeywords reads Keywords: a signed decimal mask, a hex mask, or
// the keyword's name.
func (w *winEvent) nxlogKeywords(v string) {
	if n, ok := ecs.ParseUint(strings.TrimPrefix(v, "-")); ok {
		mask := uint64(n)
		if strings.HasPrefix(v, "-") {
			mask = uint64(-n)
		}
		w.setKeywordMask(mask)
	} else if mask, ok := vendor.ParseHex(v); ok && strings.HasPrefix(v, "0x") {
		w.setKeywordMask(mask)
	} else {
		w.setAuditKeyword(v)
	}
}
func nxlogLevel(v string) string {
	switch v {
	case "INFO", "AUDIT_SUCCESS", "AUDIT_FAILURE":
		return "information"
	case "WARNING":
		return "warning"
	case "ERROR":
		return "error"
	case "CRITICAL":
		return "critical"
	case "DEBUG", "VERBOSE":
		return "verbose"
	}
	return ""
}

// nxlogTime parses NXLog's EventTime: "2026-07-01 10:15:02" (the agent's
// local time, read as UTC, not exact) or RFC 3339 (exact).
func nxlogTime(v string) (time.Time, bool) {
	// RFC 3339 has its 'T' there: NXLog's usual "2006-01-02 15:04:05" is
	// not tried as one (a failed time.Parse allocates its error).
	if len(v) > 10 && v[10] == 'T' {
		if t, ok := winTime(v); ok {
			return t, true
		}
	}
	if t, ok := nxlogTimeUsual(v); ok {
		return t, false
	}
	if t, err := time.Parse(time.DateTime, v); err == nil {
		return t, false
	}
	return time.Time{}, false
}

// nxlogTimeUsual reads "2026-07-01 10:15:02" without time.Parse (whose
// walk of the layout cost ~1,200 instructions per NXLog record). Anything
// else is left to time.Parse: false whenever the result might differ.
func nxlogTimeUsual(v string) (time.Time, bool) {
	if len(v) != 19 || v[10] != ' ' {
		return time.Time{}, false
	}
	return dateTimeUTC(v, 0)
}

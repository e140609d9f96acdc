package correlate

import (
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/nomenhq/nomen/relay/event"
	"github.com/nomenhq/nomen/relay/stage/lru"
)

// scriptBlocks reassembles PowerShell script blocks. With Script Block
// Logging on, PowerShell logs the text of every script block it compiles
// as event 4104 (channel Microsoft-Windows-PowerShell/Operational, and
// PowerShellCore/Operational for PowerShell 7); a long text is split into
// parts: MessageNumber of MessageTotal, with one ScriptBlockId. The parts
// are joined per (host, ScriptBlockId) into one record once all of them
// arrived; a block whose parts stopped coming for the timeout is reported
// as an alert with the text it has and the part numbers it lacks, since a
// missing part may be the one that matters (or one that was suppressed).
// A block of one part is its own record: nothing is emitted for it.
//
// The parts pass through unchanged (each is journaled); the record is one
// more event. Memory is bounded three ways: max_open blocks (the least
// recently used is closed as incomplete), max_block_bytes of text per
// block (beyond it the text is truncated and flagged) and max_bytes of
// text over all open blocks (the least recently used are closed).
//
// Field contract (normalize's Windows decoder): event.code "4104",
// winlog.channel, host.name, winlog.event_data.{MessageNumber,
// MessageTotal, ScriptBlockText, ScriptBlockId, Path} (or the Elastic
// names powershell.sequence, powershell.total, powershell.file.*),
// winlog.user.identifier, winlog.user.name/domain, winlog.process.pid.
type scriptBlocks struct {
	b          ruleBase // the reassembly; alerts count under incomplete
	incomplete ruleBase
	timeout    time.Duration
	maxBlock   int // text bytes (with partOverhead per part) of one block
	maxBytes   int // the same over all open blocks
	bytes      int // what the open blocks hold now
	open       *lru.Map[block]
	// closed remembers blocks closed less than timeout ago (by receive
	// time): a part of one arriving late, or again, is dropped rather
	// than starting a block that can only end incomplete.
	closed *lru.Map[int64]
}

// Names of the reassembly and its alert (rule.name, nomen_findings_total
// and nomen_correlate_evicted_total labels); user rules may not use them.
const (
	ruleScriptBlock           = "powershell-script-block"
	ruleScriptBlockIncomplete = "powershell-script-block-incomplete"
)

// DatasetPowerShell is event.dataset of the reassembled records and alerts.
const DatasetPowerShell = "nomen.powershell"

// scriptBlockHash keys the state in snapshots (built in: it survives any
// change of the tuning).
const scriptBlockHash = "powershell"

const (
	// partOverhead is what a part costs besides its text, counted against
	// the byte limits so that a flood of empty parts is bounded too.
	partOverhead = 48
	// maxMissingListed bounds nomen.script_block.missing.
	maxMissingListed = 100
)

// Channels whose 4104 is Script Block Logging.
const (
	channelPowerShell     = "Microsoft-Windows-PowerShell/Operational"
	channelPowerShellCore = "PowerShellCore/Operational"
)

// block is one script block being reassembled.
type block struct {
	Host   string `json:"host"`
	ID     string `json:"id"` // ScriptBlockId as given
	Total  int    `json:"total"`
	Path   string `json:"path,omitempty"`
	UserID string `json:"user_id,omitempty"` // the logging account's SID
	User   string `json:"user,omitempty"`    // and its name, where the road resolved it
	Domain string `json:"domain,omitempty"`
	PID    int64  `json:"pid,omitempty"` // the PowerShell host process
	Time   int64  `json:"time"`          // event time of the earliest part
	Recv   int64  `json:"recv"`          // receive time of the latest part
	Parts  []part `json:"parts"`         // by number
	Bytes  int    `json:"bytes"`
	// Over counts parts not kept because the block reached max_block_bytes
	// (Truncated is then set): they count as arrived.
	Over       int      `json:"over,omitempty"`
	Truncated  bool     `json:"truncated,omitempty"`
	Duplicates int      `json:"dups,omitempty"`
	Evidence   evidence `json:"ev"` // related.*, hosts; the IDs are the parts'
}

type part struct {
	N    int    `json:"n"`
	ID   uint64 `json:"id,omitempty"` // journal ID
	Text string `json:"t"`
}

func (b *block) arrived() int { return len(b.Parts) + b.Over }

// check reports an open block of a snapshot that apply cannot have left
// under key: its parts out of order or beyond its total, a block that
// should have been closed, or a byte count (which max_bytes is kept by)
// that is not its parts'.
func (b *block) check(key string) error {
	if key != string(scriptBlockKey(nil, b.Host, b.ID)) {
		return fmt.Errorf("script block %q filed under %q", b.ID, key)
	}
	if b.Total < 2 || b.Over < 0 || b.arrived() >= b.Total {
		return fmt.Errorf("script block %q: %d parts and %d over of %d, open", b.ID, len(b.Parts), b.Over, b.Total)
	}
	bytes, prev := 0, 0
	for _, p := range b.Parts {
		if p.N <= prev || p.N > b.Total {
			return fmt.Errorf("script block %q: part %d after %d, of %d", b.ID, p.N, prev, b.Total)
		}
		prev = p.N
		bytes += len(p.Text) + partOverhead
	}
	if bytes != b.Bytes {
		return fmt.Errorf("script block %q: %d bytes, its parts hold %d", b.ID, b.Bytes, bytes)
	}
	return nil
}

func newScriptBlocks(s scriptBlockSettings, m *metrics) *scriptBlocks {
	mk := func(name, id, desc string) ruleBase {
		return ruleBase{kind: "powershell", name: name, id: id, description: desc, category: []string{"process"},
			maxKeys: s.maxOpen, hash: scriptBlockHash, findings: m.findings.WithLabelValues(name),
			evicted: m.evicted.WithLabelValues(ruleScriptBlock)}
	}
	r := &scriptBlocks{
		b: mk(ruleScriptBlock, "nomen.powershell.script-block",
			"PowerShell script block logging: the parts of a long script block (event 4104) joined into one record."),
		incomplete: mk(ruleScriptBlockIncomplete, "nomen.powershell.script-block-incomplete",
			"Parts of a PowerShell script block never arrived: they may have been lost, suppressed or deleted."),
		open:   lru.New[block](s.maxOpen),
		closed: lru.New[int64](s.maxOpen),
	}
	r.tune(s)
	return r
}

// tune applies new settings; the blocks stay.
func (r *scriptBlocks) tune(s scriptBlockSettings) {
	r.timeout, r.maxBlock, r.maxBytes = s.timeout, s.maxBlockBytes, s.maxBytes
	r.open.SetMax(s.maxOpen)
	r.closed.SetMax(s.maxOpen)
}

func (r *scriptBlocks) base() *ruleBase { return &r.b }
func (r *scriptBlocks) size() int       { return r.open.Len() + r.closed.Len() }

func (r *scriptBlocks) selectors() []selector {
	return []selector{{where: map[string]any{"event.code": "4104"}}}
}

// sbFields are the fields of a 4104 the reassembly reads, in one pass.
type sbFields struct {
	channel, host, blockID, text, path, userID string
	user, domain                               string
	num, total                                 int
	pid                                        int64
}

func (f *sbFields) scan(e *event.Event) {
	for i := range e.Fields {
		fl := &e.Fields[i]
		v := &fl.Val
		switch fl.Key {
		case "winlog.channel":
			f.channel = v.Str
		case "host.name":
			f.host = v.Str
		case "winlog.event_data.ScriptBlockId", "powershell.file.script_block_id":
			f.blockID = strings.TrimSpace(v.Str)
		case "winlog.event_data.ScriptBlockText", "powershell.file.script_block_text":
			f.text = v.Str
		case "winlog.event_data.MessageNumber", "powershell.sequence":
			f.num = intOf(v)
		case "winlog.event_data.MessageTotal", "powershell.total":
			f.total = intOf(v)
		case "file.path":
			f.path = v.Str
		case "winlog.event_data.Path":
			if f.path == "" {
				f.path = v.Str
			}
		case "winlog.user.identifier":
			f.userID = v.Str
		case "winlog.user.name":
			f.user = v.Str
		case "winlog.user.domain":
			f.domain = v.Str
		case "winlog.process.pid":
			if v.Type == event.TypeInt {
				f.pid = v.Num
			}
		}
	}
	if f.host == "" {
		f.host = e.Hostname
	}
}

// intOf reads a count given as a number or as text; 0 if it is neither.
func intOf(v *event.Value) int {
	switch v.Type {
	case event.TypeInt:
		return int(min(max(v.Num, 0), 1<<31))
	case event.TypeString:
		n, err := strconv.Atoi(strings.TrimSpace(v.Str))
		if err == nil && n > 0 {
			return n
		}
	}
	return 0
}

func (f *sbFields) usable() bool {
	switch {
	case f.host == "" || f.blockID == "":
		return false
	case f.total < 2 || f.num < 1 || f.num > f.total:
		return false // one part: the event is the whole block
	}
	return f.channel == "" || strings.EqualFold(f.channel, channelPowerShell) ||
		strings.EqualFold(f.channel, channelPowerShellCore)
}

func (r *scriptBlocks) apply(en *Engine, e *event.Event, id uint64, _ int) {
	var f sbFields
	f.scan(e)
	if !f.usable() || !en.ownsHost(r.b.name, f.host) {
		return
	}
	key := scriptBlockKey(en.key[:0], f.host, f.blockID)
	en.key = key
	if _, ok := r.closed.PeekBytes(key); ok {
		en.partDropped("after_close")
		return
	}
	b, ok := r.open.GetBytes(key)
	if !ok {
		b = r.open.PutBytes(key, block{
			Host: en.strs.get(f.host), ID: strings.Clone(f.blockID), Total: f.total,
			Time: e.Time.UnixNano(), Recv: e.Received.UnixNano(),
		}, r.onEvict(en, e.Received))
	}
	if f.num > b.Total {
		return // a part numbered past the total its first part gave
	}
	i, dup := slices.BinarySearchFunc(b.Parts, f.num, func(p part, n int) int { return p.N - n })
	if dup {
		b.Duplicates++
		en.partDropped("duplicate")
		return
	}
	r.addPart(en, b, i, &f, e, id)
	if b.arrived() >= b.Total {
		r.reassembled(en, b, e.Received)
		r.close(string(key), b, e.Received)
		return
	}
	r.fitBytes(en, string(key), e.Received)
}

// addPart stores part f.num of b at position i, as far as the limits let.
func (r *scriptBlocks) addPart(en *Engine, b *block, i int, f *sbFields, e *event.Event, id uint64) {
	b.Recv = e.Received.UnixNano()
	if t := e.Time.UnixNano(); t < b.Time {
		b.Time = t
	}
	if b.Path == "" && f.path != "" {
		b.Path = en.strs.get(f.path)
	}
	if b.UserID == "" && f.userID != "" {
		b.UserID = en.strs.get(f.userID)
	}
	if b.User == "" && f.user != "" {
		b.User, b.Domain = en.strs.get(f.user), en.strs.get(f.domain)
	}
	if b.PID == 0 {
		b.PID = f.pid
	}
	b.Evidence.add(en.memo, e, 0) // IDs come from the parts, in their order
	room := r.maxBlock - b.Bytes - partOverhead
	if room < 0 {
		b.Over++
		b.Truncated = true
		en.partDropped("max_block_bytes")
		return
	}
	text := f.text
	if len(text) > room {
		text = cutUTF8(text, room)
		b.Truncated = true
	}
	// A copy: state must not pin the event's raw message.
	b.Parts = slices.Insert(b.Parts, i, part{N: f.num, ID: id, Text: strings.Clone(text)})
	n := len(text) + partOverhead
	b.Bytes += n
	r.bytes += n
}

// fitBytes closes the least recently used blocks other than the one of
// key (which fits max_block_bytes <= max_bytes) while the open blocks hold
// more than max_bytes.
func (r *scriptBlocks) fitBytes(en *Engine, key string, now time.Time) {
	for r.bytes > r.maxBytes {
		k, old, ok := r.open.Oldest()
		if !ok || k == key {
			return
		}
		en.evicted(&r.b)
		r.incompleteAlert(en, old, "max_bytes", now)
		r.close(k, old, now)
	}
}

// onEvict closes, as incomplete, the block the LRU drops at max_open.
func (r *scriptBlocks) onEvict(en *Engine, now time.Time) func(string, *block) {
	return func(k string, old *block) {
		en.evicted(&r.b)
		r.incompleteAlert(en, old, "max_open", now)
		r.bytes -= old.Bytes
		r.closed.Put(k, now.UnixNano(), nil)
	}
}

// close forgets block b of key and remembers it was closed at now.
func (r *scriptBlocks) close(key string, b *block, now time.Time) {
	r.bytes -= b.Bytes
	r.open.Delete(key)
	r.closed.Put(key, now.UnixNano(), nil)
}

// scriptBlockKey is "host/scriptblockid", lower case.
func scriptBlockKey(dst []byte, host, id string) []byte {
	dst = appendLower(dst, host)
	dst = append(dst, '/')
	return appendLower(dst, id)
}

func appendLower(dst []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		dst = append(dst, c)
	}
	return dst
}

// cutUTF8 returns the longest prefix of s of at most n bytes that does not
// split a character.
func cutUTF8(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// tick closes blocks whose last part came more than timeout ago (receive
// time) and forgets blocks closed that long ago.
func (r *scriptBlocks) tick(en *Engine, now time.Time) {
	limit := now.Add(-r.timeout).UnixNano()
	for {
		k, b, ok := r.open.Oldest()
		if !ok || b.Recv > limit {
			break
		}
		if en.ownsHost(r.b.name, b.Host) {
			r.incompleteAlert(en, b, "timeout", now)
		}
		r.close(k, b, now)
	}
	for {
		k, at, ok := r.closed.Oldest()
		if !ok || *at > limit {
			break
		}
		r.closed.Delete(k)
	}
}

// retire closes a block a journaled timeout alert reported (the other
// closings are decided by the events, which recovery replays).
func (r *scriptBlocks) retire(f *event.Event) {
	if f.Str("nomen.script_block.closed_by") != "timeout" {
		return
	}
	key := string(scriptBlockKey(nil, f.Str("host.name"), f.Str("powershell.file.script_block_id")))
	if b, ok := r.open.Peek(key); ok {
		r.close(key, b, f.Received)
	}
}

type scriptBlockState struct {
	Open   []keyed[block] `json:"open"`
	Closed []keyed[int64] `json:"closed,omitempty"`
}

func (r *scriptBlocks) save() any {
	// Parts is changed in place (inserts); evidence lists are only appended to.
	return scriptBlockState{
		Open:   saveLRU(r.open, func(b *block, _ string, _ []byte) block { c := *b; c.Parts = slices.Clone(b.Parts); return c }),
		Closed: saveLRU(r.closed, plain),
	}
}

func (r *scriptBlocks) load(raw json.RawMessage) error {
	var st scriptBlockState
	if err := json.Unmarshal(raw, &st); err != nil {
		return err
	}
	for _, kv := range st.Open {
		if err := kv.V.check(kv.K); err != nil {
			return err // nothing restored: a wrong block would be joined wrongly
		}
	}
	for _, kv := range st.Open {
		if _, ok := r.open.Peek(kv.K); ok || r.open.Len() >= r.open.Max() {
			continue
		}
		r.open.PutBack(kv.K, kv.V)
		r.bytes += kv.V.Bytes
	}
	for _, kv := range st.Closed {
		r.closed.PutBack(kv.K, kv.V)
	}
	return nil
}

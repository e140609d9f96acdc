package correlate

import (
	"bytes"
	"strconv"
	"strings"
	"time"

	"github.com/nomenhq/nomen/relay/event"
	"github.com/nomenhq/nomen/relay/stage/keyset"
	"github.com/nomenhq/nomen/relay/stage/lru"
)

// processTracker joins Windows process audit events per (host, process
// id): start (4688, legacy 592), primary token assigned (4696 / 600) and
// end (4689 / 593) become one process-lifetime event. Sysmon's process
// create (1) and terminate (5) are joined the same way (the pid, checked
// against ProcessGuid = process.entity_id), so a host with Sysmon gets
// lifetimes without process auditing.
//
// A host with both gets one record per process, whatever the order the two
// logs arrive in. Security's events lead there: unlike Sysmon's, whose
// configurations commonly filter out process creates and most terminates,
// they are unfiltered, and their gaps are what the alerts below report.
// So a Sysmon create joins the open record of the same pid that a 4688
// started within sameProcessWindow (it adds process.entity_id), and a 4688
// joins a Sysmon-started record the same way; a Sysmon terminate does not
// end a record a 4688 started or joined (its 4689 does), and once a host
// has sent a 4688 (procState.Audited), a Sysmon create that finds no
// record opens none and a Sysmon terminate that finds none raises no
// alert: Security records that host's processes. A Sysmon create that
// arrives before its 4688 on such a host therefore adds no entity_id.
//
// It raises alerts for
// an end whose start was never seen and for a start whose end never came:
// the process id was reused by a new start, the host booted (4608 / 512,
// or 6005 in the System log) without a clean shutdown before (4609 / 513,
// 1100, 6006: then the processes are recorded as ended by the shutdown),
// or it ran longer than max_lifetime.
//
// Field contract (set by normalize's Windows decoder): event.code, host.name,
// process.pid (int), process.executable, process.command_line,
// process.parent.pid, process.parent.executable, user.name, user.domain,
// winlog.logon.id; on token changes user.effective.name/domain; Sysmon's
// winlog.channel, process.entity_id and process.parent.entity_id.
type processTracker struct {
	b            ruleBase // the tracker; alerts count under the two below
	endMissing   ruleBase
	startMiss    ruleBase
	maxLifetime  time.Duration
	open         *lru.Map[proc]
	shutdown     map[string]int64 // host -> event time of its last clean shutdown
	fields       event.FieldSlab  // for the lifetime events
	buf          []byte           // scratch for texts of a lifetime event
	starts, ends event.TimeCache  // the texts of lifetimes' times
	idKey        []byte           // scratch for the group key of its id
	keys         []int            // procKeyNames' keys (useKeys)

	// audited: hosts (lower case) that sent a process start of the
	// Security log, at most max_open, none evicted: a set of keys alone
	// (~13 bytes a host: its bytes and its place in the index; ~25 in an
	// lru.Map, whose node and order no one read, ~55 in a
	// map[string]bool with each host a string of its own)
	audited *keyset.Set
}

// Names of the tracker's alerts (rule.name, nomen_findings_total{rule});
// user rules may not use them.
const (
	ruleProcess      = "windows-process"
	ruleEndMissing   = "process-end-missing"
	ruleStartMissing = "process-start-missing"
)

// proc is one open process.
type proc struct {
	Host     string   `json:"host"`
	PID      int64    `json:"pid"`
	GUID     string   `json:"guid,omitempty"`  // Sysmon's ProcessGuid
	PGUID    string   `json:"pguid,omitempty"` // Sysmon's ParentProcessGuid: the lifetime joins its parent's without a pid
	Sec      bool     `json:"sec,omitempty"`   // a Security start opened or joined it: its Security end ends it
	Start    int64    `json:"start"`           // event time
	Recv     int64    `json:"recv"`            // receive time (max_lifetime)
	Exe      string   `json:"exe,omitempty"`
	Cmd      string   `json:"cmd,omitempty"`
	PPID     int64    `json:"ppid,omitempty"`
	PExe     string   `json:"pexe,omitempty"`
	User     string   `json:"user,omitempty"`
	Domain   string   `json:"domain,omitempty"`
	LogonID  string   `json:"logon_id,omitempty"`
	Tokens   []string `json:"tokens,omitempty"`
	Evidence evidence `json:"ev"`
}

const maxTokens = 16

// sameProcessWindow is how far apart a Sysmon create and a 4688 of one
// pid on one host may be to be one process: both are written as the
// process starts, milliseconds apart; a pid is not reused that fast.
const sameProcessWindow = 2 * time.Second

// sameStart reports whether a start at t (UnixNano) is p's own.
func (p *proc) sameStart(t int64) bool {
	d := t - p.Start
	return -int64(sameProcessWindow) <= d && d <= int64(sameProcessWindow)
}

// processHash keys the tracker's state in snapshots: its definition is
// built in, so its state survives any change of its tuning.
const processHash = "process"

var categoryProcess = event.Strings("process")

type procAction uint8

const (
	pNone procAction = iota
	pStart
	pToken
	pEnd
	pBoot
	pShutdown
)

func procActionOf(code string) procAction {
	switch code {
	case "4688", "592":
		return pStart
	case "4696", "600":
		return pToken
	case "4689", "593":
		return pEnd
	case "4608", "512", "6005":
		return pBoot
	case "4609", "513", "1100", "6006":
		return pShutdown
	}
	return pNone
}

// channelSysmon is the channel of Sysmon's events, whose ids 1 and 5 are
// a process's start and end.
const channelSysmon = "Microsoft-Windows-Sysmon/Operational"

func sysmonActionOf(code string) procAction {
	switch code {
	case "1":
		return pStart
	case "5":
		return pEnd
	}
	return pNone
}

func newProcessTracker(hash string, maxLifetime time.Duration, maxOpen int, m *metrics) *processTracker {
	mk := func(name, id, desc string) ruleBase {
		return ruleBase{kind: "process", name: name, id: id, description: desc, category: []string{"process"},
			maxKeys: maxOpen, hash: hash, findings: m.findings.WithLabelValues(name), evicted: m.evicted.WithLabelValues(ruleProcess)}
	}
	return &processTracker{
		b: mk(ruleProcess, "nomen.process", "Windows process tracking: start, token changes and end joined per host and process id."),
		endMissing: mk(ruleEndMissing, "nomen.process.end-missing",
			"A process whose end was never recorded: audit events may have been suppressed."),
		startMiss: mk(ruleStartMissing, "nomen.process.start-missing",
			"A process ended whose start was never recorded: audit events may have been suppressed."),
		maxLifetime: maxLifetime,
		open:        lru.New[proc](maxOpen),
		shutdown:    map[string]int64{},
		audited:     keyset.New(),
	}
}

func (r *processTracker) base() *ruleBase { return &r.b }
func (r *processTracker) size() int       { return r.open.Len() }

func (r *processTracker) selectors() []selector {
	return []selector{{where: map[string]any{"event.code": []any{"4688", "592", "4696", "600", "4689", "593",
		"4608", "512", "6005", "4609", "513", "1100", "6006"}}},
		{where: map[string]any{"event.code": []any{"1", "5"}, "winlog.channel": channelSysmon}}}
}

// procFields are the fields the tracker reads.
type procFields struct {
	windows                                 bool
	code, host, exe, cmd, pexe              string
	channel, guid, pguid                    string
	user, domain, logon, effUser, effDomain string
	pid, ppid, exit                         int64
	hasPID, hasExit                         bool
}

// The keys procFields are read from, by their index in procKeys.ids.
const (
	pkEventID = iota
	pkChannel
	pkGUID
	pkPGUID
	pkCode
	pkHost
	pkPID
	pkExe
	pkCmd
	pkPPID
	pkPExe
	pkUser
	pkDomain
	pkLogon
	pkEffUser
	pkEffDomain
	pkExit
	numProcKeys
)

var procKeyNames = [numProcKeys]string{
	pkEventID: "winlog.event_id", pkChannel: "winlog.channel", pkGUID: "process.entity_id", pkPGUID: "process.parent.entity_id", pkCode: "event.code",
	pkHost: "host.name", pkPID: "process.pid", pkExe: "process.executable", pkCmd: "process.command_line",
	pkPPID: "process.parent.pid", pkPExe: "process.parent.executable", pkUser: "user.name", pkDomain: "user.domain",
	pkLogon: "winlog.logon.id", pkEffUser: "user.effective.name", pkEffDomain: "user.effective.domain",
	pkExit: "process.exit_code",
}

func (r *processTracker) useKeys(t *condTable) { r.keys = t.keyIDs(procKeyNames[:]...) }

// readProcFields gathers the fields of the memo's event (never derived
// values: the tracker reads what the Windows decoder set). It fills its
// result, on the stack, rather than a procFields behind a pointer, whose
// string writes would each call a write barrier while the garbage
// collector marks.
func readProcFields(m *memo, keys []int) (f procFields) {
	str := func(k int) string {
		if v := m.field(keys[k]); v != nil {
			return v.Str
		}
		return ""
	}
	f.windows = m.field(keys[pkEventID]) != nil
	if v := m.field(keys[pkChannel]); v != nil {
		f.windows, f.channel = true, v.Str
	}
	f.guid, f.pguid = str(pkGUID), str(pkPGUID)
	if v := m.field(keys[pkCode]); v != nil {
		f.code = v.String()
	}
	f.host = str(pkHost)
	if v := m.field(keys[pkPID]); v != nil {
		f.pid, f.hasPID = v.Num, v.Type == event.TypeInt
	}
	f.exe, f.cmd = str(pkExe), str(pkCmd)
	if v := m.field(keys[pkPPID]); v != nil && v.Type == event.TypeInt {
		f.ppid = v.Num
	}
	f.pexe, f.user, f.domain, f.logon = str(pkPExe), str(pkUser), str(pkDomain), str(pkLogon)
	f.effUser, f.effDomain = str(pkEffUser), str(pkEffDomain)
	if v := m.field(keys[pkExit]); v != nil && v.Type == event.TypeInt {
		f.exit, f.hasExit = v.Num, true
	}
	if f.host == "" {
		f.host = m.e.Hostname
	}
	return f
}

func (r *processTracker) apply(en *Engine, e *event.Event, id uint64, _ int) {
	f := readProcFields(en.memo, r.keys)
	if !f.windows || f.host == "" {
		return // the same numbers from something that is not Windows
	}
	if !en.ownsHost(r.b.name, f.host) {
		return // another instance tracks this host
	}
	act := procActionOf(f.code)
	sysmon := strings.EqualFold(f.channel, channelSysmon)
	if sysmon {
		act = sysmonActionOf(f.code)
	}
	switch act {
	case pBoot:
		r.boot(en, f.host, e)
		return
	case pShutdown:
		if len(r.shutdown) < r.open.Max() {
			r.shutdown[strings.ToLower(f.host)] = e.Time.UnixNano()
		}
		return
	}
	if !f.hasPID || sysmon && f.guid == "" {
		return
	}
	key := procKey(en.key[:0], f.host, f.pid)
	en.key = key
	switch {
	case act == pStart && sysmon:
		r.sysmonStart(en, e, id, &f, key)
	case act == pStart:
		r.securityStart(en, e, id, &f, key)
	case act == pToken:
		p, ok := r.open.PeekBytes(key)
		if !ok {
			return
		}
		if len(p.Tokens) < maxTokens {
			r.buf = appendAccount(r.buf[:0], f.effDomain, f.effUser)
			p.Tokens = append(p.Tokens, en.strs.getBytes(r.buf))
		}
		p.Evidence.add(en.memo, e, id)
	case act == pEnd:
		r.end(en, e, id, &f, key, sysmon)
	}
}

// end closes the record under key with e, a process end of either log; a
// Sysmon terminate only adds to a record Security started or joined.
func (r *processTracker) end(en *Engine, e *event.Event, id uint64, f *procFields, key []byte, sysmon bool) {
	p, ok := r.open.PeekBytes(key)
	if ok && sysmon && p.Sec {
		p.Evidence.add(en.memo, e, id) // its Security end ends it
		return
	}
	if ok && (f.exe != "" && p.Exe != "" && !strings.EqualFold(f.exe, p.Exe) ||
		sysmon && p.GUID != "" && !strings.EqualFold(f.guid, p.GUID)) {
		// Another process under the same pid: the first one's end and this
		// one's start were both missed.
		r.endNotSeen(en, p, "pid-reused", e.Time, e.Received)
		r.open.DeleteValue(p)
		ok = false
	}
	if !ok {
		if !sysmon || !r.isAudited(key) {
			r.startNotSeen(en, e, id)
		}
		return
	}
	// The record is made now (lifetime changes no state); the state goes.
	p.Evidence.add(en.memo, e, id)
	r.lifetime(en, p, f, "end", e.Time, e.Received)
	r.open.DeleteValue(p)
}

// isAudited reports whether the host of key sent a process start of the
// Security log.
func (r *processTracker) isAudited(key []byte) bool {
	return r.audited.Has(keyHost(key))
}

// securityStart opens a record for a 4688 / 592, or joins the record a
// Sysmon create of the same process opened.
func (r *processTracker) securityStart(en *Engine, e *event.Event, id uint64, f *procFields, key []byte) {
	if r.audited.Len() < r.open.Max() {
		r.audited.Add(keyHost(key))
	}
	// One search of the index: a start's pid is mostly new.
	old, ok := r.open.PeekOrPutBytes(key, r.onEvict(en))
	if ok && !old.Sec && old.GUID != "" && old.sameStart(e.Time.UnixNano()) {
		old.Sec = true
		old.join(en, e, id, f)
		return
	}
	if ok {
		r.endNotSeen(en, old, "pid-reused", e.Time, e.Received)
		r.open.MarkUsed(old)
	}
	*old = r.newProc(en, e, id, f, true)
}

// sysmonStart opens a record for a Sysmon create, or joins the record a
// 4688 of the same process opened.
func (r *processTracker) sysmonStart(en *Engine, e *event.Event, id uint64, f *procFields, key []byte) {
	old, ok := r.open.PeekBytes(key)
	if ok && old.Sec && old.GUID == "" && old.sameStart(e.Time.UnixNano()) {
		old.GUID, old.PGUID = strings.Clone(f.guid), strings.Clone(f.pguid)
		old.join(en, e, id, f)
		return
	}
	if r.isAudited(key) {
		return // Security records this host's processes
	}
	if ok {
		r.endNotSeen(en, old, "pid-reused", e.Time, e.Received)
	}
	r.open.PutBytes(key, r.newProc(en, e, id, f, false), r.onEvict(en))
}

// newProc is the state of a process that starts with e.
func (r *processTracker) newProc(en *Engine, e *event.Event, id uint64, f *procFields, sec bool) proc {
	// Copies: state must not pin the event's raw message. Hosts, images,
	// users and logon sessions repeat; command lines mostly do not.
	in := en.strs
	p := proc{
		Host: in.get(f.host), PID: f.pid, GUID: strings.Clone(f.guid), PGUID: strings.Clone(f.pguid), Sec: sec, Start: e.Time.UnixNano(), Recv: e.Received.UnixNano(),
		Exe: in.get(f.exe), Cmd: strings.Clone(f.cmd), PPID: f.ppid, PExe: in.get(f.pexe),
		User: in.get(f.user), Domain: in.get(f.domain), LogonID: in.get(f.logon),
	}
	p.Evidence.add(en.memo, e, id)
	return p
}

// join adds the other log's start event of p's process to p: its
// evidence, and what p lacks of its fields.
func (p *proc) join(en *Engine, e *event.Event, id uint64, f *procFields) {
	in := en.strs
	fill := func(dst *string, v string) {
		if *dst == "" && v != "" {
			*dst = in.get(v)
		}
	}
	fill(&p.Exe, f.exe)
	fill(&p.PExe, f.pexe)
	fill(&p.User, f.user)
	fill(&p.Domain, f.domain)
	fill(&p.LogonID, f.logon)
	if p.Cmd == "" {
		p.Cmd = strings.Clone(f.cmd)
	}
	if p.PPID == 0 {
		p.PPID = f.ppid
	}
	p.Evidence.add(en.memo, e, id)
}

func (r *processTracker) onEvict(en *Engine) func(string, *proc) {
	return func(string, *proc) { en.evicted(&r.b) }
}

// boot closes every process of host: they ended with the shutdown if one
// was recorded since they started, else their end was never seen.
func (r *processTracker) boot(en *Engine, host string, e *event.Event) {
	lh := strings.ToLower(host)
	down, clean := r.shutdown[lh]
	delete(r.shutdown, lh)
	var keys []string
	r.open.All(func(k string, p *proc) bool {
		if strings.EqualFold(p.Host, host) {
			keys = append(keys, k)
		}
		return true
	})
	// Oldest first, so the records come out in start order.
	for i := len(keys) - 1; i >= 0; i-- {
		p, _ := r.open.Peek(keys[i])
		if clean && down >= p.Start {
			r.lifetime(en, p, nil, "shutdown", time.Unix(0, down).UTC(), e.Received)
		} else {
			r.endNotSeen(en, p, "boot", e.Time, e.Received)
		}
		r.open.Delete(keys[i])
	}
}

func procKey(dst []byte, host string, pid int64) []byte {
	for i := 0; i < len(host); i++ {
		c := host[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		dst = append(dst, c)
	}
	dst = append(dst, '/')
	return strconv.AppendInt(dst, pid, 10)
}

// keyHost is the host of a procKey, in lower case.
func keyHost(key []byte) []byte {
	return key[:bytes.LastIndexByte(key, '/')]
}

// tick reports processes older than max_lifetime (by receive time).
func (r *processTracker) tick(en *Engine, now time.Time) {
	limit := now.Add(-r.maxLifetime).UnixNano()
	for {
		k, p, ok := r.open.Oldest()
		if !ok || p.Recv > limit {
			return
		}
		if en.ownsHost(r.b.name, p.Host) {
			r.endNotSeen(en, p, "max_lifetime", now, now)
		}
		r.open.Delete(k)
	}
}

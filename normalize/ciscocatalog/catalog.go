// Package ciscocatalog is the message knowledge of Cisco's security
// devices as data: for every security-relevant ASA/FTD message id and
// IOS/IOS-XE/NX-OS mnemonic, the documented body format (a template),
// the ECS classification (event.category, event.type, event.action,
// event.outcome) and which template placeholder goes to which field.
//
// The package reads message bodies only: the envelope ("%ASA-6-302013:",
// "%SEC-6-IPACCESSLOGP:", a relay's syslog header) is the decoder's job,
// as are typed conversions (a Port value "https" is port 443, a Duration
// "0:02:31" is 151 s): every value handed out is a substring of the body,
// and its Kind says how the decoder sets it.
//
//	m, ok := ciscocatalog.ASA("106023")
//	if !ok { /* unknown id: the decoder decides what is safe */ }
//	class, ok := m.Match(body, func(key, value string, kind ciscocatalog.Kind) { ... })
//	if !ok { /* the body does not have the documented shape: no field */ }
//
// Templates are literal text with placeholders (see template.go for the
// syntax); they are compiled once, on the first lookup, and matched
// without regular expressions or allocations.
package ciscocatalog

import (
	"sync"

	"github.com/nomenhq/nomen/normalize/vendor"
)

// Class is the ECS classification of a message (normalize/vendor's, shared
// by every vendor package).
type Class = vendor.Class

// Case is the classification a message gets when its By placeholder has
// Value (compared without regard to case).
type Case struct {
	Value string
	Class Class
}

// Msg is one catalogued message: an ASA id or an IOS facility+mnemonic.
type Msg struct {
	// ID is the ASA message id ("106023") or "FACILITY-MNEMONIC" for IOS.
	ID string
	// Formats are the documented body shapes, tried in order.
	Formats []string
	// Class is the classification when the body matches (and no Case
	// applies). A Msg with Cases and an empty Class matches only bodies
	// whose By value is one of the Cases.
	Class Class
	// Rule names the catalogue entry for nomen.rule ("cisco_asa.deny_acl").
	Rule string
	// By names the placeholder whose value selects a Case.
	By    string
	Cases []Case
	// Map overrides where placeholders go, for this message only
	// (placeholder name -> field key).
	Map map[string]string
	// Swap: when the body's Direction value is "outbound", the ASA printed
	// the responder first, so source and destination (and ingress and
	// egress interface) trade places.
	Swap bool
	// Guess: the message says no direction (a teardown), so the sides
	// trade places only when the first printed is plainly the responder:
	// a port below 1024 facing one above, or a multicast address (which
	// sends nothing). Otherwise they stay as printed.
	Guess bool
	// Open: the id carries the text of any program (NX-OS's SYSTEM_MSG
	// is a Linux program's message); Formats are the few catalogued. A
	// body in none of them is another program's message, not one out of
	// shape.
	Open bool
	// LastSplit: a value a client chose (a typed user name) comes before
	// the message's fixed text and may hold its words; each value's ends
	// are tried longest first, so the fixed text is matched from the
	// right (its last copy) and the value keeps what the client typed.
	LastSplit bool

	// prefix is the field prefix of its templates (asaPrefix, iosPrefix);
	// tmpls are the Formats compiled, on the message's first match.
	prefix   string
	compiled sync.Once
	tmpls    []*template
}

// Rule names of catalogue entries are "<vendor>.<group>".
const (
	asaPrefix = "cisco.asa."
	iosPrefix = "cisco.ios."
)

// The tables each file's init adds (asa_*.go, ios.go), compiled into the
// lookup maps by catalogIndex on the first lookup.
var asaTables, iosTables [][]Msg

// index is the compiled catalogue: every template compiled, keyed by id.
type index struct {
	asa map[string]*Msg
	ios map[iosKey]*Msg
}

type iosKey struct{ facility, mnemonic string }

// catalogIndex indexes the tables on the first Cisco message, and a
// message's templates are compiled on its first match (templates), not
// at start: most relays never see a Cisco device, and all the templates
// compiled are ~2 MB of heap for the life of the process (~4 MB
// allocated), which a relay's resident memory carried whether or not one
// logs to it. A device sends a few dozen of the ids, so only those are
// compiled, each in microseconds: compiling them all on the first
// message would hold that listener's reader for 5-30 ms. The tests
// compile every template, so a bad one fails there.
var catalogIndex = sync.OnceValue(func() *index {
	x := &index{asa: map[string]*Msg{}, ios: map[iosKey]*Msg{}}
	for _, table := range asaTables {
		x.addASA(table)
	}
	for _, table := range iosTables {
		x.addIOS(table)
	}
	return x
})

// ASA returns the catalogued ASA/PIX/FTD message id ("302013").
func ASA(id string) (*Msg, bool) {
	m, ok := catalogIndex().asa[id]
	return m, ok
}

// IOS returns the catalogued IOS/IOS-XE/NX-OS message by facility
// ("SEC", "IPV6_ACL", "SEC_LOGIN") and mnemonic ("IPACCESSLOGP"); the
// severity is not part of the key (devices differ in it).
func IOS(facility, mnemonic string) (*Msg, bool) {
	m, ok := catalogIndex().ios[iosKey{facility, mnemonic}]
	return m, ok
}

// IDClass returns the classification the message id gives by itself: the
// Class of a message every documented body of which is classed the same
// (no Case picks another by a value of the body), nil otherwise. A
// decoder may set it on a body that is not in a documented shape, which
// gives no value.
func (m *Msg) IDClass() *Class {
	if m.By != "" || m.Class.Action == "" && len(m.Class.Category) == 0 {
		return nil
	}
	return &m.Class
}

// ASAIDs returns every catalogued ASA id (unsorted).
func ASAIDs() []string {
	asa := catalogIndex().asa
	ids := make([]string, 0, len(asa))
	for id := range asa {
		ids = append(ids, id)
	}
	return ids
}

// IOSIDs returns every catalogued IOS "FACILITY-MNEMONIC" (unsorted).
func IOSIDs() []string {
	ios := catalogIndex().ios
	ids := make([]string, 0, len(ios))
	for _, m := range ios {
		ids = append(ids, m.ID)
	}
	return ids
}

// registerASA and registerIOS add a table to the catalogue (each file's
// init); catalogIndex compiles it.
func registerASA(table []Msg) { asaTables = append(asaTables, table) }
func registerIOS(table []Msg) { iosTables = append(iosTables, table) }

// addASA adds the messages of one table to the lookup map; a duplicate id
// is a programming error.
func (x *index) addASA(table []Msg) {
	for i := range table {
		m := &table[i]
		m.prefix = asaPrefix
		if _, dup := x.asa[m.ID]; dup {
			panic("ciscocatalog: duplicate ASA id " + m.ID)
		}
		x.asa[m.ID] = m
	}
}

func (x *index) addIOS(table []Msg) {
	for i := range table {
		m := &table[i]
		m.prefix = iosPrefix
		fac, mn, ok := cutLastDash(m.ID)
		if !ok {
			panic("ciscocatalog: IOS id without FACILITY-MNEMONIC: " + m.ID)
		}
		k := iosKey{fac, mn}
		if _, dup := x.ios[k]; dup {
			panic("ciscocatalog: duplicate IOS id " + m.ID)
		}
		x.ios[k] = m
	}
}

// cutLastDash splits "IPV6_ACL-ACCESSLOGP" at its last '-': mnemonics
// never carry one, IOS-XR facilities do ("ACL-IPV4_ACL-IPACCESSLOGP").
func cutLastDash(s string) (string, string, bool) {
	for i := len(s) - 1; i >= 0; i-- {
		if s[i] == '-' {
			return s[:i], s[i+1:], i > 0 && i < len(s)-1
		}
	}
	return "", "", false
}

// templates returns the message's Formats compiled, compiling them on
// the first call; a bad template is a programming error.
func (m *Msg) templates() []*template {
	m.compiled.Do(m.compile)
	return m.tmpls
}

func (m *Msg) compile() {
	if len(m.Formats) == 0 {
		panic("ciscocatalog: " + m.ID + " has no format")
	}
	for _, f := range m.Formats {
		t, err := compileTemplate(f, m.prefix, m.Map)
		if err != nil {
			panic("ciscocatalog: " + m.ID + ": " + err.Error())
		}
		m.tmpls = append(m.tmpls, t)
	}
	if m.By != "" {
		found := false
		for _, t := range m.tmpls {
			found = found || t.slotOf(m.By) >= 0
		}
		if !found {
			panic("ciscocatalog: " + m.ID + ": By names no placeholder: " + m.By)
		}
	}
}

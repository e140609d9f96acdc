// Package gateway decodes what third-party firewalls and security gateways
// send over syslog, and the generic envelopes such products use: Fortinet
// FortiGate, Palo Alto Networks PAN-OS, Juniper Junos and ScreenOS, SonicWall
// SonicOS, Sophos Firewall, Check Point Log Exporter, ArcSight CEF and QRadar LEEF from any
// producer, Suricata's EVE JSON (suricata.go), and a JSON object carried in
// a syslog message (json.go).
//
// The vendor formats are read by the leaf packages (normalize/fortinet,
// paloalto, junos, screenos, sonicwall, sophos, checkpoint, cef), which hand out values with a Kind;
// this package dispatches to them, sets each value with ecs.SetKind (Extra
// keys under the vendor's namespace: fortinet.fortigate.*, paloalto.panos.*,
// juniper.junos.*, screenos.*, sonicwall.*, sophos.*, checkpoint.*,
// cef.extensions.*, leef.*; Suricata's under suricata.eve.*), the class
// (event.category/type/action/outcome), nomen.rule and event.provider.
//
// observer.* is nomen's own identity (the relay that observed the event:
// observer.hostname, type "relay", product "nomen" — a contract of the
// JSON output), so a device's identity the vendor formats give as
// observer.name, serial_number, ip, version, vendor or product goes under
// the vendor's namespace as device.* (fortinet.fortigate.device.name, ...);
// the device's interfaces stay observer.ingress/egress.interface.name, as
// the Cisco decoders set them, and its name is host.name where the format
// says so.
//
// A message that is recognisably a vendor's but broken (a truncated CEF
// header, a PAN-OS line with too few columns, an unterminated quote) is
// counted under that decoder and gets nomen.parse_error and no other
// field: its columns cannot be told apart, so none is guessed.
//
// Dispatch (cheap first, see normalize.go): FortiGate by the literal start
// of its key=value logs; ScreenOS by its "NetScreen device_id=" start;
// SonicOS by its "id=" start (or a relay's address word before it);
// Sophos Firewall by its device=" or device_name=" start; Junos by program (RT_FLOW, RT_IDP, RT_SCREEN, mgd,
// sshd) or by the tag of an event-mode line; Check Point by program or a
// "[key:"" body; CEF and LEEF by program, by their "CEF:"/"LEEF:" start, or
// after a relay's words; PAN-OS, whose lines carry no tag, by its first
// columns. Each sniffer looks at a bounded head of the message, so a line
// no decoder knows costs a few comparisons.
package gateway

import (
	"strings"

	"github.com/nomenhq/nomen/normalize/cef"
	"github.com/nomenhq/nomen/normalize/checkpoint"
	"github.com/nomenhq/nomen/normalize/ecs"
	"github.com/nomenhq/nomen/normalize/fortinet"
	"github.com/nomenhq/nomen/normalize/junos"
	"github.com/nomenhq/nomen/normalize/paloalto"
	"github.com/nomenhq/nomen/normalize/screenos"
	"github.com/nomenhq/nomen/normalize/sonicwall"
	"github.com/nomenhq/nomen/normalize/sophos"
	"github.com/nomenhq/nomen/normalize/vendor"
	"github.com/nomenhq/nomen/parse"
	"github.com/nomenhq/nomen/relay/event"
)

// Decoders returns the gateway decoders in dispatch order. The JSON
// decoder is last: a vendor's JSON (Windows records, Suricata's EVE) is
// its decoder's.
func Decoders() []*ecs.Decoder {
	return []*ecs.Decoder{
		{Name: "fortinet", Prefixes: []string{"date=", "logver=", "eventtime=", "time="}, Decode: fortigate.decode},
		{Name: "paloalto", Sniff: sniffPANOS, Gate: gatePANOS, Decode: panos.decode},
		{Name: "screenos", Prefixes: []string{"NetScreen device_id="}, Decode: decodeScreenOS},
		{Name: "sophos", Prefixes: []string{`device="`, `device_name="`}, Decode: sophosSource.decode},
		{Name: "sonicwall", Prefixes: []string{"id="}, Sniff: sniffSonicWall, Gate: gateSonicWall, Decode: sonicWallSource.decode},
		{Name: "junos", Programs: []string{"rt_flow", "rt_idp", "rt_ids", "rt_screen", "rt_utm", "mgd", "sshd"},
			Sniff: sniffJunos, Gate: gateJunos, Decode: decodeJunos},
		{Name: "checkpoint", Programs: []string{"checkpoint"}, Prefixes: []string{"time=", "|"}, Sniff: sniffCheckPoint, Gate: gateCheckPoint, Decode: decodeCheckPoint},
		{Name: "cef", Programs: []string{"cef"}, Prefixes: []string{"CEF:"}, Sniff: sniffCEF, Gate: gatePipe, Decode: cefSource.decode},
		{Name: "leef", Programs: []string{"leef"}, Prefixes: []string{"LEEF:"}, Sniff: sniffLEEF, Gate: gatePipe, Decode: leefSource.decode},
		{Name: "suricata", Programs: []string{"suricata"}, Prefixes: []string{`{"timestamp":`}, Decode: decodeSuricata,
			Unclassified: "suricata_unclassified"},
		{Name: "json", Prefixes: []string{"{", "@cee:"}, Decode: decodeJSON},
	}
}

// source describes one vendor format: how to decode it and what to set
// around its fields.
type source struct {
	decoder   func(program, msg string, emit vendor.Emit) (vendor.Class, vendor.Status)
	namespace *ecs.StringCache // the full names of its Extra keys (newKeyCache)
	provider  string           // event.provider
	vendor    string           // <namespace>device.vendor, when the format is one vendor's
	product   string           // <namespace>device.product, likewise
	malformed string           // nomen.parse_error of a broken message
	rule      string           // nomen.rule, unless rules names one by a column
	// ruleKey is the emitted key (Extra) whose value names the rule through
	// rules ("type" of FortiGate and PAN-OS); a value not in rules gets rule.
	ruleKey string
	rules   map[string]string
	// tag is the program name a relay makes of the format's marker
	// ("CEF" of "CEF:0|..."): see unsplitTag.
	tag string
}

var (
	fortigate = &source{decoder: fortinet.Decode, namespace: newKeyCache(fortinet.Namespace), provider: "fortigate",
		vendor: "Fortinet", product: "FortiGate", malformed: "fortinet: malformed FortiGate log",
		rule: "fortinet.log", ruleKey: "type", rules: map[string]string{
			"traffic": "fortinet.traffic", "utm": "fortinet.utm", "event": "fortinet.event"}}
	panos = &source{decoder: paloalto.Decode, namespace: newKeyCache(paloalto.Namespace), provider: "pan-os",
		vendor: "Palo Alto Networks", product: "PAN-OS", malformed: "paloalto: malformed PAN-OS log",
		rule: "paloalto.log", ruleKey: "type", rules: map[string]string{
			"TRAFFIC": "paloalto.traffic", "THREAT": "paloalto.threat", "SYSTEM": "paloalto.system",
			"CONFIG": "paloalto.config", "GLOBALPROTECT": "paloalto.globalprotect", "USERID": "paloalto.userid",
			"AUTHENTICATION": "paloalto.authentication", "AUTH": "paloalto.authentication",
			"HIPMATCH": "paloalto.hipmatch", "DECRYPTION": "paloalto.decryption"}}
	cpSource = &source{decoder: checkpoint.Decode, namespace: newKeyCache(checkpoint.Namespace), provider: "checkpoint",
		vendor: "Check Point", malformed: "checkpoint: malformed Log Exporter message", rule: "checkpoint.log"}
	screenOSSource = &source{decoder: screenos.Decode, namespace: newKeyCache(screenos.Namespace), provider: "screenos",
		vendor: "Juniper", product: "ScreenOS", malformed: "screenos: malformed NetScreen message", rule: "screenos.log",
		ruleKey: "type", rules: map[string]string{"traffic": "screenos.traffic"}}
	sonicWallSource = &source{decoder: sonicwall.Decode, namespace: newKeyCache(sonicwall.Namespace), provider: "sonicwall",
		vendor: "SonicWall", product: "SonicOS", malformed: "sonicwall: malformed SonicOS log", rule: "sonicwall.log"}
	sophosSource = &source{decoder: sophos.Decode, namespace: newKeyCache(sophos.Namespace), provider: "sophos",
		vendor: "Sophos", product: "Sophos Firewall", malformed: "sophos: malformed Sophos Firewall log", rule: "sophos.log"}
	cefSource = &source{decoder: cef.Decode, namespace: newKeyCache(cef.Namespace), provider: "cef", tag: "CEF",
		malformed: "cef: malformed CEF header", rule: "cef"}
	leefSource = &source{decoder: cef.DecodeLEEF, namespace: newKeyCache(cef.LEEFNamespace), provider: "leef", tag: "LEEF",
		malformed: "leef: malformed LEEF header", rule: "leef"}
)

func (s *source) decode(e *event.Event) bool {
	if s.tag != "" {
		unsplitTag(e, s.tag)
	}
	st := s.run(e, func(emit vendor.Emit) (vendor.Class, vendor.Status) {
		return s.decoder(e.AppName, e.Message, emit)
	})
	return st != vendor.NotMine
}

// run calls decode with an emit that sets fields on e, then sets what
// surrounds them (class, rule, provider, observer; or the parse error of
// a Malformed message) and returns the status.
func (s *source) run(e *event.Event, decode func(vendor.Emit) (vendor.Class, vendor.Status)) vendor.Status {
	em := emitter{s: s, e: e, rule: s.rule}
	emit := em.emit // one allocation: a closure over locals took three
	class, st := decode(emit)
	switch st {
	case vendor.NotMine:
		return st
	case vendor.Malformed:
		malformed(e, s.malformed)
		return st
	}
	ecs.SetVendorClass(e, class)
	ecs.SetNetworkTotals(e)
	ecs.SetRule(e, em.rule)
	ecs.SetProvider(e, s.provider)
	if s.vendor != "" {
		e.SetStr(s.namespace.Get("device.vendor"), s.vendor)
		e.SetStr(s.namespace.Get("device.product"), s.product)
	}
	return st
}

// emitter sets a source's values on e (run's emit).
type emitter struct {
	s        *source
	e        *event.Event
	rule     string // nomen.rule: s.rule, or the one a ruleKey value names
	reserved bool
}

func (em *emitter) emit(key, value string, kind vendor.Kind) {
	s, e := em.s, em.e
	if !em.reserved { // not before: a message that is not ours is left as it was
		ecs.Reserve(e, 32)
		em.reserved = true
	}
	if kind == vendor.Extra {
		if key == s.ruleKey {
			if r, ok := s.rules[value]; ok {
				em.rule = r
			}
		}
		key = s.namespace.Get(key)
	} else if dev, ok := deviceKey(key); ok {
		key = s.namespace.Get(dev)
	}
	ecs.SetKind(e, key, value, kind)
}

// deviceKey maps an observer.* key that names the device (not its
// interfaces) to device.* under the vendor namespace: observer is the relay.
func deviceKey(key string) (string, bool) {
	rest, ok := strings.CutPrefix(key, "observer.")
	if !ok || strings.HasPrefix(rest, "ingress.") || strings.HasPrefix(rest, "egress.") {
		return "", false
	}
	return deviceKeys.Get(rest), true
}

// deviceKeys: "device." + the rest of an observer key, built once.
var deviceKeys = ecs.NewStringCache(func(rest string) string { return "device." + rest })

// malformed marks a message its decoder recognised but could not read. A
// parse error the parser found first stays.
func malformed(e *event.Event, reason string) {
	if !e.Has(parse.FieldParseError) {
		e.SetStr(parse.FieldParseError, reason)
	}
}

// gatePANOS: the CSV's first column ends within a few bytes (paloalto.Sniff).
var gatePANOS = ecs.SniffGate{Marker: ',', Window: paloalto.FirstColMax}

// decodeScreenOS: ScreenOS writes its host name where syslog has the tag
// ("ns-edge1: NetScreen device_id=..."): it is the host (screenos.Decode
// sets host.name), not a program: no process.name, malformed or not.
func decodeScreenOS(e *event.Event) bool {
	if !screenOSSource.decode(e) {
		return false
	}
	e.Flags |= event.TagNotProcess
	return true
}

// sniffPANOS: PAN-OS lines have no tag; the message starts with the CSV.
func sniffPANOS(e *event.Event) bool { return paloalto.Sniff(e.AppName, e.Message) }

// gateJunos: the tag is upper-case, at the start or as the MSGID, or
// follows an inner RFC 5424 header (a year: 1 or 2) or the name of the
// FPC that sent it ("(FPC Slot 1, PIC Slot 0) ", "node0.fpc1 ").
var gateJunos = ecs.SniffGate{First: "ABCDEFGHIJKLMNOPQRSTUVWXYZ12(nf", Also: func(e *event.Event) bool { return e.MsgID != "" }}

// sniffJunos: an event-mode Junos line, whose program is the daemon's name
// ("flowd_octeon_hm"), still starts with its upper-case tag, or carries
// it as the RFC 5424 MSGID, or in an RFC 5424 header a relay left in the
// message (junos.skipInnerHeader), or behind an FPC's name (junos.skipFPC).
func sniffJunos(e *event.Event) bool {
	m := e.Message
	if e.MsgID == "" && (m == "" || (m[0] < 'A' || m[0] > 'Z') && m[0] != '1' && m[0] != '2' && m[0] != '(' && m[0] != 'n' && m[0] != 'f') {
		return false
	}
	return junos.Sniff(e.AppName, e.MsgID, m)
}

// junosRules: nomen.rule of each Junos message (the tags junos decodes).
var junosRules = func() map[string]string {
	m := map[string]string{}
	for _, t := range junos.Tags() {
		m[t] = "junos." + ecs.Lower(t)
	}
	return m
}()

var junosSource = &source{namespace: newKeyCache(junos.Namespace), provider: "junos", vendor: "Juniper", product: "Junos OS",
	malformed: "junos: malformed Junos message", rule: "junos.log"}

// decodeJunos passes the RFC 5424 MSGID and structured data: Junos's
// structured-data form carries the tag as MSGID and the values as
// SD-PARAMs of a junos@2636 element, which the parser has already read.
func decodeJunos(e *event.Event) bool {
	tag := ""
	st := junosSource.run(e, func(emit vendor.Emit) (vendor.Class, vendor.Status) {
		return junos.Decode(e.AppName, e.MsgID, e.Message, e.SD, func(key, value string, kind vendor.Kind) {
			if key == "event.code" {
				tag = value
			}
			emit(key, value, kind)
		})
	})
	if st == vendor.Decoded {
		if r, ok := junosRules[tag]; ok {
			ecs.SetRule(e, r)
		}
	}
	return st != vendor.NotMine
}

// sniffCheckPoint: a Log Exporter body starts with '[' (after the "- " of
// an empty MSGID that the parser left in the message), or the parser read
// it as its element of RFC 5424 STRUCTURED-DATA (checkpoint.HasSD).
var gateCheckPoint = ecs.SniffGate{First: "[-", Also: func(e *event.Event) bool { return checkpoint.HasSD(e.SD) }}

func sniffCheckPoint(e *event.Event) bool {
	m := e.Message
	return len(m) > 3 && (m[0] == '[' || m[0] == '-' && m[2] == '[') && checkpoint.Sniff(e.AppName, m) ||
		checkpoint.HasSD(e.SD)
}

// decodeCheckPoint: the Log Exporter writes its body where RFC 5424 has
// STRUCTURED-DATA, in a form that is not SD ("[action:"Drop"; ...]"), so
// the parser reports invalid STRUCTURED-DATA and leaves the body as the
// message. Once the body is read as what it is, that report is withdrawn
// (a broken body gets the Check Point reason instead).
func decodeCheckPoint(e *event.Event) bool {
	st := cpSource.run(e, func(emit vendor.Emit) (vendor.Class, vendor.Status) {
		if c, st := checkpoint.Decode(e.AppName, e.Message, emit); st != vendor.NotMine {
			return c, st
		}
		return checkpoint.DecodeSD(e.SD, emit)
	})
	if st == vendor.Decoded {
		setCheckPointDirection(e)
	}
	if st != vendor.NotMine && e.Str(parse.FieldParseError) == "rfc5424: invalid STRUCTURED-DATA" {
		e.Delete(parse.FieldParseError)
		if st == vendor.Malformed {
			e.SetStr(parse.FieldParseError, cpSource.malformed)
		}
	}
	return st != vendor.NotMine
}

// setCheckPointDirection sets network.direction in ECS's words: from
// conn_direction (Incoming, Outgoing, Internal, External: the connection
// across the perimeter, ECS's inbound/outbound/internal/external), else
// from ifdir, the packet's direction on the logging interface (ECS's
// host view, ingress/egress; "inbound" there is said of a LAN host's
// outgoing connection too, so it is not the perimeter's inbound).
func setCheckPointDirection(e *event.Event) {
	var dir string
	switch e.Str(checkpoint.Namespace + "conn_direction") {
	case "Incoming":
		dir = "inbound"
	case "Outgoing":
		dir = "outbound"
	case "Internal":
		dir = "internal"
	case "External":
		dir = "external"
	default:
		switch e.Str(checkpoint.Namespace + "ifdir") {
		case "inbound":
			dir = "ingress"
		case "outbound":
			dir = "egress"
		}
	}
	if dir != "" {
		e.SetStr("network.direction", dir)
	}
}

// unsplitTag undoes a relay's split of "CEF:0|..." into the tag "CEF" and
// the message "0|...": rsyslog and syslog-ng take "CEF:" for a program's
// tag, nomen does not (it is the start of the message), so the direct road
// and every relay give the same event (message, no program).
func unsplitTag(e *event.Event, tag string) {
	if e.AppName == tag && e.ProcID == "" && !strings.HasPrefix(e.Message, tag+":") {
		e.Message = tag + ":" + e.Message
		e.AppName = ""
	}
}

// sniffCEF and sniffLEEF find the header after a relay's words (the
// leaf packages look at most 256 bytes in). A header has a '|' within
// that head: most lines have none, and their gate (gatePipe) says so
// with one search for both.
func sniffCEF(e *event.Event) bool  { return hasPipe(e.Message) && cef.Sniff(e.AppName, e.Message) }
func sniffLEEF(e *event.Event) bool { return hasPipe(e.Message) && cef.SniffLEEF(e.AppName, e.Message) }

// pipeWindow is the head in which CEF and LEEF headers have their '|'.
const pipeWindow = 272

var gatePipe = ecs.SniffGate{Marker: '|', Window: pipeWindow}

func hasPipe(m string) bool { return strings.IndexByte(m[:min(len(m), pipeWindow)], '|') >= 0 }

// sniffSonicWall finds a SonicOS log after the sender's address, which a
// relay without a syslog header leaves in front ("192.0.2.1 id=firewall
// sn=..."); the "id=" start itself is a prefix. The gate: an address
// starts with a digit.
func sniffSonicWall(e *event.Event) bool {
	m := e.Message
	return m != "" && '0' <= m[0] && m[0] <= '9' && sonicwall.Sniff(m)
}

var gateSonicWall = ecs.SniffGate{First: "0123456789"}

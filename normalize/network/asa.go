package network

import (
	"strings"

	"github.com/nomenhq/nomen/normalize/ecs"
	"github.com/nomenhq/nomen/relay/event"
)

// Cisco ASA (and its predecessor PIX, FWSM and Firepower Threat Defense,
// which share the message catalogue). Every message carries an envelope
//
//	%ASA-SEVERITY-MESSAGEID: text
//
// which reaches us as the syslog tag (APP-NAME "%ASA-6-302013") or at the
// start of the message (behind a relay's "host prog[pid]:" header, or
// without the "%"), and in the ASDM/buffer export form
// "SEVERITY|date|MESSAGEID: text". The envelope alone gives event.code,
// event.severity, log.level and cisco.asa.message_id for every id; the ids
// below also get ECS fields (texts from Cisco's "ASA Series Syslog
// Messages" guide):
//
//	106001  Inbound TCP connection denied from IP/port to IP/port flags F on interface IF
//	106006  Deny inbound UDP from IP/port to IP/port on interface IF
//	106014  Deny inbound icmp src IF:IP dst IF:IP (type N, code N)
//	106015  Deny TCP (no connection) from IP/port to IP/port flags F on interface IF
//	106023  Deny PROTO src IF:IP/port dst IF:IP/port [(type N, code N)] by access-group "ACL" [...]
//	106100  access-list ACL permitted|denied|est-allowed PROTO IF/IP(port) -> IF/IP(port) hit-cnt N ...
//	302013/302015  Built inbound|outbound TCP|UDP connection ID for IF:IP/port (IP/port) to IF:IP/port (IP/port)
//	302014/302016  Teardown TCP|UDP connection ID for IF:IP/port to IF:IP/port duration H:MM:SS bytes N [reason]
//	302020/302021  Built|Teardown inbound|outbound ICMP connection for faddr IP/id gaddr IP/0 laddr IP/0
//	113004/113012  AAA user authentication Successful : server = IP : user = U
//	113005/113015  AAA user authentication Rejected : reason = R : server = IP : user = U : user IP = IP
//	113006  User U locked out on exceeding N successive failed authentication attempts
//	400000-400050  IPS:SIG NAME from IP to IP on interface IF
//	605004/605005  Login denied|permitted from IP/port to IF:IP/service for user "U"
//	611101/611102  User authentication succeeded|failed: ... Uname: U
//	611103  User logged out: Uname: U
//	710002/710003  TCP|UDP access permitted|denied by ACL from IP/port to IF:IP/service
//	733100  [THREAT] drop rate-N exceeded. ...

// sniffASABare recognises the bare "302020: Built ..." form some exports
// use (six-digit id, no family, no severity): only ids decoded below.
func sniffASABare(e *event.Event) bool {
	m := e.Message
	return len(m) > 8 && m[6] == ':' && m[7] == ' ' && ecs.IsDigits(m[:6]) && asaKnownID(m[:6])
}

// asaHeader is a parsed ASA envelope.
type asaHeader struct {
	family string // "ASA", "PIX", "FTD", "FWSM"; "" in the bare form
	sev    int    // -1 when absent
	id     string // six digits
	text   string // the message after "ID: "
}

// parseASATag parses "%ASA-6-302013" (the tag, without ':'), with or without "%".
func parseASATag(tag string) (family string, sev int, id string, ok bool) {
	tag = strings.TrimPrefix(tag, "%")
	fam, rest, found := ecs.CutByte(tag, '-')
	if !found {
		return "", 0, "", false
	}
	switch fam {
	case "ASA", "PIX", "FTD", "FWSM":
	default:
		return "", 0, "", false
	}
	if len(rest) < 3 || rest[0] < '0' || rest[0] > '7' || rest[1] != '-' {
		return "", 0, "", false
	}
	id = rest[2:]
	if len(id) != 6 || !ecs.IsDigits(id) {
		return "", 0, "", false
	}
	return fam, int(rest[0] - '0'), id, true
}

func (h *asaHeader) parse(e *event.Event) bool {
	h.sev = -1
	if len(e.AppName) > 4 && e.AppName[0] == '%' {
		if fam, sev, id, ok := parseASATag(e.AppName); ok {
			h.family, h.sev, h.id, h.text = fam, sev, id, e.Message
			return true
		}
	}
	m := e.Message
	if len(m) > 2 && m[1] == '|' && m[0] >= '0' && m[0] <= '7' {
		// "6|Nov 28 2014 12:59:03|302021: text"
		sev := int(m[0] - '0')
		_, rest, ok := ecs.CutByte(m[2:], '|')
		if !ok || len(rest) < 8 || rest[6] != ':' || !ecs.IsDigits(rest[:6]) {
			return false
		}
		h.sev, h.id, h.text = sev, rest[:6], strings.TrimLeft(rest[7:], " ")
		return true
	}
	if len(m) > 8 && m[6] == ':' && ecs.IsDigits(m[:6]) {
		h.id, h.text = m[:6], strings.TrimLeft(m[7:], " ")
		return true
	}
	// Bodies without the envelope (exports that strip it): only the two
	// whose text names the message unambiguously.
	if strings.HasPrefix(m, "access-list ") && strings.Contains(m, " hit-cnt ") {
		h.id, h.text = "106100", m
		return true
	}
	if strings.HasPrefix(m, "Deny ") && strings.Contains(m, " by access-group ") {
		h.id, h.text = "106023", m
		return true
	}
	tag, rest, ok := ecs.CutByte(m, ':')
	if !ok || strings.IndexByte(tag, ' ') >= 0 {
		return false
	}
	fam, sev, id, ok := parseASATag(tag)
	if !ok {
		return false
	}
	h.family, h.sev, h.id, h.text = fam, sev, id, strings.TrimLeft(rest, " ")
	return true
}

func (h *asaHeader) provider() string {
	switch h.family {
	case "PIX":
		return "cisco-pix"
	case "FTD":
		return "cisco-ftd"
	case "FWSM":
		return "cisco-fwsm"
	}
	return "cisco-asa"
}

func decodeASA(e *event.Event) bool {
	var h asaHeader
	if !h.parse(e) {
		return false
	}
	netBegin(e, h.provider(), "cisco_asa")
	e.SetStr("event.code", h.id)
	e.SetStr("cisco.asa.message_id", h.id)
	setSeverity(e, h.sev)
	if e.Hostname == "" && e.ProcID == "" && e.AppName != "" && e.AppName[0] != '%' && h.text != e.Message {
		// "<190>Aug  1 14:01:20 fw1: %ASA-6-...": the firewall's name
		// stands where syslog expects a tag.
		e.SetStr("host.name", e.AppName)
	}
	e.Message = h.text
	if rule := asaDecodeID(e, h.id, h.text); rule != "" {
		ecs.SetRule(e, rule)
	}
	return true
}

// asaMessage is what the decoder knows of one message id: the nomen.rule
// it records and the function that reads the message text.
type asaMessage struct {
	rule   string
	decode func(e *event.Event, id, t string) bool
}

// textOnly adapts a reader that needs only the text.
func textOnly(read func(e *event.Event, t string) bool) func(e *event.Event, id, t string) bool {
	return func(e *event.Event, _, t string) bool { return read(e, t) }
}

// asaMessages are the message ids this decoder reads (the 4000xx IPS ids
// are matched by prefix in asaDecodeID). Add an id here to decode it.
var asaMessages = func() map[string]asaMessage {
	m := map[string]asaMessage{}
	add := func(rule string, decode func(e *event.Event, id, t string) bool, ids ...string) {
		for _, id := range ids {
			m[id] = asaMessage{rule, decode}
		}
	}
	add("cisco_asa.deny", textOnly(asaFromTo), "106001", "106006", "106015")
	add("cisco_asa.deny_acl", textOnly(asaDenySrcDst), "106014", "106023")
	add("cisco_asa.acl", textOnly(asaACLLog), "106100")
	add("cisco_asa.connection_built", textOnly(asaBuilt), "302013", "302015")
	add("cisco_asa.connection_teardown", textOnly(asaTeardown), "302014", "302016")
	add("cisco_asa.icmp_connection", func(e *event.Event, id, t string) bool { return asaICMPConn(e, id == "302020", t) },
		"302020", "302021")
	add("cisco_asa.aaa", textOnly(asaAAA), "113004", "113005", "113012", "113015")
	add("cisco_asa.locked_out", textOnly(asaLockedOut), "113006")
	add("cisco_asa.login", func(e *event.Event, id, t string) bool { return asaLogin(e, id == "605005", t) },
		"605004", "605005")
	add("cisco_asa.user", asaUserAuth, "611101", "611102", "611103")
	add("cisco_asa.to_the_box", func(e *event.Event, id, t string) bool { return asaToTheBox(e, id == "710002", t) },
		"710002", "710003")
	add("cisco_asa.threat_detection", textOnly(asaThreat), "733100")
	return m
}()

// asaKnownID reports whether asaDecodeID has a decoder for id.
func asaKnownID(id string) bool {
	if _, ok := asaMessages[id]; ok {
		return true
	}
	return len(id) == 6 && strings.HasPrefix(id, "4000")
}

// asaDecodeID sets the ECS fields of the ids this decoder knows and
// returns the nomen.rule to record ("" when the text did not match).
func asaDecodeID(e *event.Event, id, t string) string {
	if m, ok := asaMessages[id]; ok {
		if m.decode(e, id, t) {
			return m.rule
		}
		return ""
	}
	if strings.HasPrefix(id, "4000") && asaIPS(e, t) {
		return "cisco_asa.ips"
	}
	return ""
}

// asaThreat reads a threat-detection rate message: "[name] ...".
func asaThreat(e *event.Event, t string) bool {
	if r, ok := strings.CutPrefix(t, "["); ok {
		if name, _, ok := ecs.CutByte(r, ']'); ok && name != "" {
			netClassIDS.Set(e, "threat-detected", "")
			e.SetStr("rule.name", strings.TrimSpace(name))
			return true
		}
	}
	return false
}

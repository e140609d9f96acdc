package apps

import (
	"strings"

	"github.com/nomenhq/nomen/normalize/ecs"
	"github.com/nomenhq/nomen/relay/event"
)

// OpenVPN's line head and what its sentences leave to code.

// cutOpenVPN cuts the peer OpenVPN puts first on a client's lines:
// "[AF_INET]ADDR:PORT " or "USER/ADDR:PORT " (the common name once known).
// OpenVPN 2.5 and later keep spaces in a common name, so a name starting
// "ADDR:PORT " would make a head of its own before the real one
// ("6.6.6.6:1 x/198.51.100.7:51001 ..."): a line whose head is followed
// by another head is refused, its peer not sure.
func cutOpenVPN(m string) (string, head, bool) {
	var h head
	word, rest := ecs.CutWord(m)
	user, addr, port, hasUser, ok := openVPNPeer(word)
	if !ok || rest == "" {
		return m, h, true // a line about no client
	}
	for r := rest; ; {
		i := strings.IndexByte(r, '/')
		if i < 0 {
			break
		}
		w, next := ecs.CutWord(r[strings.LastIndexByte(r[:i], ' ')+1:])
		if _, _, _, _, ok := openVPNPeer(w); ok && next != "" {
			return "", h, false
		}
		r = next
	}
	if hasUser && user != "UNDEF" {
		h.user = user
	}
	h.addr, h.port = addr, port
	return rest, h, true
}

// openVPNPeer reads a head's word: "[AF_INET]ADDR:PORT", "ADDR:PORT" or
// "NAME/ADDR:PORT" (the name may hold '/', the address does not).
func openVPNPeer(word string) (user, addr, port string, hasUser, ok bool) {
	peer := word
	if i := strings.LastIndexByte(peer, '/'); i >= 0 {
		user, peer, hasUser = peer[:i], peer[i+1:], true
	}
	peer = strings.TrimPrefix(strings.TrimPrefix(peer, "[AF_INET]"), "[AF_INET6]")
	i := strings.LastIndexByte(peer, ':')
	if i <= 0 || !ecs.IsDigits(peer[i+1:]) || !ecs.IsIP(peer[:i]) {
		return "", "", "", false, false
	}
	return user, peer[:i], peer[i+1:], hasUser, true
}

// postOpenVPN finishes an OpenVPN sentence. A common name (from the
// sentence or the head) is the client's user on a server's line about a
// client, one with a head; on a client's own line ("[server] Inactivity
// timeout") it names the server, and UNDEF is OpenVPN's "none". On such a
// line a certificate is the client's: the subject at depth 0 its own, at
// depth 1 its issuer's; elsewhere (a client verifying its server, a CRL
// line without a depth) it stays openvpn.subject. The control channel's
// "TLSv1.3" becomes ECS's tls.version_protocol and tls.version.
func postOpenVPN(e *event.Event) {
	body, h, _ := cutOpenVPN(e.Message)
	client := h.addr != ""
	openVPNUnsureNames(e, body, h.user)
	cn := e.Str("openvpn.common_name")
	if cn == "UNDEF" {
		e.Delete("openvpn.common_name")
		cn = ""
	}
	if cn == "" && h.user != "" {
		cn = h.user
		e.SetStr("openvpn.common_name", cn)
	}
	if client && cn != "" && !e.Has("user.name") {
		ecs.SetUser(e, "user.name", cn)
	}
	if subject := e.Str("openvpn.subject"); client && subject != "" {
		depth, _ := e.Field("openvpn.depth")
		if key := openVPNSubjectKeys[depth.Num]; depth.Type == event.TypeInt && key != "" {
			e.Delete("openvpn.subject")
			e.SetStr(key, subject)
		}
	}
	if v := e.Str("openvpn.tls_version"); v != "" {
		e.Delete("openvpn.tls_version")
		ecs.SetTLSVersion(e, v)
	}
}

// openVPNNameEnds are the sentences in which a name the client chose (a
// username; with --username-as-common-name, a common name) is followed by
// words that OpenVPN 2.5 and later let the name hold: the catalog's
// shortest match would end the name at the name's own copy of them and
// move the rest into the next field ("user 'admin' failed to
// authenticate: x' failed to authenticate: Authentication failure" is
// user x's failure, not admin's). A body holding the words twice is not
// sure: the fields taken from it are dropped.
var openVPNNameEnds = [...]struct {
	start, end string
	keys       []string // the fields read from the names and what follows them
}{
	{"AUTH-PAM: BACKGROUND: user '", "' failed to authenticate: ", []string{"user.name", "event.reason"}},
	{"TLS Auth Error: username attempted to change from '", "' to '", []string{"user.name"}},
	{"TLS Auth Error: TLS object CN attempted to change from '", "' to '", []string{"user.name"}},
	{"TLS Auth Error: --client-config-dir authentication failed for common name '", "' file='", []string{"openvpn.common_name"}},
	{"MULTI: new connection by client '", "' will cause previous active sessions", []string{"openvpn.common_name"}},
}

// openVPNUnsureNames drops the fields of an openVPNNameEnds sentence that
// holds its words twice; related.user then keeps only the head's name.
func openVPNUnsureNames(e *event.Event, body, headUser string) {
	body = strings.TrimPrefix(body, "PLUGIN ")
	for _, s := range openVPNNameEnds {
		if !strings.HasPrefix(body, s.start) || strings.Count(body[len(s.start):], s.end) < 2 {
			continue
		}
		for _, k := range s.keys {
			e.Delete(k)
		}
		e.Delete("related.user")
		if headUser != "" {
			ecs.SetUser(e, "user.name", headUser)
		}
		return
	}
}

// openVPNSubjectKeys: where the subject of the client's certificate at a
// depth goes (the certificate at depth 1 signed the one at depth 0).
var openVPNSubjectKeys = map[int64]string{0: "tls.client.subject", 1: "tls.client.issuer"}

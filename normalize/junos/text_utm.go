package junos

import (
	"strings"

	"github.com/nomenhq/nomen/normalize/vendor"
)

// webfilter reads the text form of the UTM web filter's verdicts
// (WEBFILTER_URL_BLOCKED, WEBFILTER_URL_PERMITTED; program RT_UTM):
//
//	WebFilter: ACTION="URL Blocked" A(P)->B(Q) CATEGORY="C" REASON="R" PROFILE="P" URL=HOST OBJ=PATH USERNAME=U ROLES=R
//
// Older releases end in "username U roles R". The values go under the
// structured-data form's parameter names (category, reason, profile, url,
// obj, username, roles).
func (p *parsed) webfilter(text string) bool {
	r, ok := strings.CutPrefix(text, `WebFilter: ACTION="`)
	if !ok {
		return false
	}
	action, r, ok := strings.Cut(r, `" `)
	if !ok {
		return false
	}
	tuple, r := cutWord(r)
	src, dst, ok := strings.Cut(tuple, "->")
	if !ok || !p.parenEndpoint(src, "source-address", "source-port") || !p.parenEndpoint(dst, "destination-address", "destination-port") {
		return false
	}
	p.action = action
	for r != "" {
		var name, v string
		if u, ok := strings.CutPrefix(r, "username "); ok { // older releases
			v, r = cutWord(u)
			p.add("username", v)
			continue
		}
		if u, ok := strings.CutPrefix(r, "roles "); ok {
			v, r = cutWord(u)
			p.add("roles", v)
			continue
		}
		name, r, ok = strings.Cut(r, "=")
		if !ok || name == "" || strings.IndexByte(name, ' ') >= 0 {
			return false
		}
		if q, ok := strings.CutPrefix(r, `"`); ok {
			v, r, ok = strings.Cut(q, `"`)
			if !ok {
				return false
			}
			r = strings.TrimLeft(r, " ")
		} else {
			v, r = cutWord(r)
		}
		p.add(strings.ToLower(name), v)
	}
	return true
}

// parenEndpoint reads "ADDR(PORT)".
func (p *parsed) parenEndpoint(s, addr, port string) bool {
	a, rest, ok := strings.Cut(s, "(")
	pt, ok2 := strings.CutSuffix(rest, ")")
	if !ok || !ok2 || !vendor.IsIP(a) || !vendor.IsPort(pt) {
		return false
	}
	p.add(addr, a)
	p.add(port, pt)
	return true
}

// cutWord splits s at its first space.
func cutWord(s string) (word, rest string) {
	word, rest, _ = strings.Cut(s, " ")
	return word, strings.TrimLeft(rest, " ")
}

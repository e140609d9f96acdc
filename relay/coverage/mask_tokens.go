package coverage

// The token recognisers Masker.match tries at each position of a message
// (quoted strings, paths, hex, UUIDs, MAC and IP addresses, ids, e-mail
// addresses, user names).

// wordEnd is the end of the word at msg[i]: letters, digits and '_', and
// '.' or '-' between letters ("keyboard-interactive", "example.com"); a
// '.' or '-' before a digit ends it, so "v1.2" keeps "v1" and masks "2".
func wordEnd(msg string, i int) int {
	for i < len(msg) {
		c := msg[i]
		switch {
		case isWordByte(c):
			i++
		case (c == '.' || c == '-') && i+1 < len(msg) && isLetter(msg[i+1]):
			i++
		default:
			return i
		}
	}
	return i
}

// numericToken masks a token that starts with a digit: each run of digits
// (with its decimals, or dotted like a version or an OID) becomes <num>,
// letters between stay ("0.2s" is "<num>s", "01T10" is "<num>T<num>").
func numericToken(dst []byte, msg string, i int) ([]byte, int) {
	for i < len(msg) && isWordByte(msg[i]) {
		if !isDigit(msg[i]) {
			dst = append(dst, msg[i])
			i++
			continue
		}
		for i < len(msg) && isDigit(msg[i]) {
			i++
		}
		for i+1 < len(msg) && msg[i] == '.' && isDigit(msg[i+1]) { // decimals, versions, OIDs
			for i++; i < len(msg) && isDigit(msg[i]); i++ {
			}
		}
		dst = append(dst, PhNum...)
	}
	return dst, i
}

// quotedDouble is the length of the "..." at msg[i] (backslash escapes
// inside), 0 when it is not closed.
func quotedDouble(msg string, i int) int {
	for j := i + 1; j < len(msg); j++ {
		switch msg[j] {
		case '\\':
			j++
		case '"':
			return j + 1 - i
		}
	}
	return 0
}

// quotedSingle is the length of the '...' at msg[i]: closed by a quote
// that ends a word ("'it's here'" is one string), 0 when there is none.
func quotedSingle(msg string, i int) int {
	for j := i + 1; j < len(msg); j++ {
		if msg[j] == '\'' && boundaryAt(msg, j+1) {
			return j + 1 - i
		}
	}
	return 0
}

// isPathByte: a byte a path without spaces may hold.
func isPathByte(c byte) bool {
	switch c {
	case '"', '\'', '<', '>', '(', ')', '[', ']', '{', '}', ',', ';', '|', '`':
		return false
	}
	return c > ' ' && c != 0x7f
}

// pathLen is the length of a path at msg[i]: "/x...", "./x", "../x",
// "~/x" or "~user/x"; a trailing '.', ':' or ',' is punctuation.
func pathLen(msg string, i int) int {
	j := i
	switch msg[i] {
	case '.':
		j++
		if j < len(msg) && msg[j] == '.' {
			j++
		}
		if j >= len(msg) || msg[j] != '/' {
			return 0
		}
	case '~':
		for j++; j < len(msg) && isWordByte(msg[j]); j++ {
		}
		if j >= len(msg) || msg[j] != '/' {
			return 0
		}
	}
	// msg[j] is the first '/': a path has something after it.
	if j+1 >= len(msg) || !isPathByte(msg[j+1]) {
		return 0
	}
	for j++; j < len(msg) && isPathByte(msg[j]); j++ {
	}
	for j > i+1 && (msg[j-1] == '.' || msg[j-1] == ':' || msg[j-1] == ',') {
		j--
	}
	return j - i
}

// winPathLen is the length of a Windows path "C:\..." at msg[i].
func winPathLen(msg string, i int) int {
	if i+3 >= len(msg) || !isLetter(msg[i]) || msg[i+1] != ':' || msg[i+2] != '\\' {
		return 0
	}
	j := i + 3
	for j < len(msg) && isPathByte(msg[j]) {
		j++
	}
	for j > i+3 && (msg[j-1] == '.' || msg[j-1] == ':' || msg[j-1] == ',') {
		j--
	}
	return j - i
}

// hexRun is the number of hex digits from msg[i].
func hexRun(msg string, i int) int {
	j := i
	for j < len(msg) && isHex(msg[j]) {
		j++
	}
	return j - i
}

// uuidLen: 8-4-4-4-12 hex digits, then a boundary.
func uuidLen(msg string, i int) int {
	j := i
	for k, n := range [5]int{8, 4, 4, 4, 12} {
		if k > 0 {
			if j >= len(msg) || msg[j] != '-' {
				return 0
			}
			j++
		}
		if hexRun(msg, j) != n {
			return 0
		}
		j += n
	}
	if !boundaryAt(msg, j) {
		return 0
	}
	return j - i
}

// macLen: six pairs of hex digits split by ':' or '-' (the same one), or
// Cisco's three quads split by '.', then a boundary.
func macLen(msg string, i int) int {
	if hexRun(msg, i) == 4 && i+14 <= len(msg) && msg[i+4] == '.' && msg[i+9] == '.' &&
		hexRun(msg, i+5) == 4 && hexRun(msg, i+10) == 4 && boundaryAt(msg, i+14) {
		return 14
	}
	if i+17 > len(msg) || hexRun(msg, i) != 2 {
		return 0
	}
	sep := msg[i+2]
	if sep != ':' && sep != '-' {
		return 0
	}
	for k := 1; k < 6; k++ {
		p := i + 3*k
		if msg[p-1] != sep || hexRun(msg, p) != 2 {
			return 0
		}
	}
	if !boundaryAt(msg, i+17) || i+17 < len(msg) && msg[i+17] == sep {
		return 0
	}
	return 17
}

// ipv4Len: a dotted quad (octets up to 255), not followed by another
// ".digit" (an OID or a version) or a word byte.
func ipv4Len(msg string, i int) int {
	j := i
	for k := 0; k < 4; k++ {
		if k > 0 {
			if j >= len(msg) || msg[j] != '.' {
				return 0
			}
			j++
		}
		v, n := 0, 0
		for j < len(msg) && isDigit(msg[j]) && n < 4 {
			v = v*10 + int(msg[j]-'0')
			j++
			n++
		}
		if n == 0 || n > 3 || v > 255 {
			return 0
		}
	}
	if !boundaryAt(msg, j) || j+1 < len(msg) && msg[j] == '.' && isDigit(msg[j+1]) {
		return 0
	}
	return j - i
}

// ipv6Len: an IPv6 address at msg[i], with an optional "%zone". Times
// ("12:00:01") and MACs do not pass: without "::" an address has eight
// groups. A trailing ':' or '.' that is punctuation is left out.
func ipv6Len(msg string, i int) int {
	j := i
	colons := 0
	for j < len(msg) && (isHex(msg[j]) || msg[j] == ':' || msg[j] == '.') {
		if msg[j] == ':' {
			colons++
		}
		j++
	}
	if colons < 2 || j < len(msg) && isWordByte(msg[j]) {
		return 0
	}
	for end := j; end > i+1 && end >= j-1; end-- {
		if validIPv6(msg[i:end]) {
			if end < len(msg) && msg[end] == '%' {
				z := end + 1
				for z < len(msg) && isWordByte(msg[z]) {
					z++
				}
				if z > end+1 {
					end = z
				}
			}
			return end - i
		}
	}
	return 0
}

// validIPv6 reports whether s is an IPv6 address (RFC 4291 text form,
// an embedded IPv4 last) with at least one decimal digit ("A::B" in a
// C++ name is not an address), or "::". s holds only hex digits, ':' and '.'.
func validIPv6(s string) bool {
	groups, gap, digit := 0, false, false
	p := 0
	if len(s) >= 2 && s[:2] == "::" {
		gap, p = true, 2
	}
	for p < len(s) {
		n := hexRun(s, p)
		if p+n < len(s) && s[p+n] == '.' { // an embedded IPv4 is the last part
			if ipv4Len(s, p) != len(s)-p {
				return false
			}
			groups += 2
			digit = true
			break
		}
		if n == 0 || n > 4 {
			return false
		}
		digit = digit || hasDigit(s[p:p+n])
		groups++
		p += n
		if p == len(s) {
			break
		}
		if p+1 < len(s) && s[p+1] == ':' { // s[p] is ':'
			if gap {
				return false
			}
			gap = true
			p += 2
			continue
		}
		p++
		if p == len(s) {
			return false // a single trailing ':'
		}
	}
	switch {
	case s == "::": // the unspecified address, as "listening on ::"
		return true
	case !digit:
		return false
	case gap:
		return groups <= 7
	}
	return groups == 8
}

func isAllDigits(s string) bool {
	for k := 0; k < len(s); k++ {
		if !isDigit(s[k]) {
			return false
		}
	}
	return true
}

func hasDigit(s string) bool {
	for k := 0; k < len(s); k++ {
		if isDigit(s[k]) {
			return true
		}
	}
	return false
}

// hexLen: "0x" and hex digits, or a run of 8 or more hex digits holding
// both digits and letters, then a boundary.
func hexLen(msg string, i int) int {
	if msg[i] == '0' && i+2 < len(msg) && msg[i+1]|0x20 == 'x' {
		if n := hexRun(msg, i+2); n > 0 && boundaryAt(msg, i+2+n) {
			return n + 2
		}
		return 0
	}
	n := hexRun(msg, i)
	if n < 8 || !boundaryAt(msg, i+n) {
		return 0
	}
	if !hasDigit(msg[i:i+n]) || isAllDigits(msg[i:i+n]) {
		return 0
	}
	return n
}

// idLen: a random-looking token: 12 or more letters and digits (with
// base64's '+', '/' inside and '=' padding) that switch between letters
// and digits at least 4 times: a key fingerprint, a session, request or
// queue id. Identifiers ("sha256WithRSAEncryption", "Log4jConfig") switch
// fewer times and stay.
func idLen(msg string, i int) int {
	j, switches := i, 0
	wasDigit := isDigit(msg[i])
scan:
	for ; j < len(msg); j++ {
		c := msg[j]
		switch {
		case isAlnum(c):
			if isDigit(c) != wasDigit {
				switches++
				wasDigit = !wasDigit
			}
		case (c == '+' || c == '/') && j+1 < len(msg) && isAlnum(msg[j+1]):
		default:
			break scan
		}
	}
	for j < len(msg) && msg[j] == '=' {
		j++
	}
	if j-i < 12 || switches < 4 || !boundaryAt(msg, j) {
		return 0
	}
	return j - i
}

// isLocalByte: a byte of an e-mail address's local part.
func isLocalByte(c byte) bool {
	return isAlnum(c) || c == '.' || c == '_' || c == '%' || c == '+' || c == '-'
}

// emailLen: local@domain with a dotted domain whose last label is at
// least two letters.
func emailLen(msg string, i int) int {
	j := i
	for j < len(msg) && isLocalByte(msg[j]) {
		j++
	}
	if j == i || j >= len(msg) || msg[j] != '@' {
		return 0
	}
	j++
	labels, tld, end := 0, 0, 0
	for j < len(msg) {
		start := j
		letters := true
		for j < len(msg) && (isAlnum(msg[j]) || msg[j] == '-') {
			letters = letters && isLetter(msg[j])
			j++
		}
		if j == start {
			break
		}
		labels++
		end = j
		if letters {
			tld = j - start
		} else {
			tld = 0
		}
		if j+1 < len(msg) && msg[j] == '.' && isAlnum(msg[j+1]) {
			j++
			continue
		}
		break
	}
	if labels < 2 || tld < 2 || !boundaryAt(msg, end) {
		return 0
	}
	return end - i
}

// userKeys are the keys whose value is a user name: "user=alice".
var userKeys = []string{"user", "ruser", "suser", "duser", "username", "logname"}

func isUserKey(word string) bool {
	for _, k := range userKeys {
		if equalFold(word, k) {
			return true
		}
	}
	return false
}

// notNames are words that follow "user " without being a name ("user
// authentication failed", "user session opened").
var notNames = []string{"a", "an", "the", "is", "was", "has", "had", "not", "from", "for", "to", "by",
	"with", "in", "on", "of", "and", "or", "name", "names", "id", "account", "accounts", "session",
	"sessions", "authentication", "login", "logins", "logged", "request", "requests", "cannot", "can"}

// userAt: the word msg[i:end] introduces a user name, "user X", "for X
// from" or a user key "=X"; it returns the name's length (the name
// starts after the one separator byte at msg[end]), 0 for none.
func userAt(msg string, i, end int) int {
	if end >= len(msg) || end-i > len("username") {
		return 0
	}
	word, sep := msg[i:end], msg[end]
	if !(sep == '=' && isUserKey(word) || sep == ' ' && (equalFold(word, "user") || equalFold(word, "for"))) {
		return 0 // most words: no need to look at the next one
	}
	n := nameLen(msg, end+1)
	if n == 0 {
		return 0
	}
	name := msg[end+1 : end+1+n]
	switch {
	case sep == '=':
		return n
	case sep == ' ' && equalFold(word, "user"):
		for _, w := range notNames {
			if equalFold(name, w) {
				return 0
			}
		}
		return n
	case sep == ' ' && equalFold(word, "for"):
		rest := msg[end+1+n:]
		if len(rest) >= 6 && rest[:6] == " from " && !equalFold(name, "user") && !equalFold(name, "invalid") {
			return n
		}
	}
	return 0
}

// nameLen is the length of a user name at msg[i]: letters, digits and
// ._-$@\ (DOMAIN\user, user@REALM, machine$), ending at a boundary; a
// trailing '.' is punctuation.
func nameLen(msg string, i int) int {
	j := i
	for j < len(msg) {
		c := msg[j]
		if !isWordByte(c) && c != '.' && c != '-' && c != '$' && c != '@' && c != '\\' {
			break
		}
		j++
	}
	for j > i && msg[j-1] == '.' {
		j--
	}
	return j - i
}

// equalFold compares an ASCII word with a lower-case one.
func equalFold(s, lower string) bool {
	if len(s) != len(lower) {
		return false
	}
	for k := 0; k < len(s); k++ {
		c := s[k]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != lower[k] {
			return false
		}
	}
	return true
}

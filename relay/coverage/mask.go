package coverage

// The shape of a message: its text with the parts that vary from line to
// line (numbers, addresses, ids, quoted values, user names, paths) replaced
// by placeholders, so that lines a rule would match alike count together.
// The masker is a single left-to-right pass over the bytes with no regexp:
// at each token boundary it tries the matchers below (each looks ahead at
// most over one token and gives up at the first byte that does not fit),
// else copies a word as it is.

// Placeholders of a shape.
const (
	PhNum   = "<num>"   // a decimal number (digits, decimals)
	PhIP    = "<ip>"    // an IPv4 or IPv6 address
	PhMAC   = "<mac>"   // a MAC address (aa:bb:.., aa-bb-.., aabb.ccdd.eeff)
	PhHex   = "<hex>"   // 0x1f, or a run of 8+ hex digits with digits and letters
	PhUUID  = "<uuid>"  // 8-4-4-4-12 hex digits
	PhID    = "<id>"    // a long random-looking token (base64 key, session id)
	PhStr   = "<str>"   // a "double" or 'single' quoted string
	PhUser  = "<user>"  // the name in "user X", "for X from", "user=X"
	PhPath  = "<path>"  // /a/b, ./a, ~/a, C:\a
	PhEmail = "<email>" // local@domain.tld
)

// MaxShapeLen bounds a shape: the rest of a longer message is left out
// (lines whose first MaxShapeLen bytes of shape agree count together).
const MaxShapeLen = 512

// Masker computes shapes. It keeps a scratch buffer: one per goroutine.
type Masker struct {
	buf []byte
	// No closing quote of the kind is left after the current position:
	// later opening quotes need not look again (keeps the pass linear).
	noDouble, noSingle bool
}

// Mask returns the shape of msg, valid until the next call.
func (m *Masker) Mask(msg string) []byte {
	if m.buf == nil {
		m.buf = make([]byte, 0, MaxShapeLen+64)
	}
	dst := m.buf[:0]
	m.noDouble, m.noSingle = false, false
	inWord := false // the previous byte (or placeholder) continues a word
	for i := 0; i < len(msg) && len(dst) < MaxShapeLen; {
		c := msg[i]
		if !inWord {
			if n, ph := m.match(msg, i); n > 0 {
				dst = append(dst, ph...)
				i += n
				inWord = true
				continue
			}
			if isDigit(c) {
				dst, i = numericToken(dst, msg, i)
				inWord = true
				continue
			}
			if isLetter(c) || c == '_' {
				end := wordEnd(msg, i)
				if k := userAt(msg, i, end); k > 0 {
					dst = append(dst, msg[i:end]...)
					dst = append(dst, msg[end])
					dst = append(dst, PhUser...)
					i = end + 1 + k
				} else {
					dst = append(dst, msg[i:end]...)
					i = end
				}
				inWord = true
				continue
			}
		}
		dst = append(dst, c)
		i++
		inWord = isWordByte(c)
	}
	if len(dst) > MaxShapeLen {
		dst = dst[:MaxShapeLen]
	}
	m.buf = dst
	return dst
}

// match tries the placeholders that can start at msg[i], a token boundary,
// and returns the length matched and the placeholder (0 for none).
func (m *Masker) match(msg string, i int) (int, string) {
	c := msg[i]
	switch {
	case c == '"':
		if !m.noDouble {
			if n := quotedDouble(msg, i); n > 0 {
				return n, PhStr
			}
			m.noDouble = true
		}
		return 0, ""
	case c == '\'':
		if !m.noSingle {
			if n := quotedSingle(msg, i); n > 0 {
				return n, PhStr
			}
			m.noSingle = true
		}
		return 0, ""
	case c == '/' || c == '~' || c == '.':
		return pathLen(msg, i), PhPath
	case c == ':':
		return ipv6Len(msg, i), PhIP
	}
	if !isAlnum(c) {
		return 0, ""
	}
	// Most tokens are words ("finished", "port"): what each matcher needs
	// at the start of its token, read off the runs of hex digits and of
	// letters and digits at i and the bytes that end them, spares most
	// words all of them (the matchers still decide).
	h := hexRun(msg, i)
	afterHex := byteAt(msg, i+h)
	a := h + alnumRun(msg, i+h)
	afterAlnum := byteAt(msg, i+a)
	if h > 0 {
		if h == 8 && afterHex == '-' {
			if n := uuidLen(msg, i); n > 0 {
				return n, PhUUID
			}
		}
		if h == 2 && (afterHex == ':' || afterHex == '-') || h == 4 && afterHex == '.' {
			if n := macLen(msg, i); n > 0 {
				return n, PhMAC
			}
		}
		if isDigit(c) && afterHex == '.' { // digits, then '.': only hex letters could follow
			if n := ipv4Len(msg, i); n > 0 {
				return n, PhIP
			}
		}
		if afterHex == ':' || afterHex == '.' {
			if n := ipv6Len(msg, i); n > 0 {
				return n, PhIP
			}
		}
		if h >= 8 || c == '0' {
			if n := hexLen(msg, i); n > 0 {
				return n, PhHex
			}
		}
	}
	switch afterAlnum { // an e-mail's local part goes on to the '@'
	case '.', '_', '%', '+', '-', '@':
		if n := emailLen(msg, i); n > 0 {
			return n, PhEmail
		}
	}
	if a >= 12 || afterAlnum == '+' || afterAlnum == '/' || afterAlnum == '=' { // an id goes on to 12 bytes
		if n := idLen(msg, i); n > 0 {
			return n, PhID
		}
	}
	if afterAlnum == ':' {
		if n := winPathLen(msg, i); n > 0 {
			return n, PhPath
		}
	}
	return 0, ""
}

// byteAt is msg[i], 0 past its end.
func byteAt(msg string, i int) byte {
	if i < len(msg) {
		return msg[i]
	}
	return 0
}

// alnumRun is the number of letters and digits from msg[i].
func alnumRun(msg string, i int) int {
	j := i
	for j < len(msg) && isAlnum(msg[j]) {
		j++
	}
	return j - i
}

func isDigit(c byte) bool  { return '0' <= c && c <= '9' }
func isLetter(c byte) bool { return 'a' <= c|0x20 && c|0x20 <= 'z' }
func isAlnum(c byte) bool  { return isDigit(c) || isLetter(c) }
func isHex(c byte) bool    { return isDigit(c) || 'a' <= c|0x20 && c|0x20 <= 'f' }

// isWordByte: a byte that continues a word, so that what follows it is
// not at a token boundary ("eth0", "ssh2", "pam_unix" stay as they are).
func isWordByte(c byte) bool { return isAlnum(c) || c == '_' || c >= 0x80 }

// boundaryAt: msg[i] does not continue the token that ends before it.
func boundaryAt(msg string, i int) bool { return i >= len(msg) || !isWordByte(msg[i]) }

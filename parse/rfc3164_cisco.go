package parse

import "strings"

// The Cisco prefixes of an RFC 3164 header: a sequence number, a host
// before the timestamp, an uptime stamp (see parse3164).

// ciscoPrefix reads a Cisco header prefix at s[i:]: IOS "SEQ: [HOST: ]",
// NX-OS ": ", or, without a sequence number, "HOST: [*task: ]" (IOS-XE,
// WLC) before a timestamp that ends in ":" as Cisco's do. It only accepts
// a prefix that a Cisco header follows: a timestamp, or after a sequence
// number also an uptime stamp or a %FAC-SEV-MNEMONIC.
func (h *header) ciscoPrefix(s string, i int) (int, bool) {
	j := i
	for j < len(s) && isDigit(s[j]) {
		j++
	}
	seqEnd := j
	if seqEnd == i && j+1 < len(s) && s[j] == ':' && s[j+1] != ' ' && s[j+1] != ':' {
		// ":Feb 26 11:26:52 UTC: %FTD-6-...": an empty counter without
		// its space, as Firepower sends it; only a timestamp may follow.
		var probe header
		if _, ok := probe.stampAt(s, j+1); ok {
			h.cisco = true
			return j + 1, true
		}
		return i, false
	}
	if j-i > 18 || j >= len(s) || s[j] != ':' || (j+1 < len(s) && s[j+1] != ' ') {
		// An uptime alone before the %FAC-SEV-MNEMONIC ("00:00:46: %LINK-3-
		// UPDOWN: ...", "1w2d: %SYS-5-..."): IOS with "service timestamps
		// log uptime" and no sequence numbers. parse3164 reads the uptime.
		if end, ok := uptimeAt(s, i); ok {
			if mnemonicAt(s, skipSpaces(s, end)) {
				h.cisco = true
				return i, true
			}
		}
		// No counter (or a relay dropped it, as syslog-ng does): "HOST:
		// [*task: ][SEQ: ]STAMP:" or "HOST: SEQ: UPTIME:".
		if !hostColonAt(s, i) {
			return i, false // the usual line ("Jun 17 ...", "1,2024/...")
		}
		host, next, ok := hostBeforeSeqStamp(s, i)
		if !ok {
			host, next, ok = hostBeforeSeqUptime(s, i)
		}
		if !ok {
			host, next, ok = hostBeforeUptime(s, i)
		}
		if ok {
			h.cisco, h.host = true, host
			return next, true
		}
		return i, false
	}
	j = skipSpaces(s, j+1)
	if seqEnd > i {
		j = skipServiceSeq(s, j)
		if host, next, ok := hostBeforeStamp(s, j, false); ok {
			h.host, j = host, next
		} else if host, next, ok := hostBeforeSeqUptime(s, j); ok {
			h.host, j = host, next
		} else if host, next, ok := hostBeforeSeqStamp(s, j); ok {
			// "<174>1516: rtr-1: 2939: Jun 26 16:44:58.802 CEST: %...":
			// the syslog counter, the device, its service sequence number.
			h.host, j = host, next
		}
	} else if host, next, ok := hostBeforeSeqStamp(s, j); ok {
		// An empty counter (": HOST: [SEQ: ]STAMP: %..."), as IOS-XE and
		// NX-OS print when "logging origin-id hostname" is set.
		h.host, j = host, next
	}
	var probe header
	_, isStamp := probe.stampAt(s, j)
	switch {
	case isStamp:
	case seqEnd > i && mnemonicAt(s, j):
	case seqEnd > i && isUptime(s, j):
	default:
		h.host = ""
		return i, false
	}
	h.cisco = true
	if seqEnd > i {
		h.seq, h.hasSeq = atoi(s[i:seqEnd])
	}
	return j, true
}

// hostColonAt reports whether the token at s[i:] can be the "HOST:" that
// hostBeforeStamp, hostBeforeSeqStamp and hostBeforeSeqUptime all start
// with: at least two bytes ending in ':'. A host name has at most 255
// bytes (isHostname), so no more than 257 bytes are looked at: a false
// here is a false there, found without scanning a long first token
// three times.
func hostColonAt(s string, i int) bool {
	k := hostTokenEnd(s, i)
	return k-i >= 2 && s[k-1] == ':'
}

// hostBeforeSeqStamp reads "HOST: " then an optional "SEQ: " and a
// timestamp ending in ':' at s[i:]; it returns the host and the index of
// the timestamp.
func hostBeforeSeqStamp(s string, i int) (host string, next int, ok bool) {
	if host, next, ok := hostBeforeStamp(s, i, true); ok {
		return host, next, true
	}
	k := hostTokenEnd(s, i)
	if k-i < 2 || s[k-1] != ':' || !isHostname(s[i:k-1]) || isDigitsOnly(s[i:k-1]) {
		return "", i, false
	}
	j := skipSpaces(s, k)
	if n := skipServiceSeq(s, j); n > j {
		var probe header
		if end, ok := probe.stampAt(s, n); ok && s[end-1] == ':' {
			return s[i : k-1], n, true
		}
	}
	return "", i, false
}

// hostBeforeSeqUptime reads "HOST: SEQ: " before an uptime ("<165>7433:
// ASR920: 007439: 2y10w: %...", a device without a clock that numbers
// its messages twice) and returns the host and the index of the uptime.
func hostBeforeSeqUptime(s string, i int) (host string, next int, ok bool) {
	k := hostTokenEnd(s, i)
	if k-i < 2 || s[k-1] != ':' || !isHostname(s[i:k-1]) || isDigitsOnly(s[i:k-1]) {
		return "", i, false
	}
	j := skipSpaces(s, k)
	n := j
	for n < len(s) && isDigit(s[n]) {
		n++
	}
	if n == j || n+1 >= len(s) || s[n] != ':' || s[n+1] != ' ' {
		return "", i, false
	}
	if n = skipSpaces(s, n+1); !isUptime(s, n) {
		return "", i, false
	}
	return s[i : k-1], n, true
}

// hostBeforeUptime reads "HOST: " before an uptime that a
// %FAC-SEV-MNEMONIC follows ("<166>rtr-1: 00:01:01: %SYS-5-..."; "logging
// origin-id hostname", uptime stamps, no sequence numbers) and returns
// the host and the index of the uptime.
func hostBeforeUptime(s string, i int) (host string, next int, ok bool) {
	k := hostTokenEnd(s, i)
	if k-i < 2 || s[k-1] != ':' || !isHostname(s[i:k-1]) || isDigitsOnly(s[i:k-1]) {
		return "", i, false
	}
	n := skipSpaces(s, k)
	end, ok := uptimeAt(s, n)
	if !ok {
		return "", i, false
	}
	if !mnemonicAt(s, skipSpaces(s, end)) {
		return "", i, false
	}
	return s[i : k-1], n, true
}

// skipServiceSeq skips the "000051: " that IOS's "service
// sequence-numbers" writes after the syslog message counter ("<189>54:
// 000051: Jan  6 10:24:17: %..."), when a device name, a timestamp or a
// mnemonic follows; the counter stays the event's sequence number.
func skipServiceSeq(s string, j int) int {
	k := j
	for k < len(s) && isDigit(s[k]) {
		k++
	}
	if k == j || k+1 >= len(s) || s[k] != ':' || s[k+1] != ' ' {
		return j
	}
	next := skipSpaces(s, k+1)
	var probe header
	if _, ok := probe.stampAt(s, next); ok {
		return next
	}
	if mnemonicAt(s, next) {
		return next
	}
	if _, _, ok := hostBeforeStamp(s, next, false); ok {
		return next
	}
	return j
}

// hostBeforeStamp reads "HOST: " and an optional Cisco WLC task ("*spam
// ApTask4: ") followed by a timestamp at s[i:], and returns the host and
// the index of the timestamp. colonAfter requires the timestamp to end in
// ":" (so "<13>backup: Jun 30 ..." from a program stays a tag).
func hostBeforeStamp(s string, i int, colonAfter bool) (host string, next int, ok bool) {
	k := hostTokenEnd(s, i)
	if k-i < 2 || s[k-1] != ':' || !isHostname(s[i:k-1]) || isDigitsOnly(s[i:k-1]) {
		return "", i, false // digits only: a sequence number (skipServiceSeq), not a name
	}
	j := skipSpaces(s, k)
	var probe header
	end, ok := probe.stampAt(s, j)
	if !ok {
		j = skipWLCTask(s, j)
		end, ok = probe.stampAt(s, j)
	}
	if !ok || colonAfter && s[end-1] != ':' {
		return "", i, false
	}
	return s[i : k-1], j, true
}

// hostTokenEnd returns the end of the token at s[i:] that may be "HOST:".
// A host name has at most 255 bytes (isHostname): its end is not looked
// for further (a header-less JSON record is one long token, and the Cisco
// prefixes are tried at its start several times).
func hostTokenEnd(s string, i int) int {
	lim := min(len(s), i+257)
	if n := strings.IndexByte(s[i:lim], ' '); n >= 0 {
		return i + n
	}
	return lim
}

// skipWLCTask skips a Cisco WLC task ("*spamApTask4: ") at s[j:], if any.
func skipWLCTask(s string, j int) int {
	if j < len(s) && s[j] == '*' {
		if t := tokenEnd(s, j); t-j > 2 && s[t-1] == ':' && isTagName(s[j+1:t-1]) {
			return skipSpaces(s, t)
		}
	}
	return j
}

// isUptime reports whether s[i:] starts with a Cisco uptime stamp
// ("00:00:42:", "00:05:34.123:", "1w2d:", "3d04h:") followed by a space or
// the end.
func isUptime(s string, i int) bool {
	_, ok := uptimeAt(s, i)
	return ok
}

func uptimeAt(s string, i int) (int, bool) {
	j := i
	if j < len(s) && (s[j] == '*' || s[j] == '.') {
		j++
	}
	digits := false
	k := j
	for ; k < len(s) && s[k] != ' '; k++ {
		switch c := s[k]; {
		case isDigit(c):
			digits = true
		case c == ':' || c == '.' || c == 'w' || c == 'd' || c == 'h' || c == 'm' || c == 's' || c == 'y':
		default:
			return i, false
		}
	}
	if !digits || k == j || s[k-1] != ':' || !isDigit(s[j]) {
		return i, false
	}
	return k, true
}

// mnemonicAt reports whether a Cisco "%FACILITY-SEVERITY-MNEMONIC:" starts
// at s[i:]: dash-separated words of letters, digits and "_" ending in ':',
// a severity digit 0-7 between the first word and the last ("%SYS-5-
// CONFIG_I:", "%ASA-auth-4-113004:", "%MGBL-SYS-5-CONFIG_I:"; IOS XR
// puts a space before the colon: "%PKT_INFRA-LINK-3-UPDOWN :"; Small
// Business switches write the severity as a letter: "%LINK-W-Down:"). A "%"
// alone is no Cisco header: "myapp: 12:00:01: %done" is an application's
// line whose text starts with a time.
func mnemonicAt(s string, i int) bool {
	if i >= len(s) || s[i] != '%' {
		return false
	}
	words, sev := 0, false
	start := i + 1
	for k := start; k < len(s) && k-i <= 96; k++ {
		c := s[k]
		if c == ' ' && k+1 < len(s) && s[k+1] == ':' {
			c = ':' // IOS XR's "MNEMONIC :"
		}
		switch {
		case c == '-' || c == ':':
			if k == start {
				return false // an empty word
			}
			// (a severity word: not the first, and followed by a '-')
			if words > 0 && k-start == 1 && (s[start] >= '0' && s[start] <= '7' || sbSeverity(s[start])) && c == '-' {
				sev = true
			}
			words++
			if c == ':' {
				return sev // a severity between the first word and the last
			}
			start = k + 1
		case isDigit(c) || c == '_' || (c|0x20 >= 'a' && c|0x20 <= 'z'):
		default:
			return false
		}
	}
	return false
}

// sbSeverity reports whether c is a Cisco Small Business switch's severity
// letter (F, A, C, E, W, N, I, D: "%LINK-W-Down:", "%AAA-I-CONNECT:").
func sbSeverity(c byte) bool { return strings.IndexByte("FACEWNID", c) >= 0 }

package apps

import (
	"strings"

	"github.com/nomenhq/nomen/normalize/ecs"
	"github.com/nomenhq/nomen/relay/event"
)

// ClamAV's daemons log through logg() (shared/output.c): to syslog with
// LogSyslog, else to their log file with LogTime's "Www Mmm dd hh:mm:ss
// yyyy -> " first. logg's level marks become prefixes: "ERROR: ",
// "WARNING: " (cut here: log.level; 0.101 and older wrote logg's marks
// "^" and "!" to their log file); libclamav's own messages start
// "LibClamAV Error: " or "LibClamAV Warning: " (the catalog's sentences). clamd's verdict on a file (clamd/scanner.c,
// session.c) is "WHAT: VERDICT", WHAT a path, "instream(IP@PORT)" (a
// stream a client sent over TCP), "instream(local)" or "fd[N]":
//
//	/home/bob/eicar.com: Eicar-Signature FOUND
//	/home/bob/eicar.com: Win.Test.EICAR_HDB-1(44d88612fea8a8f36de82e1278abb02f:68) FOUND   (ExtendedDetectionInfo)
//	instream(127.0.0.1@41234): Eicar-Signature FOUND          ("stream(...)" in 0.95 and older)
//	ScanOnAccess: /home/bob/eicar.com: Eicar-Signature FOUND  (0.98 to 0.101's on-access scanner)
//	/root/secret: Access denied. ERROR
//	/tmp/gone: lstat() failed: No such file or directory. ERROR
//
// A path may hold ": " (and a file may be named "x: Evil FOUND"): the
// signature is after the last ": ", since a signature name has no space;
// an ERROR's text is cut at its known "lstat() failed: " or at the last
// ": ".

// cutClamd cuts the time, the level and a verdict's subject.
func cutClamd(m string) (string, head, bool) {
	m, h, _ := cutClamAVLevel(m)
	m = strings.TrimPrefix(m, "ScanOnAccess: ") // clamd's on-access scanner, 0.98 to 0.101
	switch {
	case strings.HasSuffix(m, " FOUND"):
		i := strings.LastIndex(m, ": ")
		if i < 0 { // clamd's verdict always names what it scanned: no line of its own
			return m, h, false
		}
		clamdSubject(&h, m[:i])
		return m[i+2:], h, true
	case strings.HasSuffix(m, " ERROR"):
		i := strings.Index(m, ": lstat() failed: ")
		if i < 0 {
			i = strings.LastIndex(m, ": ")
		}
		if i < 0 {
			return m, h, true
		}
		clamdSubject(&h, m[:i])
		return m[i+2:], h, true
	}
	return m, h, true
}

// clamdSubject sets what a verdict is about: a file, or the client that
// sent the stream.
func clamdSubject(h *head, what string) {
	r, ok := strings.CutPrefix(what, "instream(")
	if !ok {
		r, ok = strings.CutPrefix(what, "stream(") // 0.95 and older
	}
	if ok && strings.HasSuffix(r, ")") {
		addr, port, ok := strings.Cut(r[:len(r)-1], "@")
		if ok && ecs.IsIP(addr) && ecs.IsDigits(port) {
			h.addr, h.port = addr, port
		}
		return
	}
	if strings.HasPrefix(what, "fd[") {
		return
	}
	h.path = what
}

// cutClamAVLevel cuts LogTime's time and logg's level prefix.
func cutClamAVLevel(m string) (string, head, bool) {
	var h head
	if len(m) > 28 && m[3] == ' ' && m[7] == ' ' && m[13] == ':' && m[19] == ' ' && strings.HasPrefix(m[24:], " -> ") {
		m = m[28:] // "Mon Dec  7 10:00:00 2026 -> ": local time without its zone
	}
	for _, l := range clamavLevels {
		if r, ok := strings.CutPrefix(m, l.prefix); ok {
			h.level = l.level
			return r, h, true
		}
	}
	return m, h, true
}

var clamavLevels = [...]struct{ prefix, level string }{
	{"ERROR: ", "error"},
	{"WARNING: ", "warning"},
	{"^", "warning"}, // 0.101 and older wrote logg's own marks to a log file
	{"!", "error"},
}

// postClamd splits ExtendedDetectionInfo's "SIGNATURE(HASH:SIZE)": the
// file's hash (MD5 or SHA-256 by version: not named) and size.
func postClamd(e *event.Event) {
	sig := e.Str("threat.software.name")
	i := strings.IndexByte(sig, '(')
	if i <= 0 || !strings.HasSuffix(sig, ")") {
		return
	}
	hash, size, ok := strings.Cut(sig[i+1:len(sig)-1], ":")
	if !ok || !isHex(hash) || !ecs.IsDigits(size) {
		return
	}
	e.SetStr("threat.software.name", sig[:i])
	e.SetStr("clamav.file_hash", hash)
	ecs.SetUint(e, "file.size", size)
}

func isHex(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i] | 0x20; !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return false
		}
	}
	return s != ""
}

// postClamavMilter makes the addresses ECS's lists.
func postClamavMilter(e *event.Event) {
	for _, k := range [...]string{"email.from.address", "email.to.address"} {
		if a := e.Str(k); a != "" {
			e.Delete(k)
			e.AddToList(k, a)
		}
	}
}

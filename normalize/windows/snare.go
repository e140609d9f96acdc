package windows

import (
	"strings"
	"time"

	"github.com/nomenhq/nomen/normalize/ecs"
	"github.com/nomenhq/nomen/normalize/vendor"
)

// Snare for Windows (and the agents that copy its format: NXLog's
// to_snare and to_syslog_snare, LogLogic UC, Epilog). One record,
// TAB-separated:
//
//	[HOST<TAB>]MSWinEventLog<TAB>CRITICALITY<TAB>LOGNAME<TAB>SNARECOUNTER<TAB>DATETIME<TAB>
//	  EVENTID<TAB>SOURCENAME<TAB>USERNAME<TAB>SIDTYPE<TAB>EVENTLOGTYPE<TAB>COMPUTERNAME<TAB>
//	  CATEGORY<TAB>[DATASTRING<TAB>]EXPANDEDSTRING[<TAB>EVENTLOGCOUNTER][<TAB>MD5][<TAB>KEY=VALUE...]
//
// Variants seen in the field: a space or a run of spaces instead of the
// TAB after "MSWinEventLog"; every TAB escaped as "#011" by a syslogd;
// another delimiter chosen in Snare's settings ("|"); DATETIME without the
// year, which then follows as its own field (old agents: "Wed Nov 21
// 16:28:40<TAB>2012"); the empty DATASTRING left out. SNARECOUNTER is the
// agent's own sequence number (event.sequence); the trailing
// EVENTLOGCOUNTER, when numeric, is the record number (winlog.record_id);
// NXLog writes the counter negated there instead ("-802301"), sometimes
// after spaces rather than a TAB, and Snare may add an MD5 checksum of the
// record and, since version 5, "EventSourceId=..." fields. EXPANDEDSTRING
// is the rendered message, parsed by text.go.

// snareHeadFields bounds the fields before the message: 11 up to the
// category, one more when the year has a field of its own.
const snareHeadFields = 12

// parseSnare reads a Snare record starting at (or shortly after) "MSWinEventLog".
func (w *winEvent) parseSnare(m string) bool {
	i := strings.Index(m, "MSWinEventLog")
	if i < 0 || i > 64 || !snareHostPrefix(m[:i]) {
		return false
	}
	return w.parseSnareFields(m[i+len("MSWinEventLog"):])
}

// snareHostPrefix reports whether what precedes "MSWinEventLog" is
// nothing or the agent's own "HOST" and its delimiter: one word. More
// (another program's text, or a record's fields before its message
// when a relay cut the record) is no record's start.
func snareHostPrefix(p string) bool {
	p = strings.TrimSuffix(p, "#011")
	p = strings.TrimRight(p, " \t")
	return !strings.Contains(p, "#011") && !strings.ContainsAny(p, " \t|;^~")
}

// snareSep returns the record's delimiter, read after "MSWinEventLog",
// and the record from its first field on.
func snareSep(rest string) (sep, fields string) {
	if rest != "" && snareDelimiters[rest[0]] {
		return rest[:1], rest[1:]
	}
	sep = "\t"
	if strings.IndexByte(rest, '\t') < 0 && strings.Contains(rest, "#011") {
		sep = "#011"
	}
	// The separator after "MSWinEventLog" itself is anything blank.
	rest = strings.TrimLeft(rest, " \t")
	return sep, strings.TrimPrefix(rest, "#011")
}

// snareDelimiters are the delimiters other than TAB that Snare's
// settings offer and a record can be told by: the byte right after
// "MSWinEventLog" (a TAB, "#011" or blanks otherwise).
var snareDelimiters = [256]bool{'|': true, ';': true, '^': true, '~': true}

// parseSnareFields reads the fields after "MSWinEventLog".
// Long because it is one walk over Snare's fields in their order.
func (w *winEvent) parseSnareFields(rest string) bool {
	sep, rest := snareSep(rest)
	// The header's fields, one at a time: the message may hold the
	// delimiter when it is not a TAB. Eleven up to the category; one
	// more when the year has a field of its own.
	var f [snareHeadFields]string
	n := 0
	for n < len(f) {
		if n == 11 && !snareYearApart(f[4], f[5]) {
			break
		}
		j := strings.Index(rest, sep)
		if j < 0 {
			break
		}
		f[n] = rest[:j]
		rest = rest[j+len(sep):]
		n++
	}
	if n < 11 {
		return false
	}
	// f[0] criticality, f[1] log name, f[2] counter, f[3] date[, year]
	k := 4
	dateS, yearS := ecs.TrimSpace(f[3]), ""
	if snareYearApart(f[4], f[5]) {
		yearS = ecs.TrimSpace(f[4])
		k = 5
	}
	if n < k+7 || !w.setCode(f[k]) {
		return false
	}
	w.road = winRoadSnare
	w.channel = ecs.TrimSpace(f[1])
	counter := ecs.TrimSpace(f[2])
	if seq, ok := ecs.ParseUint(counter); ok {
		w.sequence, w.hasSeq = seq, true
	}
	w.time = snareTime(dateS, yearS)
	w.provider = f[k+1]
	if u := ecs.TrimSpace(f[k+2]); u != "N/A" && u != "" {
		if d, name, ok := ecs.CutByte(u, '\\'); ok {
			w.userDom, w.userName = d, name
		} else {
			w.userName = u
		}
	}
	if t := f[k+3]; t != "N/A" {
		w.userType = t
	}
	switch f[k+4] {
	case "Success Audit", "Failure Audit":
		w.setAuditKeyword(f[k+4])
		w.level = "information"
	case "Information":
		w.level = "information"
	case "Warning":
		w.level = "warning"
	case "Error":
		w.level = "error"
	}
	w.computer = ecs.TrimSpace(f[k+5])
	w.task = f[k+6]
	w.message = w.snareMessage(rest, sep, counter)
	w.parseText(w.message)
	return true
}

// snareYearApart reports whether the fields after the date are its year
// and the event id (old agents), not the id and the source.
func snareYearApart(f4, f5 string) bool {
	f4, f5 = ecs.TrimSpace(f4), ecs.TrimSpace(f5)
	return len(f4) <= 4 && ecs.IsDigits(f4) && ecs.IsDigits(f5)
}

// snareMessage returns the message of what follows the category:
// [DATASTRING sep] EXPANDEDSTRING [sep counter] [sep MD5] [sep key=value...],
// and records the counter.
func (w *winEvent) snareMessage(rest, sep, counter string) string {
	if sep != "\t" {
		// A message may hold the delimiter: '|' in a command line, or the
		// text "#011" where a relay escaped the record's TABs (a command
		// line "x#011A new process has been created. ..." would otherwise
		// be read as the message).
		return w.snareMessageDelimited(rest, sep, counter)
	}
	// No message holds a TAB: the fields split from the left, by a
	// vectorised search (from the right, strings.LastIndex reads the
	// message a byte at a time).
	var f [snareTailFields]string
	n := 0
	for n < len(f)-1 {
		j := strings.Index(rest, sep)
		if j < 0 {
			break
		}
		f[n], rest = rest[:j], rest[j+len(sep):]
		n++
	}
	f[n] = rest
	tail := f[:n+1]
	counted := false // the counter has a field of its own
	for len(tail) > 1 {
		last := ecs.TrimSpace(tail[len(tail)-1])
		if snareExtra(last) {
			tail = tail[:len(tail)-1] // the counter may precede them
			continue
		}
		if rec, ok := ecs.ParseUint(last); ok {
			w.recordID, w.hasRecID = rec, true
			tail, counted = tail[:len(tail)-1], true
		} else if snareNegated(last) {
			tail, counted = tail[:len(tail)-1], true
		}
		break
	}
	// The empty DATASTRING, or one beside the message: the message is the last.
	msg := ecs.TrimSpace(tail[len(tail)-1])
	if counted {
		return msg // "... -77" ends the message's own text
	}
	return snareCutCounter(msg, counter)
}

// snareTailFields bounds the fields after the category: DATASTRING,
// EXPANDEDSTRING, the counter, the checksum and Snare v5's extra fields.
const snareTailFields = 12

// snareMessageDelimited is snareMessage for a delimiter other than TAB,
// which a message may hold: the tail's fields are taken from the right,
// and what is left after the DATASTRING is the message. Snare v5's
// key=value fields follow a counter: without one, a last "|x=1" is the
// message's (a command line's); an MD5 checksum may end a record alone.
func (w *winEvent) snareMessageDelimited(rest, sep, counter string) string {
	msg, counted, onlyMD5, md5 := rest, false, true, false
	for cut := rest; ; {
		i := strings.LastIndex(cut, sep)
		if i < 0 {
			break
		}
		last := ecs.TrimSpace(cut[i+len(sep):])
		if snareExtra(last) {
			cut = cut[:i]
			if onlyMD5 = onlyMD5 && snareMD5(last); onlyMD5 {
				msg, md5 = cut, true
			}
			continue
		}
		if rec, ok := ecs.ParseUint(last); ok {
			// Before a checksum alone the number may be the message's
			// ("... |5" of a command line, in a record without a counter:
			// LogLogic UC's form) as well as Snare's counter: cut from
			// the message, as Snare writes it, but no record id read. A
			// "#011" record is a TAB record a relay escaped, whose
			// message held no TAB: read as the TAB road reads it.
			if !(md5 && onlyMD5 && sep != "#011") {
				w.recordID, w.hasRecID = rec, true
			}
			msg, counted = cut[:i], true
		} else if snareNegated(last) {
			msg, counted = cut[:i], true
		}
		break
	}
	msg = snareCutData(msg, sep)
	if counted {
		return msg // "... -77" ends the message's own text
	}
	return snareCutCounter(msg, counter)
}

// snareCutData removes the DATASTRING field before the message (Snare
// writes it, empty as a rule, the TAB road's "message is the last"): the
// message is what follows the first delimiter. A text without the
// delimiter is the message alone (the DATASTRING left out).
func snareCutData(msg, sep string) string {
	if _, m, ok := strings.Cut(msg, sep); ok {
		return ecs.TrimSpace(m)
	}
	return ecs.TrimSpace(msg)
}

// snareExtra reports whether a trailing field is Snare v5's
// "EventSourceId=..." or the record's MD5 checksum.
func snareExtra(s string) bool {
	return strings.IndexByte(s, '=') > 0 && strings.IndexByte(s, ' ') < 0 || snareMD5(s)
}

// snareNegated reports whether a trailing field is NXLog's negated counter.
func snareNegated(s string) bool { return len(s) > 1 && s[0] == '-' && ecs.IsDigits(s[1:]) }

// snareCutCounter removes NXLog's negated counter from the end of a
// message it follows after spaces rather than a delimiter ("...Demo
// -4001"): only that number, the record's own SNARECOUNTER, so that a
// message ending in another negative number keeps it.
func snareCutCounter(msg, counter string) string {
	if counter == "" || len(msg) < len(counter)+3 {
		return msg
	}
	end := len(msg) - len(counter)
	if msg[end:] != counter || msg[end-1] != '-' || msg[end-2] != ' ' {
		return msg
	}
	return ecs.TrimSpace(msg[:end-1])
}

// snareMD5 reports whether s is the optional MD5 checksum field.
func snareMD5(s string) bool {
	if len(s) != 32 {
		return false
	}
	_, ok := vendor.ParseHex(s[:16])
	_, ok2 := vendor.ParseHex(s[16:])
	return ok && ok2
}

// snareTime parses "Fri Sep 17 16:37:25 2021", or "Wed Nov 21 16:28:40"
// with the year in its own field. Snare gives the agent's local time
// without a zone: it is read as UTC and used only when the syslog header
// had no time of its own.
func snareTime(date, year string) time.Time {
	if t, ok := snareTimeUsual(date, year); ok {
		return t
	}
	return snareTimeParse(date, year)
}

// snareTimeParse is snareTime by time.Parse.
func snareTimeParse(date, year string) time.Time {
	if year == "" {
		t, err := time.Parse("Mon Jan _2 15:04:05 2006", date)
		if err != nil {
			return time.Time{}
		}
		return t
	}
	t, err := time.Parse("Mon Jan _2 15:04:05", date)
	y, ok := ecs.ParseUint(year)
	if err != nil || !ok || y < 1990 || y > 2200 {
		return time.Time{}
	}
	return time.Date(int(y), t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second(), 0, time.UTC)
}

// snareTimeUsual reads the usual shape of a Snare time, "Fri Sep 17
// 16:37:25" and a year in range, without time.Parse (a sixth of a Snare
// record's decoding). Anything else is left to snareTime's time.Parse:
// false whenever the result might differ from it.
func snareTimeUsual(date, year string) (time.Time, bool) {
	if year == "" && len(date) == 24 && date[19] == ' ' {
		date, year = date[:19], date[20:]
	}
	if len(date) != 19 || len(year) != 4 || date[3] != ' ' || date[7] != ' ' || date[10] != ' ' ||
		date[13] != ':' || date[16] != ':' || strings.Index("SunMonTueWedThuFriSat", date[:3])%3 != 0 {
		return time.Time{}, false
	}
	mon := strings.Index("JanFebMarAprMayJunJulAugSepOctNovDec", date[4:7])
	dd := date[8:10]
	if dd[0] == ' ' {
		dd = dd[1:]
	}
	day, ok1 := ecs.ParseUint(dd)
	hh, ok2 := ecs.ParseUint(date[11:13])
	mm, ok3 := ecs.ParseUint(date[14:16])
	ss, ok4 := ecs.ParseUint(date[17:19])
	y, ok5 := ecs.ParseUint(year)
	if mon < 0 || mon%3 != 0 || !ok1 || !ok2 || !ok3 || !ok4 || !ok5 || y < 1990 || y > 2200 ||
		hh > 23 || mm > 59 || ss > 59 || day < 1 {
		return time.Time{}, false
	}
	t := time.Date(int(y), time.Month(mon/3+1), int(day), int(hh), int(mm), int(ss), 0, time.UTC)
	if t.Day() != int(day) {
		return time.Time{}, false // past the month's end
	}
	return t, true
}

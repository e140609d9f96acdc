package mail

import "strings"

// rulesetLine is rscheck()'s line (sendmail's parseaddr.c):
//
//	ruleset=RS, arg1=A1[, arg2=A2][, relay=R], reject=MSG
//
// A1 and A2 are what the client sent (a MAIL or RCPT address, a VRFY
// argument) and MSG often repeats A1, so ", relay=" and ", reject=" may
// stand inside either. The relay sendmail wrote is the one right after
// the arguments: an argument in angle brackets ends at its '>' (a quoted
// local part may hold anything), one without ends at the first ", ", and
// when such a line holds ", relay=" more than once the relay is not known.
type rulesetLine struct {
	ruleset, arg1 string
	relay         string // "" when the line has none or it is not sure
	reply         string // MSG
}

// cutSendmailRuleset cuts a "ruleset=..., reject=..." line; ok is false
// for one without a reject.
func cutSendmailRuleset(rest string) (l rulesetLine, ok bool) {
	r, _ := strings.CutPrefix(rest, "ruleset=")
	if l.ruleset, r, ok = strings.Cut(r, ", arg1="); !ok {
		return l, false
	}
	var sure bool
	l.arg1, r, sure = cutRulesetArg(r)
	if a, ok := strings.CutPrefix(r, ", arg2="); ok {
		var sure2 bool
		_, r, sure2 = cutRulesetArg(a)
		sure = sure && sure2
	}
	if !sure {
		sure = strings.Count(rest, ", relay=") <= 1
	}
	relay := ""
	if v, ok := strings.CutPrefix(r, ", relay="); ok {
		if i := strings.Index(v, ", "); i >= 0 { // a relay ("HOST [IP] (may be forged)") has no ", "
			relay, r = v[:i], v[i:]
		}
	}
	if reply, ok := strings.CutPrefix(r, ", reject="); ok {
		if sure {
			l.relay = relay
		}
		l.reply = reply
		return l, true
	}
	// Not the shape above (an argument sendmail did not write): the reply
	// is after the first "reject=", and the relay unknown.
	if _, reply, ok := strings.Cut(rest, "reject="); ok {
		l.reply = reply
		return l, true
	}
	return l, false
}

// cutRulesetArg cuts one argument from the start of s; sure is whether
// its end is certain (an address in angle brackets).
func cutRulesetArg(s string) (arg, rest string, sure bool) {
	if strings.HasPrefix(s, "<") {
		if i := angleEnd(s, sendmailQuotes); i >= 0 {
			return s[:i+1], s[i+1:], true
		}
	}
	if i := strings.Index(s, ", "); i >= 0 {
		return s[:i], s[i:], false
	}
	return s, "", false
}

package mail

import (
	"strings"

	"github.com/nomenhq/nomen/normalize/ecs"
	"github.com/nomenhq/nomen/relay/event"
)

// postscreen(8)'s verdicts on a client, one row per line it logs
// (postscreen.c, postscreen_early.c, postscreen_smtpd.c; POSTSCREEN_README).
// The client, "[IP]:PORT", follows the lead, or the first " from " or " for "
// after it; text after the client (what it sent) is the client's and not read.
//
//	PASS NEW [IP]:PORT / PASS OLD [IP]:PORT        all tests passed (now, or still cached)
//	WHITELISTED [IP]:PORT (ALLOWLISTED since 3.6)  on postscreen_access_list: no tests
//	BLACKLISTED [IP]:PORT (DENYLISTED since 3.6)   on postscreen_access_list: denied
//	WHITELIST VETO [IP]:PORT (ALLOWLIST VETO)      allowlisted, but not on this interface: tests run
//	PREGREET N after T from [IP]:PORT: TEXT        spoke before its turn
//	HANGUP after T from [IP]:PORT in TESTS         hung up during the tests
//	DNSBL rank N for [IP]:PORT                     listed with a combined score N
//	COMMAND PIPELINING from [IP]:PORT after CMD: TEXT
//	NON-SMTP COMMAND from [IP]:PORT after CMD: TEXT
//	BARE NEWLINE from [IP]:PORT after CMD
//	COMMAND TIME LIMIT / COMMAND COUNT LIMIT / COMMAND LENGTH LIMIT from [IP]:PORT after CMD
type postscreenVerdict struct {
	lead    string // the line's start, up to the client or its " from "/" for "
	test    string // postfix.postscreen
	outcome string // success: passed; failure: failed; "": neither
	conn    bool   // the connection ended (a hang-up)
	// afterCmd: "[IP]:PORT after CMD" names the SMTP command the client
	// was at (the command tests)
	afterCmd bool
}

var postscreenVerdicts = [...]postscreenVerdict{
	{"PASS NEW ", "new", ecs.OutcomeSuccess, false, false},
	{"PASS OLD ", "old", ecs.OutcomeSuccess, false, false},
	{"WHITELISTED ", "allowlisted", ecs.OutcomeSuccess, false, false},
	{"ALLOWLISTED ", "allowlisted", ecs.OutcomeSuccess, false, false},
	{"BLACKLISTED ", "denylisted", ecs.OutcomeFailure, false, false},
	{"DENYLISTED ", "denylisted", ecs.OutcomeFailure, false, false},
	{"WHITELIST VETO ", "allowlist_veto", "", false, false},
	{"ALLOWLIST VETO ", "allowlist_veto", "", false, false},
	{"PREGREET ", "pregreet", ecs.OutcomeFailure, false, false},
	{"HANGUP ", "hangup", ecs.OutcomeFailure, true, false},
	{"DNSBL rank ", "dnsbl", ecs.OutcomeFailure, false, false},
	{"COMMAND PIPELINING ", "pipelining", ecs.OutcomeFailure, false, true},
	{"NON-SMTP COMMAND ", "non_smtp_command", ecs.OutcomeFailure, false, true},
	{"BARE NEWLINE ", "bare_newline", ecs.OutcomeFailure, false, true},
	{"COMMAND TIME LIMIT ", "command_time_limit", ecs.OutcomeFailure, false, true},
	{"COMMAND COUNT LIMIT ", "command_count_limit", ecs.OutcomeFailure, false, true},
	{"COMMAND LENGTH LIMIT ", "command_length_limit", ecs.OutcomeFailure, false, true},
}

// postscreenLine decodes the verdicts above; false for any other line.
func postscreenLine(e *event.Event, prog, m string) bool {
	for i := range postscreenVerdicts {
		v := &postscreenVerdicts[i]
		rest, ok := strings.CutPrefix(m, v.lead)
		if !ok {
			continue
		}
		head, client := "", rest
		if c, ok := strings.CutPrefix(rest, "from "); ok {
			client = c
		} else if !strings.HasPrefix(rest, "[") {
			var cut bool
			if head, client, cut = strings.Cut(rest, " from "); !cut {
				if head, client, cut = strings.Cut(rest, " for "); !cut {
					return false
				}
			}
		}
		host, ip, port, ok := postfixHostIP(client)
		if !ok || host != "" || !ecs.IsIP(ip) {
			return false
		}
		rule := "postfix.postscreen." + v.test
		if v.test == "new" || v.test == "old" {
			rule = "postfix.postscreen.pass"
		}
		postfixBegin(e, prog, "", rule)
		switch {
		case v.conn:
			ecs.ClassConnEnd.Set(e, "smtp-screen-hangup", v.outcome)
		case v.outcome == ecs.OutcomeSuccess:
			ecs.ClassNetInfo.Set(e, "smtp-screen-pass", v.outcome)
		case v.outcome == ecs.OutcomeFailure:
			ecs.ClassNetInfo.Set(e, "smtp-screen-fail", v.outcome)
		default:
			ecs.ClassNetInfo.Set(e, "smtp-screen-allowlist-veto", "")
		}
		e.SetStr("postfix.postscreen", v.test)
		ecs.SetAddress(e, "source", ip)
		ecs.SetPort(e, "source.port", port)
		if v.test == "dnsbl" {
			ecs.SetUint(e, "postfix.dnsbl_rank", head)
		}
		// "[IP]:PORT after CMD[: TEXT]": the command the client was at.
		// Only the command tests say it; PREGREET's TEXT after the
		// client is what the client sent, its " after " no command.
		if _, after, ok := strings.Cut(client, " after "); ok && v.afterCmd {
			after, _, _ = strings.Cut(after, ":")
			e.SetStr("postfix.after", after)
		}
		e.SetStr("network.protocol", "smtp")
		return true
	}
	return false
}

// postfixDNSBLog decodes dnsblog(8)'s "addr IP listed by domain ZONE as
// REPLY": postscreen's DNS blocklist lookup found the client IP listed by
// ZONE with the A record REPLY (which list within the zone).
func postfixDNSBLog(e *event.Event, prog, m string) bool {
	r, ok := strings.CutPrefix(m, "addr ")
	if !ok {
		return false
	}
	ip, r, _ := strings.Cut(r, " ")
	r, ok = strings.CutPrefix(r, "listed by domain ")
	if !ok || !ecs.IsIP(ip) {
		return false
	}
	zone, reply, ok := strings.Cut(r, " as ")
	if !ok || strings.IndexByte(zone, ' ') >= 0 {
		return false
	}
	postfixBegin(e, prog, "", "postfix.dnsblog.listed")
	ecs.ClassNetInfo.Set(e, "dnsbl-listed", "")
	ecs.SetAddress(e, "source", ip)
	e.SetStr("postfix.dnsbl.domain", zone)
	e.SetStr("postfix.dnsbl.reply", reply)
	return true
}

// postfixCacheCleanup decodes dict_cache(3)'s "cache TYPE:NAME full
// cleanup: retained=N dropped=N entries", the periodic sweep of
// postscreen's and verify(8)'s caches.
func postfixCacheCleanup(e *event.Event, prog, m string) bool {
	r, ok := strings.CutPrefix(m, "cache ")
	if !ok {
		return false
	}
	name, r, ok := strings.Cut(r, " full cleanup: retained=")
	if !ok || strings.IndexByte(name, ':') < 0 {
		return false
	}
	kept, r, _ := strings.Cut(r, " dropped=")
	dropped, ok := strings.CutSuffix(r, " entries")
	if !ok || !ecs.IsDigits(kept) || !ecs.IsDigits(dropped) {
		return false
	}
	postfixBegin(e, prog, "", "postfix.cache.cleanup")
	classCacheCleanup.Set(e, "cache-cleanup", ecs.OutcomeSuccess)
	e.SetStr("postfix.cache.name", name)
	ecs.SetUint(e, "postfix.cache.retained", kept)
	ecs.SetUint(e, "postfix.cache.dropped", dropped)
	return true
}

// ECS allows a database event access, change, info or error (no deletion):
// the sweep changes the cache.
var classCacheCleanup = ecs.NewClass(ecs.Cats("database"), ecs.TypeChange)

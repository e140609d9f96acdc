package rules

import (
	"regexp"
	"strings"
	"testing"
)

// needCases: regexes and the literal a match must contain ("" when none
// can be said to be).
var needCases = []struct{ expr, want string }{
	{`^\((?P<user>[A-Za-z0-9._][A-Za-z0-9._@-]*)\) CMD \(\s*(?P<cmd>.*?)\s*\)$`, ") CMD ("},
	{`^FTP LOGIN REFUSED (?:\((?P<reason>[^)]*)\) )?FROM (?P<src>[0-9A-Fa-f.:]+)`, "FTP LOGIN REFUSED "},
	{`session (?P<id>\d+) opened for user (?P<user>\S+)`, " opened for user "},
	{`(?i)failed password for (?P<user>\S+)`, ""}, // case-folded: any case matches
	{`(?:accepted|failed) password`, " password"}, // the alternation is not required, the rest is
	{`(?:error: )?kex_exchange`, "kex_exchange"},  // an optional part is not
	{`a|b`, ""},        // neither branch is required
	{`x\x{FFFD}y`, ""}, // U+FFFD stands for any invalid byte
	{`(unclosed`, ""},  // no regexp (compileRule refuses it)
	{`user=(?P<u>\w+) uid=(?P<n>\d+) from (?P<ip>\S+)`, " from "},
}

func TestRequiredLiteral(t *testing.T) {
	for _, c := range needCases {
		if got := requiredLiteral(c.expr); got != c.want {
			t.Errorf("requiredLiteral(%q) = %q, want %q", c.expr, got, c.want)
		}
	}
}

// FuzzRequiredLiteral: no message that matches a regex lacks its literal
// (else the pre-filter would hide a match).
func FuzzRequiredLiteral(f *testing.F) {
	for _, s := range []string{"(root) CMD (run-parts /etc/cron.hourly)", "Failed password for bob",
		"accepted password", "error: kex_exchange", "x\xffy", "FTP LOGIN REFUSED FROM 192.0.2.1, anonymous",
		"user=alice uid=1000 from 198.51.100.7"} {
		f.Add(s)
	}
	var res []*regexp.Regexp
	var needs []string
	for _, c := range needCases {
		if re, err := regexp.Compile(c.expr); err == nil {
			res, needs = append(res, re), append(needs, requiredLiteral(c.expr))
		}
	}
	f.Fuzz(func(t *testing.T, msg string) {
		for i, re := range res {
			if re.MatchString(msg) && !strings.Contains(msg, needs[i]) {
				t.Errorf("%q matches %q but lacks %q", msg, re, needs[i])
			}
		}
	})
}

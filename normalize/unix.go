package normalize

import (
	"strings"

	"github.com/nomenhq/nomen/relay/event"
)

// Unix authentication and account decoders: sshd, sudo, su, login, PAM, the
// shadow-utils account tools and the Linux audit subsystem.
//
// Who is user.name: the person acting. For su and sudo that is the invoking
// user and user.effective.name is the identity taken on; for a PAM session
// "opened for user root by alice" likewise. For account management
// user.target.* is the account created, changed or deleted. A logon attempt
// (sshd Accepted/Failed, PAM auth failure, su, sudo password) is
// authentication/start with outcome success or failure whatever the program.

func unixDecoders() []*Decoder {
	return []*Decoder{
		{Name: "sshd", Programs: []string{"sshd", "sshd-session", "sshd-auth"}, Decode: decodeSSHD},
		{Name: "sudo", Programs: []string{"sudo"}, Decode: decodeSudo},
		{Name: "su", Programs: []string{"su"}, Decode: decodeSu},
		{Name: "login", Programs: []string{"login"}, Prefixes: []string{"-- "}, Decode: decodeLogin},
		{Name: "shadow", Programs: shadowPrograms, Decode: decodeShadow},
		{Name: "pam", Prefixes: []string{"pam_", "PAM "}, Sniff: sniffOldPAM, Decode: decodePAM},
		{Name: "auditd", Programs: []string{"audispd", "audisp-syslog", "auditd", "audit", "kernel"},
			Prefixes: []string{"type=", "node=", "audit: "}, Decode: decodeAudit},
	}
}

// Classes shared by the unix decoders.
var (
	classAuthStart    = NewClass(Cats(CatAuthentication), TypeStart)
	classAuthInfo     = NewClass(Cats(CatAuthentication), TypeInfo)
	classSessionStart = NewClass(Cats(CatSession), TypeStart)
	classSessionEnd   = NewClass(Cats(CatSession), TypeEnd)
	classConnStart    = NewClass(Cats(CatNetwork), TypeConn, TypeStart)
	classConnEnd      = NewClass(Cats(CatNetwork), TypeConn, TypeEnd)
	classNetInfo      = NewClass(Cats(CatNetwork), TypeInfo)
	classProcStart    = NewClass(Cats(CatProcess), TypeStart)
	classProcEnd      = NewClass(Cats(CatProcess), TypeEnd)
	classProcInfo     = NewClass(Cats(CatProcess), TypeInfo)
	classUserCreate   = NewClass(Cats(CatIAM), TypeUser, TypeCreation)
	classUserDelete   = NewClass(Cats(CatIAM), TypeUser, TypeDeletion)
	classUserChange   = NewClass(Cats(CatIAM), TypeUser, TypeChange)
	classUserInfo     = NewClass(Cats(CatIAM), TypeUser, TypeInfo)
	classGroupCreate  = NewClass(Cats(CatIAM), TypeGroup, TypeCreation)
	classGroupDelete  = NewClass(Cats(CatIAM), TypeGroup, TypeDeletion)
	classGroupChange  = NewClass(Cats(CatIAM), TypeGroup, TypeChange)
	classGroupInfo    = NewClass(Cats(CatIAM), TypeGroup, TypeInfo)
	classHostStart    = NewClass(Cats(CatHost), TypeStart)
	classHostEnd      = NewClass(Cats(CatHost), TypeEnd)
	classConfigChange = NewClass(Cats(CatConfiguration), TypeChange)
)

// begin prepares e for a decoder that recognised it: room for its fields,
// event.provider (the program) and nomen.rule.
func begin(e *event.Event, provider, rule string) {
	Reserve(e, 16)
	SetProvider(e, provider)
	SetRule(e, rule)
}

// programOf returns the dispatch program name of e ("sshd"), without a
// "(pam_unix)" suffix.
func programOf(e *event.Event) string {
	return baseProgram(ProgramKey(e.AppName))
}

// cutWord returns the first space-delimited word of s and the rest after
// the spaces that follow it.
func cutWord(s string) (word, rest string) {
	i := strings.IndexByte(s, ' ')
	if i < 0 {
		return s, ""
	}
	word, rest = s[:i], s[i+1:]
	for len(rest) > 0 && rest[0] == ' ' {
		rest = rest[1:]
	}
	return word, rest
}

// cutSuffixWord removes a trailing " [preauth]"-style flag.
func trimFlag(s, flag string) (string, bool) {
	if strings.HasSuffix(s, flag) {
		return strings.TrimRight(s[:len(s)-len(flag)], " "), true
	}
	return s, false
}

// kvSpace returns the value of key in a "k1=v1 k2=v2" list: from after
// "key=" to the next space (or to sep if sep is not 0). The key must start
// the string or follow a space.
func kvSpace(s, key string) (string, bool) {
	for i := 0; ; {
		j := strings.Index(s[i:], key)
		if j < 0 {
			return "", false
		}
		j += i
		k := j + len(key)
		if (j == 0 || s[j-1] == ' ' || s[j-1] == ',' || s[j-1] == ';') && k < len(s) && s[k] == '=' {
			v := s[k+1:]
			if end := strings.IndexAny(v, " ,;"); end >= 0 {
				v = v[:end]
			}
			return v, true
		}
		i = k
	}
}

// trimQuotes removes one pair of surrounding ' or " quotes.
func trimQuotes(s string) string {
	if len(s) >= 2 && (s[0] == '\'' || s[0] == '"') && s[len(s)-1] == s[0] {
		return s[1 : len(s)-1]
	}
	return s
}

// trimAngle removes surrounding <>.
func trimAngle(s string) string {
	if len(s) >= 2 && s[0] == '<' && s[len(s)-1] == '>' {
		return s[1 : len(s)-1]
	}
	return s
}

// hasPrefixFold reports whether s starts with prefix, ignoring ASCII case.
func hasPrefixFold(s, prefix string) bool {
	return len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix)
}

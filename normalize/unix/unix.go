// Package unix decodes Unix authentication and account logs: sshd, sudo,
// doas, su, login, PAM, the shadow-utils and pwdutils account tools and
// Linux audit.
package unix

import (
	"strings"

	"github.com/nomenhq/nomen/normalize/ecs"
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

// Decoders returns the unix decoders in dispatch order.
func Decoders() []*ecs.Decoder {
	return []*ecs.Decoder{
		{Name: "sshd", Programs: []string{"sshd", "sshd-session", "sshd-auth"}, Decode: decodeSSHD},
		{Name: "sudo", Programs: []string{"sudo", "sudo_logsrvd"}, Sniff: sniffSudoFile, Gate: gateSudoFile, Decode: decodeSudo},
		{Name: "su", Programs: []string{"su", "runuser"}, Decode: decodeSu},
		{Name: "su", Prefixes: []string{"SU "}, Decode: decodeSuLog},
		{Name: "doas", Programs: []string{"doas"}, Decode: decodeDoas},
		{Name: "login", Programs: []string{"login"}, Prefixes: []string{"-- "}, Decode: decodeLogin},
		{Name: "shadow", Programs: shadowPrograms, Decode: decodeShadow},
		{Name: "pam", Prefixes: []string{"pam_", "PAM ", "(pam_", "auth: pam_"}, Sniff: sniffOldPAM, Gate: gateOldPAM, Decode: decodePAM},
		{Name: "auditd", Programs: []string{"audispd", "audisp-syslog", "auditd", "audit", "kernel"},
			Prefixes: []string{"type=", "node=", "audit: "}, Decode: decodeAudit},
	}
}

// programOf returns the dispatch program name of e ("sshd"), without a
// "(pam_unix)" suffix.
func programOf(e *event.Event) string {
	return ecs.BaseProgram(ecs.ProgramKey(e.AppName))
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

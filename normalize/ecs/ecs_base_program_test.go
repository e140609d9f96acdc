package ecs

import "testing"

func TestBaseProgram(t *testing.T) {
	for in, want := range map[string]string{
		"su(pam_unix)":               "su",
		"postfix/smtpd":              "postfix",
		"/usr/sbin/cron":             "cron",
		"/usr/sbin/sshd":             "sshd",
		"/usr/libexec/postfix/smtpd": "smtpd",
		"sshd":                       "sshd",
		"/":                          "",
	} {
		if got := BaseProgram(in); got != want {
			t.Errorf("BaseProgram(%q) = %q, want %q", in, got, want)
		}
	}
}

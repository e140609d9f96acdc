package unix

import (
	"strings"

	"github.com/nomenhq/nomen/normalize/ecs"
)

// Linux audit vocabulary: hex-encoded fields, record types, architectures and syscall names.

// isAuditHexKey reports whether auditd hex-encodes the field key when its
// value has a space, a quote or a control character
// (audit_log_untrustedstring). A switch: it is asked for every unquoted
// field of every record, and a map lookup cost several times as much.
func isAuditHexKey(key string) bool {
	switch key {
	case "exe", "comm", "proctitle", "cmd", "acct", "cwd",
		"name", "key", "data", "ocomm", "path", "dir",
		"new_group", "old_group", "grp", "new_user", "old_user":
		return true
	}
	return false
}

// auditUnhex decodes an upper-case hex string; anything else is returned
// unchanged. NULs (proctitle's argument separators) become spaces when
// nulSpace is set and are dropped otherwise.
func auditUnhex(s string, nulSpace bool) string {
	if len(s) < 2 || len(s)%2 != 0 {
		return s
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('0' <= c && c <= '9' || 'A' <= c && c <= 'F') {
			return s
		}
	}
	b := make([]byte, 0, len(s)/2)
	for i := 0; i < len(s); i += 2 {
		c := unhexDigit(s[i])<<4 | unhexDigit(s[i+1])
		if c == 0 {
			if nulSpace {
				b = append(b, ' ')
			}
			continue
		}
		b = append(b, c)
	}
	for len(b) > 0 && b[len(b)-1] == ' ' {
		b = b[:len(b)-1]
	}
	return string(b)
}

func unhexDigit(c byte) byte {
	if c <= '9' {
		return c - '0'
	}
	return c - 'A' + 10
}

// auditDataKey returns "auditd.data."+key, allocated once per key (a
// record repeats the same few dozen keys; ecs.StringCache bounds them).
func auditDataKey(key string) string { return auditDataKeys.Get(key) }

var auditDataKeys = ecs.NewStringCache(func(key string) string { return "auditd.data." + key })

// auditTypes maps record type names to their numbers (linux/audit.h, libaudit.h).
var auditTypes = map[string]string{
	"USER_AUTH": "1100", "USER_ACCT": "1101", "USER_MGMT": "1102", "CRED_ACQ": "1103", "CRED_DISP": "1104",
	"USER_START": "1105", "USER_END": "1106", "USER_AVC": "1107", "USER_CHAUTHTOK": "1108", "USER_ERR": "1109",
	"CRED_REFR": "1110", "USYS_CONFIG": "1111", "USER_LOGIN": "1112", "USER_LOGOUT": "1113",
	"ADD_USER": "1114", "DEL_USER": "1115", "ADD_GROUP": "1116", "DEL_GROUP": "1117", "DAC_CHECK": "1118",
	"CHGRP_ID": "1119", "TEST": "1120", "TRUSTED_APP": "1121", "USER_SELINUX_ERR": "1122", "USER_CMD": "1123",
	"USER_TTY": "1124", "CHUSER_ID": "1125", "GRP_AUTH": "1126", "SYSTEM_BOOT": "1127",
	"SYSTEM_SHUTDOWN": "1128", "SYSTEM_RUNLEVEL": "1129", "SERVICE_START": "1130", "SERVICE_STOP": "1131",
	"GRP_MGMT": "1132", "GRP_CHAUTHTOK": "1133", "MAC_CHECK": "1134", "ACCT_LOCK": "1135",
	"ACCT_UNLOCK": "1136", "USER_DEVICE": "1137", "SOFTWARE_UPDATE": "1138",
	"LOGIN":        "1006",
	"DAEMON_START": "1200", "DAEMON_END": "1201", "DAEMON_ABORT": "1202", "DAEMON_CONFIG": "1203",
	"DAEMON_RECONFIG": "1204", "DAEMON_ROTATE": "1205", "DAEMON_RESUME": "1206", "DAEMON_ACCEPT": "1207",
	"DAEMON_CLOSE": "1208", "DAEMON_ERR": "1209",
	"SYSCALL": "1300", "PATH": "1302", "IPC": "1303", "SOCKETCALL": "1304", "CONFIG_CHANGE": "1305",
	"SOCKADDR": "1306", "CWD": "1307", "EXECVE": "1309", "IPC_SET_PERM": "1311", "MQ_OPEN": "1312",
	"MQ_SENDRECV": "1313", "MQ_NOTIFY": "1314", "MQ_GETSETATTR": "1315", "KERNEL_OTHER": "1316",
	"FD_PAIR": "1317", "OBJ_PID": "1318", "TTY": "1319", "EOE": "1320", "BPRM_FCAPS": "1321",
	"CAPSET": "1322", "MMAP": "1323", "NETFILTER_PKT": "1324", "NETFILTER_CFG": "1325", "SECCOMP": "1326",
	"PROCTITLE": "1327", "FEATURE_CHANGE": "1328", "REPLACE": "1329", "KERN_MODULE": "1330",
	"FANOTIFY": "1331", "TIME_INJOFFSET": "1332", "TIME_ADJNTPVAL": "1333", "BPF": "1334",
	"EVENT_LISTENER": "1335", "URINGOP": "1336", "OPENAT2": "1337",
	"AVC": "1400", "SELINUX_ERR": "1401", "AVC_PATH": "1402", "MAC_POLICY_LOAD": "1403",
	"MAC_STATUS": "1404", "MAC_CONFIG_CHANGE": "1405", "MAC_UNLBL_ALLOW": "1406", "MAC_IPSEC_EVENT": "1415",
	"APPARMOR_AUDIT": "1501", "APPARMOR_ALLOWED": "1502", "APPARMOR_DENIED": "1503", "APPARMOR_HINT": "1504",
	"APPARMOR_STATUS": "1505", "APPARMOR_ERROR": "1506",
	"ANOM_PROMISCUOUS": "1700", "ANOM_ABEND": "1701", "ANOM_LINK": "1702", "ANOM_CREAT": "1703",
	"ANOM_LOGIN_FAILURES": "2100", "ANOM_LOGIN_TIME": "2101", "ANOM_LOGIN_SESSIONS": "2102",
	"ANOM_LOGIN_ACCT": "2103", "ANOM_LOGIN_LOCATION": "2104", "ANOM_EXEC": "2112", "ANOM_MK_EXEC": "2113",
	"ANOM_ADD_ACCT": "2114", "ANOM_DEL_ACCT": "2115", "ANOM_MOD_ACCT": "2116", "ANOM_ROOT_TRANS": "2117",
	"KERNEL":           "2000",
	"USER_ROLE_CHANGE": "2300", "ROLE_ASSIGN": "2301", "ROLE_REMOVE": "2302", "LABEL_OVERRIDE": "2303",
	"LABEL_LEVEL_CHANGE": "2304", "DEV_ALLOC": "2307", "DEV_DEALLOC": "2308", "FS_RELABEL": "2309",
	"USER_MAC_POLICY_LOAD": "2310", "ROLE_MODIFY": "2311", "USER_MAC_CONFIG_CHANGE": "2312",
	"CRYPTO_TEST_USER": "2400", "CRYPTO_PARAM_CHANGE_USER": "2401", "CRYPTO_LOGIN": "2402",
	"CRYPTO_LOGOUT": "2403", "CRYPTO_KEY_USER": "2404", "CRYPTO_FAILURE_USER": "2405",
	"CRYPTO_REPLAY_USER": "2406", "CRYPTO_SESSION": "2407", "CRYPTO_IKE_SA": "2408", "CRYPTO_IPSEC_SA": "2409",
	"VIRT_CONTROL": "2500", "VIRT_RESOURCE": "2501", "VIRT_MACHINE_ID": "2502", "VIRT_INTEGRITY_CHECK": "2503",
	"VIRT_CREATE": "2504", "VIRT_DESTROY": "2505", "VIRT_MIGRATE_IN": "2506", "VIRT_MIGRATE_OUT": "2507",
}

var auditTypeByNumber = func() map[string]string {
	m := make(map[string]string, len(auditTypes))
	for name, num := range auditTypes {
		m[num] = name
	}
	return m
}()

// auditActions and auditRules cache the event.action ("user-login") and
// the rule id ("auditd.user_login") of each known type.
var auditActions, auditRules = func() (map[string]string, map[string]string) {
	actions := make(map[string]string, len(auditTypes))
	rules := make(map[string]string, len(auditTypes))
	for name := range auditTypes {
		actions[name] = auditActionOf(name)
		rules[name] = "auditd." + strings.ToLower(name)
	}
	return actions, rules
}()

// auditActionOf is the event.action of a record type or syscall name:
// lower case, words joined by hyphens (USER_LOGIN -> user-login).
func auditActionOf(name string) string {
	return strings.ReplaceAll(strings.ToLower(name), "_", "-")
}

func auditRule(name string) string {
	if r, ok := auditRules[name]; ok {
		return r
	}
	return "auditd." + strings.ToLower(name)
}

// auditAction returns the event.action of a record type.
func auditAction(name string) string {
	if l, ok := auditActions[name]; ok {
		return l
	}
	return auditActionOf(name)
}

// auditTypeName returns the name and number of a record type given either.
func auditTypeName(t string) (name, code string) {
	if _, numeric := ecs.ParseUint(t); numeric {
		if n, ok := auditTypeByNumber[t]; ok {
			return n, t
		}
		return t, t
	}
	return t, auditTypes[t]
}

func auditArchName(a string) string {
	switch a {
	case "c000003e":
		return "x86_64"
	case "40000003":
		return "i386"
	case "c00000b7":
		return "aarch64"
	case "40000028":
		return "arm"
	case "c0000015":
		return "ppc64le"
	case "80000016":
		return "s390x"
	}
	return a
}

// auditSyscallName names a system call given by number: every call of
// x86_64 and aarch64 (audit_syscalls.go), the process-starting ones of the
// other architectures; an unknown number is returned as it is.
func auditSyscallName(arch, nr string) string {
	n, ok := ecs.ParseUint(nr)
	if !ok {
		return nr // already a name (ENRICHED or interpreted logs)
	}
	switch arch {
	case "x86_64":
		if n < int64(len(syscallsX8664)) && syscallsX8664[n] != "" {
			return syscallsX8664[n]
		}
	case "aarch64":
		if n < int64(len(syscallsAarch64)) && syscallsAarch64[n] != "" {
			return syscallsAarch64[n]
		}
	case "i386", "arm", "ppc64le", "s390x":
		if nr == "11" {
			return "execve"
		}
	}
	return nr
}

// auditUntypedType names the type of a record 2.6-era kernels printed
// without "type=" ("audit(1170021493.977:293): avc:  denied ..."), from
// its text: an access decision is AVC, the subsystem's start KERNEL
// (audit_init's "initialized"); "" for any other, which stays unread.
func auditUntypedType(body string) string {
	switch body = strings.TrimSpace(body); {
	case strings.HasPrefix(body, "avc:"):
		return "AVC"
	case body == "initialized":
		return "KERNEL"
	}
	return ""
}

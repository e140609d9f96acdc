// Package apps decodes application servers whose logs are a catalog of
// fixed sentences: FTP servers (vsftpd, proftpd, pure-ftpd, the BSD ftpd
// family and wu-ftpd), dovecot, Courier's and Cyrus's IMAP and POP3
// servers, ClamAV (clamd, freshclam, clamav-milter), the dropbear SSH
// server, fail2ban,
// OpenVPN, BIND, ISC dhcpd and dhclient, chronyd and ntpd, xinetd, NetworkManager, MySQL/MariaDB
// (and MariaDB's server_audit CSV records, mysql_audit.go), PostgreSQL and the session and
// authentication helpers (systemd-logind, polkit, unix_chkpwd, klogind,
// rshd, gdm),
// systemd (its unit and job sentences, and the session scopes), systemd-journald's
// reports of lost messages,
// cron, crontab, anacron and atd, the kernel's own sentences (kernel.go: the OOM
// killer, process faults, USB and disks, RAID, filesystems, lockdown and
// module taint, SYN floods and martians, its reports of lost messages),
// HAProxy's own lines (its traffic logs are package web's), rsyslogd's
// and syslog-ng's, and the identity services: OpenLDAP slapd's statistics
// lines (slapd.go), MIT Kerberos's krb5kdc and kadmind (krb5.go), SSSD's
// own sentences (sssd.go) and Samba's authentication and directory
// audits, as text (samba.go) and as JSON (samba_json.go), and its
// full_audit module's file operations (samba_audit.go).
// gdm's authentication lines are PAM's (pam_unix(gdm-password:auth)) and
// go to package unix.
//
// The message knowledge is data: one catalog per program under catalogs/
// (a long one continued in catalogs/<name>.<part>.toml),
// written in the pattern language of user rules (package rules: a
// pattern per sentence, constant ECS fields, captures mapped to fields),
// compiled once into a prefix tree per catalog. Go code only cuts the
// per-program line head that every sentence shares (vsftpd's "[pid N]
// [user]", pure-ftpd's "(user@host) [LEVEL]", dovecot's "imap-login:",
// OpenVPN's "user/addr:port") and sets what it holds once a sentence
// matched, so a line no sentence knows leaves the event untouched.
package apps

import (
	"embed"
	"fmt"
	"io/fs"
	"strings"
	"sync"
	"time"

	"github.com/nomenhq/nomen/normalize/ecs"
	"github.com/nomenhq/nomen/normalize/rules"
	"github.com/nomenhq/nomen/relay/event"
)

//go:embed catalogs/*.toml
var catalogFiles embed.FS

// head is what a program's line head holds, set only when a sentence of
// the catalog matched the body.
type head struct {
	user, addr, port, pid, level, service string
	db                                    string // the database, for dbField
	version                               string // the program's (service.version)
	code                                  string // the program's number of the message (event.code)
	path                                  string // the file the line is about (file.path)
	time                                  time.Time
}

// catalog is one program's sentences.
type catalog struct {
	name     string   // decoder name, event.provider, catalogs/<name>[.<part>].toml
	programs []string // syslog program names that dispatch here
	// cut splits a message into its head and the body the sentences
	// match; nil means the body is the whole message.
	cut func(msg string) (body string, h head, ok bool)
	// post, if set, finishes a matched event (normalizes a MAC address).
	post func(e *event.Event)
	// dbField is where the head's database goes.
	dbField string
	// sniff, if set, recognises the program's lines that carry no syslog
	// tag (its own log file).
	sniff func(e *event.Event) bool
	gate  ecs.SniffGate // sniff's gate
	// set is the catalog compiled, on its first use (see sentences).
	once sync.Once
	set  *rules.Set
}

// catalogs lists the programs in dispatch order.
var catalogs = []*catalog{
	{name: "vsftpd", programs: []string{"vsftpd"}, cut: cutVsftpd, sniff: sniffVsftpdLog, gate: gateVsftpdLog},
	{name: "proftpd", programs: []string{"proftpd"}},
	{name: "ftpd", programs: []string{"ftpd", "in.ftpd", "wu-ftpd", "wu.ftpd"}},
	{name: "pure-ftpd", programs: []string{"pure-ftpd", "pure-ftpd-mysql", "pure-ftpd-ldap", "pure-ftpd-postgresql"}, cut: cutPureFTPd},
	{name: "dovecot", programs: []string{"dovecot", "imap-login", "pop3-login", "submission-login", "managesieve-login"}, cut: cutDovecot, post: postDovecot},
	{name: "openvpn", programs: []string{"openvpn", "ovpn-server", "ovpn-client", "nm-openvpn", "openvpn_*"}, cut: cutOpenVPN, post: postOpenVPN},
	{name: "bind", programs: []string{"named", "bind"}, cut: cutBind, post: postBind, sniff: sniffBindLog, gate: gateBindLog},
	{name: "dhcpd", programs: []string{"dhcpd", "dhcpd6"}, post: postDHCPD},
	{name: "dhclient", programs: []string{"dhclient", "dhclient3"}},
	{name: "chronyd", programs: []string{"chronyd"}},
	{name: "ntpd", programs: []string{"ntpd"}},
	{name: "xinetd", programs: []string{"xinetd"}},
	{name: "networkmanager", programs: []string{"networkmanager"}, cut: cutNetworkManager},
	{name: "mysql", programs: []string{"mysqld", "mariadbd", "mysql", "mariadb"}, cut: cutMySQL, post: postMySQL, sniff: sniffMySQLLog, gate: gateMySQLLog},
	{name: "postgresql", programs: []string{"postgres", "postgresql", "postmaster"}, cut: cutPostgres, post: postPostgres, dbField: "postgresql.database"},
	{name: "systemd-logind", programs: []string{"systemd-logind"}},
	{name: "polkit", programs: []string{"polkitd", "polkit-agent-helper-1"}},
	{name: "unix_chkpwd", programs: []string{"unix_chkpwd"}},
	{name: "cron", programs: []string{"cron", "crond", "crontab"}},
	{name: "anacron", programs: []string{"anacron"}},
	{name: "atd", programs: []string{"atd"}},
	{name: "klogind", programs: []string{"klogind", "kshd", "login.krb5"}},
	{name: "rshd", programs: []string{"rshd", "in.rshd"}, cut: cutRshd},
	{name: "gdm", programs: []string{"gdm", "gdm-binary", "gdm3"}},
	{name: "systemd", programs: []string{"systemd"}, cut: cutSystemd, post: postSystemd},
	{name: "systemd-journald", programs: []string{"systemd-journald"}},
	{name: "haproxy", programs: []string{"haproxy"}, cut: cutHAProxy, post: postHAProxy},
	{name: "dropbear", programs: []string{"dropbear"}, cut: cutDropbear},
	{name: "rsyslogd", programs: []string{"rsyslogd", "rsyslogd-*"}, cut: cutRsyslog, post: postRsyslog},
	{name: "syslog-ng", programs: []string{"syslog-ng"}, cut: cutSyslogNG, post: postSyslogNG},
	{name: "clamd", programs: []string{"clamd", "clamav-daemon", "clamonacc"}, cut: cutClamd, post: postClamd},
	{name: "freshclam", programs: []string{"freshclam"}, cut: cutClamAVLevel},
	{name: "clamav-milter", programs: []string{"clamav-milter"}, cut: cutClamAVLevel, post: postClamavMilter},
	{name: "courier", programs: []string{"imapd", "imapd-ssl", "pop3d", "pop3d-ssl", "courier-imapd", "courier-pop3d"}, cut: cutCourier, post: postCourier},
	// Cyrus after Courier: a Cyrus set up to log as imapd or pop3d is tried when no Courier sentence matched.
	{name: "cyrus", programs: []string{"cyrus/*", "imap", "imaps", "pop3", "pop3s", "lmtpunix", "lmtp", "nntp", "cyrus", "imapd", "pop3d"}, post: postCyrus},
	{name: "slapd", programs: []string{"slapd"}, cut: cutSlapd, post: postSlapd},
	{name: "krb5kdc", programs: []string{"krb5kdc"}, cut: cutKrb5kdc, post: postKrb5kdc, sniff: sniffKlog("krb5kdc"), gate: gateKlog},
	{name: "kadmind", programs: []string{"kadmind"}, cut: cutKadmind, post: postKadmind, sniff: sniffKlog("kadmind"), gate: gateKlog},
	{name: "sssd", programs: []string{"sssd", "sssd_*", "krb5_child", "ldap_child"}, cut: cutSSSD, post: postSSSD, sniff: sniffSSSD, gate: gateSSSD},
	{name: "samba", programs: []string{"smbd", "winbindd", "samba", "samba-dcerpcd"}, cut: cutSamba, post: postSamba},
	{name: "fail2ban", programs: []string{"fail2ban.*", "fail2ban-server"}, cut: cutFail2ban, sniff: sniffFail2ban, gate: gateFail2ban},
}

// kernelCatalog is the kernel's (kernel.toml and its parts). It is
// not in catalogs: builtin.go dispatches it after the network family, so
// that the netfilter lines, most of what "kernel" logs, are iptables's
// without paying for this catalog first.
var kernelCatalog = &catalog{name: "kernel", programs: []string{"kernel"}, cut: cutKernel, post: postKernel}

// allCatalogs is every catalog, the kernel's too.
func allCatalogs() []*catalog {
	return append(catalogs[:len(catalogs):len(catalogs)], kernelCatalog)
}

// sentences returns the catalog compiled. It is compiled on the first
// event for its program, not at start: most hosts run a few of these
// programs, and compiling all of them at start cost ~28 ms and left
// ~1.4 MB of prefix trees on the heap (~11 MB allocated), raising every
// relay's resident memory. A catalog compiles in a millisecond or two
// (BIND's hundred sentences in about 12 ms, most of it reading the TOML),
// well inside what a listener's queue holds at any rate. The tests
// compile every catalog, so a bad one fails there, not on an event.
func (c *catalog) sentences() *rules.Set {
	c.once.Do(func() {
		files, err := c.files()
		if err != nil {
			panic(fmt.Sprintf("apps: catalog %s: %v", c.name, err))
		}
		if c.set, err = rules.ParseFiles(files...); err != nil {
			panic(fmt.Sprintf("apps: %v", err))
		}
	})
	return c.set
}

// files reads the catalog: catalogs/<name>.toml, then the files a long
// catalog continues in, catalogs/<name>.<part>.toml, in name order.
func (c *catalog) files() ([]rules.File, error) {
	more, err := fs.Glob(catalogFiles, "catalogs/"+c.name+".*.toml")
	if err != nil {
		return nil, err
	}
	var files []rules.File
	for _, path := range append([]string{"catalogs/" + c.name + ".toml"}, more...) {
		data, err := catalogFiles.ReadFile(path)
		if err != nil {
			return nil, err
		}
		files = append(files, rules.File{Name: strings.TrimPrefix(path, "catalogs/"), Data: data})
	}
	return files, nil
}

// Decoders returns the application decoders.
func Decoders() []*ecs.Decoder {
	ds := make([]*ecs.Decoder, 0, len(catalogs)+1)
	for _, c := range catalogs {
		ds = append(ds, c.decoder())
	}
	return append(ds, mysqlAuditDecoder, sambaJSONDecoder, smbAuditDecoder)
}

// KernelDecoders returns the kernel's decoder, to be dispatched after the
// network family's iptables.
func KernelDecoders() []*ecs.Decoder {
	return []*ecs.Decoder{kernelCatalog.decoder()}
}

func (c *catalog) decoder() *ecs.Decoder {
	return &ecs.Decoder{Name: c.name, Programs: c.programs, Sniff: c.sniff, Gate: c.gate, Decode: c.decode}
}

// decode matches the message body against the catalog; on a match the
// sentence's fields, the head's and event.provider are set.
func (c *catalog) decode(e *event.Event) bool {
	msg := e.Message
	body, h := msg, head{}
	if c.cut != nil {
		var ok bool
		if body, h, ok = c.cut(msg); !ok {
			return false
		}
	}
	e.Message = body
	name := c.sentences().Apply("", e)
	e.Message = msg
	if name == "" {
		return false
	}
	ecs.SetProvider(e, c.name)
	if h.user != "" && !e.Has("user.name") {
		ecs.SetUser(e, "user.name", h.user)
	}
	if h.addr != "" && !e.Has("source.ip") && !e.Has("source.domain") {
		ecs.SetAddress(e, "source", h.addr)
		if h.port != "" && !e.Has("source.port") {
			ecs.SetPort(e, "source.port", h.port)
		}
	}
	if h.pid != "" && !e.Has("process.pid") {
		ecs.SetUint(e, "process.pid", h.pid)
	}
	if h.db != "" && c.dbField != "" && !e.Has(c.dbField) {
		e.SetStr(c.dbField, h.db)
	}
	if h.level != "" {
		e.SetStr("log.level", h.level)
	}
	if h.path != "" && !e.Has("file.path") {
		e.SetStr("file.path", h.path)
	}
	if h.service != "" {
		e.SetStr("service.name", h.service)
	}
	e.SetStr("service.version", h.version)
	e.SetStr("event.code", h.code)
	ecs.SetTimeIfNone(e, h.time)
	if c.post != nil {
		c.post(e)
	}
	return true
}

package apps

import (
	"strings"

	"github.com/nomenhq/nomen/normalize/ecs"
	"github.com/nomenhq/nomen/relay/event"
)

// Samba's full_audit VFS module (source3/modules/vfs_full_audit.c
// do_log) writes one syslog line per file operation under the ident
// "smbd_audit":
//
//	PREFIX|OPERATION|ok|ARGUMENTS...
//	PREFIX|OPERATION|fail (ERROR)|ARGUMENTS...
//
// with the default prefix "%u|%I": the session's user and the client's
// address. Another prefix is the site's own format and is not read
// (the second field must be an address). The arguments are the
// operation's, the path last (renameat: the source, then the
// destination, samba.destination_path; create_file: access mask, file
// or dir, disposition,
// path). Windows names hold no "|", so the fields split on it.

// smbAuditOp is what one operation means.
type smbAuditOp struct {
	action string
	class  ecs.Class
}

var (
	smbFileAccess = ecs.NewClass(ecs.Cats("file"), "access")
	smbFileChange = ecs.NewClass(ecs.Cats("file"), "change")
	smbFileCreate = ecs.NewClass(ecs.Cats("file"), "creation")
	smbFileDelete = ecs.NewClass(ecs.Cats("file"), "deletion")
	smbFileInfo   = ecs.NewClass(ecs.Cats("file"), "info")
)

// smbAuditOps are the operations full_audit names (audit_opname, the
// VFS calls; older Samba's names without "at" too). An operation not
// here is a file/info smb-file-operation.
var smbAuditOps = map[string]smbAuditOp{
	"connect":             {"smb-share-connect", ecs.ClassSessionStart},
	"disconnect":          {"smb-share-disconnect", ecs.ClassSessionEnd},
	"open":                {"smb-file-open", smbFileAccess},
	"openat":              {"smb-file-open", smbFileAccess},
	"create_file":         {"smb-file-open", smbFileAccess},
	"pread":               {"smb-file-read", smbFileAccess},
	"pread_send":          {"smb-file-read", smbFileAccess},
	"read":                {"smb-file-read", smbFileAccess},
	"pwrite":              {"smb-file-write", smbFileChange},
	"pwrite_send":         {"smb-file-write", smbFileChange},
	"write":               {"smb-file-write", smbFileChange},
	"unlink":              {"smb-file-delete", smbFileDelete},
	"unlinkat":            {"smb-file-delete", smbFileDelete},
	"rmdir":               {"smb-file-delete", smbFileDelete},
	"rename":              {"smb-file-rename", smbFileChange},
	"renameat":            {"smb-file-rename", smbFileChange},
	"mkdir":               {"smb-directory-create", smbFileCreate},
	"mkdirat":             {"smb-directory-create", smbFileCreate},
	"close":               {"smb-file-close", smbFileInfo},
	"chmod":               {"smb-file-permission-change", smbFileChange},
	"fchmod":              {"smb-file-permission-change", smbFileChange},
	"chown":               {"smb-file-owner-change", smbFileChange},
	"fchown":              {"smb-file-owner-change", smbFileChange},
	"lchown":              {"smb-file-owner-change", smbFileChange},
	"fset_nt_acl":         {"smb-file-acl-change", smbFileChange},
	"ftruncate":           {"smb-file-write", smbFileChange},
	"fntimes":             {"smb-file-times-change", smbFileChange},
	"ntimes":              {"smb-file-times-change", smbFileChange},
	"symlinkat":           {"smb-file-link", smbFileCreate},
	"linkat":              {"smb-file-link", smbFileCreate},
	"opendir":             {"smb-directory-open", smbFileAccess},
	"fdopendir":           {"smb-directory-open", smbFileAccess},
	"get_nt_acl_at":       {"smb-file-acl-read", smbFileAccess},
	"fget_nt_acl":         {"smb-file-acl-read", smbFileAccess},
	"fsetxattr":           {"smb-file-attributes-change", smbFileChange},
	"fremovexattr":        {"smb-file-attributes-change", smbFileChange},
	"fset_dos_attributes": {"smb-file-attributes-change", smbFileChange},
}

var smbAuditDecoder = &ecs.Decoder{Name: "samba-audit", Programs: []string{"smbd_audit"}, Decode: decodeSmbAudit}

// decodeSmbAudit decodes one full_audit line with the default prefix.
func decodeSmbAudit(e *event.Event) bool {
	f := strings.Split(strings.TrimSpace(e.Message), "|")
	if len(f) < 4 || !ecs.IsIP(f[1]) {
		return false
	}
	user, addr, opname, status, args := f[0], f[1], f[2], f[3], f[4:]
	outcome, reason := ecs.OutcomeSuccess, ""
	switch {
	case status == "ok":
	case strings.HasPrefix(status, "fail"):
		outcome = ecs.OutcomeFailure
		reason = strings.TrimSuffix(strings.TrimPrefix(strings.TrimPrefix(status, "fail"), " ("), ")")
	default:
		return false
	}
	op, ok := smbAuditOps[opname]
	if !ok {
		op = smbAuditOp{"smb-file-operation", smbFileInfo}
	}
	ecs.Begin(e, "samba", "samba.full_audit")
	op.class.Set(e, op.action, outcome)
	e.SetStr("event.reason", reason)
	e.SetStr("samba.operation", opname)
	ecs.SetUser(e, "user.name", user)
	ecs.SetAddress(e, "source", addr)
	switch {
	case opname == "connect" || opname == "disconnect":
		if len(args) > 0 {
			e.SetStr("samba.share", args[0])
		}
	case (opname == "renameat" || opname == "rename") && len(args) >= 2:
		e.SetStr("file.path", args[len(args)-2])
		e.SetStr("samba.destination_path", args[len(args)-1]) // ECS's file.target_path is a link's target
	case len(args) > 0 && args[len(args)-1] != "":
		e.SetStr("file.path", args[len(args)-1])
	}
	return true
}

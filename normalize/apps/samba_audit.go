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
// operation's, in an order of its own (openat: r or w, then the path;
// fchmod: the path, then the mode; renameat: the source, then the
// destination, samba.destination_path). The prefix's user and address
// and the operation and status hold no "|"; a file's Unix name may (a
// POSIX client's, or one made on the server), so the path is what lies
// between an operation's fixed arguments (smbAuditOps), joined again.

// smbAuditOp is what one operation means, and where its path is among
// its arguments: after lead fixed ones ("r|PATH") and before trail
// ("PATH|MODE"). The path is the one argument a client names (a Unix
// name may hold "|"), so it is what lies between: never a mode, an
// owner, a time or an attribute name. twoPaths: the arguments are a
// source and a destination (renameat, linkat); noPath: none is a path.
type smbAuditOp struct {
	action           string
	class            ecs.Class
	lead, trail      int
	twoPaths, noPath bool
}

var (
	smbFileAccess = ecs.NewClass(ecs.Cats("file"), "access")
	smbFileChange = ecs.NewClass(ecs.Cats("file"), "change")
	smbFileCreate = ecs.NewClass(ecs.Cats("file"), "creation")
	smbFileDelete = ecs.NewClass(ecs.Cats("file"), "deletion")
	smbFileInfo   = ecs.NewClass(ecs.Cats("file"), "info")
)

// smbAuditOps are the operations full_audit names (audit_opname, the
// VFS calls; older Samba's names without "at" too), with their
// arguments as vfs_full_audit.c formats them. An operation not here is
// a file/info smb-file-operation whose one argument, when it has one,
// is its path.
var smbAuditOps = map[string]smbAuditOp{
	"connect":             {action: "smb-share-connect", class: ecs.ClassSessionStart},
	"disconnect":          {action: "smb-share-disconnect", class: ecs.ClassSessionEnd},
	"open":                {action: "smb-file-open", class: smbFileAccess, lead: 1}, // r|w, path
	"openat":              {action: "smb-file-open", class: smbFileAccess, lead: 1}, // r|w, path
	"create_file":         {action: "smb-file-open", class: smbFileAccess, lead: 3}, // mask, file|dir, disposition, path
	"pread":               {action: "smb-file-read", class: smbFileAccess},
	"pread_send":          {action: "smb-file-read", class: smbFileAccess},
	"read":                {action: "smb-file-read", class: smbFileAccess},
	"pwrite":              {action: "smb-file-write", class: smbFileChange},
	"pwrite_send":         {action: "smb-file-write", class: smbFileChange},
	"write":               {action: "smb-file-write", class: smbFileChange},
	"unlink":              {action: "smb-file-delete", class: smbFileDelete},
	"unlinkat":            {action: "smb-file-delete", class: smbFileDelete},
	"rmdir":               {action: "smb-file-delete", class: smbFileDelete},
	"rename":              {action: "smb-file-rename", class: smbFileChange, twoPaths: true},
	"renameat":            {action: "smb-file-rename", class: smbFileChange, twoPaths: true},
	"mkdir":               {action: "smb-directory-create", class: smbFileCreate},
	"mkdirat":             {action: "smb-directory-create", class: smbFileCreate},
	"close":               {action: "smb-file-close", class: smbFileInfo},
	"chmod":               {action: "smb-file-permission-change", class: smbFileChange, trail: 1}, // path, mode
	"fchmod":              {action: "smb-file-permission-change", class: smbFileChange, trail: 1},
	"chown":               {action: "smb-file-owner-change", class: smbFileChange, trail: 2}, // path, uid, gid
	"fchown":              {action: "smb-file-owner-change", class: smbFileChange, trail: 2},
	"lchown":              {action: "smb-file-owner-change", class: smbFileChange, trail: 2},
	"fset_nt_acl":         {action: "smb-file-acl-change", class: smbFileChange}, // "path [SDDL]": smbAuditPath
	"ftruncate":           {action: "smb-file-write", class: smbFileChange},
	"fntimes":             {action: "smb-file-times-change", class: smbFileChange, trail: 4}, // path, 4 times
	"ntimes":              {action: "smb-file-times-change", class: smbFileChange, trail: 4},
	"symlinkat":           {action: "smb-file-link", class: smbFileCreate, twoPaths: true}, // link contents, new path
	"linkat":              {action: "smb-file-link", class: smbFileCreate, twoPaths: true},
	"opendir":             {action: "smb-directory-open", class: smbFileAccess},
	"fdopendir":           {action: "smb-directory-open", class: smbFileAccess},
	"get_nt_acl_at":       {action: "smb-file-acl-read", class: smbFileAccess},
	"fget_nt_acl":         {action: "smb-file-acl-read", class: smbFileAccess},
	"fsetxattr":           {action: "smb-file-attributes-change", class: smbFileChange, trail: 1}, // path, name
	"fremovexattr":        {action: "smb-file-attributes-change", class: smbFileChange, trail: 1},
	"fset_dos_attributes": {action: "smb-file-attributes-change", class: smbFileChange},
	// Operations of no action of their own whose argument is not (only) a path.
	"get_alloc_size":  {action: "smb-file-operation", class: smbFileInfo, noPath: true}, // a size
	"chdir":           {action: "smb-file-operation", class: smbFileInfo, lead: 1},      // "chdir", path
	"fgetxattr":       {action: "smb-file-operation", class: smbFileInfo, trail: 1},     // path, name
	"getxattrat_send": {action: "smb-file-operation", class: smbFileInfo, trail: 1},
	"getxattrat_recv": {action: "smb-file-operation", class: smbFileInfo, trail: 1},
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
	op, known := smbAuditOps[opname]
	if !known {
		op = smbAuditOp{action: "smb-file-operation", class: smbFileInfo}
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
	case op.twoPaths:
		if src, dst, ok := smbAuditPaths(args); ok {
			if opname == "symlinkat" {
				e.SetStr("file.path", dst) // the link; src is its contents
				break
			}
			e.SetStr("file.path", src)
			e.SetStr("samba.destination_path", dst) // ECS's file.target_path is a link's target
		}
	case op.noPath:
	case known || len(args) == 1:
		e.SetStr("file.path", smbAuditPath(opname, args, op.lead, op.trail))
	}
	return true
}

// smbAuditPath is the path among an operation's arguments: those
// between the lead and trail fixed ones, joined again by the "|" the
// split took out of the name. fset_nt_acl writes "PATH [SDDL]".
func smbAuditPath(opname string, args []string, lead, trail int) string {
	if len(args) <= lead+trail {
		return ""
	}
	p := strings.Join(args[lead:len(args)-trail], "|")
	if opname == "fset_nt_acl" {
		if i := strings.LastIndex(p, " ["); i >= 0 && strings.HasSuffix(p, "]") {
			p = p[:i]
		}
	}
	return p
}

// smbAuditPaths splits a source and a destination: two arguments, or,
// when a name held "|", exactly two absolute paths (since 4.15 Samba
// logs every path from the root). Otherwise neither is known.
func smbAuditPaths(args []string) (src, dst string, ok bool) {
	if len(args) == 2 {
		return args[0], args[1], args[0] != "" && args[1] != ""
	}
	at := -1
	for i, a := range args {
		if i > 0 && strings.HasPrefix(a, "/") {
			if at >= 0 {
				return "", "", false
			}
			at = i
		}
	}
	if at < 0 || !strings.HasPrefix(args[0], "/") {
		return "", "", false
	}
	return strings.Join(args[:at], "|"), strings.Join(args[at:], "|"), true
}

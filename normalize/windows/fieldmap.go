package windows

import (
	"strings"
	"time"

	"github.com/nomenhq/nomen/normalize/ecs"
	"github.com/nomenhq/nomen/normalize/wincatalog"
	"github.com/nomenhq/nomen/relay/event"
)

// mapFields sets the ECS fields of an event from its EventData, as its
// catalog row's field maps say. When several maps have one target, the
// first whose value is present and decodes wins. A SID is set after the
// other maps: a role's SID is kept when the role has a name (the name may
// come later in the row) or names a well-known account (S-1-5-18 ->
// SYSTEM); a SID alone is kept as the role's id, for the agent to resolve.
// related.* is collected while mapping and written once, at the end.
func (w *winEvent) mapFields(e *event.Event, ent *wincatalog.Entry) {
	var rel ecs.Related
	var done uint64 // bit i: ent.Fields[i] set its target (rows have fewer than 64 maps)
	var sids [8]pendingSID
	nsid := 0
	for i := range ent.Fields {
		f := &ent.Fields[i]
		if i >= 64 || done&f.Earlier != 0 { // an earlier map set this target
			continue
		}
		if f.Decode == wincatalog.DecodeSID {
			v := w.tok(f.From)
			if !strings.HasPrefix(v, "S-1-") || nsid == len(sids) || pendingHas(sids[:nsid], f.To) {
				continue
			}
			sids[nsid] = pendingSID{f.To, v, w.account(f.From)}
			nsid++
			done |= 1 << i
			continue
		}
		if w.mapField(e, &rel, f) {
			done |= 1 << i
		}
	}
	for _, s := range sids[:nsid] {
		setSID(e, &rel, s.to, s.sid, s.account)
	}
	rel.Flush(e, w.fieldsFrom)
}

type pendingSID struct{ to, sid, account string }

func pendingHas(ps []pendingSID, to string) bool {
	for _, p := range ps {
		if p.to == to {
			return true
		}
	}
	return false
}

// mapField sets one map's target from its EventData value; false when the
// value is absent or does not decode (the next map of that target may).
// Long because it is the table of decodings (wincatalog.Decode*), a case
// each.
func (w *winEvent) mapField(e *event.Event, rel *ecs.Related, f *wincatalog.Field) bool {
	switch f.Decode {
	case wincatalog.DecodeNone:
		if isRawEcho(f) && w.structured {
			return false // it stays in winlog.event_data as it came
		} // a text road writes no winlog.event_data: the map sets the name's value
		v := w.val(f.From)
		if strings.HasPrefix(f.To, "winlog.logon.failure.") {
			v = logonFailure(w.tok(f.From))
		}
		return setValue(e, rel, f.To, v)
	case wincatalog.DecodeHex, wincatalog.DecodeInt:
		var n int64
		var ok bool
		if f.Decode == wincatalog.DecodeHex {
			n, ok = winPID(w.tok(f.From))
		} else {
			n, ok = ecs.ParseUint(w.tok(f.From))
		}
		if !ok || n == 0 && strings.HasSuffix(f.To, ".pid") {
			return false // pid 0: no process (a network logon)
		}
		e.SetInt(f.To, n)
	case wincatalog.DecodeLogonID:
		return setValue(e, rel, f.To, winLogonID(w.tok(f.From)))
	case wincatalog.DecodeLogonType:
		v := w.tok(f.From)
		if n, ok := ecs.ParseUint(v); ok && n < 64 {
			if name := wincatalog.LogonType(int(n)); name != "" {
				v = name
			}
		}
		return setValue(e, rel, f.To, v)
	case wincatalog.DecodeStatus:
		v := w.tok(f.From)
		if n, ok := wincatalog.ParseMask(v); !ok || n == 0 {
			return false // 0x0: no error, no reason
		}
		return setValue(e, rel, f.To, wincatalog.Status(v))
	case wincatalog.DecodeMessage:
		v := w.val(f.From)
		if strings.HasPrefix(v, "%%") {
			if text := wincatalog.Message(v); text != "" {
				v = text
			}
		}
		return setValue(e, rel, f.To, v)
	case wincatalog.DecodeDirection:
		return setValue(e, rel, f.To, wincatalog.Message(w.tok(f.From)))
	case wincatalog.DecodeUAC, wincatalog.DecodeAccessMask:
		return w.setFlags(e, f)
	case wincatalog.DecodeAccount:
		return setAccount(e, rel, f.To, w.val(f.From))
	case wincatalog.DecodeHashes:
		return setHashes(e, rel, f.To, w.val(f.From))
	case wincatalog.DecodeObjectPath:
		key := wincatalog.ObjectPathField(w.val("ObjectType"))
		return key != "" && setValue(e, rel, key, w.val(f.From))
	case wincatalog.DecodeIP:
		return rel.SetIP(e, f.To, strings.TrimPrefix(w.tok(f.From), "::ffff:"))
	case wincatalog.DecodePort:
		return ecs.SetPort(e, f.To, w.tok(f.From)) // 0 too: Microsoft's "no remote port" (a local or interactive logon)
	case wincatalog.DecodeHost:
		return setHost(e, rel, f.To, w.tok(f.From))
	case wincatalog.DecodeInitiated:
		return setByFlag(e, f.To, w.tok(f.From), "egress", "ingress")
	case wincatalog.DecodeDNSResults:
		return setDNSResults(e, rel, f.To, w.val(f.From))
	case wincatalog.DecodeRegistryPath:
		return w.setRegistryPath(e, f.To, w.val(f.From))
	case wincatalog.DecodeRegistryKeyValue:
		return w.setRegistryKeyValue(e, f.To, w.val(f.From))
	case wincatalog.DecodeServiceType:
		v := w.val(f.From)
		if strings.HasPrefix(v, "0x") {
			v = wincatalog.ServiceType(v) // an unknown code says nothing
		}
		return setValue(e, rel, f.To, v)
	case wincatalog.DecodeRegistryData:
		return setRegistryData(e, f.To, w.val(f.From))
	case wincatalog.DecodeArgv, wincatalog.DecodeArgvQuoted:
		return setArgs(e, f.To, w.val(f.From), f.Decode == wincatalog.DecodeArgvQuoted)
	case wincatalog.DecodeContextInfo:
		return setContextInfo(e, rel, w.val(f.From))
	case wincatalog.DecodeIANANumber:
		v := w.tok(f.From)
		if n, ok := ecs.ParseUint(v); !ok || n > 255 {
			return false
		}
		ecs.SetTransport(e, v) // network.iana_number and ECS's network.transport, the protocol's name ("tcp" for 6)
	case wincatalog.DecodeSignedFailure:
		v := ecs.TrimSpace(w.val(f.From))
		if !strings.HasPrefix(v, "failed") {
			return false
		}
		e.SetStr(f.To, v)
	case wincatalog.DecodeSharePath:
		return setValue(e, rel, f.To, sharePath(w.val("ShareLocalPath"), w.val(f.From)))
	case wincatalog.DecodeURL:
		return setURL(e, rel, f.To, ecs.TrimSpace(w.val(f.From)))
	case wincatalog.DecodeVerbatim:
		v := w.raw(f.From)
		if v == "" {
			return false
		}
		e.SetStr(f.To, v) // shares the EventData value's bytes
	case wincatalog.DecodeDNSQuery:
		name := w.tok(f.From)
		if !setHost(e, rel, f.To, name) {
			return false
		}
		e.SetStr("network.protocol", "dns") // a query's protocol, whatever its port
		if prefix, ok := strings.CutSuffix(f.To, ".name"); ok {
			setDomainParts(e, prefix, name)
		}
	case wincatalog.DecodeDNSStatus:
		v := w.tok(f.From)
		if name := wincatalog.DNSStatus(v); name != "" {
			v = name
		}
		return setValue(e, rel, f.To, v)
	case wincatalog.DecodeSignatureValid:
		switch status := w.tok(f.From); status {
		case "", "Unavailable": // unsigned, or not checked: no verdict
			return false
		default: // Expired, Revoked, Invalid...
			e.Set(f.To, event.Bool(status == "Valid"))
		}
	case wincatalog.DecodeBool:
		switch strings.ToLower(w.tok(f.From)) {
		case "true":
			e.Set(f.To, event.Bool(true))
		case "false":
			e.Set(f.To, event.Bool(false))
		default:
			return false
		}
	case wincatalog.DecodeTicketOptions:
		names := wincatalog.TicketOptions(w.tok(f.From))
		if len(names) == 0 {
			return false
		}
		e.Set(f.To, event.Strings(names...))
	case wincatalog.DecodeKerberosEncType:
		v := wincatalog.KerberosEncType(w.tok(f.From))
		return v != "" && setValue(e, rel, f.To, v)
	case wincatalog.DecodeKerberosStatus:
		v := wincatalog.KerberosStatusName(w.tok(f.From))
		return v != "" && setValue(e, rel, f.To, v)
	case wincatalog.DecodeWords:
		return setWords(e, f.To, w.val(f.From))
	case wincatalog.DecodePath:
		v := w.val(f.From)
		return strings.IndexByte(v, '\\') >= 0 && setValue(e, rel, f.To, v)
	case wincatalog.DecodeNamed:
		v := w.val(f.From)
		return !(strings.HasPrefix(v, "<") && strings.HasSuffix(v, ">")) && setValue(e, rel, f.To, v) // no Windows path or name holds < or >
	case wincatalog.DecodeGUID:
		v := w.tok(f.From)
		return !zeroGUID(v) && setValue(e, rel, f.To, v)
	case wincatalog.DecodeUTCTime:
		t, ok := sysmonTime(ecs.TrimSpace(w.val(f.From)))
		if ok {
			e.SetStr(f.To, t.Format(time.RFC3339Nano))
		}
		return ok
	case wincatalog.DecodePathOnHost:
		v := pathOnHost(w.val(f.From))
		return strings.IndexByte(v, '\\') >= 0 && setValue(e, rel, f.To, v)
	case wincatalog.DecodeSIDNames:
		var names []string
		for _, sid := range strings.Fields(w.val(f.From)) {
			sid = strings.TrimSuffix(strings.TrimPrefix(sid, "%{"), "}")
			if !strings.HasPrefix(sid, "S-1-") {
				continue
			}
			if name := wincatalog.WellKnownSID(sid); name != "" {
				sid = name
			}
			names = append(names, sid)
		}
		if len(names) == 0 {
			return false
		}
		e.Set(f.To, event.Strings(names...))
	case wincatalog.DecodeMessages:
		return setMessages(e, f.To, w.val(f.From))
	case wincatalog.DecodeTaskXML:
		return w.setScheduledTask(e, f.To, w.val(f.From))
	case wincatalog.DecodeMessageCodes:
		codes := messageCodes(w.val(f.From))
		if len(codes) == 0 {
			return false
		}
		e.Set(f.To, event.Strings(codes...))
	case wincatalog.DecodeTrustType, wincatalog.DecodeTrustDirection, wincatalog.DecodeTrustAttribute:
		v := wincatalog.Trust(f.Decode, w.tok(f.From))
		return v != "" && setValue(e, rel, f.To, v)
	case wincatalog.DecodeInvocationDetails:
		return setInvocationDetails(e, f.To, w.val(f.From))
	case wincatalog.DecodeDefenderPath:
		return setValue(e, rel, f.To, defenderPath(w.val(f.From)))
	case wincatalog.DecodeFQBN:
		return setFQBN(e, f.To, w.val(f.From))
	case wincatalog.DecodeDefenderPaths:
		var paths []string
		for _, res := range strings.Split(w.val(f.From), ";") {
			if _, p, ok := strings.Cut(ecs.TrimSpace(res), ":_"); ok && p != "" {
				paths = append(paths, p)
			}
		}
		if len(paths) == 0 {
			return false
		}
		e.Set(f.To, event.Strings(paths...))
	case wincatalog.DecodeSDDL:
		return w.setSecurityDescriptor(e, f.To, w.val(f.From))
	case wincatalog.DecodeIPv6Flag:
		return setByFlag(e, f.To, w.tok(f.From), "ipv6", "ipv4")
	default:
		return false
	}
	return true
}

// logonFailure is winlog.logon.failure.status or .sub_status: the code's
// description (Microsoft's 4625 page, as Winlogbeat gives it), else the
// code in lower case; "" for no code or 0x0.
func logonFailure(code string) string {
	if text := wincatalog.LogonFailureText(code); text != "" {
		return text
	}
	if v := winHexLower(code); v != "0x0" {
		return v
	}
	return ""
}

// messageCodes are the numbers of a list of "%%NNNN" parameter messages
// (4720's UserAccountControl "%%2080\r\n\t\t%%2082"), nil when any
// part is not such a code (a rendered "'Don't Expire Password' -
// Enabled" stays as it came).
func messageCodes(v string) []string {
	var codes []string
	for _, part := range strings.FieldsFunc(v, isListSeparator) {
		code, ok := strings.CutPrefix(part, "%%")
		if !ok || code == "" || strings.Trim(code, "0123456789") != "" {
			return nil
		}
		codes = append(codes, code)
	}
	return codes
}

// isListSeparator: the codes of a list of messages are apart by white
// space (4663's AccessList) or ", " (4719's AuditPolicyChanges).
func isListSeparator(r rune) bool { return r == ',' || r == ' ' || r == '\t' || r == '\r' || r == '\n' }

// setWords sets key to the words of v (a privilege list, one a line), in
// place of the value as given when winlog.event_data holds it already; "-"
// (none) stays as it is.
func setWords(e *event.Event, key, v string) bool {
	words := strings.Fields(v)
	if len(words) == 0 || v == "-" {
		return false
	}
	list := event.Strings(words...)
	if p := e.FieldRef(key); p != nil {
		*p = list
		return true
	}
	e.Set(key, list)
	return true
}

// isRawEcho reports whether f maps a name to winlog.event_data.<same name>:
// the catalog's way of saying it has no ECS home.
func isRawEcho(f *wincatalog.Field) bool {
	const p = "winlog.event_data."
	return len(f.To) == len(p)+len(f.From) && strings.HasPrefix(f.To, p) && strings.HasSuffix(f.To, f.From)
}

// setValue sets a plain value; user names also go to related.user (a
// "DOMAIN\name" split), executables and paths also give their file name.
func setValue(e *event.Event, rel *ecs.Related, key, v string) bool {
	if v == "" {
		return false
	}
	switch key {
	case "user.name", "user.target.name", "user.effective.name", "source.user.name":
		return setAccount(e, rel, key, v)
	case "related.user":
		rel.AddUser(e, v)
		return true
	case "registry.path":
		v = registryHiveName(v) // ECS's form, HKLM\...: as Sysmon's
	case "registry.data.strings": // ECS's is a list, as Sysmon's Details gives it (setRegistryData)
		e.Set(key, event.Strings(v))
		return true
	}
	e.SetStr(key, v)
	if nameKey := fileNameKey(key); nameKey != "" {
		e.SetStr(nameKey, winBaseName(v))
	}
	if key == "file.path" {
		setFileParts(e, v)
	}
	return true
}

// fileNameKey is the ECS field holding the file name of a path field.
func fileNameKey(pathKey string) string {
	switch pathKey {
	case "process.executable":
		return "process.name"
	case "process.parent.executable":
		return "process.parent.name"
	case "file.path":
		return "file.name"
	case "dll.path":
		return "dll.name"
	}
	return ""
}

// setAccount sets a user name; "DOMAIN\name" sets the sibling domain too
// (unless a map already did). A directory name (a group member's
// MemberName, "CN=Bob Smith,OU=Staff,DC=corp,DC=example") gives its
// common name and a Kerberos principal ("jdoe@CORP.EXAMPLE.ORG") its
// user, as Winlogbeat's security module does.
func setAccount(e *event.Event, rel *ecs.Related, key, v string) bool {
	if v == "" || v == "-" {
		return false
	}
	if strings.HasPrefix(v, "S-1-") { // a SID where a name is written (older Sysmon's User): the account's id, no name
		if idKey := strings.TrimSuffix(key, ".name") + ".id"; strings.HasSuffix(key, ".name") && !e.Has(idKey) {
			e.SetStr(idKey, v)
		}
		return false
	}
	v = dnCommonName(v)
	if at := strings.IndexByte(v, '@'); at > 0 && strings.IndexByte(v, '\\') < 0 {
		v = v[:at] // "jdoe@CORP.EXAMPLE.ORG" (4769's): no account name has an @, a UPN's realm is no user name
	}
	if i := strings.IndexByte(v, '\\'); i > 0 {
		if dk := domainKey(key); dk != "" && !e.Has(dk) {
			e.SetStr(dk, v[:i])
		}
		v = v[i+1:]
	}
	rel.SetUser(e, key, v)
	return v != ""
}

// dnCommonName is the CN of an LDAP distinguished name ("CN=Bob
// Smith,OU=..." -> "Bob Smith", "\," unescaped), else v.
func dnCommonName(v string) string {
	// "CN=" in any case, by bytes: no other rune folds to 'c' or 'n', and
	// strings.EqualFold cost ~35 instructions for every account value.
	if len(v) < 4 || v[0]|0x20 != 'c' || v[1]|0x20 != 'n' || v[2] != '=' {
		return v
	}
	cn, esc := v[3:], false
	for i := 0; i < len(cn); i++ {
		switch cn[i] {
		case '\\':
			esc = true
			i++
		case ',':
			cn = cn[:i]
		}
	}
	if esc {
		cn = strings.ReplaceAll(cn, `\,`, ",")
	}
	return cn
}

func domainKey(nameKey string) string {
	switch nameKey {
	case "user.name":
		return "user.domain"
	case "user.target.name":
		return "user.target.domain"
	case "user.effective.name":
		return "user.effective.domain"
	case "source.user.name":
		return "source.user.domain"
	case "process.parent.user.name": // Sysmon 1's ParentUser
		return "process.parent.user.domain"
	}
	return ""
}

// setSID sets a role's id (user.id, user.target.id, group.id...): with the
// role's name when the event gave none and the SID is a well-known one or
// the agent resolved it (account, "DOMAIN\name"). The NULL SID is no
// account (4768's TargetSid of an unknown principal, 4688's TargetUserSid):
// no id. A well-known SID's name is the role's, not related.user's: the
// record does not carry it (ECS: the names "seen on the event"), and most
// are groups (Remote Desktop Users, ENTERPRISE DOMAIN CONTROLLERS).
func setSID(e *event.Event, rel *ecs.Related, idKey, sid, account string) {
	if sid == "S-1-0-0" {
		return
	}
	nameKey := sidNameKey(idKey)
	if nameKey == "" || e.Has(nameKey) {
		e.SetStr(idKey, sid)
		return
	}
	if name := wincatalog.WellKnownSID(sid); name != "" {
		e.SetStr(nameKey, name)
	} else if account != "" {
		setValue(e, rel, nameKey, account)
	}
	e.SetStr(idKey, sid)
}

func sidNameKey(idKey string) string {
	switch idKey {
	case "user.id":
		return "user.name"
	case "user.target.id":
		return "user.target.name"
	case "user.effective.id":
		return "user.effective.name"
	case "group.id":
		return "group.name"
	case "service.id":
		return "service.name"
	}
	return ""
}

// setHost sets a host name field, or for "<side>.address" the side's ip
// or domain ("localhost" says nothing).
func setHost(e *event.Event, rel *ecs.Related, key, v string) bool {
	v = strings.TrimPrefix(v, `\\`) // NTLM's Workstation as some clients give it: "\\WKS-3", "\\10.9.8.7"
	if v == "" || v == "-" {
		return false
	}
	if strings.HasSuffix(key, ".domain") && ecs.IsIP(v) {
		// An address is no domain name, and no source.ip either: the
		// workstation name is what the client claims (an NTLM client sets
		// it to anything), not the address it connected from.
		return false
	}
	if side, ok := strings.CutSuffix(key, ".address"); ok {
		if v == "localhost" {
			return false
		}
		rel.SetAddress(e, side, v)
		return true
	}
	rel.SetHostname(e, key, v)
	return true
}

// setFlags sets the names of the flags in an account-control value or an
// access mask (a registry key's rights when ObjectType is Key, a directory
// object's when ObjectServer is DS).
// A mask may come as hex ("0x1000000", as Windows renders it), as a
// decimal number (older renderers: "16777216"), or as the rights' message
// codes ("%%1538 %%1542", 4674's rendering), which name the rights.
func (w *winEvent) setFlags(e *event.Event, f *wincatalog.Field) bool {
	v := w.tok(f.From)
	if strings.HasPrefix(v, "%%") {
		return setMessages(e, f.To, w.val(f.From))
	}
	mask, ok := wincatalog.ParseMask(v)
	if !strings.HasPrefix(v, "0x") && !strings.HasPrefix(v, "0X") {
		var n int64
		n, ok = ecs.ParseUint(v)
		mask, ok = uint32(n), ok && n <= 0xffffffff
	}
	if !ok {
		return false
	}
	var names []string
	switch {
	case f.Decode == wincatalog.DecodeUAC:
		names = wincatalog.UACFlags(mask)
	case strings.EqualFold(w.val("ObjectType"), "Key"):
		names = wincatalog.RegistryAccessMask(mask)
	case strings.EqualFold(w.val("ObjectServer"), "DS"):
		names = wincatalog.DirectoryAccessMask(mask)
	default:
		names = wincatalog.AccessMask(mask)
	}
	if len(names) == 0 {
		return false
	}
	e.Set(f.To, event.Strings(names...))
	return true
}

// setMessages sets the texts of the message codes in v ("%%4417 %%4418",
// "%%8449, %%8451"), the codes Message knows; false if none.
func setMessages(e *event.Event, to, v string) bool {
	var names []string
	for _, code := range strings.FieldsFunc(v, isListSeparator) {
		if name := wincatalog.Message(code); name != "" {
			names = append(names, name)
		}
	}
	if len(names) == 0 {
		return false
	}
	e.Set(to, event.Strings(names...))
	return true
}

// setByFlag sets to to ifTrue or ifFalse by flag, a "true" or "false" in
// any case; false for any other flag.
func setByFlag(e *event.Event, to, flag, ifTrue, ifFalse string) bool {
	switch strings.ToLower(flag) {
	case "true":
		e.SetStr(to, ifTrue)
	case "false":
		e.SetStr(to, ifFalse)
	default:
		return false
	}
	return true
}

package apps

import (
	"encoding/json"
	"strconv"
	"strings"

	"github.com/nomenhq/nomen/normalize/ecs"
	"github.com/nomenhq/nomen/relay/event"
)

// Samba's JSON audit ("log level = auth_json_audit:3", and the AD DC's
// dsdb_password_json_audit and dsdb_group_json_audit), one object per
// message, under the same programs as its text lines (samba.toml):
//
//	{"timestamp": ..., "type": "Authentication", "Authentication": {...}}
//	{"timestamp": ..., "type": "Authorization", "Authorization": {...}}
//	{"timestamp": ..., "type": "passwordChange", "passwordChange": {...}}
//	{"timestamp": ..., "type": "groupChange", "groupChange": {...}}
//
// (auth/auth_log.c, source4/dsdb/samdb/ldb_modules/audit_log.c and
// group_audit.c). The members are the text lines' fields by name; an
// object of another type (dsdbChange, dsdbTransaction) is left to the
// generic JSON decoder.

// sambaAudit is the members of the four objects nomen reads.
type sambaAudit struct {
	Status        string `json:"status"`
	EventID       int    `json:"eventId"`
	LogonType     int    `json:"logonType"`
	RemoteAddress string `json:"remoteAddress"`
	Service       string `json:"serviceDescription"`
	AuthDesc      string `json:"authDescription"`
	AuthType      string `json:"authType"`
	ClientDomain  string `json:"clientDomain"`
	ClientAccount string `json:"clientAccount"`
	Workstation   string `json:"workstation"`
	BecameAccount string `json:"becameAccount"`
	BecameDomain  string `json:"becameDomain"`
	BecameSid     string `json:"becameSid"`
	PasswordType  string `json:"passwordType"`
	Domain        string `json:"domain"`
	Account       string `json:"account"`
	Sid           string `json:"sid"`
	UserSid       string `json:"userSid"`
	DN            string `json:"dn"`
	Action        string `json:"action"`
	Group         string `json:"group"`
	User          string `json:"user"`
}

type sambaAuditRecord struct {
	Type           string      `json:"type"`
	Authentication *sambaAudit `json:"Authentication"`
	Authorization  *sambaAudit `json:"Authorization"`
	PasswordChange *sambaAudit `json:"passwordChange"`
	GroupChange    *sambaAudit `json:"groupChange"`
}

var sambaJSONDecoder = &ecs.Decoder{
	Name: "samba-json", Programs: []string{"smbd", "winbindd", "samba", "samba-dcerpcd"}, Decode: decodeSambaJSON,
}

// decodeSambaJSON decodes one of Samba's JSON audit records.
func decodeSambaJSON(e *event.Event) bool {
	m := strings.TrimLeft(e.Message, " \t")
	if !strings.HasPrefix(m, `{"timestamp"`) || !strings.Contains(m, `"type"`) {
		return false
	}
	var r sambaAuditRecord
	if json.Unmarshal([]byte(m), &r) != nil {
		return false
	}
	var a *sambaAudit
	switch r.Type {
	case "Authentication":
		a = r.Authentication
	case "Authorization":
		a = r.Authorization
	case "passwordChange":
		a = r.PasswordChange
	case "groupChange":
		a = r.GroupChange
	}
	if a == nil {
		return false
	}
	ecs.Begin(e, "samba", "samba.json."+strings.ToLower(r.Type))
	switch r.Type {
	case "Authentication":
		outcome := ecs.OutcomeFailure
		if a.Status == "NT_STATUS_OK" {
			outcome = ecs.OutcomeSuccess
			e.SetStr("samba.became_sid", a.BecameSid)
			e.SetStr("samba.became_account", a.BecameAccount)
			e.SetStr("samba.became_domain", a.BecameDomain)
		} else {
			e.SetStr("event.reason", a.Status)
		}
		ecs.ClassAuthStart.Set(e, "samba-auth", outcome)
		sambaUser(e, a.ClientAccount, a.ClientDomain)
		sambaIdentity(e)
		e.SetStr("samba.auth_description", a.AuthDesc)
		e.SetStr("samba.password_type", a.PasswordType)
		e.SetStr("samba.workstation", a.Workstation)
		if a.EventID != 0 {
			e.SetStr("event.code", strconv.Itoa(a.EventID)) // Windows's 4624 or 4625
		}
		if a.LogonType != 0 {
			e.SetInt("samba.logon_type", int64(a.LogonType))
		}
	case "Authorization":
		ecs.ClassAuthInfo.Set(e, "samba-authorization", ecs.OutcomeSuccess)
		sambaUser(e, a.Account, a.Domain)
		e.SetStr("user.id", a.Sid)
		e.SetStr("samba.auth_type", a.AuthType)
	case "passwordChange", "groupChange":
		outcome := ecs.OutcomeSuccess
		if a.Status != "Success" {
			outcome = ecs.OutcomeFailure
			e.SetStr("event.reason", a.Status)
		}
		e.SetStr("user.id", a.UserSid)
		if r.Type == "passwordChange" {
			ecs.ClassUserChange.Set(e, "password-change", outcome)
			e.SetStr("samba.dn", a.DN)
			e.SetStr("samba.password_action", a.Action)
			break
		}
		action := "samba-group-change"
		switch a.Action {
		case "Added":
			action = "group-member-add"
		case "Removed":
			action = "group-member-remove"
		}
		ecs.ClassGroupChange.Set(e, action, outcome)
		e.SetStr("samba.group_dn", a.Group)
		e.SetStr("samba.member_dn", a.User)
		e.SetStr("samba.group_action", a.Action)
	}
	e.SetStr("samba.service", a.Service)
	setSambaRemote(e, a.RemoteAddress)
	return true
}

// sambaUser sets user.name and user.domain, not Samba's "(null)".
func sambaUser(e *event.Event, name, domain string) {
	if name != "" && name != "(null)" {
		ecs.SetUser(e, "user.name", name)
	}
	if domain != "" && domain != "(null)" {
		e.SetStr("user.domain", domain)
	}
}

// setSambaRemote sets source.ip and source.port from Samba's
// tsocket_address_string: "ipv4:ADDR:PORT", "ipv6:ADDR:PORT" with the
// address unbracketed; "unix:PATH" and "NULL" are no address.
func setSambaRemote(e *event.Event, r string) {
	a, ok := strings.CutPrefix(r, "ipv4:")
	if !ok {
		a, ok = strings.CutPrefix(r, "ipv6:")
	}
	i := strings.LastIndexByte(a, ':')
	if !ok || i < 0 || !ecs.IsIP(a[:i]) {
		return
	}
	ecs.SetAddress(e, "source", a[:i])
	ecs.SetPort(e, "source.port", a[i+1:])
}

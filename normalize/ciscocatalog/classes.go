package ciscocatalog

// ECS allowed values the catalogue uses.
const (
	catAuthentication = "authentication"
	catConfiguration  = "configuration"
	catHost           = "host"
	catIAM            = "iam"
	catIntrusion      = "intrusion_detection"
	catNetwork        = "network"
	catSession        = "session"
	catWeb            = "web"

	typeAccess     = "access"
	typeAllowed    = "allowed"
	typeChange     = "change"
	typeConnection = "connection"
	typeCreation   = "creation"
	typeDeletion   = "deletion"
	typeDenied     = "denied"
	typeEnd        = "end"
	typeError      = "error"
	typeGroup      = "group"
	typeInfo       = "info"
	typeStart      = "start"
	typeUser       = "user"

	success = "success"
	failure = "failure"
)

// cls builds a Class.
func cls(action, outcome string, categories []string, types ...string) Class {
	return Class{Category: categories, Type: types, Action: action, Outcome: outcome}
}

func cats(c ...string) []string { return c }

// Classes shared by many messages. The actions the normalize decoders
// emitted before the catalogue existed are kept: connection-denied,
// connection-allowed, connection-built, connection-teardown, logged-in,
// logon-failed, logged-out, locked-out-user-account, intrusion-detected,
// threat-detected, configured and the interface-* link states.
var (
	classDenied     = cls("connection-denied", failure, cats(catNetwork), typeConnection, typeDenied)
	classAllowed    = cls("connection-allowed", success, cats(catNetwork), typeConnection, typeAllowed)
	classBuilt      = cls("connection-built", success, cats(catNetwork), typeConnection, typeStart)
	classTeardown   = cls("connection-teardown", "", cats(catNetwork), typeConnection, typeEnd)
	classLogin      = cls("logged-in", success, cats(catAuthentication), typeStart)
	classLoginFail  = cls("logon-failed", failure, cats(catAuthentication), typeStart)
	classLogout     = cls("logged-out", success, cats(catSession), typeEnd)
	classLockedOut  = cls("locked-out-user-account", failure, cats(catAuthentication), typeInfo)
	classIDS        = cls("intrusion-detected", "", cats(catIntrusion, catNetwork), typeInfo)
	classThreat     = cls("threat-detected", "", cats(catIntrusion, catNetwork), typeInfo)
	classConfigured = cls("configured", success, cats(catConfiguration), typeChange)
	classCommand    = cls("command-executed", success, cats(catConfiguration), typeChange)
	classSessStart  = cls("session-started", success, cats(catSession), typeStart)
	classSessEnd    = cls("session-ended", "", cats(catSession), typeEnd)
)

// verdictCases are the permitted/denied words of ACL logs.
var verdictCases = []Case{
	{"permitted", classAllowed},
	{"est-allowed", classAllowed},
	{"denied", classDenied},
}

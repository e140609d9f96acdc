package ciscocatalog

import "github.com/nomenhq/nomen/normalize/vendor"

// ECS allowed values the catalogue uses.
const (
	catAuthentication = "authentication"
	catConfiguration  = "configuration"
	catFile           = "file"
	catHost           = "host"
	catIAM            = "iam"
	catIntrusion      = "intrusion_detection"
	catNetwork        = "network"
	catProcess        = "process"
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

// cls and cats build the catalogue's own classes (normalize/vendor's
// NewClass and Cats, short for the tables).
var cls, cats = vendor.NewClass, vendor.Cats

// Classes shared by many messages. The actions the normalize decoders
// emitted before the catalogue existed are kept: connection-denied,
// connection-allowed, connection-built, connection-teardown, logged-in,
// logon-failed, logged-out, locked-out-user-account, intrusion-detected,
// threat-detected, configured and the interface-* link states.
var (
	classDenied     = vendor.ConnectionDenied
	classAllowed    = vendor.ConnectionAllowed
	classBuilt      = vendor.ConnectionBuilt
	classTeardown   = vendor.ConnectionTeardown
	classLogin      = vendor.LoggedIn
	classLoginFail  = vendor.LogonFailed
	classLogout     = vendor.LoggedOut
	classLockedOut  = cls("locked-out-user-account", failure, cats(catAuthentication), typeInfo)
	classIDS        = vendor.IntrusionDetected
	classThreat     = cls("threat-detected", "", cats(catIntrusion, catNetwork), typeInfo)
	classConfigured = vendor.ConfigChanged
	classCommand    = vendor.CommandExecuted
	classSessStart  = cls("session-started", success, cats(catSession), typeStart)
	classSessEnd    = cls("session-ended", "", cats(catSession), typeEnd)
	classWebAllowed = vendor.WebRequestAllowed
	classWebBlocked = vendor.WebRequestBlocked
)

// verdictCases are the permitted/denied words of ACL logs.
var verdictCases = []Case{
	{"permitted", classAllowed},
	{"est-allowed", classAllowed},
	{"denied", classDenied},
}

package vendor

// NewClass builds a Class: NewClass("connection-denied", "failure",
// Cats("network"), "connection", "denied").
func NewClass(action, outcome string, categories []string, types ...string) Class {
	return Class{Category: categories, Type: types, Action: action, Outcome: outcome}
}

// Cats lists categories inline, before NewClass's variadic types.
func Cats(c ...string) []string { return c }

// The classes that mean the same whatever the vendor: a firewall's denied
// connection is connection-denied from Cisco, Fortinet, Palo Alto, Juniper
// and Check Point alike, so that one query finds them all. The actions are
// those the Cisco decoders emitted first. A vendor package names its own
// classes only for what is its own.
var (
	ConnectionAllowed = NewClass("connection-allowed", "success", Cats("network"), "connection", "allowed")
	ConnectionDenied  = NewClass("connection-denied", "failure", Cats("network"), "connection", "denied")
	ConnectionBuilt   = NewClass("connection-built", "success", Cats("network"), "connection", "start")
	// A teardown ends a connection the device allowed: success, whatever
	// the reason it gives (FINs, a reset, an idle timeout), as Elastic's
	// firewall integrations say too. A denied one is ConnectionDenied.
	ConnectionTeardown = NewClass("connection-teardown", "success", Cats("network"), "connection", "end")
	IntrusionDetected  = NewClass("intrusion-detected", "", Cats("intrusion_detection", "network"), "info")
	IntrusionBlocked   = NewClass("intrusion-detected", "", Cats("intrusion_detection", "network"), "info", "denied")
	MalwareDetected    = NewClass("malware-detected", "", Cats("malware"), "info")
	MalwareBlocked     = NewClass("malware-detected", "", Cats("malware"), "info", "denied")
	WebRequestAllowed  = NewClass("web-request-allowed", "success", Cats("web", "network"), "access", "allowed")
	WebRequestBlocked  = NewClass("web-request-blocked", "failure", Cats("web", "network"), "access", "denied")
	LoggedIn           = NewClass("logged-in", "success", Cats("authentication"), "start")
	LogonFailed        = NewClass("logon-failed", "failure", Cats("authentication"), "start")
	LoggedOut          = NewClass("logged-out", "success", Cats("session"), "end")
	ConfigAdded        = NewClass("configured", "success", Cats("configuration"), "creation")
	ConfigChanged      = NewClass("configured", "success", Cats("configuration"), "change")
	ConfigDeleted      = NewClass("configured", "success", Cats("configuration"), "deletion")
	ConfigFailed       = NewClass("configured", "failure", Cats("configuration"), "change")
	CommandExecuted    = NewClass("command-executed", "success", Cats("configuration"), "change")
	TunnelEstablished  = NewClass("tunnel-established", "success", Cats("network"), "connection", "start")
	// A file a sensor inspected; dropped (not passed on) adds denied.
	FileDetected = NewClass("file-detected", "", Cats("file"), "info")
	FileBlocked  = NewClass("file-detected", "", Cats("file"), "info", "denied")
	// Application control's verdict on a connection by its application.
	ApplicationAllowed = NewClass("application-allowed", "success", Cats("network"), "connection", "allowed")
	ApplicationBlocked = NewClass("application-blocked", "failure", Cats("network"), "connection", "denied")
	// A user-to-address mapping learned or dropped from an identity source
	// (a directory agent, a VPN): not an authentication the device saw.
	UserMapped   = NewClass("user-mapped", "success", Cats("iam"), "info")
	UserUnmapped = NewClass("user-unmapped", "success", Cats("iam"), "info")
)

package ciscocatalog

// ASA authentication, authorization and management: cut-through proxy
// (109xxx), AAA (113xxx), management logins (605xxx), user sessions
// (611xxx), the local user database (502xxx), configuration sessions and
// commands (111xxx), the console enable password (308001), the identity
// firewall's user map (746xxx) and VPN access policies (734001). A
// logon is authentication/start with outcome success or failure,
// whatever the ASA calls it.

var (
	classAuthStarted   = cls("authentication-started", "", cats(catAuthentication), typeInfo)
	classAuthzPermit   = cls("authorization-permitted", success, cats(catAuthentication), typeInfo)
	classAuthzDeny     = cls("authorization-denied", failure, cats(catAuthentication), typeInfo)
	classAAAInfo       = cls("aaa-info", "", cats(catAuthentication), typeInfo)
	classAAAError      = cls("authentication-error", failure, cats(catAuthentication), typeInfo)
	classAAAServerDown = cls("aaa-server-failed", failure, cats(catAuthentication), typeInfo)
)

// aaaCases classify 113004 by what succeeded.
var aaaSuccessCases = []Case{
	{"authentication", classLogin},
	{"authorization", classAuthzPermit},
	{"accounting", classAAAInfo},
}

var aaaRejectCases = []Case{
	{"authentication", classLoginFail},
	{"authorization", classAuthzDeny},
	{"accounting", cls("accounting-failed", failure, cats(catAuthentication), typeInfo)},
}

// configEndCases classify the end of a configuration session.
var configEndCases = []Case{
	{"OK", cls("configuration-ended", success, cats(catConfiguration), typeChange)},
	{"FAILED", cls("configuration-ended", failure, cats(catConfiguration), typeChange)},
}

// aaaWhere is the "server = IP" or "local database" part of 113xxx.
const aaaWhere = `{?server = {aaa_server} : }{?local database : }`

var asaAuth = []Msg{
	{ID: "109001", Rule: "cisco_asa.auth", Class: classAuthStarted,
		Formats: []string{`Auth start for user {user} from {src_ip}/{src_port} to {dst_ip}/{dst_port}`}},
	{ID: "109002", Rule: "cisco_asa.auth", Class: classLoginFail,
		Formats: []string{`Auth from {src_ip}/{src_port} to {dst_ip}/{dst_port} failed (server {aaa_server} failed) on interface {src_if}`}},
	{ID: "109003", Rule: "cisco_asa.auth", Class: classLoginFail,
		Formats: []string{`Auth from {src_ip} to {dst_ip}/{dst_port} failed (all servers failed) on interface {src_if:word}{...}`}},
	// 109005-109008: the user typed at the cut-through proxy's prompt comes
	// before the connection's ends; the interface (a nameif, one word)
	// ends the line, so a name imitating the words after it sets nothing.
	{ID: "109005", Rule: "cisco_asa.auth", Class: classLogin,
		Formats: []string{`Authentication succeeded for user {user} from {src_ip}/{src_port} to {dst_ip}/{dst_port} on interface {src_if:word}`}},
	{ID: "109006", Rule: "cisco_asa.auth", Class: classLoginFail,
		Formats: []string{`Authentication failed for user {user} from {src_ip}/{src_port} to {dst_ip}/{dst_port} on interface {src_if:word}`}},
	{ID: "109007", Rule: "cisco_asa.auth", Class: classAuthzPermit,
		Formats: []string{`Authorization permitted for user {user} from {src_ip}/{src_port} to {dst_ip}/{dst_port} on interface {src_if:word}`}},
	{ID: "109008", Rule: "cisco_asa.auth", Class: classAuthzDeny,
		Formats: []string{`Authorization denied for user {user} from {src_ip}/{src_port} to {dst_ip}/{dst_port} on interface {src_if:word}`}},

	{ID: "113004", Rule: "cisco_asa.aaa", By: "aaa_type", Cases: aaaSuccessCases,
		Formats: []string{
			`AAA user {aaa_type} Successful : ` + aaaWhere + `user = {user}`,
			`AAA user {aaa_type} Successful: server = {aaa_server}, User = {user}{? : user IP = {src_ip}}`,
		}},
	{ID: "113005", Rule: "cisco_asa.aaa", By: "aaa_type", Cases: aaaRejectCases,
		Formats: []string{
			`AAA user {aaa_type} Rejected : reason = {reason:text} : ` + aaaWhere + `user = {user?}{? : user IP = {src_ip}}`,
			`AAA user {aaa_type} Rejected : reason = {reason:text} : server = {aaa_server}, User = {user}{? : user IP = {src_ip}}`,
		}},
	{ID: "113006", Rule: "cisco_asa.locked_out", Class: classLockedOut,
		Formats: []string{`User {user} locked out on exceeding {_attempts} successive failed authentication attempts`}},
	{ID: "113007", Rule: "cisco_asa.locked_out", Class: cls("unlocked-user-account", success, cats(catIAM), typeUser, typeChange),
		Formats: []string{`User {user} unlocked by {admin_user:user}`}},
	{ID: "113008", Rule: "cisco_asa.aaa", Class: cls("aaa-accepted", success, cats(catAuthentication), typeInfo),
		Formats: []string{`AAA transaction status ACCEPT : user = {user}`}},
	{ID: "113009", Rule: "cisco_asa.aaa", Class: classAAAInfo,
		// Devices print the policy without parentheses and "user USER" too.
		Formats: []string{`AAA retrieved default group policy ({group}) for user = {user}`, `AAA retrieved default group policy {group} for user {user}`}},
	// The group policy a user gets (a policy's name is one word: a user
	// name that imitates the sentence stays the user's), and a RADIUS
	// challenge (a second factor asked for).
	{ID: "113003", Rule: "cisco_asa.aaa", Class: classAAAInfo,
		Formats: []string{`AAA group policy for user {user} is being set to {group:word}`}},
	{ID: "113010", Rule: "cisco_asa.aaa", Class: classAAAInfo,
		Formats: []string{`AAA challenge received for user {user} from server {aaa_server}`}},
	{ID: "113011", Rule: "cisco_asa.aaa", Class: classAAAInfo,
		Formats: []string{`AAA retrieved user specific group policy ({group}) for user = {user}`, `AAA retrieved user specific group policy {group} for user {user}`}},
	{ID: "113012", Rule: "cisco_asa.aaa", By: "aaa_type", Cases: aaaSuccessCases,
		Formats: []string{`AAA user {aaa_type} Successful : ` + aaaWhere + `user = {user}`}},
	// The Kerberos server's clock is too far from the ASA's: every
	// authentication against it fails.
	{ID: "113020", Rule: "cisco_asa.aaa", Class: classAAAError,
		Formats: []string{`Kerberos error : Clock skew with server {aaa_server} greater than {_max_skew:uint} seconds`}},
	{ID: "113013", Rule: "cisco_asa.aaa", Class: classAAAError,
		Formats: []string{`AAA unable to complete the request Error : reason = {reason:text} : user = {user}`}},
	{ID: "113014", Rule: "cisco_asa.aaa", Class: classAAAError,
		Formats: []string{`AAA authentication server not accessible : server = {aaa_server} : user = {user}`}},
	{ID: "113015", Rule: "cisco_asa.aaa", By: "aaa_type", Cases: aaaRejectCases,
		Formats: []string{`AAA user {aaa_type} Rejected : reason = {reason:text} : ` + aaaWhere + `user = {user?}{? : user IP = {src_ip}}`}},
	{ID: "113016", Rule: "cisco_asa.aaa", Class: classLoginFail,
		Formats: []string{`AAA credentials rejected : reason = {reason:text} : ` + aaaWhere + `user = {user?}{? : user IP = {src_ip}}`}},
	{ID: "113017", Rule: "cisco_asa.aaa", Class: classLoginFail,
		Formats: []string{`AAA credentials rejected : reason = {reason:text} : ` + aaaWhere + `user = {user?}{? : user IP = {src_ip}}`}},
	{ID: "113021", Rule: "cisco_asa.aaa", Class: classLoginFail,
		Formats: []string{
			`Attempted console login failed user {user} did NOT have appropriate Admin Rights`,
			`Attempted console login failed. User {user} did NOT have appropriate Admin Rights`,
		}},
	{ID: "113022", Rule: "cisco_asa.aaa", Class: classAAAServerDown,
		Formats: []string{`AAA Marking {aaa_protocol} server {aaa_server} in aaa-server group {aaa_group:text} as FAILED`}},
	{ID: "113023", Rule: "cisco_asa.aaa", Class: cls("aaa-server-active", success, cats(catAuthentication), typeInfo),
		Formats: []string{`AAA Marking {aaa_protocol} server {aaa_server} in aaa-server group {aaa_group:text} as ACTIVE`}},
	// A RADIUS/TACACS+ server asked for a challenge (one-time password,
	// new PIN) that the protocol of the login cannot carry.
	{ID: "109033", Rule: "cisco_asa.auth", Class: classLoginFail,
		Formats: []string{`Authentication failed for admin user {user} from {src_ip}. Interactive challenge processing is not supported for {_login_protocol} connections`}},
	{ID: "109034", Rule: "cisco_asa.auth", Class: classLoginFail,
		Formats: []string{`Authentication failed for network user {user} from {src_ip}/{src_port} to {dst_ip}/{dst_port}. Interactive challenge processing is not supported for {_login_protocol} connections`}},
	// Password policy: a session login refused because the password has
	// expired (the guide prints 772003 and 772004 alike), a
	// re-authentication failed. The typed user name comes before the
	// ASA's ", IP ADDR, cause: TEXT": read from the right (LastSplit).
	{ID: "772003", Rule: "cisco_asa.login", Class: classLoginFail, LastSplit: true,
		Formats: []string{`PASSWORD: session login failed, user {user}, IP {src_ip}, cause: {reason:text}`}},
	{ID: "772004", Rule: "cisco_asa.login", Class: classLoginFail, LastSplit: true,
		Formats: []string{`PASSWORD: session login failed, user {user}, IP {src_ip}, cause: {reason:text}`}},
	{ID: "772006", Rule: "cisco_asa.login", Class: classLoginFail,
		Formats: []string{`REAUTH: user {user} failed authentication`}},
	// Cut-through proxy authentication sessions (the guide's "Authen
	// Session Start/End").
	{ID: "109011", Rule: "cisco_asa.auth", Class: classSessStart,
		Formats: []string{`Authen Session Start: user '{user}', sid {session_id}`}},
	{ID: "109012", Rule: "cisco_asa.auth", Class: classSessEnd,
		Formats: []string{`Authen Session End: user '{user}', sid {session_id}, elapsed {_elapsed:uint} seconds`}},
	// Command authorization (AAA or local) refused a command.
	{ID: "610101", Rule: "cisco_asa.auth", Class: classAuthzDeny,
		Formats: []string{`Authorization failed: Cmd: {command} Cmdtype: {command_type:text}`}},
	// An SSH session to the ASA closed for inactivity.
	{ID: "768003", Rule: "cisco_asa.login", Class: classLogout,
		Formats: []string{`SSH: connection timed out: username {user}, IP {src_ip}`}},
	// Every server of the group is down: the request goes to the
	// fallback method (LOCAL), whose answer a later message gives.
	{ID: "409023", Rule: "cisco_asa.aaa", Class: cls("aaa-fallback", "", cats(catAuthentication), typeInfo),
		Formats: []string{`Attempting AAA Fallback method {aaa_method} for {_request_type} request for user {user} : Auth-server group {aaa_group:text} unreachable`}},

	// Logins to the ASA's management (ssh, telnet, http, serial).
	{ID: "605004", Rule: "cisco_asa.login", Class: classLoginFail,
		Map: map[string]string{"dst_if": "observer.ingress.interface.name"},
		Formats: []string{`Login denied from {src_ip}/{src_port} to {dst_if}:{dst_ip}/{dst_port} for user "{user?}"`,
			`Login denied from serial to console for user "{user?}"`}},
	{ID: "605005", Rule: "cisco_asa.login", Class: classLogin,
		Map:     map[string]string{"dst_if": "observer.ingress.interface.name"},
		Formats: []string{`Login permitted from {src_ip}/{src_port} to {dst_if}:{dst_ip}/{dst_port} for user "{user}"`}},

	// An SSH session to the ASA ended; releases quote the user, and print
	// no address when the session had none yet.
	{ID: "315011", Rule: "cisco_asa.login", Class: classLogout,
		Formats: []string{
			`SSH session from {src_ip} on interface {src_if} for user {user} disconnected by SSH server, reason: {reason:text}`,
			`SSH session from {src_ip} on interface {src_if} for user {user} terminated normally`,
			`SSH session from on interface {src_if} for user {user} disconnected by SSH server, reason: {reason:text}`,
			`SSH session from on interface {src_if} for user {user} terminated normally`,
		}},
	// A certificate the ASA checked (a VPN client's, a peer's).
	{ID: "717022", Rule: "cisco_asa.pki", Class: cls("certificate-validated", success, cats(catAuthentication), typeInfo),
		Formats: []string{`Certificate was successfully validated. serial number: {certificate_serial?}, subject name: {certificate_subject?:text}`}},

	{ID: "111006", Rule: "cisco_asa.login", Class: classLogin,
		Formats: []string{`Console Login from {user} at console`}},

	// The identity firewall's address-to-user map (746xxx) and the
	// dynamic access policy records a VPN session got (734001).
	{ID: "746012", Rule: "cisco_asa.user_identity", By: "_result", Cases: []Case{
		{"Succeeded", cls("ip-user-mapping-added", success, cats(catSession), typeStart)},
		{"Failed", cls("ip-user-mapping-added", failure, cats(catSession), typeStart)},
	}, Formats: []string{`user-identity: Add IP-User mapping {src_ip} - {user} {_result} - {reason:text}`}},
	{ID: "746013", Rule: "cisco_asa.user_identity", By: "_result", Cases: []Case{
		{"Succeeded", cls("ip-user-mapping-deleted", success, cats(catSession), typeEnd)},
		{"Failed", cls("ip-user-mapping-deleted", failure, cats(catSession), typeEnd)},
	}, Formats: []string{`user-identity: Delete IP-User mapping {src_ip} - {user} {_result} - {reason:text}`}},
	{ID: "734001", Rule: "cisco_asa.dap", Class: cls("dap-records-selected", "", cats(catSession), typeInfo),
		Formats: []string{`DAP: User {user}, Addr {src_ip}, Connection {session_type:text}: The following DAP records were selected for this connection: {dap_records:text}`}},

	{ID: "611101", Rule: "cisco_asa.user", Class: classLogin,
		Formats: []string{`User authentication succeeded: {?IP address: {src_ip}, }Uname: {user}`}},
	{ID: "611102", Rule: "cisco_asa.user", Class: classLoginFail,
		Formats: []string{`User authentication failed: {?IP address: {src_ip}, }Uname: {user}`}},
	{ID: "611103", Rule: "cisco_asa.user", Class: classLogout,
		Formats: []string{`User logged out: Uname: {user}`}},
	{ID: "611104", Rule: "cisco_asa.user", Class: classSessEnd,
		Formats: []string{`Serial console idle timeout exceeded`}},
	// An ASDM (management GUI) session from an address.
	{ID: "606001", Rule: "cisco_asa.user", Class: classSessStart,
		Formats: []string{`ASDM session number {asdm_session} from {src_ip} started`}},
	{ID: "606002", Rule: "cisco_asa.user", Class: classSessEnd,
		Formats: []string{`ASDM session number {asdm_session} from {src_ip} ended`}},

	// The local user database and group policies.
	{ID: "502101", Rule: "cisco_asa.iam", Class: cls("user-created", success, cats(catIAM), typeUser, typeCreation),
		Formats: []string{`New user added to local dbase: Uname: {user} Priv: {privilege} Encpass: {_encpass}`}},
	{ID: "502102", Rule: "cisco_asa.iam", Class: cls("user-deleted", success, cats(catIAM), typeUser, typeDeletion),
		Formats: []string{`User deleted from local dbase: Uname: {user} Priv: {privilege} Encpass: {_encpass}`}},
	{ID: "502103", Rule: "cisco_asa.iam", Class: cls("user-privilege-changed", success, cats(catIAM), typeUser, typeChange),
		Formats: []string{`User priv level changed: Uname: {user} From: {old_privilege} To: {privilege}`}},
	{ID: "502111", Rule: "cisco_asa.iam", Class: cls("group-policy-created", success, cats(catIAM), typeGroup, typeCreation),
		Formats: []string{`New group policy added: name: {group_policy} Type: {group_policy_type}`}},
	{ID: "502112", Rule: "cisco_asa.iam", Class: cls("group-policy-deleted", success, cats(catIAM), typeGroup, typeDeletion),
		Formats: []string{`Group policy deleted: name: {group_policy} Type: {group_policy_type}`}},

	// The enable password typed wrong at the console.
	{ID: "308001", Rule: "cisco_asa.login", Class: classLoginFail,
		Formats: []string{
			`{_console} enable password incorrect for {attempts:uint} tries (from console)`,
			`{_console} enable password incorrect for {attempts:uint} tries (from {src_ip})`,
			`{_console} enable password incorrect for {attempts:uint} tries{...}`,
		}},

	// Configuration sessions: who wrote, read or erased the configuration
	// (an address, or "console": no address, so that form comes first).
	{ID: "111001", Rule: "cisco_asa.config", Class: cls("configuration-write-started", "", cats(catConfiguration), typeChange),
		Formats: []string{`Begin configuration: console writing to {config_target}`, `Begin configuration: {src_ip} writing to {config_target}`}},
	{ID: "111002", Rule: "cisco_asa.config", Class: cls("configuration-read-started", "", cats(catConfiguration), typeAccess),
		// ASDM reads it over HTTP: "reading from http [POST]".
		Formats: []string{`Begin configuration: console reading from {config_target}`, `Begin configuration: {src_ip} reading from {config_target}`,
			`Begin configuration: {src_ip} reading from {config_target} [{_http_method}]`}},
	{ID: "111003", Rule: "cisco_asa.config", Class: cls("configuration-erased", success, cats(catConfiguration), typeDeletion),
		Formats: []string{`console Erase configuration`, `{src_ip} Erase configuration`}},
	{ID: "111004", Rule: "cisco_asa.config", By: "_result", Cases: configEndCases,
		Formats: []string{`console end configuration: {_result}`, `{src_ip} end configuration: {_result}`}},
	{ID: "111005", Rule: "cisco_asa.config", By: "_result", Cases: configEndCases,
		Formats: []string{`console end configuration: {_result}`, `{src_ip} end configuration: {_result}`}},
	{ID: "111007", Rule: "cisco_asa.config", Class: cls("configuration-read-started", "", cats(catConfiguration), typeAccess),
		// ASDM reads it over HTTP: "reading from http [POST]".
		Formats: []string{`Begin configuration: console reading from {config_target}`, `Begin configuration: {src_ip} reading from {config_target}`,
			`Begin configuration: {src_ip} reading from {config_target} [{_http_method}]`}},

	// Commands. Devices quote the user ("User 'enable_15' executed ..."):
	// the quotes are not part of the name.
	{ID: "111008", Rule: "cisco_asa.command", Class: classCommand,
		Formats: []string{`User '{user}' executed the '{command}' command`, `User {user} executed the '{command}' command`}},
	{ID: "111009", Rule: "cisco_asa.command", Class: cls("command-executed", success, cats(catConfiguration), typeInfo),
		Formats: []string{`User '{user}' executed cmd: {command}`, `User {user} executed cmd: {command}`}},
	{ID: "111010", Rule: "cisco_asa.command", Class: classCommand,
		Formats: []string{
			`User '{user}', running '{application:text}' from IP {src_ip}, executed '{command}'`,
			`User {user}, running '{application:text}' from IP {src_ip}, executed '{command}'`,
		}},
}

func init() { registerASA(asaAuth) }

package ciscocatalog

import "github.com/nomenhq/nomen/normalize/vendor"

// ASA failover (104xxx), start and reloads (199001/199002), the clock
// (771002), service modules (505xxx, 323006), resources running out
// (747011, 321006, 106101, 444005), security contexts (504xxx) and
// the state of the box (201008): a unit taking over, a context added, or
// an ASA refusing new connections because it cannot log them.

var (
	classFailover = cls("failover-state-changed", "", cats(catHost), typeChange)
	classModule   = cls("module-state-changed", "", cats(catHost), typeChange)
	classResource = cls("resource-exhausted", "", cats(catHost), typeInfo)
)

var asaSystem = []Msg{
	{ID: "104001", Rule: "cisco_asa.failover", Class: classFailover,
		Formats: []string{`({failover_unit}) Switching to ACTIVE - {reason:text}`, `({failover_unit}) Switching to ACTIVE{...}`}},
	{ID: "104002", Rule: "cisco_asa.failover", Class: classFailover,
		Formats: []string{`({failover_unit}) Switching to STANDBY - {reason:text}`, `({failover_unit}) Switching to STANDBY{...}`}},
	{ID: "104003", Rule: "cisco_asa.failover", Class: classFailover,
		Formats: []string{`({failover_unit}) Switching to FAILED`}},
	{ID: "104004", Rule: "cisco_asa.failover", Class: classFailover,
		Formats: []string{`({failover_unit}) Switching to OK`}},
	// A reload typed at the console or a remote session.
	{ID: "199001", Rule: "cisco_asa.system", Class: cls("reload-requested", success, cats(catHost), typeEnd),
		Formats: []string{`Reload command executed from {_line_kind} (remote {src_ip})`}},
	// Multiple-context mode: a security context created or removed.
	{ID: "504001", Rule: "cisco_asa.config", Class: vendor.ConfigAdded,
		Formats: []string{`Security context {context} was added to the system`}},
	{ID: "504002", Rule: "cisco_asa.config", Class: vendor.ConfigDeleted,
		Formats: []string{`Security context {context} was removed from the system`}},
	// "logging permit-hostdown" is off and the TCP syslog server is
	// unreachable: every new connection is refused.
	{ID: "201008", Rule: "cisco_asa.system", Class: cls("new-connections-disallowed", failure, cats(catNetwork), typeDenied),
		Formats: []string{`Disallowing new connections`}},

	// The box started (after a boot or reload).
	{ID: "199002", Rule: "cisco_asa.system", Class: cls("device-started", success, cats(catHost), typeStart),
		Formats: []string{`Startup completed. Beginning operation`}},
	// The clock set by hand or by NTP ("source: NTP, IP: ..."); the
	// server may be named, and the times are the box's text.
	{ID: "771002", Rule: "cisco_asa.system", Class: cls("clock-set", success, cats(catHost), typeChange),
		Formats: []string{`CLOCK: System clock set, source: {clock_source}, IP: {ntp_server:host}, before: {clock_before:text}, after: {clock_after:text}`}},
	// Service modules (IPS, CX, FirePOWER/SFR): up, reloading, losing
	// the data channel the ASA redirects traffic over.
	{ID: "505015", Rule: "cisco_asa.module", Class: classModule,
		Formats: []string{`Module {module}, application up "{module_application:text}", version "{module_version:text}"{...}`}},
	{ID: "505002", Rule: "cisco_asa.module", Class: classModule,
		Formats: []string{`Module {module} is reloading. Please wait...`}},
	{ID: "323006", Rule: "cisco_asa.module", Class: classModule,
		Formats: []string{`Module {module} experienced a data channel communication failure, data channel is DOWN`}},
	// Resources running out: memory, the cache of denied flows the ACL
	// log keeps (beyond it, denies go unlogged).
	{ID: "747011", Rule: "cisco_asa.system", Class: classResource, Formats: []string{`Memory allocation Error`}},
	{ID: "321006", Rule: "cisco_asa.system", Class: classResource,
		Formats: []string{`System Memory usage reached {memory_usage_percent:uint}%`}},
	{ID: "106101", Rule: "cisco_asa.system", Class: classResource,
		Formats: []string{`Number of cached deny-flows for ACL log has reached limit ({deny_flow_limit:uint})`}},
	// The ASA's DHCP server leases an address to a client's MAC and takes
	// it back.
	{ID: "604103", Rule: "cisco_asa.dhcp", Class: cls("dhcp-address-granted", success, cats(catNetwork), typeInfo),
		Formats: []string{`DHCP daemon interface {interface}: address granted {src_mac} ({assigned_ip})`}},
	{ID: "604104", Rule: "cisco_asa.dhcp", Class: cls("dhcp-address-released", success, cats(catNetwork), typeInfo),
		Formats: []string{`DHCP daemon interface {interface}: address released {src_mac} ({assigned_ip})`}},
	// A time-based license about to run out.
	{ID: "444005", Rule: "cisco_asa.system", Class: cls("license-expiring", "", cats(catHost), typeInfo),
		Formats: []string{`Timebased license key {_key:text} will expire in {license_days_left:uint} days`}},
}

func init() { registerASA(asaSystem) }

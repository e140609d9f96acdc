package ciscocatalog

import "github.com/nomenhq/nomen/normalize/vendor"

// ASA failover (104xxx), reloads (199001), security contexts (504xxx) and
// the state of the box (201008): a unit taking over, a context added, or
// an ASA refusing new connections because it cannot log them.

var classFailover = cls("failover-state-changed", "", cats(catHost), typeChange)

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
}

func init() { registerASA(asaSystem) }

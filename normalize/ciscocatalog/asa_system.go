package ciscocatalog

// ASA failover (104xxx) and the state of the box (201008): a unit taking
// over, or an ASA refusing new connections because it cannot log them.

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
	// "logging permit-hostdown" is off and the TCP syslog server is
	// unreachable: every new connection is refused.
	{ID: "201008", Rule: "cisco_asa.system", Class: cls("new-connections-disallowed", failure, cats(catNetwork), typeDenied),
		Formats: []string{`Disallowing new connections`}},
}

func init() { registerASA(asaSystem) }

package fortinet

import "github.com/nomenhq/nomen/normalize/vendor"

// Event logs whose class is their message id alone: the last five digits
// of the logid (type, subtype, then the message id: "0104043619" is
// wireless message 43619), with the meaning the FortiOS Log Message
// Reference gives it ("Message Meaning", FortiOS 6.0-7.6). Only ids whose
// meaning is an event ECS has a class for; the others of these subtypes
// (controller activity, AP and switch notices, REST API requests) are
// left unclassified. The action and status of the log are read first
// (systemClass, vpnClass, userClass): this table is the fallback.
var eventIDs = map[string]vendor.Class{
	// wireless: wireless intrusion detection (WIDS).
	"43619": classRogueAP,  // Offending AP detected
	"43620": classRogueAP,  // Offending AP on air
	"43542": classWIDS,     // Wireless EAPOL packet flooding detected
	"43544": classWIDS,     // Wireless management flooding detected
	"43548": classWIDS,     // Wireless Asleap attack detected
	"43577": classWiFiDeny, // Wireless client denied

	// ha: the cluster's members and roles.
	"37892": classHAState,  // Virtual cluster member state moved
	"37904": classHAState,  // Device set as HA primary (master)
	"37893": classHALost,   // Virtual cluster member dead
	"37913": classHALost,   // FGSP member left
	"37894": classHAJoin,   // Virtual cluster member joined
	"37912": classHAJoin,   // FGSP member joined
	"35016": classFailover, // HA failover success

	// sdwan (system before FortiOS 6.4): link and neighbor status.
	"22923": classSDWAN,         // Virtual WAN Link status
	"22924": classSDWAN,         // Virtual WAN Link volume status
	"22930": classSDWAN,         // SDWAN status warning
	"22934": classSDWAN,         // SDWAN status information
	"22926": classSDWANNeighbor, // SDWAN Neighbor status
	"22927": classSDWANNeighbor, // SDWAN Neighbor standalone
	"22928": classSDWANNeighbor, // SDWAN Neighbor primary
	"22929": classSDWANNeighbor, // SDWAN Neighbor secondary

	// connector: an SDN connector's dynamic address objects.
	"53200": classDynAddrAdd, // IP address added
	"53201": classDynAddrDel, // Dynamic address removed
	"53203": classDynAddrSet, // Dynamic address updated

	// endpoint: FortiClient's connections to the FortiGate.
	"45057": classFCTUp,   // FortiClient connection added
	"45058": classFCTDown, // FortiClient connection closed
	"45119": classFCTDown, // FortiClient disconnected

	// security-rating: the Security Fabric's rating of the configuration
	// (52001 was 5.6's device audit summary, the same report).
	"52000": classRating, // Security Rating summary
	"52001": classRating, // Security Rating result change

	// system.
	"40704": classPerf, // System performance statistics
	"20214": classIoC,  // Locally generated traffic goes to IoC location
}

var (
	classRogueAP  = vendor.NewClass("rogue-ap-detected", "", vendor.Cats("intrusion_detection", "network"), "info")
	classWIDS     = vendor.NewClass("wireless-attack-detected", "", vendor.Cats("intrusion_detection", "network"), "info")
	classWiFiDeny = vendor.NewClass("wireless-client-denied", "failure", vendor.Cats("network"), "connection", "denied")
	classHAState  = vendor.NewClass("ha-state-changed", "", vendor.Cats("host"), "change")
	classHALost   = vendor.NewClass("ha-member-lost", "", vendor.Cats("host"), "change")
	classHAJoin   = vendor.NewClass("ha-member-joined", "", vendor.Cats("host"), "change")
	classFailover = vendor.NewClass("ha-failover", "success", vendor.Cats("host"), "change")
	classSDWAN    = vendor.NewClass("sdwan-status", "", vendor.Cats("network"), "info")
	// An SD-WAN neighbor (a BGP peer the SD-WAN rules follow) and the
	// role it gives this unit.
	classSDWANNeighbor = vendor.NewClass("sdwan-neighbor-status", "", vendor.Cats("network"), "info")
	// An SDN connector resolved a dynamic address object to other
	// addresses: the object changed without an administrator.
	classDynAddrAdd = vendor.NewClass("dynamic-address-added", "", vendor.Cats("configuration"), "change")
	classDynAddrDel = vendor.NewClass("dynamic-address-removed", "", vendor.Cats("configuration"), "change")
	classDynAddrSet = vendor.NewClass("dynamic-address-updated", "", vendor.Cats("configuration"), "change")
	classFCTUp      = vendor.NewClass("endpoint-connected", "", vendor.Cats("network"), "connection", "start")
	classFCTDown    = vendor.NewClass("endpoint-disconnected", "", vendor.Cats("network"), "connection", "end")
	classRating     = vendor.NewClass("security-rating-reported", "", vendor.Cats("configuration"), "info")
	classPerf       = vendor.NewClass("performance-statistics", "", vendor.Cats("host"), "info")
	// The FortiGate's own traffic went to an address of a threat feed's
	// indicators of compromise.
	classIoC = vendor.NewClass("ioc-traffic-detected", "", vendor.Cats("intrusion_detection", "network"), "info")
)

// eventIDClass: the class of an event log's message id, none for an
// unknown id or a logid not of ten digits.
func eventIDClass(logid string) vendor.Class {
	if len(logid) != 10 || !vendor.IsDigits(logid) {
		return vendor.Class{}
	}
	return eventIDs[logid[5:]]
}

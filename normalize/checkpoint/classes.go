package checkpoint

import (
	"strings"

	"github.com/nomenhq/nomen/normalize/vendor"
)

// The classes: normalize/vendor's where the meaning is the same as
// another vendor's.
var (
	classAllowed   = vendor.ConnectionAllowed
	classDenied    = vendor.ConnectionDenied
	classIDS       = vendor.IntrusionDetected
	classIDSBlock  = vendor.IntrusionBlocked
	classMalware   = vendor.MalwareDetected
	classMalBlock  = vendor.MalwareBlocked
	classWebAllow  = vendor.WebRequestAllowed
	classWebBlock  = vendor.WebRequestBlocked
	classAppAllow  = vendor.ApplicationAllowed
	classAppBlock  = vendor.ApplicationBlocked
	classLogin     = vendor.LoggedIn
	classLoginFail = vendor.LogonFailed
	classLogout    = vendor.LoggedOut
	classCfgAdd    = vendor.ConfigAdded
	classCfgEdit   = vendor.ConfigChanged
	classCfgDel    = vendor.ConfigDeleted
	classCfgFail   = vendor.ConfigFailed
)

// classify: the auth_status of Identity Awareness, VPN and SmartConsole
// logs; the operation of an audit log (management: SmartConsole, Web-UI,
// the web API); else the action, by blade (product).
func classify(f *facts) vendor.Class {
	switch f.authStatus {
	case "Successful Login":
		return classLogin
	case "Failed Login":
		return classLoginFail
	}
	if f.operation != "" {
		// An audit log's action ("Accept") is not a connection's.
		return auditClass(f.operation, f.auditStatus == "Failure")
	}
	blade := bladeOf(f.product)
	switch f.action {
	case "Accept", "Allow":
		switch blade {
		case bladeURL:
			return classWebAllow
		case bladeApp:
			return classAppAllow
		}
		return classAllowed
	case "Drop", "Reject", "Block":
		switch blade {
		case bladeMalware:
			return classMalBlock
		case bladeIPS:
			return classIDSBlock
		case bladeURL:
			return classWebBlock
		case bladeApp:
			return classAppBlock
		}
		return classDenied
	case "Prevent", "Detect":
		switch {
		case blade == bladeMalware && f.action == "Prevent":
			return classMalBlock
		case blade == bladeMalware:
			return classMalware
		case f.action == "Prevent":
			return classIDSBlock
		}
		return classIDS
	case "Encrypt", "Decrypt":
		// A connection an accept rule passed into or out of a VPN tunnel
		// (its rule_action is "Accept").
		return classAllowed
	case "Key Install":
		// "Encryption keys were created": an IKE or IPsec SA with the peer.
		return vendor.TunnelEstablished
	case "Log In", "Authorize":
		// Authorize: a Client Authentication logon.
		return classLogin
	case "Failed Log In":
		return classLoginFail
	case "Log Out", "Deauthorize":
		return classLogout
	}
	return vendor.Class{}
}

// The blades whose verdicts are not a firewall rule's.
const (
	bladeOther = iota
	bladeMalware
	bladeIPS
	bladeURL
	bladeApp
)

// bladeOf reads the product ("Anti Malware" in R81 unifies Anti-Bot and
// Anti-Virus; "SmartDefense" is IPS's older name).
func bladeOf(product string) int {
	switch {
	case strings.Contains(product, "Anti-Virus"), strings.Contains(product, "Anti Virus"),
		strings.Contains(product, "Anti-Bot"), strings.Contains(product, "Anti Malware"),
		strings.Contains(product, "Anti-Malware"), strings.Contains(product, "Threat Emulation"):
		return bladeMalware
	case product == "IPS", product == "SmartDefense":
		return bladeIPS
	case product == "URL Filtering":
		return bladeURL
	case product == "Application Control":
		return bladeApp
	}
	return bladeOther
}

// auditClass: an audit log's operation ("Log In", "Create Object",
// "Modify Rule", "Delete Object", "Install Policy", "Publish"); others
// (updates, "IPS Update") get none.
func auditClass(op string, failed bool) vendor.Class {
	switch op {
	case "Log In":
		if failed {
			return classLoginFail
		}
		return classLogin
	case "Failed Log In":
		return classLoginFail
	case "Log Out":
		return classLogout
	}
	var c vendor.Class
	switch {
	case strings.HasPrefix(op, "Create "), strings.HasPrefix(op, "Add "):
		c = classCfgAdd
	case strings.HasPrefix(op, "Modify "), strings.HasPrefix(op, "Set "), strings.HasPrefix(op, "Edit "),
		strings.HasPrefix(op, "Rename "), op == "Install Policy", op == "Publish":
		c = classCfgEdit
	case strings.HasPrefix(op, "Delete "), strings.HasPrefix(op, "Remove "):
		c = classCfgDel
	default:
		return vendor.Class{}
	}
	if failed {
		return classCfgFail
	}
	return c
}

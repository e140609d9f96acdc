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
	classLogin     = vendor.LoggedIn
	classLoginFail = vendor.LogonFailed
	classLogout    = vendor.LoggedOut
)

// classify: the action (and for threat blades the product), or the
// auth_status of Identity Awareness, VPN and SmartConsole logs.
func classify(f *facts) vendor.Class {
	switch f.authStatus {
	case "Successful Login":
		return classLogin
	case "Failed Login":
		return classLoginFail
	}
	switch f.action {
	case "Accept", "Allow":
		return classAllowed
	case "Drop", "Reject", "Block":
		return classDenied
	case "Prevent", "Detect":
		malware := strings.Contains(f.product, "Anti-Virus") || strings.Contains(f.product, "Anti-Bot") ||
			strings.Contains(f.product, "Threat Emulation")
		switch {
		case malware && f.action == "Prevent":
			return classMalBlock
		case malware:
			return classMalware
		case f.action == "Prevent":
			return classIDSBlock
		}
		return classIDS
	case "Log In":
		return classLogin
	case "Failed Log In":
		return classLoginFail
	case "Log Out":
		return classLogout
	}
	return vendor.Class{}
}

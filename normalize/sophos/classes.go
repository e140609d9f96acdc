package sophos

import (
	"strings"

	"github.com/nomenhq/nomen/normalize/vendor"
)

// classify maps log_type, log_subtype, status and the connection event
// to a class (Sophos Firewall syslog guide: log types and their
// subtypes); other combinations get none (fields only).
func classify(f *facts) vendor.Class {
	switch f.typ {
	case "Firewall":
		switch f.subtype {
		case "Allowed":
			switch f.event {
			case "Start":
				return vendor.ConnectionBuilt
			case "Stop":
				return vendor.ConnectionTeardown
			}
			return vendor.ConnectionAllowed
		case "Denied":
			return vendor.ConnectionDenied
		}
	case "IDP", "IPS":
		switch f.subtype {
		case "Detect", "Alert":
			return vendor.IntrusionDetected
		case "Drop":
			return vendor.IntrusionBlocked
		}
	case "ATP":
		switch f.subtype {
		case "Alert":
			return vendor.IntrusionDetected
		case "Drop":
			return vendor.IntrusionBlocked
		}
	case "Anti-Virus":
		if f.subtype == "Virus" {
			return vendor.MalwareDetected
		}
	case "Content Filtering":
		if f.component == "Application" {
			return pick(f.subtype, vendor.ApplicationAllowed, vendor.ApplicationBlocked)
		}
		return pick(f.subtype, vendor.WebRequestAllowed, vendor.WebRequestBlocked)
	case "WAF":
		return pick(f.subtype, vendor.WebRequestAllowed, vendor.WebRequestBlocked)
	case "Event":
		// An authentication module's attempt: status Failed, or
		// Successful with the message of a login ("logged in
		// successfully", "authenticated successfully to login"); the
		// same subtype's other successes (a logout, a session end) get
		// no class.
		if f.subtype == "Authentication" {
			switch {
			case f.status == "Failed":
				return vendor.LogonFailed
			case f.status == "Successful" && (strings.Contains(f.message, "logged in") || strings.Contains(f.message, "to login")):
				return vendor.LoggedIn
			}
		}
	}
	return vendor.Class{}
}

// pick: an Allowed subtype's class or a Denied one's.
func pick(subtype string, allowed, denied vendor.Class) vendor.Class {
	switch subtype {
	case "Allowed":
		return allowed
	case "Denied":
		return denied
	}
	return vendor.Class{}
}

package wincatalog

import "strconv"

// The trust values of 4706 and 4716 (TdoType, TdoDirection, TdoAttributes,
// decimal), by the LSA names Microsoft's 4706 page gives them, as
// Winlogbeat's security module writes them in winlog.trustType,
// winlog.trustDirection and winlog.trustAttribute. The attributes are
// flags: a value of one known flag is named, any other (0, several
// flags) is left out, as Winlogbeat leaves it ("UNDEFINED" for 0 is no
// value of the event).
var (
	trustTypes = map[uint32]string{
		1: "TRUST_TYPE_DOWNLEVEL", 2: "TRUST_TYPE_UPLEVEL", 3: "TRUST_TYPE_MIT", 4: "TRUST_TYPE_DCE",
	}
	trustDirections = map[uint32]string{
		0: "TRUST_DIRECTION_DISABLED", 1: "TRUST_DIRECTION_INBOUND", 2: "TRUST_DIRECTION_OUTBOUND",
		3: "TRUST_DIRECTION_BIDIRECTIONAL",
	}
	trustAttributes = map[uint32]string{
		0x1: "TRUST_ATTRIBUTE_NON_TRANSITIVE", 0x2: "TRUST_ATTRIBUTE_UPLEVEL_ONLY",
		0x4: "TRUST_ATTRIBUTE_QUARANTINED_DOMAIN", 0x8: "TRUST_ATTRIBUTE_FOREST_TRANSITIVE",
		0x10: "TRUST_ATTRIBUTE_CROSS_ORGANIZATION", 0x20: "TRUST_ATTRIBUTE_WITHIN_FOREST",
		0x40: "TRUST_ATTRIBUTE_TREAT_AS_EXTERNAL", 0x80: "TRUST_ATTRIBUTE_USES_RC4_ENCRYPTION",
		0x200: "TRUST_ATTRIBUTE_CROSS_ORGANIZATION_NO_TGT_DELEGATION", 0x400: "TRUST_ATTRIBUTE_PIM_TRUST",
	}
)

// Trust names a trust value ("3") for DecodeTrustType, DecodeTrustDirection
// or DecodeTrustAttribute; "" if the value is not one the table names.
func Trust(d Decode, code string) string {
	n, err := strconv.ParseUint(code, 10, 32)
	if err != nil {
		return ""
	}
	switch d {
	case DecodeTrustType:
		return trustTypes[uint32(n)]
	case DecodeTrustDirection:
		return trustDirections[uint32(n)]
	case DecodeTrustAttribute:
		return trustAttributes[uint32(n)]
	}
	return ""
}

package wincatalog

import "strconv"

// flagName is one bit of a flag word and its name.
type flagName struct {
	bit  uint32
	name string
}

// names returns the names of the bits set in mask, in table order, and
// "0x..." for set bits the table does not name (so nothing is lost).
func names(table []flagName, mask uint32) []string {
	var out []string
	known := uint32(0)
	for _, f := range table {
		known |= f.bit
		if mask&f.bit == f.bit && f.bit != 0 {
			out = append(out, f.name)
		}
	}
	for rest := mask &^ known; rest != 0; rest &= rest - 1 {
		bit := rest & -rest
		out = append(out, "0x"+strconv.FormatUint(uint64(bit), 16))
	}
	return out
}

// uacFlags are the account-control bits of the NewUacValue/OldUacValue
// of 4720, 4738, 4741 and 4742 (the SAM layout, which the events carry),
// by their names in [MS-SAMR] 2.2.1.12 (USER_ACCOUNT codes), as
// Winlogbeat's security module lists them in NewUACList/OldUACList (the
// events' messages, %%2080-%%2101, word them "Account Disabled"...).
var uacFlags = []flagName{
	{0x1, "USER_ACCOUNT_DISABLED"},
	{0x2, "USER_HOME_DIRECTORY_REQUIRED"},
	{0x4, "USER_PASSWORD_NOT_REQUIRED"},
	{0x8, "USER_TEMP_DUPLICATE_ACCOUNT"},
	{0x10, "USER_NORMAL_ACCOUNT"},
	{0x20, "USER_MNS_LOGON_ACCOUNT"},
	{0x40, "USER_INTERDOMAIN_TRUST_ACCOUNT"},
	{0x80, "USER_WORKSTATION_TRUST_ACCOUNT"},
	{0x100, "USER_SERVER_TRUST_ACCOUNT"},
	{0x200, "USER_DONT_EXPIRE_PASSWORD"},
	{0x400, "USER_ACCOUNT_AUTO_LOCKED"},
	{0x800, "USER_ENCRYPTED_TEXT_PASSWORD_ALLOWED"},
	{0x1000, "USER_SMARTCARD_REQUIRED"},
	{0x2000, "USER_TRUSTED_FOR_DELEGATION"},
	{0x4000, "USER_NOT_DELEGATED"},
	{0x8000, "USER_USE_DES_KEY_ONLY"},
	{0x10000, "USER_DONT_REQUIRE_PREAUTH"},
	{0x20000, "USER_PASSWORD_EXPIRED"},
	{0x40000, "USER_TRUSTED_TO_AUTHENTICATE_FOR_DELEGATION"},
	{0x80000, "USER_NO_AUTH_DATA_REQUIRED"},
	{0x100000, "USER_PARTIAL_SECRETS_ACCOUNT"},
	{0x200000, "USER_USE_AES_KEYS"},
}

// UACFlags names the account-control flags set in an event's
// NewUacValue or OldUacValue ("0x15" -> USER_ACCOUNT_DISABLED,
// USER_PASSWORD_NOT_REQUIRED, USER_NORMAL_ACCOUNT).
func UACFlags(mask uint32) []string { return names(uacFlags, mask) }

// ParseMask parses a hex mask as the events print it ("0x1", "0X12019F").
func ParseMask(s string) (uint32, bool) { return parseHex32(s) }

// Standard and generic access rights (the high bits of every access mask).
var commonAccess = []flagName{
	{0x10000, "DELETE"},
	{0x20000, "READ_CONTROL"},
	{0x40000, "WRITE_DAC"},
	{0x80000, "WRITE_OWNER"},
	{0x100000, "SYNCHRONIZE"},
	{0x1000000, "ACCESS_SYS_SEC"},
	{0x2000000, "MAXIMUM_ALLOWED"},
	{0x10000000, "GENERIC_ALL"},
	{0x20000000, "GENERIC_EXECUTE"},
	{0x40000000, "GENERIC_WRITE"},
	{0x80000000, "GENERIC_READ"},
}

// fileAccess: the file and directory rights of Microsoft's 4656/4663
// pages (the directory meaning of a bit after the slash).
var fileAccess = append([]flagName{
	{0x1, "ReadData/ListDirectory"},
	{0x2, "WriteData/AddFile"},
	{0x4, "AppendData/AddSubdirectory"},
	{0x8, "ReadEA"},
	{0x10, "WriteEA"},
	{0x20, "Execute/Traverse"},
	{0x40, "DeleteChild"},
	{0x80, "ReadAttributes"},
	{0x100, "WriteAttributes"},
}, commonAccess...)

// registryAccess: the registry key rights of Microsoft's 4656/4663 pages.
var registryAccess = append([]flagName{
	{0x1, "KEY_QUERY_VALUE"},
	{0x2, "KEY_SET_VALUE"},
	{0x4, "KEY_CREATE_SUB_KEY"},
	{0x8, "KEY_ENUMERATE_SUB_KEYS"},
	{0x10, "KEY_NOTIFY"},
	{0x20, "KEY_CREATE_LINK"},
	{0x100, "KEY_WOW64_64KEY"},
	{0x200, "KEY_WOW64_32KEY"},
}, commonAccess...)

// directoryAccess: the rights on a directory service object of 4661 and
// 4662 (ObjectServer DS), in the words of the events' own message texts
// (msobjs.dll %%7680-%%7688, "Control Access" for 0x100); the bits are
// [MS-ADTS] 5.1.3.2's.
var directoryAccess = append([]flagName{
	{0x1, "Create Child"},
	{0x2, "Delete Child"},
	{0x4, "List Contents"},
	{0x8, "Write Self"},
	{0x10, "Read Property"},
	{0x20, "Write Property"},
	{0x40, "Delete Tree"},
	{0x80, "List Object"},
	{0x100, "Control Access"},
}, commonAccess...)

// DirectoryAccessMask names the rights in a directory service object's
// access mask (4662's AccessMask when its ObjectServer is DS).
func DirectoryAccessMask(mask uint32) []string { return names(directoryAccess, mask) }

// AccessMask names the rights in a file or directory access mask
// (AccessMask of 4656, 4663, 5145); standard and generic rights by their
// Windows names. Use RegistryAccessMask for keys.
func AccessMask(mask uint32) []string { return names(fileAccess, mask) }

// RegistryAccessMask names the rights in a registry key access mask.
func RegistryAccessMask(mask uint32) []string { return names(registryAccess, mask) }

// serviceTypes names the ServiceType codes of 4697 (Microsoft's 4697
// page), as Winlogbeat's security module gives them in service.type.
var serviceTypes = map[uint32]string{
	0x1: "Kernel Driver", 0x2: "File System Driver", 0x8: "Recognizer Driver",
	0x10: "Win32 Own Process", 0x20: "Win32 Share Process",
	0x110: "Interactive Own Process", 0x120: "Interactive Share Process",
}

// ServiceType names a service type code ("0x10"), "" if unknown.
func ServiceType(code string) string {
	n, ok := parseHex32(code)
	if !ok {
		return ""
	}
	return serviceTypes[n]
}

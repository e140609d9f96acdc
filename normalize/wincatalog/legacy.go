package wincatalog

// Windows Vista renumbered the Security events. The legacy (2000/XP/2003)
// id of most events is the modern one minus 4096 (528 -> 4624, 592 ->
// 4688); a few are not (540, a network logon, is 4624; 529-537 and 539,
// logon failures named by reason, are all 4625; 517 is 1102; 612 is 4719;
// 807 is 4912). Source: Microsoft's "Appendix L: Events to Monitor" pairs
// the two ids; where it pairs one legacy id with two modern ones, the
// id's own meaning decides (676, "authentication ticket request failed",
// is 4772, and 667, "security-disabled universal group deleted", is 4763).
//
// Legacy ids without a modern equivalent (Appendix L's "N/A") are not
// here: 550 (possible denial-of-service), 619 (quality of service policy
// changed), 640 (general account database changed).

// legacyExceptions are the legacy ids whose modern id is not id + 4096.
var legacyExceptions = map[int]int{
	517: 1102,
	528: 4624, 540: 4624,
	529: 4625, 530: 4625, 531: 4625, 532: 4625, 533: 4625, 534: 4625, 535: 4625, 536: 4625, 537: 4625, 539: 4625,
	561: 4656, // "handle to an object was requested" (2003's handle allocated)
	566: 4662,
	602: 4698, // scheduled task created (2003 has one id for every task change)
	612: 4719,
	625: 4738, // user account type changed -> a user account was changed
	681: 4776, // logon failure (NTLM) -> credential validation with a failure status
	807: 4912,
}

// legacyPlus4096 are the ranges whose modern id is legacy + 4096 (each
// pair checked against Microsoft's list, the modern row existing).
var legacyPlus4096 = [][2]int{
	{512, 516}, {518, 520}, // 4608-4612, 4614-4616
	{538, 538}, {551, 552}, // 4634; 4647, 4648
	{560, 560}, {562, 565}, {567, 572}, // 4656; 4658-4661; 4663-4668
	{576, 578}, {592, 601}, // 4672-4674; 4688-4697
	{608, 611}, {613, 618}, {620, 622}, // 4704-4707; 4709-4714; 4716-4718
	{624, 624}, {626, 639}, {641, 668}, // 4720; 4722-4735; 4737-4764
	{671, 680}, {682, 685}, {687, 694}, // 4767-4776; 4778-4781; 4783-4790
	{772, 802}, // 4868-4898 (Certificate Services)
}

// legacyMin and legacyMax bound the legacy ids.
const legacyMin, legacyMax = 512, 807

var legacyModern [legacyMax - legacyMin + 1]uint16

func buildLegacy() {
	for _, r := range legacyPlus4096 {
		for id := r[0]; id <= r[1]; id++ {
			legacyModern[id-legacyMin] = uint16(id + 4096)
		}
	}
	for legacy, modern := range legacyExceptions {
		legacyModern[legacy-legacyMin] = uint16(modern)
	}
}

// Modern returns the modern id with the meaning of a legacy (2000/2003)
// Security id, and whether id is a legacy id the catalog knows.
func Modern(legacyID int) (int, bool) {
	if legacyID < legacyMin || legacyID > legacyMax {
		return 0, false
	}
	m := legacyModern[legacyID-legacyMin]
	return int(m), m != 0
}

// LegacyIDs returns the legacy ids Modern knows, ascending.
func LegacyIDs() []int {
	var ids []int
	for i, m := range legacyModern {
		if m != 0 {
			ids = append(ids, i+legacyMin)
		}
	}
	return ids
}

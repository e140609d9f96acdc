package windows

import "testing"

// A registry value the Security log names by its key and its name apart
// (4657) gives the fields Sysmon's value set (13) gives for the same value,
// by every road; a service's state change (7036) names the service by its
// display name, which is not service.name.

// registryValueWant: HKLM\SOFTWARE\Contoso\Run's value Updater set to a
// string, as ECS splits it (registry.path is the key, a backslash and the
// value's name; registry.data.strings a list, its type REG_SZ: 4657's
// %%1873).
var registryValueWant = map[string]any{
	"registry.path": `HKLM\SOFTWARE\Contoso\Run\Updater`, "registry.hive": "HKLM",
	"registry.key": `SOFTWARE\Contoso\Run`, "registry.value": "Updater",
	"registry.data.strings": []any{`C:\Tools\new.exe`}, "registry.data.type": "REG_SZ",
}

// TestRegistryValueModified: 4657 as the agent's XML, Winlogbeat's and
// NXLog's JSON, and Sysmon 13 for the same value.
func TestRegistryValueModified(t *testing.T) {
	xml := `<Event xmlns='http://schemas.microsoft.com/win/2004/08/events/event'><System><Provider Name='Microsoft-Windows-Security-Auditing'/>` +
		`<EventID>4657</EventID><Keywords>0x8020000000000000</Keywords><TimeCreated SystemTime='2025-03-04T09:10:11.5201234Z'/>` +
		`<EventRecordID>93</EventRecordID><Channel>Security</Channel><Computer>ws12</Computer></System><EventData>` +
		`<Data Name='SubjectUserSid'>S-1-5-21-1004336348-1177238915-682003330-1107</Data><Data Name='SubjectUserName'>dave</Data>` +
		`<Data Name='SubjectDomainName'>CORP</Data><Data Name='SubjectLogonId'>0x5a1f2</Data>` +
		`<Data Name='ObjectName'>\REGISTRY\MACHINE\SOFTWARE\Contoso\Run</Data><Data Name='ObjectValueName'>Updater</Data>` +
		`<Data Name='HandleId'>0x1f4</Data><Data Name='OperationType'>%%1905</Data><Data Name='OldValueType'>%%1873</Data>` +
		`<Data Name='OldValue'>C:\Tools\old.exe</Data><Data Name='NewValueType'>%%1873</Data><Data Name='NewValue'>C:\Tools\new.exe</Data>` +
		`<Data Name='ProcessId'>0xb10</Data><Data Name='ProcessName'>C:\Windows\regedit.exe</Data></EventData></Event>`
	beat := `{"@timestamp":"2025-03-04T09:10:11.520Z","winlog":{"channel":"Security","provider_name":"Microsoft-Windows-Security-Auditing",` +
		`"event_id":"4657","computer_name":"ws12","record_id":93,"keywords":["Audit Success"],"event_data":{` +
		`"SubjectUserSid":"S-1-5-21-1004336348-1177238915-682003330-1107","SubjectUserName":"dave","SubjectDomainName":"CORP",` +
		`"SubjectLogonId":"0x5a1f2","ObjectName":"\\REGISTRY\\MACHINE\\SOFTWARE\\Contoso\\Run","ObjectValueName":"Updater",` +
		`"HandleId":"0x1f4","OperationType":"%%1905","OldValueType":"%%1873","OldValue":"C:\\Tools\\old.exe",` +
		`"NewValueType":"%%1873","NewValue":"C:\\Tools\\new.exe","ProcessId":"0xb10","ProcessName":"C:\\Windows\\regedit.exe"}}}`
	nxlog := `{"EventTime":"2025-03-04 09:10:11","Hostname":"ws12","Keywords":-9214364837600034816,"EventType":"AUDIT_SUCCESS",` +
		`"EventID":4657,"SourceName":"Microsoft-Windows-Security-Auditing","Channel":"Security","RecordNumber":93,` +
		`"SubjectUserSid":"S-1-5-21-1004336348-1177238915-682003330-1107","SubjectUserName":"dave","SubjectDomainName":"CORP",` +
		`"SubjectLogonId":"0x5a1f2","ObjectName":"\\REGISTRY\\MACHINE\\SOFTWARE\\Contoso\\Run","ObjectValueName":"Updater",` +
		`"HandleId":"0x1f4","OperationType":"%%1905","NewValueType":"%%1873","NewValue":"C:\\Tools\\new.exe",` +
		`"ProcessId":"0xb10","ProcessName":"C:\\Windows\\regedit.exe","SourceModuleType":"im_msvistalog"}`
	for name, got := range map[string]map[string]any{
		"XML": decodeRoad(t, xml, true), "Winlogbeat": decodeRoad(t, beat, false), "NXLog": decodeRoad(t, nxlog, false)} {
		checkFields(t, "4657 "+name, got, registryValueWant)
		checkFields(t, "4657 "+name, got, map[string]any{"event.action": "registry-value-modified",
			"process.executable": `C:\Windows\regedit.exe`})
	}

	sysmon := `<Event xmlns='http://schemas.microsoft.com/win/2004/08/events/event'><System><Provider Name='Microsoft-Windows-Sysmon'/>` +
		`<EventID>13</EventID><TimeCreated SystemTime='2025-03-04T09:10:11.5201234Z'/><EventRecordID>94</EventRecordID>` +
		`<Channel>Microsoft-Windows-Sysmon/Operational</Channel><Computer>ws12</Computer><Security UserID='S-1-5-18'/></System>` +
		`<EventData><Data Name='EventType'>SetValue</Data><Data Name='UtcTime'>2025-03-04 09:10:11.500</Data>` +
		`<Data Name='ProcessId'>2832</Data><Data Name='Image'>C:\Windows\regedit.exe</Data>` +
		`<Data Name='TargetObject'>HKLM\SOFTWARE\Contoso\Run\Updater</Data>` +
		`<Data Name='Details'>C:\Tools\new.exe</Data></EventData></Event>`
	checkFields(t, "Sysmon 13", decodeRoad(t, sysmon, true), registryValueWant)

	// No value name given ("-"): the key's path alone, no registry.value.
	keyOnly := `{"@timestamp":"2025-03-04T09:10:11.520Z","winlog":{"channel":"Security","provider_name":"Microsoft-Windows-Security-Auditing",` +
		`"event_id":"4657","computer_name":"ws12","record_id":95,"keywords":["Audit Success"],"event_data":{` +
		`"ObjectName":"\\REGISTRY\\USER\\S-1-5-21-1-2-3-1001\\Software\\Contoso","ObjectValueName":"-"}}}`
	checkFields(t, "4657 without a value name", decodeRoad(t, keyOnly, false), map[string]any{
		"registry.path": `HKU\S-1-5-21-1-2-3-1001\Software\Contoso`, "registry.hive": "HKU",
		"registry.key": `S-1-5-21-1-2-3-1001\Software\Contoso`, "registry.value": nil})
}

// TestServiceStateChanged: 7036's param1 (a display name) is no
// service.name; the state is service.state; by XML, Winlogbeat's JSON and
// the rendered message.
func TestServiceStateChanged(t *testing.T) {
	xml := `<Event xmlns='http://schemas.microsoft.com/win/2004/08/events/event'><System><Provider Name='Service Control Manager'` +
		` Guid='{555908d1-a6d7-4695-8e1e-26931d2012f4}' EventSourceName='Service Control Manager'/><EventID Qualifiers='16384'>7036</EventID>` +
		`<Level>4</Level><Keywords>0x8080000000000000</Keywords><TimeCreated SystemTime='2025-03-04T09:10:11.5201234Z'/>` +
		`<EventRecordID>96</EventRecordID><Channel>System</Channel><Computer>ws12</Computer></System><EventData>` +
		`<Data Name='param1'>Background Intelligent Transfer Service</Data><Data Name='param2'>running</Data>` +
		`<Binary>420049005400530020002F0034000000</Binary></EventData></Event>`
	beat := `{"@timestamp":"2025-03-04T09:10:11.520Z","message":"The Background Intelligent Transfer Service service entered the running state.",` +
		`"winlog":{"channel":"System","provider_name":"Service Control Manager","event_id":"7036","computer_name":"ws12","record_id":96,` +
		`"keywords":["Classic"],"event_data":{"param1":"Background Intelligent Transfer Service","param2":"running",` +
		`"Binary":"420049005400530020002F0034000000"}}}`
	for name, got := range map[string]map[string]any{"XML": decodeRoad(t, xml, true), "Winlogbeat": decodeRoad(t, beat, false)} {
		checkFields(t, "7036 "+name, got, map[string]any{"event.action": "changed-service-state", "service.name": nil,
			"service.state": "running", "winlog.event_data.param1": "Background Intelligent Transfer Service"})
	}
}

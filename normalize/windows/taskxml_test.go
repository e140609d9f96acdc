package windows

import (
	"reflect"
	"strings"
	"testing"
)

// Who a scheduled task runs as and whether it is hidden or enabled, from
// its definition (Task Scheduler's task XML, written here), as Elastic's
// system integration gives them; nothing the definition does not state.
func TestScheduledTaskPrincipalsSettings(t *testing.T) {
	const subject = `"SubjectUserSid":"S-1-5-21-1-2-3-1104","SubjectUserName":"jdoe","SubjectDomainName":"CORP","SubjectLogonId":"0x5a1f3",`
	for _, c := range []struct {
		name, task string
		want       map[string]any
	}{{
		"a hidden task run as SYSTEM, highest privileges",
		"<?xml version=\"1.0\" encoding=\"UTF-16\"?>\r\n" + `<Task version="1.4" xmlns="http://schemas.microsoft.com/windows/2004/02/mit/task">` +
			`<RegistrationInfo><URI>\Contoso\Sync</URI></RegistrationInfo><Settings><Hidden>1</Hidden><Enabled>false</Enabled>` +
			`<IdleSettings><StopOnIdleEnd>true</StopOnIdleEnd></IdleSettings></Settings>` +
			`<Principals><Principal id="LocalSystem"><UserId>S-1-5-18</UserId><RunLevel>HighestAvailable</RunLevel></Principal></Principals>` +
			`<Actions Context="LocalSystem"><Exec><Command>C:\ProgramData\sync.exe</Command></Exec></Actions></Task>`,
		map[string]any{"winlog.scheduled_task.settings.hidden": true, "winlog.scheduled_task.settings.enabled": false,
			"winlog.scheduled_task.principals": []any{map[string]any{"id": "LocalSystem",
				"user": map[string]any{"identifier": "S-1-5-18"}, "run_level": "HighestAvailable"}}},
	}, {
		"two principals, an interactive one; no settings stated",
		`<Task><Principals><Principal id="Author"><UserId>CORP\jdoe</UserId><LogonType>InteractiveToken</LogonType>` +
			`<RunLevel>LeastPrivilege</RunLevel></Principal><Principal id="Users"><GroupId>S-1-5-32-545</GroupId></Principal></Principals>` +
			`<Actions Context="Author"><Exec><Command>notepad.exe</Command></Exec></Actions></Task>`,
		map[string]any{"winlog.scheduled_task.settings.hidden": nil, "winlog.scheduled_task.settings.enabled": nil,
			"winlog.scheduled_task.principals": []any{map[string]any{"id": "Author", "user": map[string]any{"identifier": `CORP\jdoe`},
				"logon": map[string]any{"type": "InteractiveToken"}, "run_level": "LeastPrivilege"}, map[string]any{"id": "Users",
				"group": map[string]any{"identifier": "S-1-5-32-545"}}}},
	}} {
		got := decodeRoad(t, secRecord("4698", subject+`"TaskName":"\\Contoso\\Sync","TaskContent":`+jsonStr(c.task)), false)
		for k, v := range c.want {
			if !reflect.DeepEqual(got[k], v) {
				t.Errorf("%s: %s = %#v, want %#v", c.name, k, got[k], v)
			}
		}
	}
}

// When a scheduled task runs (its definition's triggers) and what it runs,
// each with the one-line definition Elastic's system integration gives
// it; a trigger is enabled unless it says otherwise.
func TestScheduledTaskTriggers(t *testing.T) {
	task := `<Task><Triggers><LogonTrigger><UserId>CORP\jdoe</UserId></LogonTrigger>` +
		`<TimeTrigger><Repetition><Interval>PT15M</Interval><StopAtDurationEnd>false</StopAtDurationEnd></Repetition>` +
		`<StartBoundary>2026-03-01T08:00:00</StartBoundary><Enabled>false</Enabled></TimeTrigger><BootTrigger/></Triggers>` +
		`<Actions Context="Author"><Exec><Command>cmd.exe</Command><Arguments>/c echo a=b|more &amp; exit</Arguments></Exec>` +
		`<ComHandler><ClassId>{0F87369F-A4E5-4CFC-BD3E-73E6154572DD}</ClassId></ComHandler></Actions></Task>`
	got := decodeRoad(t, secRecord("4698", `"SubjectUserSid":"S-1-5-21-1-2-3-1104","SubjectUserName":"jdoe","TaskName":"\\Nightly",`+
		`"TaskContent":`+jsonStr(task)), false)
	want := map[string]any{
		"winlog.scheduled_task.triggers": []any{
			map[string]any{"type": "boot", "enabled": true, "definition": "v=1|type=boot|enabled=true|interval=|duration=|stop_at_duration_end="},
			map[string]any{"type": "time", "enabled": false, "repetition": map[string]any{"interval": "PT15M", "stop_at_duration_end": false},
				"definition": "v=1|type=time|enabled=false|interval=PT15M|duration=|stop_at_duration_end=false"},
			map[string]any{"type": "logon", "enabled": true, "definition": "v=1|type=logon|enabled=true|interval=|duration=|stop_at_duration_end="}},
		"winlog.scheduled_task.actions": []any{
			map[string]any{"type": "exec", "context": "Author", "command": "cmd.exe", "arguments": "/c echo a=b|more & exit",
				"definition": "v=1|type=exec|context=Author|command=cmd.exe|arguments=/c echo a%3Db%7Cmore & exit|working_directory=|class_id="},
			map[string]any{"type": "com_handler", "context": "Author", "class_id": "{0F87369F-A4E5-4CFC-BD3E-73E6154572DD}",
				"definition": "v=1|type=com_handler|context=Author|command=|arguments=|working_directory=|class_id={0F87369F-A4E5-4CFC-BD3E-73E6154572DD}"}},
	}
	for k, v := range want {
		if !reflect.DeepEqual(got[k], v) {
			t.Errorf("%s = %#v\nwant %#v", k, got[k], v)
		}
	}
}

// A definition's lists are read out up to maxTaskItems each (the task
// schema's limit on triggers): 3,000 empty triggers in 42 KB are
// not 330 KB of fields.
func TestScheduledTaskListsBounded(t *testing.T) {
	const subject = `"SubjectUserSid":"S-1-5-18","SubjectUserName":"SYSTEM","SubjectDomainName":"NT AUTHORITY","SubjectLogonId":"0x3e7",`
	task := `<Task><Triggers>` + strings.Repeat(`<BootTrigger/>`, 3000) + `</Triggers><Principals>` +
		strings.Repeat(`<Principal id="a"/>`, 200) + `</Principals><Actions Context="a">` +
		strings.Repeat(`<Exec><Command>a</Command></Exec>`, 200) + `</Actions></Task>`
	got := decodeRoad(t, secRecord("4698", subject+`"TaskName":"\\t","TaskContent":`+jsonStr(task)), false)
	for _, k := range []string{"triggers", "principals", "actions"} {
		list, _ := got["winlog.scheduled_task."+k].([]any)
		if len(list) != maxTaskItems {
			t.Errorf("%s: %d read out, want %d", k, len(list), maxTaskItems)
		}
	}
}

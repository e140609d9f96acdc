package windows

import (
	"strings"

	"github.com/nomenhq/nomen/relay/event"
)

// taskTriggerTypes are the trigger elements of a task definition with the
// type Elastic's system integration names them by, in the order it lists
// them (all of one type, in the definition's order, then the next type).
var taskTriggerTypes = [...][2]string{
	{"BootTrigger", "boot"}, {"WnfStateChangeTrigger", "wnf_state_change"}, {"TimeTrigger", "time"},
	{"CalendarTrigger", "calendar"}, {"LogonTrigger", "logon"}, {"RegistrationTrigger", "registration"},
	{"SessionStateChangeTrigger", "session_state_change"}, {"EventTrigger", "event"}, {"IdleTrigger", "idle"},
}

// setTaskTriggers sets <prefix>.triggers, one {type, enabled, repetition:
// {interval, duration, stop_at_duration_end}, definition} per trigger of
// the definition's Triggers (when a task runs: at boot, logon, a time, an
// event...), as Elastic's system integration gives them. A trigger is
// enabled unless it says otherwise (Task Scheduler's default); definition
// is the integration's canonical one-line form of the trigger
// ("v=1|type=time|enabled=true|interval=PT30M|duration=|stop_at_duration_end="),
// made to compare triggers across events.
func setTaskTriggers(e *event.Event, prefix, task string) {
	_, triggers, _, ok := xmlElement(task, "Triggers")
	if !ok {
		return
	}
	var list, def []byte
	n := 0
	for _, t := range taskTriggerTypes {
		for _, inner := range xmlElements(triggers, t[0]) {
			if n++; n > maxTaskItems {
				break
			}
			list = appendJSONMember(append(openListItem(list), '{'), "type", t[1], false)
			def = append(append(def[:0], "v=1|type="...), t[1]...)
			def = append(def, "|enabled="...)
			enabled, stated := "true", false
			if _, _, _, stated = xmlElement(inner, "Enabled"); stated {
				enabled = taskBool(xmlElementText(inner, "Enabled"))
			}
			if enabled != "" {
				list = append(append(list, `,"enabled":`...), enabled...)
				def = append(def, enabled...)
			}
			var interval, duration, stop string
			if _, rep, _, ok := xmlElement(inner, "Repetition"); ok {
				interval, duration = xmlElementText(rep, "Interval"), xmlElementText(rep, "Duration")
				stop = taskBool(xmlElementText(rep, "StopAtDurationEnd"))
			}
			if interval != "" || duration != "" || stop != "" {
				list = append(list, `,"repetition":{`...)
				comma := false
				for _, m := range [...][2]string{{"interval", interval}, {"duration", duration}} {
					if m[1] != "" {
						list, comma = appendJSONMember(list, m[0], m[1], comma), true
					}
				}
				if stop != "" {
					if comma {
						list = append(list, ',')
					}
					list = append(append(list, `"stop_at_duration_end":`...), stop...)
				}
				list = append(list, '}')
			}
			def = appendDefinitionValue(append(def, "|interval="...), interval)
			def = appendDefinitionValue(append(def, "|duration="...), duration)
			def = append(append(def, "|stop_at_duration_end="...), stop...)
			list = append(appendJSONMember(list, "definition", string(def), true), '}')
		}
	}
	if len(list) > 0 {
		e.Set(prefix+".triggers", event.RawJSON(string(append(list, ']'))))
	}
}

// taskBool is a task definition's boolean ("true"/"1", "false"/"0", any
// case) as JSON's true or false, "" when it is neither.
func taskBool(v string) string {
	switch strings.ToLower(v) {
	case "true", "1":
		return "true"
	case "false", "0":
		return "false"
	}
	return ""
}

// appendDefinitionValue appends v to a canonical definition with the
// characters that would break its "|key=value" form (%, |, =, control
// characters) as %XX, the integration's escaping.
func appendDefinitionValue(dst []byte, v string) []byte {
	const hex = "0123456789ABCDEF"
	for i := 0; i < len(v); i++ {
		switch c := v[i]; {
		case c == '%' || c == '|' || c == '=' || c < 0x20 || c == 0x7f:
			dst = append(dst, '%', hex[c>>4], hex[c&15])
		default:
			dst = append(dst, c)
		}
	}
	return dst
}

package windows

import (
	"strings"

	"github.com/nomenhq/nomen/normalize/ecs"
	"github.com/nomenhq/nomen/normalize/vendor"
)

// The JSON roads' mappers: each scalar of a document, by its key and the
// keys around it, to the winEvent (NXLog's is in nxlog.go).

// jsonMember maps one scalar of the document to w: key is its member's
// key (the array's, for an array's element), parents the keys of the
// objects and arrays around it. An object's string members, the usual
// ones, the scanner maps itself (members), with this switch.
func (w *winEvent) jsonMember(nx *nxlogHold, mode int, parents []string, key, v string) {
	switch mode {
	case jsonNXLog:
		w.nxlogField(nx, parents, key, v)
	case jsonWinlogbeat:
		w.winlogbeatField(parents, key, v)
	default:
		w.evtxField(parents, key, v)
	}
}

// winlogbeatField maps a Winlogbeat field (7.x+ under "winlog", 6.x at the top).
// Long because it is the table of Winlogbeat's fields, a case each.
func (w *winEvent) winlogbeatField(parents []string, key, v string) {
	if len(parents) > 0 && parents[0] == "winlog" {
		parents = parents[1:]
	} else if len(parents) == 0 {
		switch key {
		case "@timestamp":
			if t, ok := winTime(v); ok {
				w.time, w.exact = t, true
			}
			return
		case "message":
			w.message = v
			return
		case "log_name":
			w.channel = v
			return
		case "level":
			if w.level == "" {
				w.level = strings.ToLower(v)
			}
			return
		case "record_number":
			key = "record_id"
		case "source_name":
			key = "provider_name"
		case "event_id", "computer_name", "keywords", "task", "opcode":
		default:
			return
		}
	} else if len(parents) == 1 {
		switch p := parents[0]; {
		case p == "event" && key == "code" && w.code == "":
			w.setCode(v)
		case p == "event" && key == "outcome" && w.audit == "":
			w.setAuditKeyword(v)
		case p == "log" && key == "level":
			w.level = v
		case p == "host" && key == "name" && w.computer == "":
			w.computer = v
		case p == "event_data":
			w.add(key, v)
		}
		return
	}
	switch len(parents) {
	case 0:
		switch key {
		case "event_id":
			w.setCode(v)
		case "channel":
			w.channel = v
		case "record_id":
			if n, ok := ecs.ParseUint(v); ok {
				w.recordID, w.hasRecID = n, true
			}
		case "computer_name":
			w.computer = v
		case "provider_name":
			w.provider = v
		case "task":
			w.task = v
		case "opcode":
			w.opcode = v
		case "keywords":
			w.setAuditKeyword(v)
		case "time_created":
			// the record's time, when the document has no @timestamp (a
			// pipeline that dropped it, a hand-made document)
			if !w.exact {
				if t, ok := winTime(v); ok {
					w.time, w.exact = t, true
				}
			}
		}
	case 1:
		switch parents[0] {
		case "event_data":
			w.add(key, v)
		case "user_data":
			w.userData = true
			w.add(key, v)
		case "process":
			if key == "pid" {
				w.execPID = v
			}
		case "user":
			switch key {
			case "identifier":
				w.userSID = v
			case "name":
				w.userName = v
			case "domain":
				w.userDom = v
			case "type":
				w.userType = v
			}
		}
	case 2:
		if parents[0] == "process" && parents[1] == "thread" && key == "id" {
			w.execTID = v
		}
	}
}

// evtxField maps the evtx_dump rendering of the event XML: the value at
// Event/<section>/.../key.
func (w *winEvent) evtxField(parents []string, key, v string) {
	if len(parents) < 2 || parents[0] != "Event" {
		return
	}
	switch parents[1] {
	case "System":
		// The System child's name and the name under it: parents' or key.
		child, under := key, key
		if len(parents) > 2 {
			child = parents[2]
		}
		if len(parents) > 3 {
			under = parents[3]
		}
		switch child {
		case "EventID":
			if len(parents) == 2 || under == "#text" {
				w.setCode(v)
			}
		case "Provider":
			if len(parents) == 4 && key == "Name" {
				w.provider = v
			}
		case "Level":
			w.setLevelNumber(v)
		case "Keywords":
			if mask, ok := vendor.ParseHex(v); ok {
				w.setKeywordMask(mask)
			}
		case "TimeCreated":
			if t, ok := winTime(v); ok && key == "SystemTime" {
				w.time, w.exact = t, true
			}
		case "EventRecordID":
			if n, ok := ecs.ParseUint(v); ok {
				w.recordID, w.hasRecID = n, true
			}
		case "Execution":
			switch key {
			case "ProcessID":
				w.execPID = v
			case "ThreadID":
				w.execTID = v
			}
		case "Channel":
			w.channel = v
		case "Computer":
			w.computer = v
		case "Security":
			if key == "UserID" {
				w.userSID = v
			}
		}
	case "EventData":
		switch {
		case len(parents) == 2 && key != "#attributes":
			w.add(key, v)
		case len(parents) == 3 && parents[2] == "Data" && key == "#text":
			w.add(winParamName(w.n+1), v) // unnamed <Data>, an array
		}
	case "UserData":
		if len(parents) == 3 && key != "#attributes" {
			w.userData = true
			w.add(key, v)
		}
	}
}

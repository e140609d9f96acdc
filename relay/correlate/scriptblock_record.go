package correlate

import (
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/nomenhq/nomen/relay/event"
	"github.com/nomenhq/nomen/relay/stage/findingid"
)

// Fields of the reassembled record and the alert that ECS and Elastic's
// PowerShell integration have no name for.
const (
	fieldSBParts      = "nomen.script_block.parts"      // parts whose text is in the record
	fieldSBMissing    = "nomen.script_block.missing"    // numbers of the parts that never came (at most maxMissingListed)
	fieldSBTruncated  = "nomen.script_block.truncated"  // true: max_block_bytes cut the text
	fieldSBDuplicates = "nomen.script_block.duplicates" // parts that came again
	fieldSBClosedBy   = "nomen.script_block.closed_by"  // why an incomplete block was given up: timeout, max_open, max_bytes
	fieldGapCount     = "nomen.gap.count"               // parts missing, as the sequence tracker counts events
)

// reassembled emits the record of complete block b.
func (r *scriptBlocks) reassembled(en *Engine, b *block, received time.Time) {
	e := event.New(received)
	e.Time = time.Unix(0, b.Time).UTC()
	e.Fields = make([]event.Field, 0, 24)
	e.SetStr("event.kind", "event")
	e.Set("event.category", categoryProcess)
	e.Set("event.type", typeInfo)
	findingid.Set(e, r.b.name, b.idKey(), b.Time, "")
	e.SetStr("event.action", "powershell-script-block-reassembled")
	e.SetStr("event.module", "nomen")
	e.SetStr("event.dataset", DatasetPowerShell)
	text := b.fill(e)
	setEvidence(e, b.evidence())
	msg := make([]byte, 0, 160)
	msg = append(msg, "PowerShell script block "...)
	msg = append(msg, b.ID...)
	msg = append(msg, " on "...)
	msg = append(msg, b.Host...)
	msg = append(msg, " reassembled from "...)
	msg = strconv.AppendInt(msg, int64(b.Total), 10)
	msg = append(msg, " parts ("...)
	msg = strconv.AppendInt(msg, int64(len(text)), 10)
	msg = append(msg, " bytes"...)
	if b.Truncated {
		msg = append(msg, ", truncated at max_block_bytes"...)
	}
	msg = append(msg, ')')
	if b.Path != "" {
		msg = append(append(msg, ": "...), b.Path...)
	}
	e.Message = string(msg)
	en.emit(&r.b, e)
	en.scriptBlock("complete")
}

// idKey is the group key of b's record and alert in their ids
// (findingid): the host and the ScriptBlockId, a GUID.
func (b *block) idKey() string { return b.Host + "\x00" + b.ID }

// incompleteAlert raises the alert for block b, given up for why.
func (r *scriptBlocks) incompleteAlert(en *Engine, b *block, why string, now time.Time) {
	f := newFinding(&r.incomplete, DatasetPowerShell, ruleScriptBlockIncomplete, time.Unix(0, b.Time).UTC(), now)
	f.id(&r.incomplete, b.idKey(), b.Time, "")
	b.fill(f.e)
	f.evidence(b.evidence())
	missing, n := b.missing()
	f.e.SetInt(fieldGapCount, int64(n))
	if len(missing) > 0 {
		f.e.Set(fieldSBMissing, event.Strings(missing...))
	}
	f.e.SetStr(fieldSBClosedBy, why)
	f.e.SetStr(FieldFindingKey, "host.name="+b.Host+" powershell.file.script_block_id="+b.ID)
	var reason string
	switch why {
	case "timeout":
		reason = "no part for " + fmtDuration(r.timeout)
	case "max_open":
		reason = "more blocks open than max_open"
	case "max_bytes":
		reason = "open blocks over max_bytes"
	}
	var msg strings.Builder
	msg.WriteString("PowerShell script block " + b.ID + " on " + b.Host + " incomplete: ")
	msg.WriteString(strconv.Itoa(b.arrived()) + " of " + strconv.Itoa(b.Total) + " parts arrived")
	if len(missing) > 0 {
		msg.WriteString(", missing " + strings.Join(missing, ", "))
		if len(missing) < n {
			msg.WriteString(", ...")
		}
	}
	msg.WriteString(" (" + reason + ")")
	f.e.Message = msg.String()
	en.emit(&r.incomplete, f.e)
	en.scriptBlock("incomplete")
}

// fill sets the fields the record and the alert share and returns the
// text: the parts' texts in order.
func (b *block) fill(e *event.Event) string {
	var sb strings.Builder
	sb.Grow(b.Bytes)
	for i := range b.Parts {
		sb.WriteString(b.Parts[i].Text)
	}
	text := sb.String()
	e.SetStr("host.name", b.Host)
	e.SetStr("powershell.file.script_block_id", b.ID)
	e.SetStr("powershell.file.script_block_text", text)
	e.SetInt("powershell.total", int64(b.Total))
	e.SetInt(fieldSBParts, int64(len(b.Parts)))
	if b.Path != "" {
		e.SetStr("file.path", b.Path)
		e.SetStr("file.name", baseName(b.Path))
	}
	e.SetStr("user.id", b.UserID)
	e.SetStr("user.name", b.User)
	e.SetStr("user.domain", b.Domain)
	if b.PID != 0 {
		e.SetInt("process.pid", b.PID)
	}
	if b.Truncated {
		e.Set(fieldSBTruncated, event.Bool(true))
	}
	if b.Duplicates > 0 {
		e.SetInt(fieldSBDuplicates, int64(b.Duplicates))
	}
	return text
}

// evidence returns b's evidence with the parts' journal IDs in part order.
func (b *block) evidence() *evidence {
	v := b.Evidence
	v.IDs = make([]uint64, 0, min(len(b.Parts), maxIDs))
	for i := range b.Parts {
		if id := b.Parts[i].ID; id != 0 && len(v.IDs) < maxIDs {
			v.IDs = append(v.IDs, id)
		}
	}
	v.Count = int32(len(b.Parts))
	return &v
}

// missing lists the numbers of the parts that never came (at most
// maxMissingListed) and counts them. The numbers of parts dropped at
// max_block_bytes are not kept: a truncated block counts its missing parts
// but cannot list them.
func (b *block) missing() ([]string, int) {
	n := max(b.Total-b.arrived(), 0)
	if b.Truncated && b.Over > 0 {
		return nil, n
	}
	var out []string
	next := 1
	add := func(upTo int) { // the numbers next..upTo-1 are missing
		for ; next < upTo && len(out) < maxMissingListed; next++ {
			out = append(out, strconv.Itoa(next))
		}
		next = upTo + 1
	}
	for i := range b.Parts {
		add(b.Parts[i].N)
	}
	add(b.Total + 1)
	return slices.Clip(out), n
}

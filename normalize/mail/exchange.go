package mail

import (
	"strings"
	"time"

	"github.com/nomenhq/nomen/normalize/ecs"
	"github.com/nomenhq/nomen/relay/event"
)

// Exchange message tracking logs, read from the files (bare lines) or
// forwarded by an agent under any program name.
//
// Exchange 2007 and later write CSV with a W3C-style header:
//
//	#Software: Microsoft Exchange Server
//	#Fields: date-time,client-ip,client-hostname,server-ip,...,event-id,...
//	2017-05-22T17:33:35.632Z,10.1.2.3,MX1,,EX01,"a, quoted, context",,SMTP,RECEIVE,...
//
// Exchange 2003 writes tab-separated lines ("2012-11-29<TAB>10:42:15 GMT<TAB>...")
// after "#Fields: Date<TAB>Time<TAB>client-ip<TAB>...".
//
// The header sets the columns of the lines that follow it from the same
// source. The normalizer is shared by every connection, so the last
// header is remembered per (input, host) in a small bounded map; a data
// line from a source whose header nomen has not seen (it started before
// nomen did) is read with the documented default columns of its version,
// recognised by the number of fields, and only when its event id has a
// tracking event id's shape. The same files' SMTP protocol logs
// (exchange_protocol.go) and agent log (exchange_agent.go) go through
// this decoder too: their headers set the source's layout, and a
// protocol line is told by its own shape.

// exchangeMaxSources bounds the header memory (ecs.Layouts).
const exchangeMaxSources = 4096

type exchangeDecoder struct {
	layouts *ecs.Layouts[*exchangeLayout]
}

// exchangeLayout is the column order of one header.
type exchangeLayout struct {
	tab      bool // Exchange 2003
	cols     []exCol
	protocol byte     // an SMTP protocol log's direction (exchange_protocol.go); 0 message tracking
	agent    []string // an agent log's column names, lower case (exchange_agent.go)
}

func newExchangeDecoder() *exchangeDecoder {
	return &exchangeDecoder{layouts: ecs.NewLayouts[*exchangeLayout](exchangeMaxSources)}
}

// gateExchange: sniffExchange's lines start with the year's digits.
var gateExchange = ecs.SniffGate{First: "0123456789"}

// sniffExchange recognises a tracking data line: it starts with a date
// followed by 'T' (2007+) or a TAB (2003). A 2007+ line's first field is
// its date-time alone ("2017-05-22T17:33:35.632Z,"): a message that
// starts with an ISO time and then words ("2021-04-30T11:31:19Z
// firepower %NGIPS-1-430002: SrcIP: ..., DstIP: ...", a device's own
// header) is no tracking line, however many commas follow.
func sniffExchange(e *event.Event) bool {
	m := e.Message
	if len(m) < 24 || !isDigit4(m) || m[4] != '-' {
		return false
	}
	if m[7] == '-' && m[10] == 'T' {
		c := strings.IndexByte(m[:min(len(m), 40)], ',')
		return c > 0 && strings.IndexByte(m[:c], ' ') < 0
	}
	return exchange2003Date(m) > 0
}

// exchange2003Date returns the index of the TAB after a leading
// "YYYY-M-D" (month and day with or without a leading zero), or 0.
func exchange2003Date(m string) int {
	i := 5
	for part := 0; part < 2; part++ {
		j := i
		for j < len(m) && j-i < 2 && '0' <= m[j] && m[j] <= '9' {
			j++
		}
		if j == i || j >= len(m) {
			return 0
		}
		if part == 0 && m[j] != '-' || part == 1 && m[j] != '\t' {
			return 0
		}
		i = j + 1
	}
	return i - 1
}

func isDigit4(s string) bool {
	for i := 0; i < 4; i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

func (x *exchangeDecoder) decode(e *event.Event) bool {
	m := e.Message
	if strings.HasPrefix(m, "#") {
		return x.header(e, m)
	}
	if !sniffExchange(e) {
		return false
	}
	layout, _ := x.layouts.Get(e)

	var buf [48]string
	tab := m[10] != 'T'
	if !tab {
		if f := exchangeProtocolLine(m, buf[:0]); f != nil {
			dir := exProtocolUnknown
			if layout != nil && layout.protocol != 0 {
				dir = layout.protocol
			}
			decodeExchangeProtocol(e, f, dir)
			return true
		}
	}
	sep := byte(',')
	if tab {
		sep = '\t'
	}
	fields := splitDelimited(m, sep, buf[:0])
	if layout != nil && layout.agent != nil && !tab {
		if decodeExchangeAgent(e, layout.agent, fields) {
			return true
		}
		layout = nil // a tracking line: its version's columns
	}
	if layout == nil || layout.tab != tab || layout.cols == nil {
		layout = exchangeDefault(tab, len(fields))
	}
	var v exValues
	for i, c := range layout.cols {
		if i < len(fields) && c != exUnknown {
			f := fields[i]
			if f == "-" && tab {
				f = ""
			}
			v[c] = f
		}
	}
	if !isExchangeEventID(v[exEventID], tab) {
		// A line of another Exchange log (the agent log's "OnEndOfData",
		// the connectivity log's), read with guessed columns or those of
		// a tracking header from the same source (one agent forwarding
		// several logs), would give its session id as a host and its
		// agent as a source.
		return false
	}
	ecs.Begin(e, "exchange", "exchange.tracking")
	ecs.Reserve(e, 24)
	v.set(e, tab)
	return true
}

// isExchangeEventID reports whether id has the shape of a tracking
// event id: upper-case letters (2007 and later: RECEIVE, SEND, ...) or a
// number (2003: 1019, 1028, ...).
func isExchangeEventID(id string, tab bool) bool {
	if tab {
		return ecs.IsDigits(id)
	}
	for i := 0; i < len(id); i++ {
		if id[i] < 'A' || id[i] > 'Z' {
			return false
		}
	}
	return id != ""
}

// header handles "#Fields: ..." (remembered) and the other header lines
// of a tracking log (recognised, no category).
func (x *exchangeDecoder) header(e *event.Event, m string) bool {
	fields, ok := strings.CutPrefix(m, "#Fields: ")
	if !ok {
		if t, ok := strings.CutPrefix(m, "#Log-type: "); ok && exchangeLogType(t) != 0 {
			x.layouts.Put(e, &exchangeLayout{protocol: exchangeLogType(t)})
			ecs.Begin(e, "exchange", "exchange.header")
			return true
		}
		if strings.HasPrefix(m, "#Software: Microsoft Exchange") || strings.HasPrefix(m, "#Log-type: Message Tracking") || strings.HasPrefix(m, "#Log-type: Agent Log") ||
			strings.HasPrefix(m, "# Message Tracking Log") || strings.HasPrefix(m, "# Exchange System Attendant") {
			// The source's lines are Exchange's; their columns, unknown
			// until its "#Fields:" line, are the defaults. A header
			// line that comes late keeps the columns already known.
			if _, known := x.layouts.Get(e); !known {
				x.layouts.Put(e, &exchangeLayout{})
			}
			ecs.Begin(e, "exchange", "exchange.header")
			return true
		}
		return x.versionOrDate(e, m)
	}
	if isExchangeProtocolHeader(fields) {
		// Its "#Log-type:" line, before it, told the direction.
		dir := exProtocolUnknown
		if l, known := x.layouts.Get(e); known && l.protocol != 0 {
			dir = l.protocol
		}
		x.layouts.Put(e, &exchangeLayout{protocol: dir})
		ecs.Begin(e, "exchange", "exchange.header")
		return true
	}
	if names := strings.Split(strings.TrimSpace(fields), ","); isExchangeAgentHeader(names) {
		for i, n := range names {
			names[i] = strings.ToLower(strings.TrimSpace(n))
		}
		x.layouts.Put(e, &exchangeLayout{agent: names})
		ecs.Begin(e, "exchange", "exchange.header")
		return true
	}
	if !strings.Contains(strings.ToLower(fields), "event-id") {
		return false // an IIS log header, not message tracking
	}
	tab := strings.IndexByte(fields, '\t') >= 0
	sep := byte(',')
	if tab {
		sep = '\t'
	}
	var buf [48]string
	names := splitDelimited(strings.TrimSpace(fields), sep, buf[:0])
	layout := &exchangeLayout{tab: tab, cols: make([]exCol, len(names))}
	for i, n := range names {
		layout.cols[i] = exColumnByName[strings.ToLower(strings.TrimSpace(n))]
	}
	x.layouts.Put(e, layout)
	ecs.Begin(e, "exchange", "exchange.header")
	e.SetInt("exchange.fields", int64(len(names)))
	return true
}

// versionOrDate recognises the "#Version:" (Exchange's build,
// "15.00.1104.000", set as service.version) and "#Date:" (ISO 8601 in UTC,
// "2017-05-22T17:33:35.632Z") lines of a tracking log's header, from a
// source whose last header was Exchange's: every W3C-style log writes
// such lines (IIS's are "#Version: 1.0" and "#Date: 2006-10-09 05:00:15").
func (x *exchangeDecoder) versionOrDate(e *event.Event, m string) bool {
	version, isVersion := strings.CutPrefix(m, "#Version: ")
	date, isDate := strings.CutPrefix(m, "#Date: ")
	switch {
	case isVersion && isExchangeBuild(version):
	case isDate && len(date) >= 20 && date[10] == 'T' && date[len(date)-1] == 'Z' && isDate10(date):
	default:
		return false
	}
	if _, known := x.layouts.Get(e); !known {
		return false
	}
	ecs.Begin(e, "exchange", "exchange.header")
	if isVersion {
		e.SetStr("service.version", version)
	}
	return true
}

// isExchangeBuild reports whether v is a build number of four dotted
// numbers ("15.00.1104.000", "08.03.0083.006").
func isExchangeBuild(v string) bool {
	parts := strings.Split(v, ".")
	for _, p := range parts {
		if p == "" || len(p) > 5 || !ecs.IsDigits(p) {
			return false
		}
	}
	return len(parts) == 4
}

// isDate10 reports whether s starts "YYYY-MM-DD".
func isDate10(s string) bool {
	return len(s) >= 10 && isDigit4(s) && s[4] == '-' && s[7] == '-' &&
		ecs.IsDigits(s[5:7]) && ecs.IsDigits(s[8:10])
}

// splitDelimited splits a CSV (sep ',', "..." quoting with "" escapes) or
// TSV line into dst. Quoted fields without escapes are substrings of s.
func splitDelimited(s string, sep byte, dst []string) []string {
	for {
		if sep == ',' && len(s) > 0 && s[0] == '"' {
			var b []byte
			i := 1
			start := 1
			for i < len(s) {
				if s[i] == '"' {
					if i+1 < len(s) && s[i+1] == '"' {
						b = append(b, s[start:i+1]...)
						i += 2
						start = i
						continue
					}
					break
				}
				i++
			}
			var f string
			if b == nil {
				f = s[start:min(i, len(s))]
			} else {
				f = string(append(b, s[start:min(i, len(s))]...))
			}
			dst = append(dst, f)
			if i+1 >= len(s) {
				return dst
			}
			s = s[i+1:]
			if j := strings.IndexByte(s, sep); j >= 0 {
				s = s[j+1:]
				continue
			}
			return dst
		}
		j := strings.IndexByte(s, sep)
		if j < 0 {
			return append(dst, s)
		}
		dst = append(dst, s[:j])
		s = s[j+1:]
	}
}

// exCol names a tracking log column.
type exCol uint8

const (
	exUnknown exCol = iota
	exDateTime
	exDate
	exTime
	exClientIP
	exClientHostname
	exPartnerName
	exServerIP
	exServerHostname
	exSourceContext
	exConnectorID
	exSource
	exEventID
	exInternalMessageID
	exMessageID
	exNetworkMessageID
	exRecipientAddress
	exRecipientStatus
	exTotalBytes
	exRecipientCount
	exRelatedRecipient
	exReference
	exSubject
	exSender
	exReturnPath
	exMessageInfo
	exDirectionality
	exTenantID
	exOriginalClientIP
	exOriginalServerIP
	exCustomData
	exPriority
	exReportStatus
	exOriginationTime
	exEncryption
	exServiceVersion
	exLinkedMsgID
	exTrafficType
	exLogID
	exSchemaVersion
	numExCols
)

var exColumnByName = map[string]exCol{
	"date-time": exDateTime, "date": exDate, "time": exTime, "client-ip": exClientIP,
	"client-hostname": exClientHostname, "partner-name": exPartnerName, "server-ip": exServerIP,
	"server-hostname": exServerHostname, "source-context": exSourceContext, "connector-id": exConnectorID,
	"source": exSource, "event-id": exEventID, "internal-message-id": exInternalMessageID,
	"message-id": exMessageID, "msgid": exMessageID, "network-message-id": exNetworkMessageID,
	"recipient-address": exRecipientAddress, "recipient-status": exRecipientStatus,
	"total-bytes": exTotalBytes, "recipient-count": exRecipientCount, "number-recipients": exRecipientCount,
	"related-recipient-address": exRelatedRecipient, "reference": exReference,
	"message-subject": exSubject, "sender-address": exSender, "return-path": exReturnPath,
	"message-info": exMessageInfo, "directionality": exDirectionality, "tenant-id": exTenantID,
	"original-client-ip": exOriginalClientIP, "original-server-ip": exOriginalServerIP,
	"custom-data": exCustomData, "priority": exPriority, "recipient-report-status": exReportStatus,
	"origination-time": exOriginationTime, "encryption": exEncryption, "service-version": exServiceVersion,
	"linked-msgid": exLinkedMsgID, "transport-traffic-type": exTrafficType, "log-id": exLogID,
	"schema-version": exSchemaVersion,
}

// The documented default columns of each version.
var (
	exLayout2003 = &exchangeLayout{tab: true, cols: []exCol{exDate, exTime, exClientIP, exClientHostname,
		exPartnerName, exServerHostname, exServerIP, exRecipientAddress, exEventID, exMessageID, exPriority,
		exReportStatus, exTotalBytes, exRecipientCount, exOriginationTime, exEncryption, exServiceVersion,
		exLinkedMsgID, exSubject, exSender}}
	exCols2007 = []exCol{exDateTime, exClientIP, exClientHostname, exServerIP, exServerHostname,
		exSourceContext, exConnectorID, exSource, exEventID, exInternalMessageID, exMessageID,
		exRecipientAddress, exRecipientStatus, exTotalBytes, exRecipientCount, exRelatedRecipient,
		exReference, exSubject, exSender, exReturnPath, exMessageInfo}
	exLayout2007 = &exchangeLayout{cols: exCols2007}
	exLayout2010 = &exchangeLayout{cols: append(append([]exCol{}, exCols2007...),
		exDirectionality, exTenantID, exOriginalClientIP, exOriginalServerIP, exCustomData)}
	exLayout2013 = &exchangeLayout{cols: append(append(append([]exCol{}, exCols2007[:11]...), exNetworkMessageID),
		append(append([]exCol{}, exCols2007[11:]...), exDirectionality, exTenantID, exOriginalClientIP,
			exOriginalServerIP, exCustomData, exTrafficType, exLogID, exSchemaVersion)...)}
)

func exchangeDefault(tab bool, n int) *exchangeLayout {
	switch {
	case tab:
		return exLayout2003
	case n <= 21:
		return exLayout2007
	case n <= 26:
		return exLayout2010
	}
	return exLayout2013
}

// exValues holds one line's values by column.
type exValues [numExCols]string

// exchangeActions maps event-id to event.action and outcome.
var exchangeActions = map[string][2]string{
	"RECEIVE": {actEmailReceive, ecs.OutcomeSuccess}, "SUBMIT": {"email-submit", ecs.OutcomeSuccess},
	"SEND": {actEmailSend, ecs.OutcomeSuccess}, "DELIVER": {actEmailDeliver, ecs.OutcomeSuccess},
	"DUPLICATEDELIVER": {actEmailDeliver, ecs.OutcomeSuccess}, "FAIL": {actEmailBounce, ecs.OutcomeFailure},
	"DSN": {actEmailDSN, ""}, "DEFER": {actEmailDefer, ecs.OutcomeFailure}, "DROP": {"email-drop", ecs.OutcomeFailure},
	"BADMAIL": {"email-badmail", ecs.OutcomeFailure}, "POISONMESSAGE": {"email-poison", ecs.OutcomeFailure},
	"EXPAND": {"email-expand", ""}, "REDIRECT": {"email-redirect", ""}, "RESOLVE": {"email-resolve", ""},
	"TRANSFER": {"email-transfer", ""}, "AGENTINFO": {"email-agentinfo", ""},
	"HAREDIRECT": {"email-haredirect", ""}, "HARECEIVE": {"email-hareceive", ""},
	"HADISCARD": {"email-hadiscard", ""}, "HAREDIRECTFAIL": {"email-haredirect", ecs.OutcomeFailure},
	"SUBMITDEFER": {actEmailDefer, ecs.OutcomeFailure}, "THROTTLE": {"email-throttle", ""},
	"MODERATORREJECT": {actEmailReject, ecs.OutcomeFailure}, "PROCESS": {"email-process", ""},
	"NOTIFYMAPI": {"email-notify", ""}, "SUBMITDROP": {"email-drop", ecs.OutcomeFailure},
	"SENDEXTERNAL": {actEmailSend, ecs.OutcomeSuccess}, "CLIENTSUBMISSION": {"email-submit", ecs.OutcomeSuccess},
	"SUBMITFAIL": {"email-submit", ecs.OutcomeFailure}, "RESUBMIT": {"email-resubmit", ""},
	"RESUBMITDEFER": {actEmailDefer, ecs.OutcomeFailure}, "RESUBMITFAIL": {"email-resubmit", ecs.OutcomeFailure},
	"MODERATORAPPROVE": {"email-moderator-approve", ecs.OutcomeSuccess}, "MODERATIONEXPIRE": {"email-moderation-expire", ecs.OutcomeFailure},
	"MODERATORSEXPIRED": {"email-moderation-expire", ecs.OutcomeFailure}, "DUPLICATEEXPAND": {"email-expand", ""},
	"DUPLICATEREDIRECT": {"email-redirect", ""}, "NOTIFYSHADOW": {"email-notify", ""}, "SUPPRESSED": {"email-suppressed", ""},
	"INITMESSAGECREATED": {"email-init", ""}, "LOAD": {"email-load", ""}, "PROCESSMEETINGMESSAGE": {"email-process", ""},
	// Exchange 2003 event ids (the ones with an unambiguous meaning).
	"1000": {actEmailDeliver, ecs.OutcomeSuccess}, "1019": {actEmailReceive, ecs.OutcomeSuccess},
	"1020": {actEmailSend, ""}, "1028": {actEmailDeliver, ecs.OutcomeSuccess},
	"1030": {actEmailBounce, ecs.OutcomeFailure}, "1031": {actEmailSend, ecs.OutcomeSuccess},
}

func (v *exValues) set(e *event.Event, tab bool) {
	id := v[exEventID]
	act, ok := exchangeActions[id]
	if !ok {
		act = [2]string{"email-tracking", ""}
	}
	classEmailInfo.Set(e, act[0], act[1])
	e.SetStr("event.code", id)
	e.SetStr("exchange.event_id", id)

	if tab {
		t, err := time.Parse("2006-1-2 15:4:5 MST", v[exDate]+" "+v[exTime])
		if err == nil {
			ecs.SetTimeIfNone(e, t)
		}
	} else if t, err := time.Parse(time.RFC3339Nano, v[exDateTime]); err == nil {
		ecs.SetTimeIfNone(e, t)
	}
	ecs.SetAddress(e, "source", v[exClientIP])
	ecs.SetAddress(e, "source", v[exClientHostname])
	ecs.SetAddress(e, "destination", v[exServerIP])
	ecs.SetAddress(e, "destination", v[exServerHostname])
	setEmailAddrs(e, "email.to.address", v[exRecipientAddress])
	setEmailAddrs(e, "email.from.address", v[exSender])
	setMessageID(e, v[exMessageID])
	e.SetStr("email.local_id", v[exInternalMessageID])
	e.SetStr("email.subject", v[exSubject])
	switch strings.ToLower(v[exDirectionality]) {
	case "incoming":
		e.SetStr("email.direction", "inbound")
	case "originating":
		e.SetStr("email.direction", "outbound")
	}
	if id == "FAIL" || id == "DEFER" || id == "DSN" {
		e.SetStr("event.reason", v[exRecipientStatus])
	}
	ecs.SetUint(e, "exchange.total_bytes", v[exTotalBytes])
	ecs.SetUint(e, "exchange.recipient_count", v[exRecipientCount])
	for _, kv := range [...]struct {
		key string
		col exCol
	}{
		{"exchange.source", exSource}, {"exchange.source_context", exSourceContext},
		{"exchange.connector_id", exConnectorID}, {"exchange.network_message_id", exNetworkMessageID},
		{"exchange.recipient_status", exRecipientStatus}, {"exchange.related_recipient_address", exRelatedRecipient},
		{"exchange.reference", exReference}, {"exchange.return_path", exReturnPath},
		{"exchange.message_info", exMessageInfo}, {"exchange.directionality", exDirectionality},
		{"exchange.tenant_id", exTenantID}, {"exchange.original_client_ip", exOriginalClientIP},
		{"exchange.original_server_ip", exOriginalServerIP}, {"exchange.custom_data", exCustomData},
		{"exchange.partner_name", exPartnerName}, {"exchange.priority", exPriority},
		{"exchange.recipient_report_status", exReportStatus}, {"exchange.origination_time", exOriginationTime},
		{"exchange.encryption", exEncryption}, {"exchange.service_version", exServiceVersion},
		{"exchange.linked_msgid", exLinkedMsgID}, {"exchange.transport_traffic_type", exTrafficType},
		{"exchange.log_id", exLogID}, {"exchange.schema_version", exSchemaVersion},
	} {
		e.SetStr(kv.key, v[kv.col])
	}
}

package mail

import "testing"

// One agent forwarding several Exchange logs from a host: a line of one
// log is not read with the columns of the other's last header.
func TestExchangeAgentAndTrackingInterleaved(t *testing.T) {
	x := newExchangeDecoder()
	agent := `2026-07-01T12:10:00.000Z,08DB1234ABCD5690,198.51.100.160,<abc@mail.example.net>,a@b.example,a@b.example,c@example.org,Content Filter Agent,OnEndOfData,RejectMessage,550 5.7.1 Rejected,SclAtOrAboveRejectThreshold,9,,1f2e3d4c-5b6a-4789-a0b1-c2d3e4f5a6b7,,Incoming`
	tracking := `2026-07-01T10:00:00.000Z,192.0.2.1,,,,,,SMTP,RECEIVE,,<m@x>,carol@example.org,,,,,,,dave@example.net,,`

	x.decode(exchangeEvent("h", "#Fields: date-time,client-ip,client-hostname,server-ip,server-hostname,source-context,connector-id,source,event-id,internal-message-id,message-id,recipient-address,recipient-status,total-bytes,recipient-count,related-recipient-address,reference,message-subject,sender-address,return-path,message-info"))
	if e := exchangeEvent("h", agent); x.decode(e) {
		t.Errorf("agent line read with the tracking header's columns: %v", e.Fields)
	}
	x.decode(exchangeEvent("h", "#Fields: Timestamp,SessionId,IPAddress,MessageId,P1FromAddress,P2FromAddresses,Recipients,Agent,Event,Action,SmtpResponse,Reason,ReasonData,Diagnostics,NetworkMsgID,TenantID,Directionality"))
	e := exchangeEvent("h", tracking)
	if !x.decode(e) || e.Str("nomen.rule") != "exchange.tracking" || e.Str("email.from.address") != "dave@example.net" {
		t.Errorf("tracking line after an agent header: %v", e.Fields)
	}
	e = exchangeEvent("h", agent)
	if !x.decode(e) || e.Str("nomen.rule") != "exchange.agent" || e.Str("source.ip") != "198.51.100.160" || e.Str("event.action") != "email-reject" {
		t.Errorf("agent line after its header: %v", e.Fields)
	}
}

package event

// FieldEncodeError marks an event kept in its safe form (SafeForm): why
// encoding it whole failed.
const FieldEncodeError = "nomen.encode_error"

// SafeForm returns the form of e that nomen keeps when encoding e whole
// panicked (a bug that e found: in the journal's binary record, an
// output's or a live subscriber's JSON): e's ID, times, syslog header,
// origin and original message, without its decoded fields and structured
// data (where such a bug most likely is), with FieldEncodeError = why.
// The one copy of that form: every encoder's guard calls it.
func SafeForm(e *Event, why string) *Event {
	s := &Event{
		ID: e.ID, Time: e.Time, Received: e.Received,
		Original: e.Original, Message: e.Message,
		Pri: e.Pri, Hostname: e.Hostname, AppName: e.AppName, ProcID: e.ProcID, MsgID: e.MsgID,
		Input: e.Input, Peer: e.Peer, Format: e.Format, Flags: e.Flags,
	}
	s.SetStr(FieldEncodeError, why)
	return s
}

package kafka

import (
	"github.com/nomenhq/nomen/relay/event"
)

// appendKey appends the record key of e to dst: the source whose events
// must stay in order. Kafka keeps order only within a partition, and the
// partitioner puts all records of one key in one partition (murmur2 of the
// key, as the Java client does, so a consumer can compute it too).
//
// The key is the stream key of relay/sequence where that tracker numbers
// the source, in the same shape as its nomen.gap.stream, so that a gap
// alert names the key whose records it is about. The tracker does not
// export its key (it builds it while scanning the event's fields for other
// reasons), so this derives it from the same fields:
//
//	agent:<agent.id>/<winlog.channel>   the nomen agent: one Windows channel
//	rfc5424:<host>/<app-name>/<procid>  RFC 5424 messages with a sequenceId
//	snare:<host>                        Snare sequence numbers (all channels)
//	cisco:<host>                        Cisco sequence numbers
//
// and, for sources nothing numbers:
//
//	winlog:<host>/<winlog.channel>      Windows events forwarded as syslog
//	host:<host>/<program>               the rest: host and syslog APP-NAME
//
// The program is left out when it is a Cisco mnemonic ("%ASA-6-302013"),
// which names the message, not a program: a device's messages stay
// together. <host> is host.name, else the syslog HOSTNAME, else the
// sender's address (as the tracker does for Cisco IOS). An event with none
// of these has no key (nil) and is spread over the partitions.
func appendKey(dst []byte, e *event.Event) []byte {
	if agent := fieldStr(e, "agent.id"); agent != "" {
		dst = append(dst, "agent:"...)
		dst = append(dst, agent...)
		dst = append(dst, '/')
		return append(dst, fieldStr(e, "winlog.channel")...)
	}
	host := fieldStr(e, "host.name")
	if host == "" {
		host = e.Hostname
	}
	if host == "" {
		host = event.PeerHost(e.Peer)
	}
	if host == "" {
		return nil
	}
	channel := fieldStr(e, "winlog.channel")
	if e.Has("event.sequence") {
		switch {
		case e.Format == "rfc5424":
			dst = append(dst, "rfc5424:"...)
			dst = append(dst, host...)
			dst = append(dst, '/')
			dst = append(dst, e.AppName...)
			dst = append(dst, '/')
			return append(dst, e.ProcID...)
		case channel != "" || e.Has("winlog.event_id"):
			dst = append(dst, "snare:"...)
		default:
			dst = append(dst, "cisco:"...)
		}
		return append(dst, host...)
	}
	if channel != "" {
		dst = append(dst, "winlog:"...)
		dst = append(dst, host...)
		dst = append(dst, '/')
		return append(dst, channel...)
	}
	dst = append(dst, "host:"...)
	dst = append(dst, host...)
	if e.AppName != "" && e.AppName[0] != '%' {
		dst = append(dst, '/')
		dst = append(dst, e.AppName...)
	}
	return dst
}

// fieldStr returns the decoder-set string field key, "" if absent.
func fieldStr(e *event.Event, key string) string {
	v, ok := e.Field(key)
	if !ok || v.Type != event.TypeString {
		return ""
	}
	return v.Str
}

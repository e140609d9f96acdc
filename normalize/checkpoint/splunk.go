package checkpoint

import "strings"

// The Log Exporter's "splunk" format (sk122323, --format splunk): the same
// fields as key=value, separated by '|', a '=' or '|' inside a value
// escaped with a backslash (which stays in the value, as in the syslog
// form):
//
//	time=1570564111|hostname=gw-01|product=Firewall|action=Drop|ifdir=inbound|ifname=bond1|
//	origin=192.0.2.1|originsicname=CN\=gw-01,O\=mgmt..p7fdbt|dst=10.1.2.3|proto=6|s_port=33687|service=23|src=198.51.100.7|
//
// A line starts with "time=<epoch>|" or, without the time, with "|"; it
// always names the product. Segments without a '=' (an "origin=A|B" as
// some exporters write a cluster's two addresses) are not fields and are
// skipped.

// splunkBody reports whether msg is a Log Exporter line in the splunk
// format.
func splunkBody(msg string) bool {
	switch {
	case strings.HasPrefix(msg, "|"):
	case strings.HasPrefix(msg, "time="):
		i := len("time=")
		for i < len(msg) && '0' <= msg[i] && msg[i] <= '9' {
			i++
		}
		if i == len("time=") || i >= len(msg) || msg[i] != '|' {
			return false
		}
	default:
		return false
	}
	return strings.Contains(msg, "|product=")
}

// splunkPairs lists the key=value segments of a splunk-format line.
func splunkPairs(msg string, list []pair) []pair {
	for msg != "" {
		end := len(msg)
		for i := 0; i < len(msg); i++ {
			if msg[i] == '\\' {
				i++
			} else if msg[i] == '|' {
				end = i
				break
			}
		}
		seg := msg[:end]
		if end < len(msg) {
			msg = msg[end+1:]
		} else {
			msg = ""
		}
		eq := strings.IndexByte(seg, '=')
		if eq <= 0 || strings.ContainsAny(seg[:eq], ` \`) {
			continue
		}
		list = append(list, pair{seg[:eq], seg[eq+1:]})
	}
	return list
}

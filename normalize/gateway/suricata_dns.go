package gateway

import (
	"github.com/nomenhq/nomen/normalize/ecs"
	"github.com/nomenhq/nomen/relay/event"
)

// EVE's DNS records come in three layouts (docs.suricata.io, "Eve JSON
// Format", DNS; "Upgrading" 7 to 8):
//
//	v1: one record per query and per answer; an answer record's
//	    rrname/rrtype/ttl/rdata are that one answer's, not the question's;
//	v2: {"type":"query"|"answer","rrname","rrtype",...,"answers":[{...}]
//	    or "grouped":{"A":[...]}}: rrname/rrtype are the question;
//	v3 (Suricata 8): {"version":3,"type":"request"|"response",
//	    "queries":[{"rrname","rrtype"}],"answers":[{...}]}.
//
// So dns.question.* comes from a v2 record's rrname/rrtype or a v3
// record's first query, never from an answer.

// suricataECSAnswerRecord is suricataECS for a v1 answer record (a "dns"
// object carrying "rdata" or "ttl" itself): its rrname is an answer's.
var suricataECSAnswerRecord = func() map[string]ecsField {
	m := make(map[string]ecsField, len(suricataECS))
	for k, f := range suricataECS {
		m[k] = f
	}
	delete(m, "dns.rrname")
	delete(m, "dns.rrtype")
	return m
}()

// suricataDNSTypes: a record's dns.type -> ECS dns.type ("query" or
// "answer"); v3 writes "request" and "response".
var suricataDNSTypes = map[string]string{"query": "query", "answer": "answer", "request": "query", "response": "answer"}

// setSuricataDNS sets the ECS DNS fields that are a reading of the "dns"
// object rather than one member: dns.type in ECS's words, a v3 record's
// question, and the answers (dns.answers, the addresses in
// dns.resolved_ip).
func setSuricataDNS(e *event.Event, body string) {
	v, end, ok := findMember(body, 0, "dns")
	if !ok || body[v] != '{' {
		return
	}
	d := body[v:end]
	if t, ok := topString(d, "type"); ok {
		if ecsType, ok := suricataDNSTypes[t]; ok {
			e.SetStr("dns.type", ecsType)
		} else {
			e.Delete("dns.type")
			e.SetStr(suricataNamespace+"dns.type", t)
		}
	}
	if q, qend, ok := findMember(d, 0, "queries"); ok && d[q] == '[' {
		if first, fend, ok := firstObject(d[q:qend]); ok {
			obj := d[q:qend][first:fend]
			if name, ok := topString(obj, "rrname"); ok && name != "" && !e.Has("dns.question.name") {
				e.SetStr("dns.question.name", name)
				if typ, ok := topString(obj, "rrtype"); ok && typ != "" {
					e.SetStr("dns.question.type", typ)
				}
			}
		}
	}
	if a, aend, ok := findMember(d, 0, "answers"); ok && d[a] == '[' {
		setSuricataAnswers(e, d[a:aend])
	}
}

// setSuricataAnswers sets dns.answers ({"name","type","ttl","data"}, as
// ECS names an answer's members) and dns.resolved_ip (the A and AAAA
// answers' addresses) from EVE's answers list.
func setSuricataAnswers(e *event.Event, list string) {
	var answers []byte
	var ips []string
	i := skipSpace(list, 1)
	for i < len(list) && list[i] == '{' {
		end := skipValue(list, i)
		obj := list[i:end]
		data, _ := topString(obj, "rdata")
		name, _ := topString(obj, "rrname")
		typ, _ := topString(obj, "rrtype")
		if data != "" || name != "" {
			m := appendAnswerMember(nil, "name", name)
			m = appendAnswerMember(m, "type", typ)
			if t, tend, ok := findMember(obj, 0, "ttl"); ok {
				if _, ok := ecs.ParseUint(obj[t:tend]); ok {
					m = append(append(m, `,"ttl":`...), obj[t:tend]...)
				}
			}
			m = appendAnswerMember(m, "data", data)
			if len(answers) == 0 {
				answers = append(answers, '[')
			} else {
				answers = append(answers, ',')
			}
			answers = append(append(append(answers, '{'), m[1:]...), '}')
		}
		if (typ == "A" || typ == "AAAA") && ecs.IsIP(data) {
			ips = append(ips, data)
		}
		i = skipSpace(list, end)
		if i < len(list) && list[i] == ',' {
			i = skipSpace(list, i+1)
		}
	}
	if len(answers) > 0 {
		e.Set("dns.answers", event.RawJSON(string(append(answers, ']'))))
	}
	if len(ips) > 0 {
		e.Set("dns.resolved_ip", event.Strings(ips...))
	}
}

// appendAnswerMember appends ,"key":value (an empty value is left out).
func appendAnswerMember(b []byte, key, value string) []byte {
	if value == "" {
		return b
	}
	b = append(append(append(b, `,"`...), key...), `":`...)
	return event.AppendJSONString(b, value)
}

// firstObject returns the start and end of the first element of the
// array list when it is an object.
func firstObject(list string) (int, int, bool) {
	i := skipSpace(list, 1)
	if i >= len(list) || list[i] != '{' {
		return 0, 0, false
	}
	return i, skipValue(list, i), true
}

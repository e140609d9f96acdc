package cef

import "github.com/nomenhq/nomen/normalize/vendor"

// Field is where a key goes: an ECS field name and the value's kind.
type Field struct {
	Key  string
	Kind vendor.Kind
}

// cefDictionary is the CEF standard key dictionary ("Implementing ArcSight
// CEF", extension dictionary): short name, full name, ECS field. Keys with
// more than one possible meaning (act, cat, msg, deviceExternalId,
// deviceDirection, fileHash without its algorithm, the pre-NAT addresses)
// are not here and stay under cef.extensions.
var cefDictionary = []struct {
	short, full string
	f           Field
}{
	{"src", "sourceAddress", Field{"source.ip", vendor.IP}},
	{"spt", "sourcePort", Field{"source.port", vendor.Port}},
	{"shost", "sourceHostName", Field{"source.domain", vendor.Word}},
	{"smac", "sourceMacAddress", Field{"source.mac", vendor.MAC}},
	{"suser", "sourceUserName", Field{"source.user.name", vendor.User}},
	{"suid", "sourceUserId", Field{"source.user.id", vendor.Word}},
	{"sntdom", "sourceNtDomain", Field{"source.user.domain", vendor.Word}},
	{"spid", "sourceProcessId", Field{"source.process.pid", vendor.Uint}},
	{"sproc", "sourceProcessName", Field{"source.process.name", vendor.Text}},
	{"", "sourceTranslatedAddress", Field{"source.nat.ip", vendor.IP}},
	{"", "sourceTranslatedPort", Field{"source.nat.port", vendor.Port}},
	{"dst", "destinationAddress", Field{"destination.ip", vendor.IP}},
	{"dpt", "destinationPort", Field{"destination.port", vendor.Port}},
	{"dhost", "destinationHostName", Field{"destination.domain", vendor.Word}},
	{"dmac", "destinationMacAddress", Field{"destination.mac", vendor.MAC}},
	{"duser", "destinationUserName", Field{"destination.user.name", vendor.User}},
	{"duid", "destinationUserId", Field{"destination.user.id", vendor.Word}},
	{"dntdom", "destinationNtDomain", Field{"destination.user.domain", vendor.Word}},
	{"dpid", "destinationProcessId", Field{"destination.process.pid", vendor.Uint}},
	{"dproc", "destinationProcessName", Field{"destination.process.name", vendor.Text}},
	{"", "destinationTranslatedAddress", Field{"destination.nat.ip", vendor.IP}},
	{"", "destinationTranslatedPort", Field{"destination.nat.port", vendor.Port}},
	{"proto", "transportProtocol", Field{"network.transport", vendor.Transport}},
	{"app", "applicationProtocol", Field{"network.protocol", vendor.Protocol}},
	{"in", "bytesIn", Field{"source.bytes", vendor.Uint}},
	{"out", "bytesOut", Field{"destination.bytes", vendor.Uint}},
	{"dvc", "deviceAddress", Field{"observer.ip", vendor.IP}},
	{"dvchost", "deviceHostName", Field{"observer.hostname", vendor.Word}},
	{"dvcmac", "deviceMacAddress", Field{"observer.mac", vendor.MAC}},
	{"dvcpid", "deviceProcessId", Field{"process.pid", vendor.Uint}},
	{"", "deviceProcessName", Field{"process.name", vendor.Text}},
	{"", "deviceInboundInterface", Field{"observer.ingress.interface.name", vendor.Interface}},
	{"", "deviceOutboundInterface", Field{"observer.egress.interface.name", vendor.Interface}},
	{"rt", "deviceReceiptTime", Field{"@timestamp", vendor.Time}},
	{"start", "startTime", Field{"event.start", vendor.Time}},
	{"end", "endTime", Field{"event.end", vendor.Time}},
	{"reason", "", Field{"event.reason", vendor.Text}},
	{"request", "requestUrl", Field{"url.original", vendor.Text}},
	{"requestMethod", "", Field{"http.request.method", vendor.Word}},
	{"requestClientApplication", "", Field{"user_agent.original", vendor.Text}},
	{"requestContext", "", Field{"http.request.referrer", vendor.Text}},
	{"fname", "fileName", Field{"file.name", vendor.Text}},
	{"filePath", "", Field{"file.path", vendor.Text}},
	{"fsize", "fileSize", Field{"file.size", vendor.Uint}},
	{"", "fileCreateTime", Field{"file.created", vendor.Time}},
	{"", "fileModificationTime", Field{"file.mtime", vendor.Time}},
}

var cefKeys = func() map[string]Field {
	m := make(map[string]Field, 2*len(cefDictionary))
	for _, d := range cefDictionary {
		for _, k := range [...]string{d.short, d.full} {
			if k == "" {
				continue
			}
			if _, dup := m[k]; dup {
				panic("cef: duplicate key " + k)
			}
			m[k] = d.f
		}
	}
	return m
}()

// Lookup returns where a CEF extension key goes (short or full name).
func Lookup(key string) (Field, bool) {
	f, ok := cefKeys[key]
	return f, ok
}

package relay

import (
	"fmt"
	"net"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"

	"github.com/nomenhq/nomen/relay/listen"
	"github.com/nomenhq/nomen/relay/live"
)

// A configItem is a part of the configuration that check looks into, with
// the label its problems are reported under and the line it starts on.
type configItem struct {
	label string // `output "siem"`, "metrics", "journal", ...
	line  int
	v     any
}

// items lists what check walks: each listener, agent listener, nats
// listener and output, [metrics], [journal] and [correlate].
func (c *Config) items(data []byte) []configItem {
	var items []configItem
	seen := map[string]int{} // a name used twice: its second table is on its second line
	line := func(table, name string) int {
		lines := nameLines(data, table, name)
		n := seen[table+"/"+name]
		seen[table+"/"+name]++
		if n < len(lines) {
			return lines[n]
		}
		return 0
	}
	for i := range c.Listeners {
		name := c.Listeners[i].Name
		items = append(items, configItem{fmt.Sprintf("listener %q", name), line("listener", name), &c.Listeners[i]})
	}
	for i := range c.Agents {
		name := c.Agents[i].Name
		items = append(items, configItem{fmt.Sprintf("listener %q", name), line("listener", name), &c.Agents[i]})
	}
	for i := range c.NATSInputs {
		name := c.NATSInputs[i].Name
		items = append(items, configItem{fmt.Sprintf("listener %q", name), line("listener", name), &c.NATSInputs[i]})
	}
	for i := range c.Outputs {
		o := &c.Outputs[i]
		line := line("output", o.Common.Name)
		items = append(items, configItem{fmt.Sprintf("output %q", o.Common.Name), line, &o.Common},
			configItem{fmt.Sprintf("output %q", o.Common.Name), line, o.Sink})
	}
	items = append(items, configItem{"metrics", tableLine(data, "metrics"), &c.Metrics},
		configItem{"journal", tableLine(data, "journal"), &c.Journal})
	// One item per correlation rule, so that a problem names the rule and
	// its line rather than the whole [correlate] section.
	cr := &c.Correlate
	rule := func(kind, name string, v any) {
		table := "correlate." + kind
		items = append(items, configItem{fmt.Sprintf("%s %q", table, name), line(table, name), v})
	}
	for i := range cr.Match {
		rule("match", cr.Match[i].Name, &cr.Match[i])
	}
	for i := range cr.Threshold {
		rule("threshold", cr.Threshold[i].Name, &cr.Threshold[i])
	}
	for i := range cr.Pair {
		rule("pair", cr.Pair[i].Name, &cr.Pair[i])
	}
	for i := range cr.FirstSeen {
		rule("first_seen", cr.FirstSeen[i].Name, &cr.FirstSeen[i])
	}
	items = append(items, configItem{"correlate.process", tableLine(data, "correlate.process"), &cr.Process},
		configItem{"correlate.powershell", tableLine(data, "correlate.powershell"), &cr.PowerShell})
	return items
}

// walkTags calls fn for every field of v (recursively through structs,
// slices and pointers) that has a toml tag.
func walkTags(v reflect.Value, fn func(tag string, v reflect.Value)) {
	for v.Kind() == reflect.Pointer || v.Kind() == reflect.Interface {
		if v.IsNil() {
			return
		}
		v = v.Elem()
	}
	switch v.Kind() {
	case reflect.Slice, reflect.Array:
		for i := 0; i < v.Len(); i++ {
			walkTags(v.Index(i), fn)
		}
	case reflect.Struct:
		t := v.Type()
		for i := 0; i < t.NumField(); i++ {
			f := t.Field(i)
			if !f.IsExported() {
				continue
			}
			if tag, _, _ := strings.Cut(f.Tag.Get("toml"), ","); tag != "" && tag != "-" {
				fn(tag, v.Field(i))
			}
			walkTags(v.Field(i), fn)
		}
	}
}

// pathRoles says what the service does with the file a key names: read
// it, or write (create) it.
var pathRoles = map[string]string{
	"ca": "read", "cert": "read", "key": "read", "client_ca": "read", "creds": "read", "nkey": "read",
	"path": "write", "dead_letter": "write", "dir": "write-dir",
}

// checkPaths reports the files the service cannot read or write as acct:
// state_dir, the journal, output files and dead-letter files, TLS files,
// credentials, the API token file and rule files.
func (c *Config) checkPaths(data []byte, acct account, p *problems) {
	if err := acct.canWrite(c.StateDir, true); err != nil {
		p.errorf(keyLine(data, "state_dir"), "state_dir %s: %v", c.StateDir, err)
	}
	for _, it := range c.items(data) {
		walkTags(reflect.ValueOf(it.v), func(tag string, v reflect.Value) {
			role, ok := pathRoles[tag]
			if !ok || v.Kind() != reflect.String || v.String() == "" {
				return
			}
			path := v.String()
			if p.mentions(path) {
				return // validation said it already
			}
			var err error
			switch role {
			case "read":
				err = acct.canRead(path)
			case "write":
				err = acct.canWrite(path, false)
			case "write-dir":
				err = acct.canWrite(path, true)
			}
			if err != nil {
				p.errorf(it.line, "%s: %s %s: %v", it.label, tag, path, err)
			}
		})
	}
	if tf := c.Metrics.TokenFile; tf != "" && c.Metrics.Listen != "" {
		var err error
		if _, serr := os.Stat(tf); serr == nil {
			err = acct.canRead(tf)
		} else {
			err = acct.canWrite(tf, false) // written at the first start
		}
		if err != nil {
			p.errorf(tableLine(data, "metrics"), "metrics: token_file %s: %v", tf, err)
		}
	}
	for _, pattern := range c.Normalize.Rules {
		files, err := filepath.Glob(pattern)
		if err != nil {
			p.errorf(keyLine(data, "rules"), "normalize.rules %q: %v", pattern, err)
			continue
		}
		if len(files) == 0 {
			p.warnf(keyLine(data, "rules"), "normalize.rules %q matches no file", pattern)
		}
		for _, f := range files {
			if err := acct.canRead(f); err != nil {
				p.errorf(keyLine(data, "rules"), "normalize.rules %s: %v", f, err)
			}
		}
	}
}

// fieldTags are the keys whose values (or, for filters, map keys) name
// event fields.
var fieldTags = map[string]bool{"where": true, "where_not": true, "first": true, "second": true,
	"group_by": true, "fields": true, "field": true}

// checkFields warns about where / group_by keys that name a field no
// decoder or rule ever sets (relay/live's list of known fields): such a
// filter matches nothing, forever.
func (c *Config) checkFields(data []byte, ruleFields []string, p *problems) {
	for _, it := range c.items(data) {
		walkTags(reflect.ValueOf(it.v), func(tag string, v reflect.Value) {
			if !fieldTags[tag] {
				return
			}
			var keys []string
			switch v.Kind() {
			case reflect.Map:
				for _, k := range v.MapKeys() {
					keys = append(keys, k.String())
				}
			case reflect.Slice:
				for i := 0; i < v.Len(); i++ {
					if s, ok := v.Index(i).Interface().(string); ok {
						keys = append(keys, s)
					}
				}
			case reflect.String:
				if v.String() != "" {
					keys = append(keys, v.String())
				}
			}
			for _, k := range keys {
				if err := live.CheckField(k, ruleFields); err != nil {
					p.warnf(it.line, "%s: %s: %v", it.label, tag, err)
				}
			}
		})
	}
}

// checkAddresses reports listener and output addresses whose port is not
// a number from 0 (listeners: any free port) to 65535, or that are not
// host:port at all (unix socket listeners excepted: their address is a
// path, relative ones included).
func (c *Config) checkAddresses(data []byte, p *problems) {
	for _, it := range c.items(data) {
		if l, ok := it.v.(*listen.Config); ok && l.Protocol == "unix" {
			continue
		}
		walkTags(reflect.ValueOf(it.v), func(tag string, v reflect.Value) {
			if tag != "address" && tag != "listen" || v.Kind() != reflect.String || v.String() == "" {
				return
			}
			addr := v.String()
			if strings.HasPrefix(addr, "/") || strings.HasPrefix(addr, "@") || p.mentions(addr) {
				return // a unix socket; or validation said it already
			}
			_, port, err := net.SplitHostPort(addr)
			if err != nil {
				p.errorf(it.line, "%s: %s %q: want host:port", it.label, tag, addr)
				return
			}
			if n, err := strconv.Atoi(port); err != nil || n < 0 || n > 65535 {
				p.errorf(it.line, "%s: %s %q: port %q is not a number from 0 to 65535", it.label, tag, addr, port)
			}
		})
	}
}
